"""One JSON document: {"version": 1, "findings", "errors", "notes", "skipped", "summary"}.

Lines and columns are 1-based, ends exclusive; paths are relative to the project root
(rule-file paths too when they are under it)."""

from __future__ import annotations

import os

from .json_writer import write_document
from ..report import Format, finding_record, severity_name

JSON_VERSION = 1


def root_relative(path: str, root) -> str:
    rel = os.path.relpath(os.path.abspath(path), root)
    return path if rel.startswith(os.pardir) else rel.replace(os.sep, "/")


def load_problem_records(project) -> list[dict]:
    out = []
    for problem in project.config_problems:
        out.append({"path": "pyproject.toml", "line": None, "column": None, "message": problem,
                    "rule": None, "severity": "error"})
    for p in project.missing_rule_paths:
        out.append({"path": root_relative(str(p), project.root), "line": None, "column": None,
                    "message": "rule file not found", "rule": None, "severity": "error"})
    for e in project.ruleset.errors:
        out.append({"path": root_relative(e.path, project.root), "line": e.span.line + 1,
                    "column": e.span.column + 1, "message": e.message, "rule": e.rule_id,
                    "severity": severity_name(e.severity)})
    return out


class JsonFormat(Format):
    reports_load_problems_itself = True
    reports_skipped_itself = True

    def begin(self) -> None:
        self.findings: list[dict] = []
        self.notes: list[dict] = []

    def file(self, rel, rows) -> None:
        self.findings.extend(finding_record(rel, f) for f in rows.findings)
        for n in rows.notes:
            self.notes.append({"path": rel, "line": n.line, "column": n.column, "message": n.message, "rule": n.rule})

    def end(self) -> None:
        state = self.state
        doc = {
            "version": JSON_VERSION,
            "findings": self.findings,
            "errors": load_problem_records(state.project),
            "notes": self.notes,
            "skipped": [{"path": rel, "reason": reason} for rel, reason in state.skipped],
            "summary": state.summary(),
        }
        write_document(self.out, doc)


FORMAT = JsonFormat
