"""Malformed or odd requests never crash the server: it answers afterwards."""

from __future__ import annotations

import asyncio

import pytest
import pytest_lsp
from lsprotocol import types as t
from pygls.exceptions import JsonRpcMethodNotFound, JsonRpcRequestCancelled
from pytest_lsp import LanguageClient

from .helpers import CONFIG, PRESETS, Doc, codes, diagnostics, start_demo_session, wait_until


@pytest_lsp.fixture(scope="module", params=PRESETS, config=CONFIG)
async def client(request, lsp_client: LanguageClient, tmp_path_factory):
    await start_demo_session(lsp_client, request.param, tmp_path_factory, "robust")
    yield
    await lsp_client.shutdown_session()


def never_opened(client) -> str:
    return (client.root / "app/never.py").as_uri()


async def still_answers(client):
    doc = Doc(client, client.root / "app/alive.py", "print(1)\n")
    await diagnostics(client, doc, lambda d: codes(d) == ["AR-002"])
    doc.close()


async def test_requests_about_documents_never_opened(client):
    uri = never_opened(client)
    ident = t.TextDocumentIdentifier(uri=uri)
    pos = t.Position(line=3, character=7)
    assert await client.text_document_hover_async(t.HoverParams(text_document=ident, position=pos)) is None
    actions = await client.text_document_code_action_async(t.CodeActionParams(
        text_document=ident, range=t.Range(start=pos, end=pos), context=t.CodeActionContext(diagnostics=[])))
    assert not actions
    report = await client.text_document_diagnostic_async(t.DocumentDiagnosticParams(text_document=ident))
    assert list(report.items) == []
    client.text_document_did_change(t.DidChangeTextDocumentParams(
        text_document=t.VersionedTextDocumentIdentifier(uri=uri, version=3),
        content_changes=[t.TextDocumentContentChangeWholeDocument(text="print(1)\n")]))
    client.text_document_did_close(t.DidCloseTextDocumentParams(text_document=ident))
    await still_answers(client)


async def test_positions_past_the_end(client):
    doc = Doc(client, client.root / "app/p.py", "print(1)\n")
    await diagnostics(client, doc, lambda d: codes(d) == ["AR-002"])
    far = t.Position(line=10_000, character=10_000)
    assert await client.text_document_hover_async(t.HoverParams(
        text_document=t.TextDocumentIdentifier(uri=doc.uri), position=far)) is None
    await client.text_document_code_action_async(t.CodeActionParams(
        text_document=t.TextDocumentIdentifier(uri=doc.uri), range=t.Range(start=far, end=far),
        context=t.CodeActionContext(diagnostics=[])))
    doc.edit((10_000, 0), (10_001, 5), "time.sleep(1)\n")
    await diagnostics(client, doc, lambda d: codes(d) == ["AR-001", "AR-002"])
    doc.close()
    await still_answers(client)


async def test_non_file_uris(client):
    client.text_document_did_open(t.DidOpenTextDocumentParams(text_document=t.TextDocumentItem(
        uri="untitled:Untitled-1", language_id="python", version=1, text="print(1)\n")))
    hover = await client.text_document_hover_async(t.HoverParams(
        text_document=t.TextDocumentIdentifier(uri="untitled:Untitled-1"), position=t.Position(line=0, character=0)))
    assert hover is None
    client.text_document_did_close(t.DidCloseTextDocumentParams(
        text_document=t.TextDocumentIdentifier(uri="untitled:Untitled-1")))
    await still_answers(client)


async def test_unknown_method_is_method_not_found(client):
    with pytest.raises(JsonRpcMethodNotFound):
        await client.protocol.send_request_async("archrules/noSuchMethod", {})
    await still_answers(client)


async def test_cancel_a_workspace_diagnostic_request(client):
    fut = asyncio.ensure_future(client.protocol.send_request_async(
        t.WORKSPACE_DIAGNOSTIC, t.WorkspaceDiagnosticParams(previous_result_ids=[]), msg_id="ws-cancel-1"))
    client.cancel_request(t.CancelParams(id="ws-cancel-1"))
    try:
        result = await asyncio.wait_for(fut, 5)
        assert isinstance(result, t.WorkspaceDiagnosticReport)  # finished before the cancel landed
    except JsonRpcRequestCancelled:
        pass
    await still_answers(client)


async def test_malformed_notifications(client):
    import json

    for payload in ({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": 5}}},
                    {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {}},
                    {"jsonrpc": "2.0", "method": "workspace/didChangeWatchedFiles", "params": {"changes": 3}}):
        body = json.dumps(payload).encode()
        client.protocol.writer.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    await still_answers(client)


async def test_request_with_invalid_params_is_answered(client):
    from pygls.exceptions import JsonRpcInvalidParams

    doc = Doc(client, client.root / "app/ip.py", "print(1)\n")
    await diagnostics(client, doc, lambda d: codes(d) == ["AR-002"])
    from concurrent.futures import Future

    # written raw: pytest-lsp's client refuses to send params that do not validate
    fut: Future = Future()
    client.protocol._request_futures["bad-hover-1"] = fut
    _write_raw(client, {"jsonrpc": "2.0", "id": "bad-hover-1", "method": t.TEXT_DOCUMENT_HOVER, "params": {
        "textDocument": {"uri": doc.uri}, "position": {"line": -1, "character": 0}}})
    with pytest.raises(JsonRpcInvalidParams):  # before: never answered, the client waited forever
        await asyncio.wait_for(asyncio.wrap_future(fut), 5)
    doc.close()
    await still_answers(client)


def _write_raw(client, payload: dict) -> None:
    import json

    body = json.dumps(payload).encode()
    client.protocol.writer.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)


async def test_a_change_that_cannot_be_applied_is_not_silently_lost(client):
    doc = Doc(client, client.root / "app/lost.py", "print(1)\n")
    await diagnostics(client, doc, lambda d: codes(d) == ["AR-002"])
    messages_before = len(client.messages)
    # a range edit the server cannot apply (negative line): the server's copy no longer
    # matches the editor's, so its findings (and fixes) would be for text the user doesn't have
    _write_raw(client, {"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
        "textDocument": {"uri": doc.uri, "version": 2},
        "contentChanges": [{"range": {"start": {"line": -1, "character": 0}, "end": {"line": 0, "character": 5}},
                            "text": "x"}]}})
    notice = await diagnostics(client, doc, lambda d: len(d) == 1 and d[0].code is None)
    assert notice[0].source == "archrules" and "reopen" in notice[0].message
    assert notice[0].severity == t.DiagnosticSeverity.Information
    await wait_until(lambda: len(client.messages) > messages_before, what="showMessage")
    assert "lost track" in client.messages[-1].message
    # another malformed change: no second message
    _write_raw(client, {"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
        "textDocument": {"uri": doc.uri, "version": 2},
        "contentChanges": [{"range": {"start": {"line": 0, "character": -3}, "end": {"line": 0, "character": 0}},
                            "text": "y"}]}})
    # further range edits can't be trusted either; no fixes are offered for stale text
    doc.edit((0, 0), (0, 0), "time.sleep(1)\n")
    await diagnostics(client, doc, lambda d: len(d) == 1 and d[0].code is None)
    actions = await client.text_document_code_action_async(t.CodeActionParams(
        text_document=t.TextDocumentIdentifier(uri=doc.uri),
        range=t.Range(start=t.Position(line=0, character=0), end=t.Position(line=1, character=0)),
        context=t.CodeActionContext(diagnostics=[], only=["quickfix", "source.fixAll.archrules"])))
    assert not actions
    # the whole text again (what an editor sends after reopening or a full sync): back in sync
    doc.replace("time.sleep(1); print(2)\n")
    await diagnostics(client, doc, lambda d: codes(d) == ["AR-001", "AR-002"])
    assert len(client.messages) == messages_before + 1
    doc.close()
    await still_answers(client)


async def test_huge_and_binary_documents_say_they_are_not_checked(client):
    big = Doc(client, client.root / "app/huge.py", "print(1)\n" + "x = 1\n" * 200_000)  # 1.2 MB
    items = await diagnostics(client, big, lambda d: len(d) == 1)
    assert items[0].code is None and items[0].source == "archrules"
    assert "not checked" in items[0].message and "maxFileSize" in items[0].message
    assert items[0].range.start == t.Position(line=0, character=0)
    big.replace("print(1)\n")  # small again: checked
    await diagnostics(client, big, lambda d: codes(d) == ["AR-002"])
    big.close()
    binary = Doc(client, client.root / "app/blob.py", "\x00\x01\x02print(1)\n")
    items = await diagnostics(client, binary, lambda d: len(d) == 1)
    assert items[0].code is None and "binary" in items[0].message  # like the CLI: not linted
    binary.close()
    await still_answers(client)


async def test_resolve_with_mangled_data_is_invalid_params(client):
    from pygls.exceptions import JsonRpcInvalidParams

    doc = Doc(client, client.root / "app/res.py", "time.sleep(1)\n")
    await diagnostics(client, doc, lambda d: codes(d) == ["AR-001"])
    for fix in ([1, 2, 3], ["t", "rule", True, [[0, 0]]], ["t", "rule", True, [["a", "b", "c", "d", "e"]]]):
        with pytest.raises(JsonRpcInvalidParams):  # before: an internal error with a stack trace
            await client.code_action_resolve_async(t.CodeAction(
                title="x", data={"uri": doc.uri, "version": doc.version, "fix": fix}))
    doc.close()
    await still_answers(client)


async def test_a_malformed_did_open_is_reported_not_ignored(client):
    uri = (client.root / "app/badopen.py").as_uri()
    _write_raw(client, {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "python", "version": "one", "text": "print(1)\n"}}})
    doc = Doc.__new__(Doc)
    doc.client, doc.path, doc.uri, doc.text, doc.version = client, client.root / "app/badopen.py", uri, "", None
    notice = await diagnostics(client, doc, lambda d: len(d) == 1 and d[0].code is None)
    assert "reopen" in notice[0].message
    doc.version = 2
    doc.replace("print(2)\n")  # the whole text: checked from now on
    await diagnostics(client, doc, lambda d: codes(d) == ["AR-002"])
    doc.close()
    await still_answers(client)


async def test_a_repeated_version_still_gets_the_findings_of_its_text(client):
    # a client that sends the same version twice (with another text) must not get the
    # findings of the first text back: results belong to a text, not to a version number
    doc = Doc(client, client.root / "app/again.py", "print(1)\n")
    await diagnostics(client, doc, lambda d: codes(d) == ["AR-002"])
    doc.version -= 1  # the next change carries the version the server has already
    doc.replace("import time\ntime.sleep(1)\n")
    assert doc.version == 1
    assert codes(await diagnostics(client, doc, lambda d: codes(d) != ["AR-002"])) == ["AR-001"]
    doc.close()
