"""Import contracts on keystrokes: the incremental check keeps a parsing file's imports per
top-level chunk and must say exactly what a fresh check says, after any sequence of edits."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from archrules_lsp.engine import Checker, CheckOptions, python_source
from archrules_lsp.engine.imports.context import ImportContext, read_imports
from archrules_lsp.engine.incremental import IncrementalCheck

from .conftest import ruleset_from_yaml

RULES = """
r:
  - id: L-1
    name: layers
    imports:
      layers: [app.api, app.services, app.tasks]
  - id: T-1
    name: type-only too
    imports:
      forbidden: {from: [app.tasks], to: [app.core]}
      type_checking: true
"""
OTHERS = {"app/core/hop.py": "import app.api.deps\n", "app/api/deps.py": "", "app/services/s.py": ""}
PATH = "app/tasks/scan.py"

PIECES = [
    "import app.api.deps\n", "from app import services\n", "from ..core import hop\n", "from . import sibling\n",
    "if TYPE_CHECKING:\n    import app.core.hop\n", "def f():\n    import app.services.s\n    return 1\n",
    "x = 1\n", "class K:\n    y = 2\n", "def broken(:\n", "'''import app.api.deps'''\n", "\n",
    "m = __import__('app.api.deps')\n", "from app.api import (\n    deps,\n)\n", "é = 'ü'; import app.core.hop\n",
]


def checker() -> Checker:
    context = ImportContext()
    for path, text in OTHERS.items():
        read_imports(path, text, context.namer).add_to(context.graph)
    return Checker(ruleset_from_yaml(RULES), CheckOptions(fixes=False), imports=context)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=8),
       st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 40), st.sampled_from(PIECES + ["", "x", ")"])),
                min_size=1, max_size=6))
def test_updates_equal_fresh_checks(start, edits):
    check = checker()
    doc = IncrementalCheck(check, PATH)
    text = "".join(start)
    doc.check(text)
    for at, length, inserted in edits:
        at = at % (len(text) + 1)
        end = min(len(text), at + length)
        text = text[:at] + inserted + text[end:]
        assert doc.update(text, [(at, end, inserted)]) == check.check(PATH, text)


def test_an_edit_far_from_the_imports_keeps_them_without_a_whole_parse(monkeypatch):
    whole_parses = []
    real = python_source.parse_python
    monkeypatch.setattr(python_source, "parse_python", lambda code: whole_parses.append(1) or real(code))
    check = checker()
    doc = IncrementalCheck(check, PATH)
    body = "".join(f"def f{i}():\n    return {i}\n\n\n" for i in range(300))
    text = "import app.api.deps\n\n\n" + body
    first = doc.check(text)
    assert [f.rule_id for f in first.findings] == ["L-1"]
    at = text.index("return 150") + len("return 15")
    new = text[:at] + "1" + text[at:]
    whole_parses.clear()
    assert doc.update(new, [(at, at, "1")]) == first
    assert doc.incremental and whole_parses == []  # only the edited chunk was parsed
    assert check.check(PATH, new) == first
