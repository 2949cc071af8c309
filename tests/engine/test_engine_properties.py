"""Property tests: the engine never raises, whatever the text or the rule values."""

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archrules_lsp.engine import Checker, RuleSet, apply_safe_fixes, load_rule_text

pieces = st.sampled_from(["\r\n", "\r", "\n", "\x0c", "#", "archrules: ignore[", "]", "BG-010", "class A:\n    x = 1\n",
                         "@router.post('/import')\n", "def f():\n    return {'job_id': 1}\n", "status = processing",
                         "setInterval(f, 1000)", "😋", "\u2028"])
texts = st.lists(st.text(max_size=12) | pieces, max_size=40).map("".join)
paths = st.sampled_from(["models/database/test_run.py", "app/api/v1/marketplace.py", "app/tasks/a.py",
                         "static/admin/js/a.js", "docs/x.md", "app/services/background_tasks_service.py", "x"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, path=paths)
def test_seed_rules_never_raise_on_arbitrary_text(seed_checker, text, path):
    res = seed_checker.check(path, text)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for f in res.findings:
        assert 0 <= f.span.line < len(lines)
        assert 0 <= f.span.column <= len(lines[f.span.line])
    apply_safe_fixes(text, res.findings)


scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20),
                    st.sampled_from(["[a-", "(a)\\1", "**/*.py", "*.js", "x", ""]))
values = st.recursive(
    scalars, lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c, max_size=3), max_leaves=8
)
rule_keys = st.sampled_from(
    ["id", "name", "severity", "patterns", "anti_patterns", "suggestion", "description", "url", "enabled"]
)
entry_keys = st.sampled_from(["file", "must_contain", "must_contain_one_of", "must_reference", "when_contains",
                              "should_match", "endpoint_pattern", "must_return", "pattern", "message", "fix"])
entries = st.dictionaries(entry_keys, values, max_size=5)
rules = st.fixed_dictionaries({"id": scalars, "name": scalars}, optional={
    "patterns": st.lists(entries, max_size=3), "anti_patterns": st.lists(entries, max_size=3)}).flatmap(
    lambda base: st.dictionaries(rule_keys, values, max_size=2).map(lambda extra: {**extra, **base}))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=st.dictionaries(st.text(min_size=1, max_size=8), st.lists(rules, max_size=3), max_size=2),
       text=texts, path=paths)
def test_arbitrary_rule_values_never_raise_in_loading_or_checking(doc, text, path):
    loaded, errors = load_rule_text(yaml.safe_dump(doc), "r.yaml")
    Checker(RuleSet(tuple(loaded), tuple(errors))).check(path, text)
