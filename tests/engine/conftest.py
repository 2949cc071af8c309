"""Engine tests feed rules as inline YAML, the way a user writes them."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from archrules_lsp.engine import Checker, CheckOptions, load_rule_files, load_rule_text
from archrules_lsp.engine.model import RuleSet

REPO = Path(__file__).resolve().parents[2]
# the seed rule set exactly as its authors wrote it (rules/background-tasks.yaml, the copy
# we ship, fixes BG-041 and carries examples)
SEED = REPO / "examples" / "background-tasks" / ".architecture-rules" / "background-tasks.yaml"


def ruleset_from_yaml(yaml_text: str, path: str = "rules.yaml") -> RuleSet:
    rules, errors = load_rule_text(textwrap.dedent(yaml_text), path)
    assert not [e for e in errors if e.severity.value == "error"], errors
    return RuleSet(tuple(rules), tuple(errors), (path,))


def run(yaml_text: str, path: str, text: str, **options):
    """Findings of inline rules on one file's text."""
    checker = Checker(ruleset_from_yaml(yaml_text), CheckOptions(**options))
    return checker.check(path, textwrap.dedent(text) if text.startswith("\n") else text)


@pytest.fixture(scope="session")
def seed_checker() -> Checker:
    rs = load_rule_files([str(SEED)])
    assert not rs.errors, rs.errors
    return Checker(rs)
