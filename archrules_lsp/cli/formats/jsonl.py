"""One JSON object per finding per line (same fields as `--format json` findings).

Streams: nothing is kept. Rule-file errors, skipped files and engine notes go to stderr as text."""

from __future__ import annotations

import sys

from ..report import Format
from .records import FindingEncoder, encode_path


class JsonLinesRenderer:
    def __init__(self, root: str, cwd: str):
        self.encode = FindingEncoder()
        self.root, self.cwd = root, cwd

    def __call__(self, rel, findings, notes, baselined=None) -> tuple[str, str]:
        """(the findings' lines, the notes as text for stderr)."""
        noted = ""
        if notes:  # few files have any: their module is imported when one does
            from .rdjson import cwd_path, notes_as_text

            noted = notes_as_text(cwd_path(self.root, rel, self.cwd), notes)
        if not findings:
            return "", noted
        path = encode_path(rel)
        encode = self.encode
        if baselined is None:
            return "".join([encode(path, f) + "\n" for f in findings]), noted
        return "".join([encode(path, f, b) + "\n" for f, b in zip(findings, baselined, strict=True)]), noted


class JsonLinesFormat(Format):
    def renderer(self):
        return JsonLinesRenderer(str(self.state.project.root), self.state.cwd)

    def file(self, rel, payload) -> None:
        lines, notes = payload
        if lines:
            self.out.write(lines)
        if notes:
            sys.stderr.write(notes)


FORMAT = JsonLinesFormat
