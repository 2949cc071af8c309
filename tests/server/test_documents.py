"""The server's document store: engine line splitting, encodings, clamping (in-process)."""

from __future__ import annotations

import pytest
from lsprotocol import types as t

from archrules_lsp.server.documents import Document, from_client_column, to_client_column


def change(l0, c0, l1, c1, text):
    return t.TextDocumentContentChangePartial(
        range=t.Range(start=t.Position(line=l0, character=c0), end=t.Position(line=l1, character=c1)), text=text)


@pytest.mark.parametrize("sep", ["\f", "\x0b", "\x1c", "\x85", "\u2028", "\u2029"])
def test_only_cr_lf_break_lines(sep):
    doc = Document("file:///x.py", f"a{sep}b\nc\n")
    assert doc.lines == [f"a{sep}b", "c", ""]
    doc.apply_change(change(1, 0, 1, 1, "C"), "utf-16")
    assert doc.text == f"a{sep}b\nC\n"


def test_mixed_line_endings():
    doc = Document("file:///x.py", "a\r\nb\rc\nd")
    assert doc.lines == ["a", "b", "c", "d"]
    doc.apply_change(change(2, 0, 3, 0, ""), "utf-16")
    assert doc.text == "a\r\nb\rd"
    assert doc.line(1) == "b"


@pytest.mark.parametrize("encoding,col", [("utf-16", 6), ("utf-8", 8), ("utf-32", 5)])
def test_columns_after_an_emoji(encoding, col):
    line = "x='😋';y"
    assert to_client_column(line, 5, encoding) == col
    assert from_client_column(line, col, encoding) == 5
    doc = Document("file:///x.py", line)
    doc.apply_change(change(0, col, 0, col, "!"), encoding)
    assert doc.text == "x='😋'!;y"


def test_inside_a_character_moves_past_it():
    assert from_client_column("😋a", 1, "utf-16") == 1
    assert from_client_column("😋a", 2, "utf-8") == 1


def test_out_of_range_positions_clamp():
    doc = Document("file:///x.py", "ab\ncd")
    doc.apply_change(change(0, 50, 0, 60, "X"), "utf-16")
    assert doc.text == "abX\ncd"
    doc.apply_change(change(9, 0, 12, 4, "\nE"), "utf-16")
    assert doc.text == "abX\ncd\nE"
    doc.apply_change(change(1, 1, 0, 1, ""), "utf-16")  # reversed range
    assert doc.text == "ad\nE"
    assert doc.code_point_position(99, 99, "utf-16") == (1, 1)


def test_whole_document_change():
    doc = Document("file:///x.py", "old")
    doc.apply_change(t.TextDocumentContentChangeWholeDocument(text="new\n"), "utf-8")
    assert doc.lines == ["new", ""]


def test_store_finds_a_document_under_another_spelling_of_its_uri():
    from archrules_lsp.server.documents import DocumentStore, canonical_uri

    store = DocumentStore()
    store.open("file:///w/app/v(2)/a.py", "x\n", 1, "python")
    assert canonical_uri("file:///w/app/v(2)/a.py") == "file:///w/app/v%282%29/a.py"
    doc = store.get("file:///w/app/v%282%29/a.py")
    assert doc is not None and doc.uri == "file:///w/app/v(2)/a.py"
    store.change("file:///w/app/v%282%29/a.py", 2, [change(0, 0, 0, 1, "y")], "utf-16")
    assert store.get("file:///w/app/v(2)/a.py").text == "y\n"
    assert store.close("file:///w/app/v%282%29/a.py") is doc
    assert store.get("file:///w/app/v(2)/a.py") is None and len(store) == 0
    assert canonical_uri("untitled:Untitled-1") == "untitled:Untitled-1"
