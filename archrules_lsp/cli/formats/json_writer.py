"""Writing a large JSON document fast and still readable: top-level keys indented,
each element of the big lists compact on its own line.

`json.dump(..., indent=2)` falls back to the pure-Python encoder and takes seconds
for tens of thousands of findings; this uses the C encoder for every element."""

from __future__ import annotations

import json
from typing import Any, TextIO

_compact = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode


def write_document(out: TextIO, doc: dict, indent: str = "  ", depth: int = 0) -> None:
    """Dicts are expanded key per line; lists put one compact element per line
    (a list of a single dict is expanded too)."""
    _write(out, doc, indent, depth)
    if depth == 0:
        out.write("\n")


def _write(out: TextIO, value: Any, indent: str, depth: int) -> None:
    pad, inner = indent * depth, indent * (depth + 1)
    if isinstance(value, dict) and value:
        out.write("{\n")
        items = list(value.items())
        for i, (k, v) in enumerate(items):
            out.write(f"{inner}{_compact(str(k))}: ")
            _write(out, v, indent, depth + 1)
            out.write(",\n" if i < len(items) - 1 else "\n")
        out.write(pad + "}")
    elif isinstance(value, list) and value:
        out.write("[\n")
        last = len(value) - 1
        expand = last == 0 and isinstance(value[0], dict)  # SARIF's single run: keep it readable
        for i, v in enumerate(value):
            out.write(inner)
            if expand:
                _write(out, v, indent, depth + 1)
            else:
                out.write(_compact(v))
            out.write(",\n" if i < last else "\n")
        out.write(pad + "]")
    else:
        out.write(_compact(value))
