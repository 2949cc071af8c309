"""Findings kept through edits (engine/finding_runs.py) against the plain definitions: a
sorted list of findings remade in full after each edit, and a sort by severity."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archrules_lsp.engine import finding_runs
from archrules_lsp.engine.finding_runs import FindingRuns, FindingsView, finding_order, most_severe
from archrules_lsp.engine.model import Finding, Severity, Span


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch):
    monkeypatch.setattr(finding_runs, "BLOCK_SIZE", 3)  # many blocks from a few findings


def finding(line: int, column: int = 0, rule: str = "R", severity: Severity = Severity.WARNING) -> Finding:
    return Finding(rule, severity, f"m{column}", Span(line, column, line, column + 1))


FINDINGS = st.builds(finding, st.integers(0, 30), st.integers(0, 3), st.sampled_from(["A", "B"]),
                     st.sampled_from(list(Severity)))
# (first, last, new findings' lines relative to first, delta)
EDITS = st.tuples(st.integers(0, 35), st.integers(-1, 6), st.lists(st.tuples(st.integers(0, 8), st.integers(0, 3)),
                                                                      max_size=4), st.integers(-6, 6))


def plainly_spliced(findings: list[Finding], first: int, last: int, new: list[Finding], delta: int) -> list[Finding]:
    kept = [f for f in findings if f.span.line < first]
    moved = [finding_runs.moved(f, delta) for f in findings if f.span.line > last]
    return sorted(kept + new + moved, key=finding_order)


@settings(max_examples=300, deadline=None)
@given(st.lists(FINDINGS, max_size=25), st.lists(EDITS, max_size=6))
def test_spliced_runs_equal_the_findings_remade_in_full(start, edits):
    runs = FindingRuns(start)
    plain = sorted(start, key=finding_order)
    views = [(runs.view(), list(plain))]
    for first, span, new_at, delta in edits:
        last = first + span
        delta = max(delta, -span - 1)  # the region's lines can go, the ones before it cannot
        new = [finding(first + k, c) for k, c in new_at if first + k <= last + delta]
        runs.splice(first, last, new, delta)
        plain = plainly_spliced(plain, first, last, new, delta)
        views.append((runs.view(), list(plain)))
    for view, expected in views:  # every view stays what it was when taken
        assert list(view) == expected
        assert view == tuple(expected) and tuple(expected) == view
        assert len(view) == len(expected)
        assert [view[i] for i in range(len(view))] == expected
        assert view[1:4] == tuple(expected[1:4])
        if expected:
            assert view[-1] == expected[-1]


@settings(max_examples=300, deadline=None)
@given(st.lists(FINDINGS, max_size=25), st.lists(FINDINGS, max_size=6), st.integers(-4, 4))
def test_findings_put_into_a_view_land_where_a_sort_puts_them(many, few, delta):
    runs = FindingRuns(many)
    runs.splice(0, -1, [], delta + 5)  # every block moved: its findings are read `delta + 5` lines down
    # as a full check sorts them: the few (file-level) first, then the many, a stable sort
    expected = sorted([*few, *(finding_runs.moved(f, delta + 5) for f in sorted(many, key=finding_order))],
                      key=finding_order)
    merged = runs.view().with_findings(sorted(few, key=finding_order))
    assert list(merged) == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list(Severity)), max_size=40), st.integers(min_value=0, max_value=45),
       st.booleans())
def test_most_severe_is_the_first_by_severity_then_position(severities, cap, as_view):
    # against the plain definition: sort by (severity, position), take `cap`, back in position order
    findings = [finding(i + 2, severity=s) for i, s in enumerate(severities)]
    expected = findings if not cap else sorted(
        sorted(findings, key=lambda f: (-f.severity.rank, f.span.line))[:cap], key=lambda f: f.span.line)
    given_findings: Sequence[Finding] = findings
    if as_view:  # a view whose findings were moved two lines down by an edit above them
        runs = FindingRuns(finding_runs.moved(f, -2) for f in findings)
        runs.splice(0, -1, [], 2)
        given_findings = runs.view()
    assert list(most_severe(given_findings, cap)) == expected


def test_a_view_is_not_a_string_and_not_equal_to_one():
    view = FindingRuns([finding(1)]).view()
    assert view != "x" and view != [finding(2)] and view == [finding(1)]
    assert isinstance(view, FindingsView)
