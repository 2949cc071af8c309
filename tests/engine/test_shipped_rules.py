"""The rule sets we ship pass their own examples; BG-041's example catches the seed's
false positive (a 10 s poll also reported as "1 second polling")."""

from __future__ import annotations

from pathlib import Path

import pytest

from archrules_lsp.engine import load_rule_files
from archrules_lsp.engine.model import RuleSet
from archrules_lsp.engine.record import replace
from archrules_lsp.engine.rule_tests import PASSED, run_examples

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "rules").glob("*.yaml"))
SEED_COPY = ROOT / "examples/background-tasks/.architecture-rules/background-tasks.yaml"  # the seed as written


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_rules_load_cleanly_and_pass_their_examples(path):
    ruleset = load_rule_files([str(path)])
    assert ruleset.errors == ()
    failed = [(o.rule.id, o.example.location.span.line + 1, o.detail)
              for o in run_examples(ruleset) if o.outcome != PASSED]
    assert failed == []


def test_the_bg041_examples_fail_on_the_seeds_patterns():
    ours = {r.id: r for r in load_rule_files([str(ROOT / "rules/background-tasks.yaml")]).rules}["BG-041"]
    seed = {r.id: r for r in load_rule_files([str(SEED_COPY)]).rules}["BG-041"]
    assert ours.examples
    seed_with_our_examples = replace(seed, examples=ours.examples)
    failures = [o.detail for o in run_examples(RuleSet(rules=(seed_with_our_examples,))) if o.outcome != PASSED]
    assert any("10 second polling" in d and "1 second polling" in d for d in failures), failures
