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
current folder, as reviewdog matches them against `git diff`. Rule-file problems,
skipped files and engine notes go to stderr as text."""

from __future__ import annotations

import os
import sys

from ...engine.text import UTF8, split_lines, to_client_column
from ..console import printable
from ..report import Format
from .json_writer import StreamedDocument, StreamedList, compact
from .records import valid_text
from .sarif import INFORMATION_URI
from .text import one_line

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


def notes_as_text(path: str, notes) -> str:
    """Engine notes as the text format prints them, for stderr (the document has no place for them)."""
    return "".join(f"{printable(path)}:{n.span.line + 1}:{n.span.column + 1}: note: {one_line(n.message)}\n"
                   for n in notes)


class DocumentWithNotes(Format):
    """A format whose renderer returns (JSON items, notes as text): items into one list, notes to stderr."""

    items: StreamedList  # opened by begin()

    def file(self, rel, payload) -> None:
        items, notes = payload
        for item in items:
            self.items.add(item)
        if notes:
            sys.stderr.write(notes)


class RdjsonRenderer:
    def __init__(self, root: str, cwd: str, rule_urls: dict[str, str]):
        self.root, self.cwd, self.rule_urls = root, cwd, rule_urls

    def __call__(self, rel, findings, notes, baselined=None) -> tuple[list[str], str]:
        path = cwd_path(self.root, rel, self.cwd)
        if not findings:
            return [], notes_as_text(path, notes)
        lines = split_lines(checked_text(self.root, rel))

        def position(line: int, column: int) -> dict:
            text = lines[line] if line < len(lines) else ""
            return {"line": line + 1, "column": to_client_column(text, column, UTF8) + 1}

        def range_of(span) -> dict:
            return {"start": position(span.line, span.column), "end": position(span.end_line, span.end_column)}

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
        return out, notes_as_text(path, notes)


class RdjsonFormat(DocumentWithNotes):
    def renderer(self):
        urls = {r.id: r.url for r in self.state.ruleset.rules if r.url}
        return RdjsonRenderer(str(self.state.project.root), self.state.cwd, urls)

    def begin(self) -> None:
        self.doc = StreamedDocument(self.out)
        self.doc.field("source", {"name": "archrules", "url": INFORMATION_URI})
        self.items = self.doc.open_list("diagnostics")

    def end(self) -> None:
        self.items.close()
        self.doc.close()


FORMAT = RdjsonFormat
