"""project/baseline.py: the key of a finding and the baseline file, as the CLI and the server use them."""

from __future__ import annotations

import pytest

from archrules_lsp.engine import Finding, Severity, Span
from archrules_lsp.project.baseline import (
    Baseline,
    BaselineError,
    Entry,
    dumps,
    finding_entries,
    fingerprint,
    loads,
    read_baseline,
    write_baseline,
)


def finding(message: str, line: int = 0, rule: str = "R-1") -> Finding:
    return Finding(rule, Severity.ERROR, message, Span(line, 0, line, 1))


@pytest.mark.parametrize("message, expected", [
    ("missing `status = Column` (R-1: Jobs have a status)", ("missing", "missing `status = Column`")),
    ("missing one of `a`, `b` (R-1: name (with parens))", ("missing", "missing one of `a`, `b`")),
    ("`TestRun` is never referenced (R-1: x)", ("missing", "`TestRun` is never referenced")),
    ("no line matches `^x` (R-1: x)", ("missing", "no line matches `^x`")),
    ("endpoint `create` does not return `job_id` (R-1: x)", ("endpoint", "create")),
    ("Use logging (R-1: x)", ("line", "print(  'a' )")),  # an anti-pattern's own message: its line
    ("missing x (R-2: another rule's label)", ("line", "print(  'a' )")),
])
def test_fingerprint_names_what_the_finding_is_about(message, expected):
    lines = ["", "\t print(  'a' )  "]
    kind, what = fingerprint(lines, finding(message, line=1))
    if kind == "line":
        expected = ("line", "print( 'a' )")
    assert (kind, what) == expected


def test_identical_keys_in_a_file_are_numbered_and_lines_do_not_matter():
    text = "a = 1\nx()\n\nx()\n"
    entries = finding_entries("m.py", text, [finding("m", 1), finding("m", 3)])
    assert entries == [Entry("m.py", "R-1", "line", "x()", 1), Entry("m.py", "R-1", "line", "x()", 2)]
    moved = finding_entries("m.py", "\n\n" + text, [finding("m", 3), finding("m", 5)])
    assert moved == entries


def test_split_leaves_baselined_findings_out_and_names_the_fixed_entries():
    base = Baseline([Entry("m.py", "R-1", "line", "x()", 1), Entry("m.py", "R-1", "line", "gone()", 1)])
    new_finding, old_finding = finding("m", 0), finding("m", 1)
    split = base.split("m.py", "y()\nx()\n", [new_finding, old_finding])
    assert split.new == [new_finding] and split.baselined == [old_finding]
    assert split.fixed == [Entry("m.py", "R-1", "line", "gone()", 1)]
    assert base.split("other.py", "x()\n", [old_finding]).new == [old_finding]


def test_the_file_round_trips_byte_for_byte(tmp_path):
    entries = [Entry("b.py", "R", "line", 'é "q"', 1), Entry("a\udcff.py", "R", "missing", "m", 2)]
    path = tmp_path / "b.json"
    write_baseline(path, entries)
    assert read_baseline(path) == sorted(entries)
    data = path.read_bytes()
    write_baseline(path, reversed(entries))
    assert path.read_bytes() == data
    assert loads(dumps([])) == []


def test_errors_never_give_an_empty_baseline(tmp_path):
    with pytest.raises(BaselineError, match="no such file"):
        read_baseline(tmp_path / "missing.json")
    (tmp_path / "folder.json").mkdir()
    with pytest.raises(BaselineError, match="not a regular file"):
        read_baseline(tmp_path / "folder.json")
    with pytest.raises(BaselineError, match="'occurrence'"):
        loads('{"version": 1, "findings": [{"path": "a", "rule": "R", "kind": "line", "what": "", '
              '"occurrence": true}]}')
