"""A Python file's imports, from its syntax tree.

Every import counts wherever it is written (module level, functions, classes, `try`):
all are dependencies. `importlib.import_module("literal")` and `__import__("literal")`
count too. An import under `if TYPE_CHECKING:` / `if typing.TYPE_CHECKING:` (its `if`
branch, not its `else`) is marked as such. Relative imports are resolved against the
importing module (an `__init__.py` is its own package); one that climbs above the top
package is left out (Python itself refuses it).
"""

from __future__ import annotations

import ast
from bisect import bisect_left
from collections.abc import Iterator

from ..model import Span
from .graph import ImportStatement
from .modules import Module

# a compound statement's statement lists, the last written first (`try`: body, handlers, else, finally)
_STATEMENT_LISTS_LAST_FIRST = ("cases", "finalbody", "orelse", "handlers", "body")
_DYNAMIC = ("import_module", "__import__")


def python_imports(tree: ast.Module, lines: list[str], module: Module, first_line: int = 0) -> list[ImportStatement]:
    """Every import of the file, in the order written. `lines`: the document's lines; `tree`
    may be a part of it starting at `first_line` (a chunk the incremental check parsed alone):
    spans are the document's."""
    body = tree.body
    count = (body[-1].end_lineno or body[-1].lineno) if body else 0  # statements come in order
    part = lines[first_line:first_line + count]  # the lines the tree was parsed from
    marked = [i for i, line in enumerate(part, 1) if "import" in line]  # 1-based, as ast counts
    if not marked:  # every form needs the word, dynamic ones too
        return []
    at = _Place(lines, first_line)
    out: list[ImportStatement] = []
    for node, type_checking in _import_statements(tree, marked):
        if isinstance(node, ast.Import):
            for alias in node.names:
                out.append(ImportStatement((alias.name,), at.alias_span(alias), type_checking))
        else:
            _add_from_imports(out, node, at, module, type_checking)
    if any(name in part[i - 1] for i in marked for name in _DYNAMIC):
        out.extend(_dynamic_imports(tree, at))
        out.sort(key=lambda s: (s.span.line, s.span.column))
    return out


class _Place:
    """Positions in a tree parsed from the lines of `lines` from `first` on -> the document's
    (code-point columns)."""

    def __init__(self, lines: list[str], first: int):
        self.lines = lines
        self.first = first

    def column(self, line: int, byte_offset: int) -> int:
        """ast's UTF-8 byte column on the document's `line` -> a code-point column."""
        text = self.lines[line] if 0 <= line < len(self.lines) else ""
        if text.isascii():
            return byte_offset
        return len(text.encode("utf-8")[:byte_offset].decode("utf-8", "replace"))

    def alias_span(self, alias: ast.alias) -> Span:
        line = self.first + alias.lineno - 1
        start = self.column(line, alias.col_offset)
        return Span(line, start, line, start + len(alias.name))

    def string_span(self, node: ast.Constant) -> Span:
        line = self.first + node.lineno - 1
        start = self.column(line, node.col_offset)
        end_line = self.first + (node.end_lineno or node.lineno) - 1
        end = self.column(end_line, node.end_col_offset or node.col_offset)
        if end_line == line and end - start >= 2:
            return Span(line, start + 1, line, end - 1)  # the name, inside its quotes
        return Span(line, start, end_line, end)


def _import_statements(tree: ast.Module, marked: list[int]) -> list[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Every import statement (nested ones too), in the order written, with whether it sits
    under `if TYPE_CHECKING:`. Statements only (an import is never inside an expression), and
    only those whose lines hold the word `import` (`marked`, 1-based; every import statement's
    do): most of a file is never visited."""
    found: list[tuple[ast.Import | ast.ImportFrom, bool]] = []
    last = marked[-1]
    stack: list[tuple[ast.AST, bool]] = [(tree, False)]
    while stack:
        node, checking = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append((node, checking))
            continue
        guarded = isinstance(node, ast.If) and _is_type_checking(node.test)
        for field in _STATEMENT_LISTS_LAST_FIRST:  # popped in the order written
            children = getattr(node, field, None)
            if not children:
                continue
            inner = checking or (guarded and field == "body")
            for child in reversed(children):
                first = getattr(child, "lineno", None)
                if first is None:  # a match case: no position of its own
                    stack.append((child, inner))
                    continue
                if first > last:
                    continue
                i = bisect_left(marked, first)
                if i < len(marked) and marked[i] <= child.end_lineno:
                    stack.append((child, inner))
    return found


def _is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING" and isinstance(test.value, ast.Name)


def _add_from_imports(out: list[ImportStatement], node: ast.ImportFrom, at: _Place, module: Module,
                      type_checking: bool) -> None:
    base = _absolute_base(node, module)
    if base is None:
        return
    for alias in node.names:
        span = at.alias_span(alias)
        if alias.name == "*" or not base:
            candidates: tuple[str, ...] = (base or alias.name,)
        else:
            candidates = (f"{base}.{alias.name}", base)  # a submodule, or a name defined in `base`
        out.append(ImportStatement(candidates, span, type_checking))


def _absolute_base(node: ast.ImportFrom, module: Module) -> str | None:
    """The absolute name of `from X import ...`'s X; None when a relative import climbs too high."""
    if not node.level:
        return node.module or ""
    parts = module.name.split(".")
    package = parts if module.is_package else parts[:-1]
    climb = node.level - 1
    if climb > len(package) or (climb == len(package) and not node.module):
        return None
    base = package[: len(package) - climb]
    if node.module:
        base = [*base, node.module]
    return ".".join(base)


def _dynamic_imports(tree: ast.Module, at: _Place) -> Iterator[ImportStatement]:
    """`importlib.import_module("x")`, `import_module("x")`, `__import__("x")` with a literal name."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
        arg = node.args[0]
        if name in _DYNAMIC and isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            target = arg.value.strip()
            if target and not target.startswith("."):
                yield ImportStatement((target,), at.string_span(arg), False)

