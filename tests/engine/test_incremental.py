"""IncrementalCheck: the check of an edited document, equal to a fresh check of its text.

The property test (tests/robustness/test_incremental_equivalence.py) covers random edits;
these are the cases that matter by construction: line breaks that join or part, the
work budget crossed either way, edits it must not trust, and which path a result took."""

from __future__ import annotations

import pytest

from archrules_lsp.engine import Checker, CheckOptions, RuleSet, load_rule_text
from archrules_lsp.engine.incremental import MIN_REGION_LINES, IncrementalCheck

RULES = r"""
incremental:
  - id: IN-1
    name: no print
    anti_patterns:
      - pattern: 'print\('
        message: use logging
  - id: IN-2
    name: needs a status
    patterns:
      - file: '**/*.py'
        must_contain: status
  - id: IN-3
    name: slow on big files
    anti_patterns:
      - pattern: '(?:ab){1000}c'
        message: too many
"""
PATH = "app/job.py"


@pytest.fixture(scope="module")
def checker() -> Checker:
    rules, errors = load_rule_text(RULES, "incremental.yaml")
    assert not [e for e in errors if e.severity.value == "error"], errors
    return Checker(RuleSet(tuple(rules)), CheckOptions(fixes=False))


def edited(checker: Checker, text: str, *edits: tuple[int, int, str]) -> tuple[IncrementalCheck, str, object]:
    doc = IncrementalCheck(checker, PATH)
    doc.check(text)
    for start, end, inserted in edits:
        text = text[:start] + inserted + text[end:]
    return doc, text, doc.update(text, list(edits))


@pytest.mark.parametrize(("text", "edit"), [
    ("x = 1\rprint(a)\n", (6, 6, "\n")),  # a \n typed after a bare \r: one line break, not two
    ("x = 1\r\nprint(a)\n", (5, 6, "")),  # the \r of a \r\n deleted
    ("x = 1\r\nprint(a)\n", (6, 6, "y\r")),  # text typed between \r and \n parts them
    ("print(a)\n\x0cprint(b) 😋\r\nz", (0, 9, "")),  # a form feed is no line break
    ("a\nb\nprint(c)\n", (1, 4, "")),  # lines joined
])
def test_line_breaks_joined_or_parted_give_a_fresh_checks_findings(checker, text, edit):
    doc, new_text, result = edited(checker, text, edit)
    assert doc.incremental
    assert result == checker.check(PATH, new_text)


def test_later_findings_move_with_the_lines_added_above(checker):
    text = "status = 1\nprint(a)\nprint(b)\n"
    doc, new_text, result = edited(checker, text, (0, 0, "\n\n"))
    assert doc.incremental
    assert [f.span.line for f in result.findings] == [3, 4]
    assert result == checker.check(PATH, new_text)


def test_several_edits_in_one_update_apply_in_order(checker):
    text = "status\nprint(a)\nx\n"
    doc, new_text, result = edited(checker, text, (0, 6, ""), (2, 2, "print("), (0, 0, "y\r\n"))
    assert doc.incremental
    assert result == checker.check(PATH, new_text)


def test_a_rule_goes_over_budget_as_the_file_grows(checker):
    big = "ab" * 40_000  # the 2,000-instruction pattern is over its budget on this line
    doc, grown, result = edited(checker, "status\nprint(a)\n", (0, 0, big))
    assert not doc.incremental  # its findings leave the kept ones: checked from scratch, once
    assert [n.rule_id for n in result.notes] == ["IN-3"]
    assert result == checker.check(PATH, grown)


def test_a_rule_over_budget_when_opened_is_checked_from_scratch_once_affordable(checker):
    big = "ab" * 40_000
    text = big + "status\nprint(a)\n"
    doc = IncrementalCheck(checker, PATH)
    assert [n.rule_id for n in doc.check(text).notes] == ["IN-3"]
    cut = len(big) - 2_000
    shrunk = text[cut:len(big)] + "c" + text[len(big):]  # IN-3 affordable again, and it matches
    result = doc.update(shrunk, [(0, cut, ""), (2_000, 2_000, "c")])
    assert not doc.incremental  # nothing was known of IN-3's matches: checked from scratch
    assert not result.notes
    assert [f.rule_id for f in result.findings] == ["IN-3", "IN-1"]
    assert result == checker.check(PATH, shrunk)


def test_a_large_edit_is_checked_from_scratch(checker):
    text = "print(a)\n" * (MIN_REGION_LINES * 2)
    doc, new_text, result = edited(checker, text, (0, len(text) // 2, "status\n"))
    assert not doc.incremental
    assert result == checker.check(PATH, new_text)


@pytest.mark.parametrize("edits", [
    [(0, 99, "x")],  # past the end of the text
    [(3, 2, "x")],  # reversed
    [(0, 0, "x"), (0, 0, "y")],  # edits that do not make the text handed over
])
def test_edits_that_do_not_fit_the_text_are_not_trusted(checker, edits):
    doc = IncrementalCheck(checker, PATH)
    doc.check("print(a)\n")
    result = doc.update("status\n", edits)
    assert not doc.incremental
    assert result == checker.check(PATH, "status\n")


def test_without_a_previous_check_update_checks_from_scratch(checker):
    doc = IncrementalCheck(checker, PATH)
    assert doc.text is None
    assert doc.update("print(a)\n", [(0, 0, "")]) == checker.check(PATH, "print(a)\n")
    assert not doc.incremental
    assert doc.text == "print(a)\n"


PY_RULES = r"""
python:
  - id: PY-1
    name: needs zzz
    patterns:
      - file: '**/*.py'
        must_contain: zzz
"""


@pytest.fixture(scope="module")
def anchored() -> Checker:
    rules, errors = load_rule_text(PY_RULES, "python.yaml")
    assert not errors, errors
    return Checker(RuleSet(tuple(rules)), CheckOptions(fixes=False))


@pytest.mark.parametrize(("text", "old", "new"), [
    # a statement after `;` on the last line of a string: no clean place to cut the text there
    ('s = """a\nb\nc\n""" ; x = 1\ny = 2\nz = 3\n\nclass A:\n    pass\n', "y = 2", '"""'),
    # an edit inside a class: still parses, the class line moves
    ("import os\n\n\nclass A:\n    x = 1\n\n\nclass B:\n    y = 2\n", "import os", "import os\nimport re"),
    # a class appears above the first one
    ("x = 1\n\n\nclass B:\n    y = 2\n", "x = 1", "class A:\n    z = 1"),
    # an unclosed bracket: the file stops parsing (the note says where)
    ("x = 1\n\n\nclass B:\n    y = 2\n", "y = 2", "y = (2"),
])
def test_python_structure_after_an_edit_is_a_fresh_parses(anchored, text, old, new):
    doc = IncrementalCheck(anchored, PATH)
    doc.check(text)  # parses it (the anchor needs the first class): the parse is kept
    at = text.index(old)
    new_text = text[:at] + new + text[at + len(old):]
    result = doc.update(new_text, [(at, at + len(old), new)])
    assert doc.incremental
    assert result == anchored.check(PATH, new_text)
