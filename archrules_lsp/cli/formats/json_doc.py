"""One JSON document: {"version": 1, "findings", "errors", "notes", "skipped", "summary"}.

Lines and columns are 1-based, ends exclusive; paths are relative to the project root
(rule-file paths too when they are under it). Findings are encoded in the workers
(records.py) and kept as text until the end."""

from __future__ import annotations

import os

from ..report import Format, severity_name
from .json_writer import Raw, write_document
from .records import FindingEncoder, encode_path, note_json

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


class JsonRenderer:
    def __init__(self):
        self.encode = FindingEncoder()

    def __call__(self, rel, findings, notes):
        path = encode_path(rel)
        return [self.encode(path, f) for f in findings], [note_json(path, n) for n in notes]


class JsonFormat(Format):
    reports_load_problems_itself = True
    reports_skipped_itself = True

    def renderer(self):
        return JsonRenderer()

    def begin(self) -> None:
        self.findings: list[Raw] = []
        self.notes: list[Raw] = []

    def file(self, rel, payload) -> None:
        findings, notes = payload
        self.findings.extend(map(Raw, findings))
        self.notes.extend(map(Raw, notes))

    def end(self) -> None:
        state = self.state
        write_document(self.out, {
            "version": JSON_VERSION,
            "findings": self.findings,
            "errors": load_problem_records(state.project),
            "notes": self.notes,
            "skipped": [{"path": rel, "reason": reason} for rel, reason in state.skipped],
            "summary": state.summary(),
        })


FORMAT = JsonFormat
