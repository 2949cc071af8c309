"""One JSON object per finding per line (same fields as `--format json` findings).

Streams: nothing is kept. Rule-file errors and skipped files go to stderr as text."""

from __future__ import annotations

from ..report import Format
from .records import FindingEncoder, encode_path


class JsonLinesRenderer:
    def __init__(self):
        self.encode = FindingEncoder()

    def __call__(self, rel, findings, notes, baselined=None) -> str:
        if not findings:
            return ""
        path = encode_path(rel)
        encode = self.encode
        flags = baselined if baselined is not None else [None] * len(findings)
        return "".join([encode(path, f, b) + "\n" for f, b in zip(findings, flags, strict=True)])


class JsonLinesFormat(Format):
    def renderer(self):
        return JsonLinesRenderer()


FORMAT = JsonLinesFormat
