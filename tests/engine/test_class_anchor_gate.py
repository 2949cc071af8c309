"""The first class of a Python file (where "something is missing" findings go) is known without
parsing the file when no line can hold a class statement; it is then what a parse would say."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archrules_lsp.engine import Checker, RuleSet, load_rule_text, python_source
from archrules_lsp.engine.python_source import _TOP_CLASS, PythonSource, may_hold_class_statement
from archrules_lsp.engine.text import SourceText

pieces = st.sampled_from([
    "class A:\n    x = 1\n", "    class B:\n        pass\n", "\\\n    class C: pass\n", "\x0cclass D: pass\n",
    '"""\nclass E(x):\n"""\n', "classmethod\n", "class_name = 1\n", "x = 'class F'\n", "def f(:\n", "\t",
    "\n", "\r\n", "class\n", "classé = 1\n", "class² A:\n", "# class G\n", "@dec\n", "if x:\n", "  ", "class",
    "\x0c", "(", ")", "'''", "x = 1\n", "class H(\n    Base):\n    pass\n", "class\tJ: pass\n",
    "class\\\n K: pass\n", "class\x0cL: pass\n",
])
texts = st.lists(pieces | st.text(alphabet="class \t\n\x0c\\:'\"#(", max_size=8), max_size=20).map("".join)


def parsed_first_class_line(text: str) -> int:
    """The plain way: parse, take the first top-level class; a file that does not parse: the
    first line starting with `class `."""
    py = PythonSource(SourceText(text))
    cls = py.first_class()
    if cls is not None:
        return cls.lineno - 1
    if py.tree is not None:
        return -1
    m = _TOP_CLASS.search(py.src.normalized)
    return -1 if m is None else py.src.normalized.count("\n", 0, m.start())


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts)
def test_first_class_line_is_the_parsed_one(text):
    py = PythonSource(SourceText(text))
    assert py.first_class_line == parsed_first_class_line(text)
    if not may_hold_class_statement(py.src.normalized):
        assert "tree" not in py.__dict__  # known without a parse


RULES = """
rules:
  - id: M-1
    name: jobs have a start time
    patterns:
      - file: "**/*.py"
        must_contain: started_at
"""


@pytest.fixture(scope="module")
def checker():
    rules, errors = load_rule_text(RULES, "r.yaml")
    assert not errors
    return Checker(RuleSet(tuple(rules)))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(text=texts)
def test_findings_and_notes_are_those_of_a_parsed_file(checker, monkeypatch, text):
    gated = checker.check("app/job.py", text)
    with monkeypatch.context() as m:
        m.setattr(python_source, "may_hold_class_statement", lambda code: "class" in code)  # always parse
        assert checker.check("app/job.py", text) == gated


def test_a_file_without_class_statements_is_not_parsed():
    py = PythonSource(SourceText("def classify(class_):\n    return classmethod(class_)  # a class\n"))
    assert py.first_class_line == -1 and "tree" not in py.__dict__
