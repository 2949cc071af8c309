"""The file being checked, as every check sees it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Optional

from ..model import Fix, Note, Rule, Span
from ..python_source import PythonSource, is_python
from ..text import SourceText


@dataclass(frozen=True, slots=True)
class RawFinding:
    rule: Rule
    span: Span
    message: str
    fix: Optional[Fix] = None


class FileContext:
    def __init__(self, path: str, src: SourceText):
        self.path = path
        self.src = src
        self.notes: list[Note] = []

    @cached_property
    def python(self) -> Optional[PythonSource]:
        return PythonSource(self.src) if is_python(self.path) else None

    def contains(self, needle: str) -> bool:
        return needle in self.src.normalized

    @cached_property
    def anchor_line(self) -> int:
        """Where a 'something is missing from this file' finding goes: for Python the first
        class definition (the model a person would look at), else the first line."""
        py = self.python
        if py is not None and py.first_class_line >= 0:
            return py.first_class_line
        return 0

    def line_span(self, line: int) -> Span:
        return self.src.line_span(line)
