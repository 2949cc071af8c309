"""What the checks need to know about a Python file, parsed once and only when needed."""

from __future__ import annotations

import ast
import gc
import re
import warnings
from functools import cached_property

from .text import SourceText

_TOP_CLASS = re.compile(r"^class\s+\w", re.MULTILINE)


PARSE_ERRORS = (SyntaxError, ValueError, RecursionError, MemoryError)


def parse_python(code: str) -> ast.Module:
    """`ast.parse`, linear in the code's size: the cyclic garbage collector is paused
    meanwhile (a large tree's millions of new nodes make it rescan the heap over and
    over: 5 MB took 3 s, 6.7 s beside another tree, instead of 1.5 s). Raises PARSE_ERRORS."""
    paused = gc.isenabled()
    gc.disable()
    try:
        with warnings.catch_warnings():  # invalid escape sequences etc. are the user's business
            warnings.simplefilter("ignore")
            return ast.parse(code)
    finally:
        if paused:
            gc.enable()


def is_python(path: str) -> bool:
    return path.endswith((".py", ".pyi", ".pyw"))


class PythonSource:
    """Lazily parsed view of a Python file. `tree` is None when the file does not parse."""

    def __init__(self, src: SourceText):
        self.src = src
        self.error: SyntaxError | None = None

    @cached_property
    def tree(self) -> ast.Module | None:
        try:
            return parse_python(self.src.normalized)
        except PARSE_ERRORS as e:
            self.error = e if isinstance(e, SyntaxError) else SyntaxError(str(e))
            return None

    @cached_property
    def parses(self) -> bool:
        return self.tree is not None

    def drop_tree(self) -> None:
        """Free the syntax tree (a large file's is hundreds of MB) once the checks are done;
        `parses` stays known. Reading `tree` again would parse again. A file nothing
        parsed is not parsed here."""
        if "tree" in self.__dict__:
            self.parses  # noqa: B018 (computed before the tree goes)
            del self.__dict__["tree"]

    @cached_property
    def first_class_line(self) -> int:
        """0-based line of the first top-level `class` statement, or -1.

        From the parsed code, so a docstring line starting with "class" is not
        taken for one; a file that does not parse (mid-edit) falls back to the
        first line starting with `class `."""
        if "class" not in self.src.normalized:
            return -1
        cls = self.first_class()
        if cls is not None:
            return cls.lineno - 1
        if self.tree is not None:
            return -1
        m = _TOP_CLASS.search(self.src.normalized)
        return -1 if m is None else self.src.normalized.count("\n", 0, m.start())

    def top_level_classes(self) -> list[ast.ClassDef]:
        tree = self.tree
        return [] if tree is None else [n for n in tree.body if isinstance(n, ast.ClassDef)]

    def first_class(self) -> ast.ClassDef | None:
        classes = self.top_level_classes()
        return classes[0] if classes else None

    def class_body_end(self, cls: ast.ClassDef) -> tuple[int, str]:
        """(0-based line after which a new field goes, the body's indentation).

        That is the end of the last field assignment (`x = Column(...)`) when the
        class has one, so new fields join the others before any methods; else the
        end of the body."""
        first = cls.body[0]
        fields = [n for n in cls.body if isinstance(n, (ast.Assign, ast.AnnAssign))]
        last = fields[-1] if fields else cls.body[-1]
        line = self.src.lines[first.lineno - 1]
        indent = line[: len(line) - len(line.lstrip())] or "    "
        end = (getattr(last, "end_lineno", None) or last.lineno) - 1
        return end, indent
