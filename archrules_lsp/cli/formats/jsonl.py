"""One JSON object per finding per line (same fields as `--format json` findings).

Streams: nothing is kept. Rule-file errors and skipped files go to stderr as text."""

from __future__ import annotations

import json

from ..report import Format, finding_record


class JsonLinesFormat(Format):
    def file(self, rel, rows) -> None:
        write = self.out.write
        for f in rows.findings:
            write(json.dumps(finding_record(rel, f), ensure_ascii=False) + "\n")


FORMAT = JsonLinesFormat
