"""`exclude:` on a `patterns` entry and on an `anti_patterns` item: files left out of that one."""

from __future__ import annotations

import textwrap

from archrules_lsp.engine import Checker, load_rule_text
from archrules_lsp.engine.rule_tests import PASSED, run_examples

from .conftest import ruleset_from_yaml, run

ROUTES = """
g:
  - id: R-1
    name: routers
    patterns:
      - file: "app/routes/*.py"
        exclude: "app/routes/__init__.py"
        must_contain: "router = APIRouter("
"""


def _ids(yaml_text: str, path: str, text: str) -> list[str]:
    return [f.rule_id for f in run(yaml_text, path, text).findings]


def test_an_excluded_file_is_left_out_of_the_entry():
    assert _ids(ROUTES, "app/routes/jobs.py", "x = 1\n") == ["R-1"]
    assert _ids(ROUTES, "app/routes/__init__.py", "x = 1\n") == []
    checker = Checker(ruleset_from_yaml(ROUTES))
    assert not checker.applies_to("app/routes/__init__.py")
    assert checker.applies_to("app/routes/jobs.py")


def test_a_list_of_globs_with_the_file_glob_syntax():
    rules = ROUTES.replace('exclude: "app/routes/__init__.py"', 'exclude: ["**/__init__.py", "app/routes/_*.py"]')
    assert _ids(rules, "app/routes/__init__.py", "") == []
    assert _ids(rules, "app/routes/_helpers.py", "") == []
    assert _ids(rules, "app/routes/jobs.py", "") == ["R-1"]


def test_only_that_entry_leaves_the_file_out():
    rules = ROUTES + """\
      - file: "app/routes/*.py"
        must_contain: "from fastapi import"
"""
    got = [f.message for f in run(rules, "app/routes/__init__.py", "").findings]
    assert got == ["missing `from fastapi import` (R-1: routers)"]


def test_an_anti_pattern_with_its_own_file_leaves_its_excluded_files_out():
    rules = """
    g:
      - id: A-1
        name: no sleep
        anti_patterns:
          - pattern: 'time\\.sleep'
            file: "app/**/*.py"
            exclude: ["app/scripts/**", "**/test_*.py"]
            message: blocking
          - pattern: 'print\\('
            file: "app/**/*.py"
            message: use logging
    """
    text = "time.sleep(1)\nprint(1)\n"
    assert [f.message for f in run(rules, "app/api/jobs.py", text).findings] == ["blocking", "use logging"]
    assert [f.message for f in run(rules, "app/scripts/seed.py", text).findings] == ["use logging"]
    assert [f.message for f in run(rules, "app/api/test_jobs.py", text).findings] == ["use logging"]


def test_an_anti_pattern_scoped_by_the_patterns_takes_their_exclusions_and_its_own():
    rules = """
    g:
      - id: A-2
        name: handlers
        patterns:
          - file: "app/api/*.py"
            exclude: "app/api/__init__.py"
            must_contain: router
        anti_patterns:
          - pattern: 'time\\.sleep'
            exclude: "app/api/legacy.py"
            message: blocking
    """
    text = "router = 1\ntime.sleep(1)\n"
    assert [f.message for f in run(rules, "app/api/jobs.py", text).findings] == ["blocking"]
    assert run(rules, "app/api/__init__.py", text).findings == ()
    assert run(rules, "app/api/legacy.py", text).findings == ()


def test_examples_follow_the_exclusions():
    yaml_text = ROUTES + textwrap.indent(textwrap.dedent("""\
        examples:
          - path: app/routes/jobs.py
            invalid: "x = 1\\n"
          - path: app/routes/__init__.py
            valid: "from .jobs import router\\n"
        """), "    ")
    assert [o.outcome for o in run_examples(ruleset_from_yaml(yaml_text))] == [PASSED, PASSED]


# ---------------------------------------------------------------- loading


def _load(yaml_text: str):
    rules, errors = load_rule_text(textwrap.dedent(yaml_text), "rules.yaml")
    return rules, [(e.span.line, e.span.column, e.severity.value, e.message) for e in errors]


def test_an_exclude_that_is_not_a_glob_or_a_list_of_globs_is_located_and_drops_its_entry():
    rules, errors = _load("""\
    g:
      - id: X-1
        name: bad exclude
        patterns:
          - file: "app/*.py"
            exclude: {a: 1}
            must_contain: x
          - file: "lib/*.py"
            exclude: ["ok/*.py", [nested]]
            must_contain: y
        anti_patterns:
          - pattern: 'z'
            file: "app/*.py"
            exclude: 3.5
            message: z
          - pattern: 'w'
            file: "app/*.py"
            exclude: [""]
            message: w
    """)
    assert errors == [
        (5, 17, "error", "`exclude` must be a glob or a list of globs, not a mapping; the item is not loaded"),
        (8, 29, "error", "each item of `exclude` must be a glob, not a list; the item is not loaded"),
        (17, 18, "error", "`exclude`: file glob must be a non-empty string"),
    ]
    # an unusable exclusion would widen the entry: those entries and items are not loaded
    (rule,) = rules
    assert rule.patterns == ()
    assert [a.regex.source for a in rule.anti_patterns] == ["z"]  # `exclude: 3.5` is the glob "3.5"
    assert [g.pattern for g in rule.anti_patterns[0].exclude] == ["3.5"]


def test_an_empty_exclude_is_a_warning_and_leaves_nothing_out():
    rules, errors = _load("""\
    g:
      - id: X-2
        name: empty exclude
        patterns:
          - file: "app/*.py"
            exclude: []
            must_contain: x
    """)
    assert errors == [(5, 17, "warning", "`exclude` lists no globs: it leaves nothing out")]
    assert rules[0].patterns[0].exclude == ()
