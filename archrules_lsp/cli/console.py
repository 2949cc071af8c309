"""Writing to the terminal: text made safe to print, paths relative to the current
folder, and colour when it helps.

Everything a human reads (text and github output, notes, errors, skipped files, rule
names and messages echoed from rule files) goes through `printable` first: file names
and rule files are untrusted, and a raw ESC, BEL or line break in them could drive the
terminal or forge lines (a `::error` workflow command in a CI log).

Colour: `--color always|never`, else FORCE_COLOR (non-empty, not 0) forces it, NO_COLOR
(non-empty) turns it off, else only on a terminal whose TERM is not `dumb`.
ANSI codes by hand: a terminal library would cost more start-up time than it saves.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from typing import TextIO

_CODES = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "blue": "34",
          "magenta": "35", "cyan": "36", "bold_red": "1;31"}
SEVERITY_STYLE = {"error": "bold_red", "warning": "yellow", "info": "blue", "hint": "dim"}


def wants_color(stream: TextIO, mode: str = "auto") -> bool:
    if mode == "always":
        return True
    if mode == "never":
        return False
    force = os.environ.get("FORCE_COLOR", "")
    if force and force != "0":
        return True
    if os.environ.get("NO_COLOR", ""):
        return False
    if os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Painter:
    def __init__(self, enabled: bool):
        self.enabled = enabled

    def __call__(self, text: str, style: str) -> str:
        if not self.enabled or not text:
            return text
        return f"\x1b[{_CODES[style]}m{text}\x1b[0m"


# C0 and C1 controls and DEL; Unicode line and paragraph separators; bidirectional
# overrides and isolates (they reorder what a terminal shows); lone surrogates (the
# bytes of a file name that is not UTF-8)
_UNSAFE = "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
_UNSAFE_BUT_LINE_BREAKS = (
    "[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match) -> str:
    char = match.group()
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape: the file name's own byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str, keep_line_breaks: bool = False) -> str:
    """`text` with every control character shown as an escape (`\\x1b`, `\\n`, `\\u202e`),
    and a byte that is not UTF-8 as `\\xff`. `keep_line_breaks` leaves `\\n` and `\\r`
    for a caller that encodes them itself (GitHub workflow commands)."""
    if text.isascii() and text.isprintable():  # no control character; most text (the pattern is not compiled)
        return text
    pattern = _unsafe(keep_line_breaks)
    return pattern.sub(_escape, text) if pattern.search(text) else text


@functools.cache
def _unsafe(keep_line_breaks: bool) -> re.Pattern[str]:
    """Compiled when first needed: a clean run prints nothing to escape (start-up time)."""
    return re.compile(_UNSAFE_BUT_LINE_BREAKS if keep_line_breaks else _UNSAFE)


def display_path(path: str, cwd: str | None = None) -> str:
    """`path` relative to the current folder (`../x.py` when outside it), printable.

    Absolute only where no relative path exists (another drive on Windows)."""
    absolute = os.path.abspath(path)
    try:
        shown = os.path.relpath(absolute, cwd or os.getcwd())
    except ValueError:
        shown = absolute
    return printable(shown.replace(os.sep, "/") if os.sep != "/" else shown)


def err(message: str) -> None:
    sys.stderr.write(message + "\n")


def error(paint: Painter, message: str) -> None:
    """`archrules: error: <message>` on stderr (the message's control characters escaped)."""
    err(f"archrules: {paint('error', 'bold_red')}: {printable(message)}")
