"""One JSON document: {"version": 1, "findings", "errors", "notes", "skipped", "summary"}.

Lines and columns are 1-based, ends exclusive; paths are relative to the project root
(`../rules/x.yaml` for a rule file outside it). Findings are encoded in the workers
(records.py) and written as they arrive."""

from __future__ import annotations

import os

from ..report import Format
from .json_writer import Raw, StreamedDocument
from .records import FindingEncoder, encode_path, note_json, valid_text

JSON_VERSION = 1


def json_path(path: str, root) -> str:
    """`path` relative to the root, `/`-separated, `../` when outside it; valid Unicode."""
    try:
        rel = os.path.relpath(os.path.abspath(path), root)
    except ValueError:  # another drive on Windows: no relative path exists
        rel = os.path.abspath(path)
    return valid_text(rel.replace(os.sep, "/"))


def load_problem_records(project) -> list[dict]:
    return [{"path": json_path(p.path, project.root) if p.path else None, "line": p.line,
             "column": p.column, "message": p.message, "rule": p.rule_id, "severity": p.severity}
            for p in project.load_problems]


class JsonRenderer:
    def __init__(self):
        self.encode = FindingEncoder()

    def __call__(self, rel, findings, notes, baselined=None):
        path = encode_path(rel)
        flags = baselined if baselined is not None else [None] * len(findings)
        return ([self.encode(path, f, b) for f, b in zip(findings, flags, strict=True)],
                [note_json(path, n) for n in notes])


class JsonFormat(Format):
    """Streams the findings as they arrive; notes (few) are kept for after them."""

    load_problems_on_stderr = False
    baselined_in_output = True  # in the summary / as suppressed results
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
