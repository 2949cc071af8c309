"""What crosses the process boundary for each checked file: a tally and the output.

The scan's workers turn a file's CheckResult into a `FileReport`: counts per (rule,
severity) for the summary and exit status, and the output format's rendering of the
file (text lines, JSON lines, SARIF results...). Engine Findings, with their three
fixes each, cost more to pickle than to compute; a string costs almost nothing, and
rendering is spread over the workers instead of piling up in the parent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from ..project.conventions import Skip
from ..project.scan import FixOutcome

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import CheckResult

# render(rel, findings sorted by position, notes sorted by position) -> payload for Format.file
Renderer = Callable[[str, Sequence[Any], Sequence[Any]], Any]


class FileReport(NamedTuple):
    tally: tuple[tuple[str, str, int], ...]  # (rule id, severity, count)
    findings: int
    payload: Any  # the format's rendering of this file; None if it renders nothing per file
    fixes_applied: int = 0
    unwritten: str | None = None  # --fix: why the fixes were not written (see scan.FixOutcome)
    write_failed: bool = False


class SkipReport(NamedTuple):
    reason: str


def one_based(span) -> tuple[int, int, int, int]:
    """(line, column, end_line, end_column) as printed: 1-based, end exclusive."""
    return span.line + 1, span.column + 1, span.end_line + 1, span.end_column + 1


class ReportTransform:
    """The scan's per-file transform (picklable as long as the renderer is)."""

    def __init__(self, render: Renderer | None = None):
        self.render = render

    def __call__(self, rel: str, outcome: CheckResult | Skip | FixOutcome) -> FileReport | SkipReport:
        fixing = outcome if isinstance(outcome, FixOutcome) else FixOutcome(outcome)
        result = fixing.result
        if isinstance(result, Skip):
            return SkipReport(result.reason)
        findings = sorted(result.findings, key=lambda f: (f.span.line, f.span.column, f.rule_id))
        notes = sorted(result.notes, key=lambda n: (n.span.line, n.span.column))
        counts: dict[tuple[str, str], int] = {}
        for f in findings:
            key = (f.rule_id, f.severity.value)
            counts[key] = counts.get(key, 0) + 1
        payload = self.render(rel, findings, notes) if self.render is not None else None
        return FileReport(tuple((r, s, n) for (r, s), n in counts.items()), len(findings), payload,
                          fixing.fixes_applied, fixing.unwritten, fixing.write_failed)
