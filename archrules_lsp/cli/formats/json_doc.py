"""One JSON document: {"version": 1, "findings", "errors", "notes", "skipped", "summary"}.

Lines and columns are 1-based, ends exclusive; paths are relative to the project root
(rule-file paths too when they are under it). Findings are encoded in the workers
(records.py) and written as they arrive."""

from __future__ import annotations

import os

from ..report import Format, severity_name
from .json_writer import Raw, StreamedDocument
from .records import FindingEncoder, encode_path, note_json, valid_text

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
        out.append({"path": valid_text(root_relative(e.path, project.root)), "line": e.span.line + 1,
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
    """Streams the findings as they arrive; notes (few) are kept for after them."""

    load_problems_on_stderr = False
    skipped_on_stderr = False

    def renderer(self):
        return JsonRenderer()

    def begin(self) -> None:
        self.doc = StreamedDocument(self.out)
        self.doc.field("version", JSON_VERSION)
        self.findings = self.doc.open_list("findings")
        self.notes: list[Raw] = []

    def file(self, rel, payload) -> None:
        findings, notes = payload
        for f in findings:
            self.findings.add(f)
        self.notes.extend(map(Raw, notes))

    def end(self) -> None:
        state, doc = self.state, self.doc
        self.findings.close()
        doc.field("errors", load_problem_records(state.project))
        doc.field("notes", self.notes)
        doc.field("skipped", [{"path": valid_text(rel), "reason": reason} for rel, reason in state.skipped])
        doc.field("summary", state.summary())
        doc.close()


FORMAT = JsonFormat
