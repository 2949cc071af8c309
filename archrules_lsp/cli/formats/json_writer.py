"""Writing a large JSON document fast, as it is made, and still readable: keys
indented, each element of the big lists compact on its own line.

`json.dump(..., indent=2)` falls back to the pure-Python encoder and takes seconds for
tens of thousands of findings; this uses the C encoder, and elements already encoded
in the workers (`Raw`) are written as they are."""

from __future__ import annotations

import json
from typing import Any, TextIO

compact = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode


class Raw(str):
    """A value that is already JSON text."""


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


class StreamedDocument:
    """A JSON object written as it is made, for documents with one huge list.

        doc = StreamedDocument(out)
        doc.field("version", 1)
        items = doc.open_list("findings")     # then items.add(raw_json) per element
        items.close()
        doc.field("summary", {...})
        doc.close()

    Memory stays flat however many elements there are. Nested objects are opened
    with `open_object(key)` (also a StreamedDocument) and closed before their parent."""

    def __init__(self, out: TextIO, indent: str = "  ", depth: int = 0, opened: bool = False):
        self.out, self.indent, self.depth = out, indent, depth
        self.count = 0
        if not opened:
            out.write("{")

    def _key(self, key: str) -> None:
        self.out.write(("," if self.count else "") + "\n" + self.indent * (self.depth + 1) + compact(key) + ": ")
        self.count += 1

    def field(self, key: str, value: Any) -> None:
        self._key(key)
        _write(self.out, value, self.indent, self.depth + 1)

    def open_list(self, key: str) -> StreamedList:
        self._key(key)
        return StreamedList(self.out, self.indent, self.depth + 1)

    def open_object(self, key: str) -> StreamedDocument:
        self._key(key)
        return StreamedDocument(self.out, self.indent, self.depth + 1)

    def close(self) -> None:
        self.out.write(("\n" + self.indent * self.depth if self.count else "") + "}")
        if self.depth == 0:
            self.out.write("\n")


class StreamedList:
    def __init__(self, out: TextIO, indent: str, depth: int):
        self.out, self.indent, self.depth = out, indent, depth
        self.count = 0
        out.write("[")

    def add(self, raw_json: str) -> None:
        self.out.write(("," if self.count else "") + "\n" + self.indent * (self.depth + 1) + raw_json)
        self.count += 1

    def add_value(self, value: Any) -> None:
        self.add(compact(value))

    def open_object(self) -> StreamedDocument:
        self.out.write(("," if self.count else "") + "\n" + self.indent * (self.depth + 1))
        self.count += 1
        return StreamedDocument(self.out, self.indent, self.depth + 1)

    def close(self) -> None:
        self.out.write(("\n" + self.indent * self.depth if self.count else "") + "]")
