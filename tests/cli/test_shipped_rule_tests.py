"""`archrules test rules/` from the repo root: every rule we ship is tested by its own
examples, and all of them pass (the matrix, read as a user reads it)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from .conftest import run

REPO = Path(__file__).resolve().parents[2]
RULE_FILE = REPO / "rules" / "background-tasks.yaml"

# one matrix line: `BG-001  9 passed  0 false positives  0 false negatives  0 fix mismatches`
MATRIX_LINE = re.compile(r"^(?P<id>\S+) +(?P<counts>\d+ passed  .*)$")
COUNT = re.compile(r"(\d+) ([a-z ]+?)(?=  |$)")


def _rule_ids(path: Path) -> list[str]:
    groups = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [rule["id"] for key, rules in groups.items() if not key.startswith("x-") for rule in rules]


def _matrix(stdout: str) -> dict[str, dict[str, int]]:
    rows = {}
    for line in stdout.splitlines():
        if m := MATRIX_LINE.match(line):
            rows[m["id"]] = {name: int(n) for n, name in COUNT.findall(m["counts"])}
    return rows


def test_every_shipped_rule_has_passing_examples_and_no_failures():
    proc = run(["test", "rules/"], REPO)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "no examples" not in proc.stdout
    matrix = _matrix(proc.stdout)
    ids = _rule_ids(RULE_FILE)
    assert ids and set(ids) <= matrix.keys(), proc.stdout
    for rule_id in ids:
        counts = matrix[rule_id]
        assert counts["passed"] >= 1, (rule_id, counts)
        failures = {k: v for k, v in counts.items() if k != "passed" and v}
        assert failures == {}, (rule_id, counts)
        assert set(counts) == {"passed", "false positives", "false negatives", "fix mismatches"}, counts
