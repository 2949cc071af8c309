"""glob_coverage: which rule globs match none of a project's files (pure: paths and rules in)."""

from __future__ import annotations

from archrules_lsp.engine import load_rule_text
from archrules_lsp.project.coverage import glob_coverage

RULES = r'''
rules:
  - id: M-1
    name: models
    patterns:
      - file: "models/*.py"
        must_contain: "status"
      - file: "models/database/*.py"
        must_contain: "status"
  - id: T-1
    name: tasks
    anti_patterns:
      - pattern: 'print\('
        file: "app/tasks/**/*.py"
        message: m
      - pattern: 'x'
        file: "models/*.py"
        message: m
'''
EVERYWHERE = "rules:\n  - id: E-1\n    name: e\n    anti_patterns:\n      - pattern: 'x'\n        message: m\n"


def _rules(text: str):
    rules, errors = load_rule_text(text, "rules.yaml")
    assert not [e for e in errors if e.severity.value == "error"]
    return rules


def test_unmatched_globs_in_rule_then_entry_order_with_their_place():
    coverage = glob_coverage(_rules(RULES), ["models/job.py", "README.md"])
    assert [(u.rule_id, u.pattern) for u in coverage.unmatched] == [
        ("M-1", "models/database/*.py"), ("T-1", "app/tasks/**/*.py")]
    assert coverage.unmatched[0].location.span.line == 7  # its `- file:` item (0-based; RULES starts with a blank line)
    assert coverage.any_rule_applies and not coverage.matches_nothing


def test_one_glob_in_two_rules_is_reported_for_each():
    coverage = glob_coverage(_rules(RULES), ["app/tasks/a.py"])
    assert [(u.rule_id, u.pattern) for u in coverage.unmatched] == [
        ("M-1", "models/*.py"), ("M-1", "models/database/*.py"), ("T-1", "models/*.py")]


def test_matching_nothing_at_all():
    coverage = glob_coverage(_rules(RULES), ["src/shop/models.py"])
    assert len(coverage.unmatched) == 4 and coverage.matches_nothing and not coverage.any_rule_applies


def test_a_rule_without_globs_applies_to_every_file():
    rules = _rules(RULES) + _rules(EVERYWHERE.replace("E-1", "E-2"))
    assert glob_coverage(rules, ["src/a.py"]).any_rule_applies
    assert glob_coverage(rules, []).matches_nothing  # no files at all
    assert not glob_coverage([], ["a.py"]).matches_nothing  # no rule: nothing to say
