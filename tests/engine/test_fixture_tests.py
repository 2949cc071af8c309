"""Fixture files: `archrules-expect` / `archrules-ok` / `archrules-expect-file` comments judged
against the findings of the file checked as its path."""

from __future__ import annotations

from archrules_lsp.engine import load_rule_text
from archrules_lsp.engine.fixture_tests import ERROR, fixture_checker, run_fixture
from archrules_lsp.engine.model import RuleSet
from archrules_lsp.engine.rule_tests import FALSE_NEGATIVE, FALSE_POSITIVE, PASSED

RULES = r"""
rules:
  - id: BG-001
    name: status column
    patterns:
      - file: "models/*.py"
        must_contain: "status = Column"
  - id: BG-020
    name: no print
    anti_patterns:
      - pattern: 'print\('
        message: "Use logging, not print"
  - id: BG-030
    name: no sleep
    anti_patterns:
      - pattern: 'sleep\('
        message: "no sleep"
"""


def _run(path: str, text: str) -> list[tuple[int, str, str]]:
    rules, errors = load_rule_text(RULES, "rules.yaml")
    assert errors == []
    checker = fixture_checker(RuleSet(rules=tuple(rules)))
    return [(o.line + 1, o.rule_id, o.outcome) for o in run_fixture(checker, path, text)]


def test_expect_and_ok_speak_of_the_next_code_line_past_comments_and_blank_lines():
    text = ("# archrules-expect: BG-020\n"
            "# a note between\n"
            "\n"
            "print(1)\n"
            "# archrules-ok: BG-020\n"
            "log(1)\n")
    assert _run("app/x.py", text) == [(1, "BG-020", PASSED), (5, "BG-020", PASSED)]


def test_a_missing_finding_a_present_one_and_an_unexpected_one_fail():
    text = ("# archrules-expect: BG-020\n"
            "log(1)\n"
            "# archrules-ok: BG-020\n"
            "print(2)\n"
            "print(3)\n")
    assert _run("app/x.py", text) == [(1, "BG-020", FALSE_NEGATIVE), (3, "BG-020", FALSE_POSITIVE),
                                      (5, "BG-020", FALSE_POSITIVE)]


def test_findings_of_rules_the_file_does_not_mention_are_ignored():
    text = "# archrules-expect: BG-020\nprint(sleep(1))\n"
    assert _run("app/x.py", text) == [(1, "BG-020", PASSED)]


def test_several_ids_in_one_directive_and_other_comment_syntaxes():
    text = "// archrules-expect: BG-020, BG-030\nprint(sleep(1));\n/* archrules-ok: BG-030 */\nprint(2);\n"
    assert _run("static/x.js", text) == [(1, "BG-020", PASSED), (1, "BG-030", PASSED), (3, "BG-030", PASSED),
                                         (4, "BG-020", FALSE_POSITIVE)]


def test_expect_file_holds_for_a_finding_anywhere_and_claims_them_all():
    text = "# archrules-expect-file: BG-001\nclass Job:\n    id = 1\n"
    assert _run("models/job.py", text) == [(1, "BG-001", PASSED)]
    assert _run("app/job.py", text) == [(1, "BG-001", FALSE_NEGATIVE)]


def test_directives_that_cannot_be_checked_are_errors():
    text = "# archrules-expect: BG-999\nx = 1\n# archrules-expect:\nx = 2\n# archrules-ok: BG-020\n"
    assert _run("app/x.py", text) == [(1, "BG-999", ERROR), (3, "", ERROR), (5, "BG-020", ERROR)]


def test_a_file_without_directives_has_no_outcomes():
    assert _run("app/x.py", "print(1)\n") == []


def test_comment_closers_and_trailing_words_are_not_ids():
    html = "<!-- archrules-ok: BG-020 -->\n<p>print(1)</p>\n"
    assert _run("app/x.html", html) == [(1, "BG-020", FALSE_POSITIVE)]
    css = "/* archrules-expect: BG-020*/\n.a { print(1) }\n"
    assert _run("app/x.css", css) == [(1, "BG-020", PASSED)]
    prose = "# archrules-expect: BG-020 because print is slow\nprint(1)\n"
    assert _run("app/x.py", prose) == [(1, "BG-020", PASSED)]
