"""Text as the engine sees it, and the one place that says so.

Lines break on \\r\\n, \\r and \\n only. Form feed, \\x85 and the Unicode line
separators are ordinary characters here (str.splitlines would break on them and
put findings on the wrong line; editors speaking LSP break on the three only).

This module owns: splitting into lines (`split_lines`, `line_starts`,
`SourceText`), reading bytes as text (`decode`), and converting columns between
code points (the engine's unit) and UTF-8/16/32 code units (an editor's).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate, repeat
from operator import add
from typing import TYPE_CHECKING, Any

from .model import Span

if TYPE_CHECKING:  # what it is to a type checker
    from functools import cached_property
else:
    class cached_property:  # noqa: N801 - a drop-in for functools.cached_property
        """functools.cached_property without the lock Python 3.11 takes on every first
        computation (~1.5 us; 3.12 dropped it): several per checked file. Two threads that
        compute the same value at once both do, and one result is kept."""

        __slots__ = ("compute", "name")

        def __init__(self, compute: Any):
            self.compute, self.name = compute, compute.__name__

        def __set_name__(self, owner: type, name: str) -> None:
            self.name = name

        def __get__(self, obj: Any, owner: type | None = None) -> Any:
            if obj is None:
                return self
            value = obj.__dict__[self.name] = self.compute(obj)
            return value

LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LINE_BREAK_KEPT = re.compile(r"(\r\n|\r|\n)")
_CR_TERMINATOR = re.compile(r"\r\n?")
_BOM = b"\xef\xbb\xbf"

UTF8 = "utf-8"
UTF16 = "utf-16"
UTF32 = "utf-32"


# ------------------------------------------------------------------ lines


def split_lines(text: str) -> list[str]:
    """Line contents without terminators (a text ending in a break has a last, empty line)."""
    if "\r" not in text:
        return text.split("\n")  # the common case, at C speed
    return LINE_BREAK.split(text)


def line_starts(text: str) -> list[int]:
    """Index in `text` where each line starts (C-level loops only: runs on every keystroke)."""
    if "\r" not in text:
        lens = [n + 1 for n in map(len, text.split("\n"))]
    else:
        parts = _LINE_BREAK_KEPT.split(text)  # content, terminator, content, ...
        lens = [len(c) + len(sep) for c, sep in zip(parts[0::2], parts[1::2] + [""], strict=True)]
    starts = list(accumulate(lens, initial=0))
    starts.pop()  # the start of a line after the last one
    return starts


def line_of_offset(starts: list[int], offset: int) -> int:
    """The line holding `offset`, given the line starts."""
    return max(bisect_right(starts, offset) - 1, 0)


# ------------------------------------------------------------------ bytes


def decode_reporting(data: bytes) -> tuple[str, int | None]:
    """UTF-8 with a leading BOM dropped and undecodable bytes read as U+FFFD; and the
    offset in `data` of the first undecodable byte (None when there is none)."""
    start = 3 if data.startswith(_BOM) else 0
    try:
        return str(data[start:], "utf-8"), None
    except UnicodeDecodeError as e:
        return str(data[start:], "utf-8", "replace"), start + e.start


def decode(data: bytes) -> str:
    """UTF-8 (a leading BOM dropped); bytes that are not UTF-8 become U+FFFD instead of failing."""
    return decode_reporting(data)[0]


# ------------------------------------------------------------------ columns


def units_of(text: str, encoding: str) -> int:
    """How many code units of `encoding` (UTF8, UTF16 or UTF32) the string takes."""
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def to_client_column(line: str, column: int, encoding: str) -> int:
    """Code-point column on `line` -> code units of `encoding` (clamped to the line)."""
    column = max(0, min(column, len(line)))
    if encoding == UTF32 or line.isascii():
        return column
    return units_of(line[:column], encoding)


def _utf8_width(c: str) -> int:
    return 1 if c < "\x80" else 2 if c < "\u0800" else 3 if c < "\U00010000" else 4


def _utf16_width(c: str) -> int:
    return 2 if c >= "\U00010000" else 1


def from_client_column(line: str, units: int, encoding: str) -> int:
    """Code units of `encoding` on `line` -> code-point column (clamped to the line).

    A position inside a character (half a surrogate pair, a byte inside a UTF-8
    sequence) moves to the end of that character."""
    if units <= 0:
        return 0
    if encoding == UTF32 or line.isascii():
        return min(units, len(line))
    width = _utf8_width if encoding == UTF8 else _utf16_width
    seen = 0
    for i, ch in enumerate(line):
        if seen >= units:
            return i
        seen += width(ch)
    return len(line)


# ------------------------------------------------------------------ one file's text
class SourceText:
    """One file's text with the views the checks need, each computed once."""

    __slots__ = ("text", "__dict__")

    def __init__(self, text: str):
        self.text = text

    @classmethod
    def with_lines(cls, text: str, lines: list[str]) -> SourceText:
        """A SourceText whose `lines` are known already (the incremental check keeps them)."""
        src = cls(text)
        src.__dict__["lines"] = lines
        return src

    @cached_property
    def normalized(self) -> str:
        """The text with every line terminator replaced by \\n.

        Line contents are unchanged, so (line, column) positions computed on
        it are positions in the original text."""
        t = self.text
        return _CR_TERMINATOR.sub("\n", t) if "\r" in t else t

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

    def line_span(self, line: int) -> Span:
        """The whole text of a line as a span.

        Never empty where the text allows it: an empty line spans up to the
        start of the next one, so an editor still has something to underline."""
        lines = self.lines
        line = max(0, min(line, len(lines) - 1))
        length = len(lines[line])
        if length == 0 and line + 1 < len(lines):
            return Span(line, 0, line + 1, 0)
        return Span(line, 0, line, length)

    @cached_property
    def newline(self) -> str:
        """The file's line terminator (its first one; \\n for a one-line file), for inserted lines."""
        m = LINE_BREAK.search(self.text)
        return m.group() if m else "\n"

    def find_line(self, needle: str) -> int:
        """0-based line of the first occurrence of `needle`, or -1."""
        i = self.normalized.find(needle)
        if i < 0:
            return -1
        return self.normalized.count("\n", 0, i)
