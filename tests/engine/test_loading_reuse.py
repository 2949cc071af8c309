"""An edited rule file is loaded again at each pause in the typing, and the rules whose
lines did not change are reused, not built again: the result must be exactly a fresh load's."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archrules_lsp.engine.loading import load_rule_text, loader
from archrules_lsp.engine.loading import rules as rule_building

SHIPPED = (Path(__file__).resolve().parents[2] / "rules" / "background-tasks.yaml").read_text(encoding="utf-8")
ALIASED = """x-defaults: &defaults
  severity: error
  suggestion: use the helper
group:
  - id: A-1
    name: merged
    <<: *defaults
    anti_patterns:
      - {pattern: 'print[(]', message: no print}
  - id: A-2
    name: plain
    anti_patterns:
      - pattern: 'input[(]'
        message: no input
"""
PIECES = ["x", " ", "\n", ":", "-", "'", "#", "\t", "é", "  - id: NEW\n", "    severity: loud\n", "*defaults", "&a "]


def load(text: str):
    loader._load_cached.cache_clear()  # the whole-text cache would answer a repeated text
    return load_rule_text(text, "rules.yaml")


def fresh(text: str):
    rule_building._built.clear()
    return load(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(base=st.sampled_from([SHIPPED, ALIASED]), data=st.data())
def test_a_load_reusing_unchanged_rules_equals_a_fresh_load(base, data):
    load(base)  # what the previous pause left in the cache
    text = base
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(text)))
        cut = data.draw(st.integers(0, 3))
        text = text[:at] + data.draw(st.sampled_from(PIECES)) + text[at + cut:]
    reused = load(text)
    assert reused == fresh(text)


def test_an_alias_or_merge_key_is_never_reused_across_a_change_of_what_it_names():
    load(ALIASED)
    rules, _ = load(ALIASED.replace("severity: error", "severity: info"))
    assert rules[0].severity.value == "info"


def test_a_rule_moved_down_a_line_gets_its_new_place():
    first, _ = load(SHIPPED)
    moved, _ = load("\n" + SHIPPED)
    assert [r.location.span.line for r in moved] == [r.location.span.line + 1 for r in first]
