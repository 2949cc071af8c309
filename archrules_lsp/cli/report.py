"""What a `check` run produced, independent of the output format.

Each format is a `Format` (in the parent: begin, file, end) with a `renderer()`: a
picklable function run in the scan's workers that renders one file (see
file_report.py). `file(rel, payload)` gets what it rendered, in path order.
Streaming formats write it at once; document formats (json, sarif) keep the rendered
fragments (never file texts) until the end.
"""

from __future__ import annotations

import collections
from typing import TYPE_CHECKING, Any

from ..engine.model import UNUSED_SUPPRESSION, Severity
from ..engine.record import field, record
from .file_report import FileReport, Renderer

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import RuleSet
    from .project_setup import Project


def counts_toward_exit(rule_id: str, severity: str, fail_on: str) -> bool:
    """Findings at or above --fail-on count; hints and unused suppressions never do."""
    if rule_id == UNUSED_SUPPRESSION or severity == Severity.HINT:
        return False
    return _RANK_OF[severity] >= _RANK_OF[fail_on]


# severity name -> rank (a tally entry per rule and file: an Enum built for each costs more)
_RANK_OF = {s.value: s.rank for s in Severity}


@record
class FixProblem:
    """A file whose fixes were not written: on purpose (a warning), or because writing failed (an error)."""

    rel: str
    message: str
    is_error: bool


@record(frozen=False)
class RunState:
    """Counters and context shared by the formats."""

    project: Project
    cwd: str
    fail_on: str = "error"
    by_severity: collections.Counter = field(default_factory=collections.Counter)
    by_rule: collections.Counter = field(default_factory=collections.Counter)
    files_checked: int = 0
    files_with_findings: int = 0
    failing: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (rel, reason)
    fixed: int = 0
    files_fixed: int = 0
    fix_problems: list[FixProblem] = field(default_factory=list)
    fixing: bool = False
    baseline_name: str | None = None  # the baseline file in use, as displayed
    baselined: int = 0
    fixed_entries: list = field(default_factory=list)  # baseline entries the files no longer have
    visited: set[str] = field(default_factory=set)  # files the scan reported on (with a baseline)
    entries: list = field(default_factory=list)  # every finding's baseline entry (`archrules baseline`)

    @property
    def ruleset(self) -> RuleSet:
        return self.project.ruleset

    @property
    def total(self) -> int:
        return sum(self.by_severity.values())

    def record(self, report: FileReport) -> None:
        self.files_checked += 1
        self.baselined += report.baselined
        self.fixed_entries.extend(report.fixed)
        self.entries.extend(report.entries)
        if report.findings:
            self.files_with_findings += 1
        for rule_id, severity, n in report.tally:
            self.by_severity[severity] += n
            self.by_rule[rule_id] += n
            if counts_toward_exit(rule_id, severity, self.fail_on):
                self.failing += n

    def summary(self) -> dict:
        project = self.project
        return {
            "findings": self.total,
            "errors": self.by_severity["error"],
            "warnings": self.by_severity["warning"],
            "info": self.by_severity["info"],
            "hints": self.by_severity["hint"],
            "files_checked": self.files_checked,
            "files_with_findings": self.files_with_findings,
            "files_skipped": len(self.skipped),
            "rule_errors": project.error_count,
            "rule_warnings": project.warning_count,
            "fixed": self.fixed,
            "failing": self.failing,
            "baselined": self.baselined,
        }

    def fixed_line(self) -> str:
        return (f"Fixed {self.fixed} finding{'' if self.fixed == 1 else 's'} in "
                f"{self.files_fixed} file{'' if self.files_fixed == 1 else 's'}.")

    def baselined_line(self) -> str | None:
        """`12 findings baselined (.archrules-baseline.json)`, when a baseline is in use."""
        if self.baseline_name is None:
            return None
        n = self.baselined
        return f"{n} finding{'' if n == 1 else 's'} baselined ({self.baseline_name})"

    def summary_line(self) -> str:
        if not self.total:
            return self.project.failure_line() or "All checks passed."
        parts = []
        for name, singular, plural in (("error", "error", "errors"), ("warning", "warning", "warnings"),
                                       ("info", "info", "info"), ("hint", "hint", "hints")):
            n = self.by_severity[name]
            if n:
                parts.append(f"{n} {singular if n == 1 else plural}")
        files = self.files_with_findings
        noun = "finding" if self.total == 1 else "findings"
        return f"Found {self.total} {noun} ({', '.join(parts)}) in {files} file{'' if files == 1 else 's'}."


class Format:
    """Base output format: override what you need."""

    # Rule-file and config problems are printed on stderr unless the format's document
    # carries them (json, sarif); skipped files likewise.
    load_problems_on_stderr = True
    skipped_on_stderr = True
    shows_baselined = False  # baselined findings are rendered (marked) even without --show-baselined
    baselined_in_output = False  # the output says how many findings were baselined (else: stderr)

    def __init__(self, state: RunState, out, options: Any):
        self.state = state
        self.out = out
        self.options = options  # the parsed command line

    def renderer(self) -> Renderer | None:
        """A picklable `render(rel, findings, notes) -> payload`, run where the file was checked."""
        return None

    def begin(self) -> None:
        pass

    def file(self, rel: str, payload: Any) -> None:
        """Default for streaming formats: the payload is the file's text; write it."""
        if payload:
            self.out.write(payload)

    def end(self) -> None:
        pass
