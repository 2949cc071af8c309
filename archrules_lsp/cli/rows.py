"""Check results as plain tuples: built where the file was checked (a worker process),
cheap to send back, and all the output formats need.

Pickling engine Findings (with their three fixes each) costs more than checking the
file; these rows cost almost nothing. Lines and columns here are 1-based (display),
ends exclusive.
"""

from __future__ import annotations

from typing import NamedTuple, Optional, Union


class EditRow(NamedTuple):
    line: int
    column: int
    end_line: int
    end_column: int
    new_text: str


class FixRow(NamedTuple):
    title: str
    safe: bool
    edits: tuple[EditRow, ...]


class FindingRow(NamedTuple):
    rule: str
    severity: str  # error | warning | info | hint
    message: str
    line: int
    column: int
    end_line: int
    end_column: int
    suggestion: str
    fix: Optional[FixRow]


class NoteRow(NamedTuple):
    message: str
    line: int
    column: int
    end_line: int
    end_column: int
    rule: Optional[str]


class FileRows(NamedTuple):
    findings: tuple[FindingRow, ...]
    notes: tuple[NoteRow, ...]
    fixes_applied: int = 0
    fix_error: Optional[str] = None


class SkipRow(NamedTuple):
    reason: str
    fixes_applied: int = 0
    fix_error: Optional[str] = None


def _fix_row(fix) -> Optional[FixRow]:
    if fix is None:
        return None
    return FixRow(fix.title, fix.safe, tuple(
        EditRow(e.span.line + 1, e.span.column + 1, e.span.end_line + 1, e.span.end_column + 1, e.new_text)
        for e in fix.edits))


def to_rows(rel: str, outcome) -> Union[FileRows, SkipRow]:
    """A scan outcome (CheckResult, Skip, or FixOutcome) as rows; findings sorted by position."""
    applied, error = 0, None
    if hasattr(outcome, "fixes_applied"):  # FixOutcome
        applied, error, outcome = outcome.fixes_applied, outcome.error, outcome.result
    if not hasattr(outcome, "findings"):  # Skip
        return SkipRow(outcome.reason, applied, error)
    findings = sorted(outcome.findings, key=lambda f: (f.span.line, f.span.column, f.rule_id))
    rows = tuple(
        FindingRow(f.rule_id, f.severity.value, f.message, f.span.line + 1, f.span.column + 1,
                   f.span.end_line + 1, f.span.end_column + 1, f.suggestion, _fix_row(f.rule_fix))
        for f in findings)
    notes = tuple(
        NoteRow(n.message, n.span.line + 1, n.span.column + 1, n.span.end_line + 1, n.span.end_column + 1, n.rule_id)
        for n in sorted(outcome.notes, key=lambda n: (n.span.line, n.span.column)))
    return FileRows(rows, notes, applied, error)
