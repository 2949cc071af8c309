"""What a `check` run produced, independent of the output format.

Formats receive events in order: `begin()`, then `file(rel, rows)` for each checked
file (in path order, rows from `cli/rows.py`), then `end()`. Streaming formats print
as they go; document formats (json, sarif) keep rows (never file texts) until the end.
"""

from __future__ import annotations

import collections
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .rows import FileRows, FindingRow
from .selection import UNUSED_SUPPRESSION

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import RuleSet
    from .project_setup import Project

THRESHOLD_RANK = {"error": 3, "warning": 2, "info": 1}
RANK = {"error": 3, "warning": 2, "info": 1, "hint": 0}


def severity_name(severity) -> str:
    return getattr(severity, "value", str(severity))


def counts_toward_exit(row: FindingRow, fail_on: str) -> bool:
    """Findings at or above --fail-on count; hints and unused suppressions never do."""
    if row.rule == UNUSED_SUPPRESSION:
        return False
    rank = RANK.get(row.severity, 0)
    return rank > 0 and rank >= THRESHOLD_RANK[fail_on]


@dataclass
class RunState:
    """Counters and context shared by the formats."""

    project: "Project"
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
    fix_errors: list[tuple[str, str]] = field(default_factory=list)
    fixing: bool = False

    @property
    def ruleset(self) -> "RuleSet":
        return self.project.ruleset

    @property
    def total(self) -> int:
        return sum(self.by_severity.values())

    def record(self, rel: str, rows: FileRows) -> None:
        self.files_checked += 1
        if rows.findings:
            self.files_with_findings += 1
        for f in rows.findings:
            self.by_severity[f.severity] += 1
            self.by_rule[f.rule] += 1
            if counts_toward_exit(f, self.fail_on):
                self.failing += 1

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
            "rule_errors": len(project.rule_errors) + len(project.missing_rule_paths) + len(project.config_problems),
            "fixed": self.fixed,
            "failing": self.failing,
        }

    def summary_line(self) -> str:
        if not self.total:
            return "All checks passed."
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

    # Formats that are documents (json, sarif) carry these themselves.
    reports_load_problems_itself = False
    reports_skipped_itself = False

    def __init__(self, state: RunState, out, options):
        self.state = state
        self.out = out
        self.options = options

    def begin(self) -> None:
        pass

    def file(self, rel: str, rows: FileRows) -> None:
        pass

    def end(self) -> None:
        pass


def finding_record(rel: str, f: FindingRow) -> dict:
    """A finding as JSON (json and jsonl): 1-based lines and columns, end exclusive."""
    fix = f.fix
    return {
        "path": rel, "line": f.line, "column": f.column, "end_line": f.end_line, "end_column": f.end_column,
        "rule": f.rule, "severity": f.severity, "message": f.message,
        "suggestion": f.suggestion.rstrip() or None,
        "fix": None if fix is None else {
            "title": fix.title, "safe": fix.safe,
            "edits": [{"line": e.line, "column": e.column, "end_line": e.end_line, "end_column": e.end_column,
                       "new_text": e.new_text} for e in fix.edits]},
    }
