"""reviewdog's Diagnostic Format (rdjson): one `DiagnosticResult` document.

    {"source": {"name": "archrules", "url"},
     "diagnostics": [{"message", "location": {"path", "range": {"start": {"line", "column"},
                      "end": {...}}}, "severity", "code": {"value", "url"},
                      "suggestions": [{"range", "text"}]}]}

As reviewdog's `proto/rdf/reviewdog.proto` defines it: lines 1-based, columns
1-based in UTF-8 bytes, ends exclusive; so the worker reads the checked file again
to count bytes. error -> ERROR, warning -> WARNING, info and hint -> INFO (each
diagnostic has its own; the document-wide severity is left out). Only safe rule
fixes become suggestions (what `--fix` would apply). Paths are relative to the
current folder, as reviewdog matches them against `git diff`. Rule-file problems
and skipped files go to stderr as text."""

from __future__ import annotations

import os
import sys

from ...engine.text import UTF8, split_lines, to_client_column
from ..report import Format
from .json_writer import StreamedDocument, compact
from .records import valid_text
from .sarif import INFORMATION_URI

SEVERITY = {"error": "ERROR", "warning": "WARNING", "info": "INFO", "hint": "INFO"}


def cwd_path(root: str, rel: str, cwd: str) -> str:
    """The root-relative `rel` relative to `cwd` (`../x.py` outside it), `/`-separated, valid Unicode."""
    absolute = os.path.join(root, rel)
    try:
        shown = os.path.relpath(absolute, cwd)
    except ValueError:  # another drive on Windows
        shown = absolute
    return valid_text(shown.replace(os.sep, "/"))


def checked_text(root: str, rel: str) -> str:
    """The file's text as the scan read it (read again: renderers are not handed it);
    "" if it has gone meanwhile."""
    from ...project.files import read_source

    text = read_source(os.path.join(root, rel), sys.maxsize, root)
    return text if isinstance(text, str) else ""


class RdjsonRenderer:
    def __init__(self, root: str, cwd: str, rule_urls: dict[str, str]):
        self.root, self.cwd, self.rule_urls = root, cwd, rule_urls

    def __call__(self, rel, findings, notes, baselined=None) -> list[str]:
        if not findings:
            return []
        lines = split_lines(checked_text(self.root, rel))

        def position(line: int, column: int) -> dict:
            text = lines[line] if line < len(lines) else ""
            return {"line": line + 1, "column": to_client_column(text, column, UTF8) + 1}

        def range_of(span) -> dict:
            return {"start": position(span.line, span.column), "end": position(span.end_line, span.end_column)}

        path = cwd_path(self.root, rel, self.cwd)
        out = []
        for i, f in enumerate(findings):
            if baselined is not None and baselined[i]:
                continue  # reviewdog has no notion of a held finding
            code = {"value": f.rule_id}
            if f.rule_id in self.rule_urls:
                code["url"] = self.rule_urls[f.rule_id]
            diagnostic = {"message": f.message, "location": {"path": path, "range": range_of(f.span)},
                          "severity": SEVERITY[f.severity.value], "code": code}
            fix = f.rule_fix
            if fix is not None and fix.safe and fix.edits:
                diagnostic["suggestions"] = [{"range": range_of(e.span), "text": e.new_text} for e in fix.edits]
            out.append(compact(diagnostic))
        return out


class RdjsonFormat(Format):
    def renderer(self):
        urls = {r.id: r.url for r in self.state.ruleset.rules if r.url}
        return RdjsonRenderer(str(self.state.project.root), self.state.cwd, urls)

    def begin(self) -> None:
        self.doc = StreamedDocument(self.out)
        self.doc.field("source", {"name": "archrules", "url": INFORMATION_URI})
        self.diagnostics = self.doc.open_list("diagnostics")

    def file(self, rel, payload) -> None:
        for diagnostic in payload:
            self.diagnostics.add(diagnostic)

    def end(self) -> None:
        self.diagnostics.close()
        self.doc.close()


FORMAT = RdjsonFormat
