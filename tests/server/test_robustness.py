"""Malformed or odd requests never crash the server: it answers afterwards."""

from __future__ import annotations

import asyncio

import pytest
import pytest_lsp
from lsprotocol import types as t
from pygls.exceptions import JsonRpcMethodNotFound, JsonRpcRequestCancelled
from pytest_lsp import LanguageClient

from .helpers import CONFIG, PRESETS, RULES, Doc, codes, diagnostics, start_session, write_tree


@pytest_lsp.fixture(scope="module", params=PRESETS, config=CONFIG)
async def client(request, lsp_client: LanguageClient, tmp_path_factory):
    root = tmp_path_factory.mktemp("robust")
    write_tree(root, {".architecture-rules/demo.yaml": RULES})
    (root / ".git").mkdir()
    lsp_client.root = root
    await start_session(lsp_client, request.param, [root], init_options={"debounceMs": 0})
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
