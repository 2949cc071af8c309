"""Source text as the engine sees it: lines split on \\r\\n, \\r and \\n only.

Form feed, \\x85 and the Unicode line separators are ordinary characters here
(str.splitlines would break on them and put findings on the wrong line).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate, repeat
from operator import add
from functools import cached_property

_TERMINATOR = re.compile(r"\r\n?")
_ANY_TERMINATOR = re.compile(r"\r\n|\r|\n")


def decode(data: bytes) -> str:
    """UTF-8 (a leading BOM dropped); bytes that are not UTF-8 become U+FFFD instead of failing."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace")


class SourceText:
    """One file's text with the views the checks need, each computed once."""

    __slots__ = ("text", "__dict__")

    def __init__(self, text: str):
        self.text = text

    @cached_property
    def normalized(self) -> str:
        """The text with every line terminator replaced by \\n.

        Line contents are unchanged, so (line, column) positions computed on
        it are positions in the original text."""
        t = self.text
        return _TERMINATOR.sub("\n", t) if "\r" in t else t

    @cached_property
    def lines(self) -> list[str]:
        return self.normalized.split("\n")

    @cached_property
    def data(self) -> bytes:
        """UTF-8 of `normalized`, which the regexes run on (RE2 works on bytes)."""
        return self.normalized.encode("utf-8", errors="surrogatepass")

    @cached_property
    def is_ascii(self) -> bool:
        return self.normalized.isascii()

    @cached_property
    def line_starts(self) -> list[int]:
        """Byte offset of each line's start in `data` (built in C: split, len, accumulate)."""
        parts = self.data.split(b"\n")
        return list(accumulate(map(add, map(len, parts), repeat(1, len(parts) - 1)), initial=0))

    def line_of_byte(self, offset: int) -> int:
        return bisect_right(self.line_starts, offset) - 1

    def line_start_byte(self, line: int) -> int:
        return self.line_starts[line]

    def column_of_byte(self, line: int, offset: int) -> int:
        """Code-point column of a byte offset that lies on `line`."""
        return self.column_at(line, self.line_starts[line], offset)

    def column_at(self, line: int, line_start: int, offset: int) -> int:
        """Code-point column of `offset`, given the byte offset where its line starts."""
        if self.is_ascii:
            return offset - line_start
        chunk = self.data[line_start:offset]
        try:  # `data` was encoded with surrogatepass: a lone surrogate is one code point
            return len(chunk.decode("utf-8", errors="surrogatepass"))
        except UnicodeDecodeError:  # an offset inside a character (RE2's `\C`)
            return len(chunk.decode("utf-8", errors="replace"))

    def line_span(self, line: int):
        """The whole text of a line as a span.

        Never empty where the text allows it: an empty line spans up to the
        start of the next one, so an editor still has something to underline."""
        from .model import Span

        lines = self.lines
        line = max(0, min(line, len(lines) - 1))
        length = len(lines[line])
        if length == 0 and line + 1 < len(lines):
            return Span(line, 0, line + 1, 0)
        return Span(line, 0, line, length)

    @cached_property
    def newline(self) -> str:
        """The file's line terminator (its first one; \\n for a one-line file), for inserted lines."""
        m = _ANY_TERMINATOR.search(self.text)
        return m.group() if m else "\n"

    def find_line(self, needle: str) -> int:
        """0-based line of the first occurrence of `needle`, or -1."""
        i = self.normalized.find(needle)
        if i < 0:
            return -1
        return self.normalized.count("\n", 0, i)
