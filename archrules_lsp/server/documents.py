"""The open documents, kept by the server itself rather than by pygls' workspace.

Why our own store: pygls' `TextDocument.lines` splits with `str.splitlines`, which
also breaks at form feed, \\x85, \\u2028 and friends, so an incremental edit on a
file holding a form feed lands on the wrong line (pygls gotcha G1). The engine
splits on \\r\\n, \\r and \\n only; this store does the same, so the client's
line numbers, the store's and the engine's always agree.

Columns: the client speaks in the negotiated position encoding (utf-16, utf-8
or utf-32 code units); the store and the engine speak in code points. Positions
out of range are clamped (a line past the end means the end of the text, a
character past the line means the end of that line), never an error.
"""

from __future__ import annotations

from array import array

from pygls.uris import to_fs_path

# The engine's text module owns line splitting and column conversion; the names
# are re-exported here for the server's modules.
from ..engine.text import (  # noqa: F401
    LINE_BREAK,
    from_client_column,
    line_of_offset,
    line_starts,
    split_lines,
    to_client_column,
)

# ------------------------------------------------------------------ documents

MAX_KEPT_EDITS = 256  # edits kept for the incremental check between two checks


class Document:
    """One open document: its text, version and language, with line lookup."""

    __slots__ = ("uri", "path", "language_id", "version", "lost", "_text", "_starts", "_lines",
                 "_edits_base", "_edits")

    def __init__(self, uri: str, text: str, version: int | None = None, language_id: str = ""):
        self.uri = uri
        self.path = to_fs_path(uri)  # None for non-file URIs (untitled:, ...)
        self.language_id = language_id or ""
        self.version = version
        self.lost = False  # a change could not be applied: `text` is not the editor's text
        self._text = text
        self._starts: LineStarts | None = None
        self._lines: list[str] | None = None
        # the edits that made `text` from `_edits_base` (offsets, in order), for the incremental check
        self._edits_base: str | None = text
        self._edits: list[tuple[int, int, str]] = []

    @property
    def text(self) -> str:
        return self._text

    @text.setter
    def text(self, value: str) -> None:
        """A new text (the incremental check starts from it again)."""
        self._replace(value)
        self._edits_base, self._edits = value, []

    def _replace(self, value: str) -> None:
        self._text = value
        self._starts = None
        self._lines = None

    def take_edits(self) -> tuple[str | None, list[tuple[int, int, str]]]:
        """(the text the edits since the last call started from, or None if unknown; the
        edits as (start, end, new text) offsets, each in the text the previous ones left)."""
        taken = (self._edits_base, self._edits)
        self._edits_base, self._edits = self._text, []
        return taken

    def line_view(self) -> LineView:
        return LineView(self)

    def _line_starts(self) -> LineStarts:
        if self._starts is None:
            self._starts = LineStarts(line_starts(self._text))
        return self._starts

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = split_lines(self._text)
        return self._lines

    def line(self, index: int) -> str:
        """The content of line `index` (no terminator); '' past the end."""
        starts = self._line_starts()
        if index < 0 or index >= len(starts):
            return ""
        start = starts.at(index)
        if index + 1 < len(starts):
            end = starts.at(index + 1)
            text = self._text
            # drop the terminator (\r\n, \r or \n)
            if end > start and text[end - 1] == "\n":
                end -= 1
                if end > start and text[end - 1] == "\r":
                    end -= 1
            elif end > start and text[end - 1] == "\r":
                end -= 1
            return self._text[start:end]
        return self._text[start:]

    @property
    def line_count(self) -> int:
        return len(self._line_starts())

    def offset_at(self, line: int, units: int, encoding: str) -> int:
        """Index into `text` of a client position (clamped)."""
        starts = self._line_starts()
        if line < 0:
            return 0
        if line >= len(starts):
            return len(self._text)
        content = self.line(line)
        return starts.at(line) + from_client_column(content, units, encoding)

    def code_point_position(self, line: int, units: int, encoding: str) -> tuple[int, int]:
        """A client position as (line, code-point column), clamped into the text."""
        count = self.line_count
        if line < 0:
            return 0, 0
        if line >= count:
            last = count - 1
            return last, len(self.line(last))
        return line, from_client_column(self.line(line), units, encoding)

    def apply_change(self, change, encoding: str) -> None:
        """Apply one `TextDocumentContentChangeEvent` (a range edit or the whole text)."""
        rng = getattr(change, "range", None)
        if rng is None:
            self.text = change.text
            return
        start = self.offset_at(rng.start.line, rng.start.character, encoding)
        end = self.offset_at(rng.end.line, rng.end.character, encoding)
        starts = self._line_starts()
        last = len(starts) - 1
        first_line, end_line = (min(max(n, 0), last) for n in (rng.start.line, rng.end.line))
        if end < start:  # a reversed range: treat it as the same span
            start, end, first_line, end_line = end, start, end_line, first_line
        text = self._text
        # one join copies each part once (a + b + c copies the head twice): a big file's text
        # is made anew on every edit (about 1.5 ms at 8 MB)
        self._replace("".join((text[:start], change.text, text[end:])))
        starts.edit(self._text, len(text), first_line, end_line, len(change.text) - (end - start))
        self._starts = starts
        if len(self._edits) < MAX_KEPT_EDITS:
            self._edits.append((start, end, change.text))
        else:  # nobody took them (a document not checked): keep nothing rather than all
            self._edits_base, self._edits = None, []


class LineView:
    """A document's lines as a sequence (`len`, `[i]`), read from its text on demand."""

    __slots__ = ("_doc",)

    def __init__(self, doc: Document):
        self._doc = doc

    def __len__(self) -> int:
        return self._doc.line_count

    def __getitem__(self, index: int) -> str:
        return self._doc.line(index)


class LineStarts:
    """Where each line of a document starts, kept through edits at the cost of the lines
    around each edit and of its distance from the last one: the starts after an edit move
    lazily (one pending move of the lines from one on, settled as far as the next edit needs).

    Stored as machine integers (8 bytes a line; a list of int objects takes 36): with many
    documents open, this index would otherwise cost about as much as their text."""

    __slots__ = ("_starts", "_moved_from", "_moved_by")

    def __init__(self, starts: list[int]):
        self._starts = array("q", starts)
        self._moved_from = 0  # the starts from this line on are short by _moved_by
        self._moved_by = 0

    def __len__(self) -> int:
        return len(self._starts)

    def at(self, line: int) -> int:
        start = self._starts[line]
        return start + self._moved_by if line >= self._moved_from else start

    def edit(self, text: str, old_size: int, first_line: int, end_line: int, delta: int) -> None:
        """`text` is the text after an edit of lines first_line..end_line that changed its size
        by `delta`. Those lines are split again with one more on either side (a \\r and a \\n
        can join or part); the starts after them move by `delta`."""
        starts = self._starts
        first = max(first_line - 1, 0)
        stop = min(end_line + 2, len(starts))  # the first line after the region
        head = self.at(first)
        tail = self.at(stop) if stop < len(starts) else old_size
        region = array("q", [head + n for n in line_starts(text[head:tail + delta])])
        if stop < len(starts):
            region.pop()  # the start of line `stop`, which follows
        by, moved_from = self._moved_by, self._moved_from
        if by and moved_from < first:  # the lines between the last move and this edit: moved now
            starts[moved_from:first] = array("q", [n + by for n in starts[moved_from:first]])
        elif by and moved_from > stop:  # the pending move will cover them too: take it off first
            starts[stop:moved_from] = array("q", [n - by for n in starts[stop:moved_from]])
        starts[first:stop] = region
        self._moved_from = first + len(region)
        self._moved_by = by + delta


def canonical_uri(uri: str) -> str:
    """One spelling per file: the URI pygls makes from the file's path.

    Clients spell file URIs their own way (Neovim leaves `(`, `)`, `!` unencoded, VS Code
    on Windows writes `c%3A`); the server makes URIs from paths (workspace scan, rule
    files). Lookups and bookkeeping of files go through this so both spellings meet."""
    if not uri.startswith("file:"):
        return uri
    from pygls.uris import from_fs_path

    path = to_fs_path(uri)
    return (from_fs_path(path) or uri) if path else uri


class DocumentStore:
    """The documents the client has open, by URI (as the client spells it; any other
    spelling of the same file URI finds it too)."""

    def __init__(self) -> None:
        self._docs: dict[str, Document] = {}
        self._canon: dict[str, str] = {}  # canonical_uri -> the client's spelling

    def _find(self, uri: str, canonical: bool = False) -> Document | None:
        doc = self._docs.get(uri)
        if doc is None and self._canon:
            real = self._canon.get(uri if canonical else canonical_uri(uri))
            if real is not None:
                doc = self._docs.get(real)
        return doc

    def open(self, uri: str, text: str, version: int | None, language_id: str) -> Document:
        old = self._find(uri)
        if old is not None and old.uri != uri:  # reopened under another spelling
            self._docs.pop(old.uri, None)
        doc = Document(uri, text, version, language_id)
        self._docs[uri] = doc
        self._canon[canonical_uri(uri)] = uri
        return doc

    def change(self, uri: str, version: int | None, changes, encoding: str) -> Document | None:
        doc = self._find(uri)
        if doc is None:
            return None
        if doc.lost:
            # only a whole-text change brings the document back
            whole = [i for i, c in enumerate(changes) if getattr(c, "range", None) is None]
            if not whole:
                doc.version = version
                return doc
            changes = changes[whole[-1]:]
            doc.lost = False
        for change in changes:
            doc.apply_change(change, encoding)
        doc.version = version
        return doc

    def lose(self, uri: str) -> bool:
        """A change to `uri` could not be applied: mark it out of sync (True if it is open
        and was in sync until now)."""
        doc = self._find(uri)
        if doc is None or doc.lost:
            return False
        doc.lost = True
        return True

    def close(self, uri: str) -> Document | None:
        doc = self._find(uri)
        if doc is None:
            return None
        self._docs.pop(doc.uri, None)
        canon = canonical_uri(doc.uri)
        if self._canon.get(canon) == doc.uri:
            del self._canon[canon]
        return doc

    def get(self, uri: str, canonical: bool = False) -> Document | None:
        """The open document for `uri`; `canonical`: `uri` is spelled as `canonical_uri` spells
        it already (made from a path: the workspace scan's thousands of files skip a re-spelling)."""
        return self._find(uri, canonical)

    def by_path(self, path: str) -> Document | None:
        """The open document for a file system path, if any."""
        import os

        want = os.path.normcase(os.path.abspath(path))
        for doc in self._docs.values():
            if doc.path and os.path.normcase(os.path.abspath(doc.path)) == want:
                return doc
        return None

    def __iter__(self):
        return iter(list(self._docs.values()))

    def __contains__(self, uri: str) -> bool:
        return uri in self._docs

    def __len__(self) -> int:
        return len(self._docs)
