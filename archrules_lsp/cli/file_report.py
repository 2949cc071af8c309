"""What crosses the process boundary for each checked file: a tally and the output.

The scan's workers turn a file's CheckResult into a `FileReport`: counts per (rule,
severity) for the summary and exit status, and the output format's rendering of the
file (text lines, JSON lines, SARIF results...). Engine Findings, with their three
fixes each, cost more to pickle than to compute; a string costs almost nothing, and
rendering is spread over the workers instead of piling up in the parent.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import TYPE_CHECKING, Any, NamedTuple

from ..project.conventions import Skip
from ..project.scan import FixOutcome

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import CheckResult
    from ..project.baseline import Baseline, Entry

# render(rel, findings sorted by position, notes sorted by position, baselined) -> payload
# for Format.file; `baselined`: None, or for each finding whether the baseline holds it
Renderer = Callable[[str, Sequence[Any], Sequence[Any], Sequence[bool] | None], Any]


_finding_position = attrgetter("span.line", "span.column", "rule_id")
_note_position = attrgetter("span.line", "span.column")
_rule_and_severity = attrgetter("rule_id", "severity")


class FileReport(NamedTuple):
    tally: tuple[tuple[str, str, int], ...]  # (rule id, severity, count)
    findings: int
    payload: Any  # the format's rendering of this file; None if it renders nothing per file
    fixes_applied: int = 0
    unwritten: str | None = None  # --fix: why the fixes were not written (see scan.FixOutcome)
    write_failed: bool = False
    baselined: int = 0  # findings the baseline holds (not in the tally)
    fixed: tuple[Entry, ...] = ()  # the file's baseline entries no finding matched
    entries: tuple[Entry, ...] = ()  # every finding's baseline entry (`archrules baseline`)


class SkipReport(NamedTuple):
    reason: str


def one_based(span) -> tuple[int, int, int, int]:
    """(line, column, end_line, end_column) as printed: 1-based, end exclusive."""
    return span.line + 1, span.column + 1, span.end_line + 1, span.end_column + 1


class BaselineUse(NamedTuple):
    """How a run uses baselines (picklable; forked workers inherit it without a copy)."""

    baseline: Baseline | None = None  # findings it holds are left out (counted)
    at_ref: Baseline | None = None  # --new-since: the findings the files had at REF, left out
    show_baselined: bool = False  # render baselined findings too, marked
    collect: bool = False  # `archrules baseline`: return every finding's entry


NO_BASELINE = BaselineUse()


class ReportTransform:
    """The scan's per-file transform (picklable as long as the renderer is)."""

    def __init__(self, render: Renderer | None = None, baselines: BaselineUse = NO_BASELINE):
        self.render = render
        self.baselines = baselines
        # a baseline key is made from the finding's line: ask the scan for the text
        self.needs_text = baselines != NO_BASELINE

    def __call__(self, rel: str, outcome: CheckResult | Skip | FixOutcome,
                 text: str | None = None) -> FileReport | SkipReport:
        fixing = outcome if isinstance(outcome, FixOutcome) else FixOutcome(outcome)
        result = fixing.result
        if isinstance(result, Skip):
            return SkipReport(result.reason)
        findings = sorted(result.findings, key=_finding_position)
        notes = sorted(result.notes, key=_note_position)
        shown, flags, baselined, fixed, entries = self._apply_baselines(rel, text or "", findings)
        counts = Counter(map(_rule_and_severity, findings))
        payload = self.render(rel, shown, notes, flags) if self.render is not None else None
        return FileReport(tuple((r, s.value, n) for (r, s), n in counts.items()), len(findings), payload,
                          fixing.fixes_applied, fixing.unwritten, fixing.write_failed,
                          baselined, fixed, entries)

    def _apply_baselines(self, rel: str, text: str, findings: list) -> tuple:
        """(findings to show, their baselined flags or None, the count baselined, the
        fixed entries, every finding's entry); `findings` is left with the new ones."""
        use = self.baselines
        frozen = use.baseline.by_path.get(rel, _NONE) if use.baseline is not None else _NONE
        if not findings or not (frozen or use.collect or use.at_ref is not None):
            flags = [False] * len(findings) if use.show_baselined else None
            return findings, flags, 0, tuple(sorted(frozen)), ()
        from ..project.baseline import finding_entries

        entries = finding_entries(rel, text, findings)
        at_ref = use.at_ref.by_path.get(rel, _NONE) if use.at_ref is not None else _NONE
        new, shown, flags = [], [], []
        baselined = present = 0  # found entries (identical ones are numbered: each is distinct)
        for f, entry in zip(findings, entries, strict=True):
            old = entry in frozen
            present += old
            if at_ref and entry in at_ref:  # --new-since: the file had it at REF (so not fixed either)
                continue
            baselined += old
            if not old:
                new.append(f)
            if use.show_baselined or not old:
                shown.append(f)
                flags.append(old)
        findings[:] = new
        fixed = tuple(sorted(frozen.difference(entries))) if present < len(frozen) else ()
        return shown, flags if use.show_baselined else None, baselined, fixed, tuple(entries) if use.collect else ()


_NONE: frozenset = frozenset()
