"""One JSON object per finding per line (same fields as `--format json` findings).

Streams: nothing is kept. Rule-file errors and skipped files go to stderr as text."""

from __future__ import annotations

from ..report import Format
from .records import FindingEncoder, encode_path


class JsonLinesRenderer:
    def __init__(self):
        self.encode = FindingEncoder()

    def __call__(self, rel, findings, notes) -> str:
        if not findings:
            return ""
        path = encode_path(rel)
        encode = self.encode
        return "".join([encode(path, f) + "\n" for f in findings])


class JsonLinesFormat(Format):
    def renderer(self):
        return JsonLinesRenderer()


FORMAT = JsonLinesFormat
