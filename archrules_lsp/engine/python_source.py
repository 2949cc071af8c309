"""What the checks need to know about a Python file, parsed once and only when needed."""

from __future__ import annotations

import ast
import gc
import re
import warnings
from collections.abc import Iterator
from token import COMMENT, DEDENT, INDENT, NAME, NEWLINE, NL, OP

from .model import Span
from .record import record, replace
from .text import SourceText, cached_property

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


def may_hold_class_statement(code: str) -> bool:
    """Can `code` hold a class statement at all: is some `class` the first thing on its line?

    A class statement's `class` keyword starts a line, after blanks only (Python's: space, tab,
    form feed; blanks also follow a line ending in `\\`). Where none does, no class statement
    is there, and the fallback for a file that does not parse (a line starting with `class `)
    finds none either: the first class is known without parsing. `class` followed by a letter,
    digit or `_` is a longer name (or a character Python rejects, which the fallback skips too)."""
    at = code.find("class")
    while at >= 0:
        line_start = code.rfind("\n", 0, at) + 1
        after = code[at + 5:at + 6]
        if not code[line_start:at].strip(" \t\f") and not (after.isalnum() or after == "_"):
            return True
        at = code.find("class", at + 5)
    return False


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
            self.__dict__.pop("_class_nodes_by_line", None)

    @cached_property
    def first_class_line(self) -> int:
        """0-based line of the first top-level `class` statement, or -1.

        From the parsed code, so a docstring line starting with "class" is not
        taken for one; a file that does not parse (mid-edit) falls back to the
        first line starting with `class `."""
        if not may_hold_class_statement(self.src.normalized):
            return -1  # whether the file parses or not: not parsed for it
        cls = self.first_class()
        if cls is not None:
            return cls.lineno - 1
        if self.tree is not None:
            return -1
        m = _TOP_CLASS.search(self.src.normalized)
        return -1 if m is None else self.src.normalized.count("\n", 0, m.start())

    @cached_property
    def classes(self) -> list[ClassInfo] | None:
        """Every class statement (nested ones too), in source order; None: the file does not parse."""
        tree = self.tree
        return None if tree is None else class_infos(tree, self.src.lines)

    def class_at(self, line: int) -> ast.ClassDef | None:
        """The class statement whose `class` keyword is on 0-based `line` (one per line at most)."""
        return self._class_nodes_by_line.get(line)

    @cached_property
    def _class_nodes_by_line(self) -> dict[int, ast.ClassDef]:
        tree = self.tree
        return {} if tree is None else {cls.lineno - 1: cls for cls, _ in _class_nodes(tree)}

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


# ------------------------------------------------------------------ classes, as `in_class` sees them


@record(slots=True)
class ClassInfo:
    """A class statement as the class-scoped checks see it (no syntax tree kept: the
    incremental check holds these between edits)."""

    line: int  # 0-based line of its `class` keyword
    name: str  # qualified by the classes around it: `Outer.Inner`
    header: str  # from `class` to the colon ending the header, as one line, comments left out
    name_span: Span  # where its findings go
    body: str  # the text from its first statement to the end of its last (nested classes included)

    def moved(self, delta: int) -> ClassInfo:
        s = self.name_span
        return replace(self, line=self.line + delta,
                       name_span=Span(s.line + delta, s.column, s.end_line + delta, s.end_column))


# Statement lists a class statement can sit in, and the nodes holding them (expressions and
# simple statements hold none: they are not visited).
_BLOCKS = ("body", "orelse", "finalbody", "handlers", "cases")
_COMPOUND = tuple(getattr(ast, name) for name in (
    "FunctionDef", "AsyncFunctionDef", "If", "For", "AsyncFor", "While", "With", "AsyncWith", "Try", "TryStar",
    "Match", "ExceptHandler", "match_case") if hasattr(ast, name))


def _class_nodes(tree: ast.AST) -> Iterator[tuple[ast.ClassDef, str]]:
    """Every class statement under `tree` with its qualified name, outer ones first."""
    stack: list[tuple[ast.AST, str]] = [(tree, "")]
    while stack:
        node, prefix = stack.pop()
        children = [c for block in _BLOCKS for c in (getattr(node, block, None) or ())]
        for child in reversed(children):
            if isinstance(child, ast.ClassDef):
                stack.append((child, f"{prefix}{child.name}."))
            elif isinstance(child, _COMPOUND):
                stack.append((child, prefix))
        if isinstance(node, ast.ClassDef):
            yield node, prefix[:-1]


def class_infos(tree: ast.Module, lines: list[str], offset: int = 0) -> list[ClassInfo]:
    """The class statements of `tree`, parsed from `lines[offset:]` (a chunk of the file:
    line 1 of the tree is `lines[offset]`), in source order."""
    out = []
    for cls, name in _class_nodes(tree):
        line = offset + cls.lineno - 1
        column = _char_column(lines[line], cls.col_offset)
        header = _header(lines, line, column, offset + cls.body[0].lineno - 1)
        text, name_span = header if header is not None else (lines[line].strip(), Span(line, 0, line, len(lines[line])))
        out.append(ClassInfo(line, name, text, name_span, _body(lines, offset, cls)))
    out.sort(key=lambda c: c.line)
    return out


def _char_column(line: str, byte_column: int) -> int:
    """The code-point column of a UTF-8 byte column (what `ast` gives)."""
    if line.isascii():
        return byte_column
    return len(line.encode("utf-8", errors="surrogatepass")[:byte_column].decode("utf-8", errors="ignore"))


def _body(lines: list[str], offset: int, cls: ast.ClassDef) -> str:
    first, last = cls.body[0], cls.body[-1]
    start, end = offset + first.lineno - 1, offset + (last.end_lineno or last.lineno) - 1
    start_col = _char_column(lines[start], first.col_offset)
    end_col = _char_column(lines[end], last.end_col_offset if last.end_col_offset is not None else len(lines[end]))
    if start == end:
        return lines[start][start_col:end_col]
    return "\n".join([lines[start][start_col:], *lines[start + 1:end], lines[end][:end_col]])


_OPENING, _CLOSING = frozenset("([{"), frozenset(")]}")
_SKIPPED = frozenset({COMMENT, NL, NEWLINE, INDENT, DEDENT})


def _header(lines: list[str], line: int, column: int, last: int) -> tuple[str, Span] | None:
    """(the header from `class` to its colon as one line, the class name's span), or None when
    it does not tokenize. Lines are joined by one space (none after an opening bracket or
    before a closing one): `class Job(SQLModel,\n    table=True):` reads `class Job(SQLModel, table=True):`.
    Only the lines up to `last` (the body's first line) are read: the header ends on it or before."""
    import tokenize  # here: only a file with a class needs it (~0.7 ms of every CLI start)

    def readline() -> Iterator[str]:
        yield lines[line][column:] + "\n"
        for i in range(line + 1, last + 1):
            yield lines[i] + "\n"

    parts: list[str] = []
    prev: tokenize.TokenInfo | None = None
    name: Span | None = None
    depth = 0
    try:
        for tok in tokenize.generate_tokens(readline().__next__):
            if tok.type in _SKIPPED:
                continue
            if prev is None:
                parts.append(tok.string)
            elif tok.start[0] == prev.end[0]:
                parts.append(tok.line[prev.end[1]:tok.start[1]] + tok.string)
            else:
                joined = prev.string in _OPENING or tok.string in _CLOSING
                parts.append(("" if joined else " ") + tok.string)
            if name is None and prev is not None and tok.type == NAME:
                row, col = tok.start
                at = col + (column if row == 1 else 0)
                name = Span(line + row - 1, at, line + row - 1, at + len(tok.string))
            depth += (tok.string in _OPENING) - (tok.string in _CLOSING)
            if tok.type == OP and tok.string == ":" and depth == 0:
                return "".join(parts), name or Span(line, column, line, column + 5)
            prev = tok
    except (tokenize.TokenError, SyntaxError, StopIteration):
        return None
    return None
