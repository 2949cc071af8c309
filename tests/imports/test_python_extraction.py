"""The Python import extraction visits only statements whose lines hold `import`, in the order
written: held equal to a plain walk of the whole tree, on random nested snippets and on the
bench corpus's files."""

from __future__ import annotations

import ast
import textwrap

from hypothesis import given, settings
from hypothesis import strategies as st

from archrules_lsp.engine.imports.modules import ModuleNamer
from archrules_lsp.engine.imports.python import _import_statements, python_imports

SIMPLE = ["import app.a", "import app.b as b, os", "from . import x", "from ..m import (y,\n    z)",
          "from app import *", "x = 'import q'", '"""\nimport not_code\n"""', "pass", "a = 1; import app.c",
          "importlib.import_module('app.d')", "__import__('app.e')", "# import nothing", "f(x,\n  import_y)"]
HEADERS = [("if TYPE_CHECKING:", ""), ("if typing.TYPE_CHECKING:", "else:"), ("if x:", "elif y:"),
           ("try:", "except ImportError:"), ("try:", "finally:"), ("def f():", ""), ("class K:", ""),
           ("with x:", ""), ("for i in y:", "else:"), ("while x:", "else:"), ("match x:\n    case 1:", "")]


def _indent(code: str) -> str:
    return textwrap.indent(code, "    ")


def _block(parts: tuple) -> str:
    (header, second), body, other = parts
    body, other = f"{body}\npass", f"{other}\npass"  # a block of comments alone does not parse
    if header.startswith("match"):
        return f"{header}\n{_indent(_indent(body))}"
    code = f"{header}\n{_indent(body)}"
    if second:
        code += f"\n{second}\n{_indent(other)}"
    if header == "try:" and second.startswith("except"):
        code += f"\nelse:\n{_indent(other)}"
    return code


statements = st.deferred(lambda: st.sampled_from(SIMPLE) | blocks | sequences)
blocks = st.tuples(st.sampled_from(HEADERS), statements, statements).map(_block)
sequences = st.lists(statements, min_size=1, max_size=4).map("\n".join)


def plain_walk(tree: ast.Module) -> list[tuple[int, int, bool]]:
    """Every import statement of the tree, its place and whether under `if TYPE_CHECKING:`."""
    found = []

    def visit(node: ast.AST, checking: bool) -> None:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append((node.lineno, node.col_offset, checking))
            return
        test = getattr(node, "test", None)
        guarded = isinstance(node, ast.If) and (
            (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
            or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING" and isinstance(test.value, ast.Name)))
        for field in ("body", "handlers", "orelse", "finalbody", "cases"):
            for child in getattr(node, field, None) or ():
                visit(child, checking or (guarded and field == "body"))

    visit(tree, False)
    return sorted(found)


def assert_same_as_a_plain_walk(code: str) -> None:
    tree = ast.parse(code)
    lines = code.split("\n")
    marked = [i for i, line in enumerate(lines, 1) if "import" in line]
    walked = [(n.lineno, n.col_offset, c) for n, c in _import_statements(tree, marked)] if marked else []
    assert walked == plain_walk(tree)  # the same statements, in the order written
    found = python_imports(tree, lines, ModuleNamer().module_of("app/pkg/mod.py"))
    assert found == sorted(found, key=lambda s: (s.span.line, s.span.column))


@settings(max_examples=400, deadline=None)
@given(statements)
def test_the_imports_of_random_nested_code_are_those_of_a_plain_walk(code):
    assert_same_as_a_plain_walk(code)


def test_the_imports_of_the_corpus_files_are_those_of_a_plain_walk(corpus):
    root, _ = corpus
    files = sorted(root.rglob("*.py"))
    assert len(files) >= 300
    for path in files:
        assert_same_as_a_plain_walk(path.read_text(encoding="utf-8"))
