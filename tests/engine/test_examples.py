"""A rule's own tests (`examples:`): loaded with located errors, run as the files they
pretend to be, each outcome saying what went wrong with the actual findings."""

from __future__ import annotations

import textwrap

from archrules_lsp.engine import load_rule_text
from archrules_lsp.engine.model import RuleSet
from archrules_lsp.engine.rule_tests import FALSE_NEGATIVE, FALSE_POSITIVE, FIX_MISMATCH, PASSED, run_examples

RULE = """\
api_rules:
  - id: API-1
    name: No time.sleep in handlers
    anti_patterns:
      - pattern: 'time\\.sleep\\('
        file: "app/api/**"
        message: blocking sleep
        fix: 'await asyncio.sleep('
    examples:
"""


def outcomes(examples: str):
    rules, errors = load_rule_text(RULE + textwrap.indent(textwrap.dedent(examples), "      "), "r.yaml")
    assert [e.message for e in errors if e.severity.value == "error"] == []
    return [(o.outcome, o.detail) for o in run_examples(RuleSet(rules=tuple(rules)))]


def test_passing_examples():
    assert outcomes("""\
        - path: app/api/jobs.py
          invalid: "time.sleep(1)\\n"
          count: 1
          message: blocking
          fixed: "await asyncio.sleep(1)\\n"
        - path: app/api/jobs.py
          valid: "await asyncio.sleep(1)\\n"
        - path: app/services/x.py   # out of the rule's scope: a valid case
          valid: "time.sleep(1)\\n"
        """) == [(PASSED, ""), (PASSED, ""), (PASSED, "")]


def test_each_failure_says_what_happened():
    got = outcomes("""\
        - path: app/api/jobs.py
          valid: "time.sleep(1)\\ntime.sleep(2)\\n"
        - path: app/services/jobs.py
          invalid: "time.sleep(1)\\n"
        - path: app/api/jobs.py
          invalid: "time.sleep(1)\\n"
          count: 2
        - path: app/api/jobs.py
          invalid: "time.sleep(1)\\n"
          message: "no such text"
        - path: app/api/jobs.py
          invalid: "time.sleep(1)\\n"
          fixed: "asyncio.sleep(1)\\n"
        """)
    assert got == [
        (FALSE_POSITIVE, "expected no finding, got 2: line 1: blocking sleep; line 2: blocking sleep"),
        (FALSE_NEGATIVE, "expected a finding, got none"),
        (FALSE_NEGATIVE, "expected 2 finding(s), got 1: line 1: blocking sleep"),
        (FALSE_NEGATIVE, "expected a message containing 'no such text', got 1: line 1: blocking sleep"),
        (FIX_MISMATCH, "the safe fixes give 'await asyncio.sleep(1)\\n'"),
    ]


def test_example_errors_are_located_and_the_rule_still_loads():
    rules, errors = load_rule_text(RULE + "      - path: a.py\n      - valid: x\n        invalid: y\n"
                                   "        path: b.py\n      - path: c.py\n        invalid: x\n        count: two\n",
                                   "r.yaml")
    assert [r.id for r in rules] == ["API-1"]
    assert [(e.span.line, e.message) for e in errors] == [
        (9, "this example needs exactly one of `valid` and `invalid`; it is not run"),
        (10, "this example needs exactly one of `valid` and `invalid`; it is not run"),
        (15, "`count` must be a positive whole number, not 'two'; it is ignored"),
    ]
    assert [e.path for e in rules[0].examples] == ["c.py"]


def test_a_disabled_rule_is_still_tested():
    text = RULE.replace("    anti_patterns:", "    enabled: false\n    anti_patterns:")
    rules, _ = load_rule_text(text + "      - path: app/api/a.py\n        invalid: 'time.sleep(1)'\n", "r.yaml")
    assert [o.outcome for o in run_examples(RuleSet(rules=tuple(rules)))] == [PASSED]
