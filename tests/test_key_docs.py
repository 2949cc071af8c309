"""The rule format's keys are declared once (archrules_lsp/engine/loading/keys.py); the files made
from that declaration are checked in and must not drift from it.

Fix a failure with `.venv/bin/python scripts/key_docs.py --write`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from archrules_lsp.engine.loading import keys, load_rule_text

REPO = Path(__file__).resolve().parents[1]
REGENERATE = "run `.venv/bin/python scripts/key_docs.py --write`"


def test_the_checked_in_schema_is_the_generated_one():
    checked_in = (REPO / keys.SCHEMA_PATH).read_text(encoding="utf-8")
    assert checked_in == keys.schema_json(), f"{keys.SCHEMA_PATH} differs from keys.py: {REGENERATE}"


def test_the_key_tables_in_the_docs_are_the_generated_ones():
    docs = (REPO / keys.DOCS_PATH).read_text(encoding="utf-8")
    assert docs == keys.with_tables(docs), f"the key tables in {keys.DOCS_PATH} differ from keys.py: {REGENERATE}"


@pytest.mark.parametrize("place", keys.PLACES + keys.CONTRACT_PLACES, ids=lambda p: p.marker)
def test_the_docs_have_a_generated_table_for_each_place(place):
    docs = (REPO / keys.DOCS_PATH).read_text(encoding="utf-8")
    assert f"<!-- keys:{place.marker}:start -->\n{keys.markdown_table(place)}\n<!-- keys:{place.marker}:end -->" in docs


def test_the_regenerating_script_agrees_with_these_tests():
    # The script the failure messages point at: its --check passes on the tree as committed.
    result = subprocess.run([sys.executable, str(REPO / "scripts" / "key_docs.py"), "--check"],
                            capture_output=True, text=True, check=False)
    assert (result.returncode, result.stderr) == (0, "")


def test_a_table_cell_keeps_a_pipe_in_the_text_inside_its_cell():
    row = next(line for line in keys.markdown_table(keys.RULE).splitlines() if line.startswith("| `severity`"))
    assert row.count("|") - row.count("\\|") == 4  # three cells


def _rule_around(place: keys.Place, example: str) -> dict:
    """A valid rule holding `example` (a key as written in its mapping) at its place."""
    written = yaml.safe_load(example.removeprefix("- "))
    rule = {"id": "A-1", "name": "a rule", "anti_patterns": [{"pattern": "x", "message": "m"}]}
    if place is keys.RULE:
        rule.update(written)
    elif place is keys.PATTERN_ENTRY:
        entry = {"file": "app/*.py", "must_contain": "x", **written}
        if "endpoint_pattern" in written or "must_return" in written:
            entry.update({"endpoint_pattern": "@router", "must_return": "job_id", **written})
        rule["patterns"] = [entry]
    elif place is keys.ANTI_PATTERN_ENTRY:
        rule["anti_patterns"] = [{"pattern": "time[.]sleep[(]", "message": "m", **written}]
    elif place is keys.EXAMPLE_ENTRY:
        rule["examples"] = [{"path": "app/x.py", **({} if "valid" in written else {"invalid": "x"}), **written}]
    elif place is keys.IMPORTS:
        rule["imports"] = {"independent": ["app.a", "app.b"], **written}
    elif place is keys.IMPORTS_FORBIDDEN:
        rule["imports"] = {"forbidden": {"from": "app.api", "to": "app.tasks", **written}}
    else:
        rule["imports"] = {"protected": {"modules": "app.billing", **written}}
    return {"group": [rule]}


@pytest.mark.parametrize(("place", "key"), [(p, k) for p in keys.PLACES + keys.CONTRACT_PLACES for k in p.keys],
                         ids=lambda v: getattr(v, "marker", None) or getattr(v, "name", ""))
def test_each_keys_example_is_accepted_by_the_schema_and_the_loader(place, key):
    doc = _rule_around(place, key.example)
    assert list(jsonschema.Draft7Validator(keys.schema_document()).iter_errors(doc)) == []
    _, errors = load_rule_text(yaml.safe_dump(doc, sort_keys=False), "rules.yaml")
    assert [e.message for e in errors] == []
