"""Writing to the terminal: paths as the user typed them, and colour when it helps.

Colour: `--color always|never`, else FORCE_COLOR (non-empty, not 0) forces it, NO_COLOR
(non-empty) turns it off, else only on a terminal whose TERM is not `dumb`.
ANSI codes by hand: a terminal library would cost more start-up time than it saves.
"""

from __future__ import annotations

import os
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


def display_path(path: str, cwd: str | None = None) -> str:
    """`path` (absolute) relative to the current folder when it is under it, else as is."""
    cwd = cwd or os.getcwd()
    absolute = os.path.abspath(path)
    try:
        rel = os.path.relpath(absolute, cwd)
    except ValueError:
        return absolute
    if rel.startswith(os.pardir):
        return absolute
    return rel.replace(os.sep, "/") if os.sep != "/" else rel


def err(message: str) -> None:
    sys.stderr.write(message + "\n")
