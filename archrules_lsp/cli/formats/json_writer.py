"""Writing a large JSON document fast and still readable: top-level keys indented,
each element of the big lists compact on its own line.

`json.dump(..., indent=2)` falls back to the pure-Python encoder and takes seconds for
tens of thousands of findings; this uses the C encoder, and elements already encoded
in the workers (`Raw`) are written as they are."""

from __future__ import annotations

import json
from typing import Any, TextIO

compact = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode


class Raw(str):
    """A value that is already JSON text."""


def write_document(out: TextIO, doc: dict, indent: str = "  ") -> None:
    """Dicts are expanded key per line; lists put one compact element per line (a list
    holding a single dict, like SARIF's `runs`, is expanded too)."""
    _write(out, doc, indent, 0)
    out.write("\n")


def _write(out: TextIO, value: Any, indent: str, depth: int) -> None:
    pad, inner = indent * depth, indent * (depth + 1)
    if isinstance(value, Raw):
        out.write(value)
    elif isinstance(value, dict) and value:
        out.write("{\n")
        items = list(value.items())
        for i, (k, v) in enumerate(items):
            out.write(f"{inner}{compact(str(k))}: ")
            _write(out, v, indent, depth + 1)
            out.write(",\n" if i < len(items) - 1 else "\n")
        out.write(pad + "}")
    elif isinstance(value, list) and value:
        out.write("[\n")
        last = len(value) - 1
        expand = last == 0 and isinstance(value[0], dict)
        for i, v in enumerate(value):
            out.write(inner)
            if expand or isinstance(v, Raw):
                _write(out, v, indent, depth + 1)
            else:
                out.write(compact(v))
            out.write(",\n" if i < last else "\n")
        out.write(pad + "]")
    else:
        out.write(compact(value))
