"""A client with few capabilities (VS Code's preset, pared down): settings only from
didChangeConfiguration's `settings`, edits without resolve and without documentChanges,
no progress, no dynamic registration. Checks the fallbacks end to end."""

from __future__ import annotations

import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import LanguageClient, client_capabilities

from .helpers import (
    CONFIG,
    RULES,
    Doc,
    apply_workspace_edit,
    codes,
    diagnostics,
    install_recorders,
    uri_of,
    wait_until,
    write_tree,
)


def minimal_capabilities() -> t.ClientCapabilities:
    caps = client_capabilities("visual_studio_code")
    caps.workspace.configuration = False
    caps.workspace.did_change_configuration.dynamic_registration = False
    caps.workspace.did_change_watched_files.dynamic_registration = False
    caps.workspace.workspace_edit.document_changes = False
    caps.text_document.code_action.resolve_support = None
    caps.window.work_done_progress = False
    caps.window.show_document = None
    return caps


@pytest_lsp.fixture(scope="module", config=CONFIG)
async def client(lsp_client: LanguageClient, tmp_path_factory):
    root = tmp_path_factory.mktemp("minimal")
    write_tree(root, {".architecture-rules/demo.yaml": RULES, "app/closed.py": "print(1)\n"})
    (root / ".git").mkdir()
    lsp_client.root = root
    install_recorders(lsp_client)
    lsp_client.init_result = await lsp_client.initialize_session(t.InitializeParams(
        capabilities=minimal_capabilities(), root_uri=uri_of(root),
        initialization_options={"debounceMs": 0}))
    await wait_until(lambda: lsp_client.status, what="status")
    yield
    await lsp_client.shutdown_session()


async def test_no_registrations(client):
    assert client.registrations == []


async def test_settings_from_did_change_configuration(client):
    doc = Doc(client, client.root / "app/x.py", "time.sleep(1); print(1)\n")
    await diagnostics(client, doc, lambda d: codes(d) == ["AR-001", "AR-002"])
    client.workspace_did_change_configuration(t.DidChangeConfigurationParams(
        settings={"archrules": {"debounceMs": 0, "ignore": ["AR-002"]}}))
    await diagnostics(client, doc, lambda d: codes(d) == ["AR-001"])
    client.workspace_did_change_configuration(t.DidChangeConfigurationParams(settings={"debounceMs": 0}))
    await diagnostics(client, doc, lambda d: codes(d) == ["AR-001", "AR-002"])
    doc.close()


async def test_code_actions_carry_their_edits(client):
    doc = Doc(client, client.root / "app/y.py", "time.sleep(1)\n")
    diags = await diagnostics(client, doc, lambda d: codes(d) == ["AR-001"])
    actions = await client.text_document_code_action_async(t.CodeActionParams(
        text_document=t.TextDocumentIdentifier(uri=doc.uri), range=diags[0].range,
        context=t.CodeActionContext(diagnostics=diags)))
    fix = actions[0]
    assert fix.edit is not None and fix.edit.document_changes is None and doc.uri in fix.edit.changes
    fix_all = await client.text_document_code_action_async(t.CodeActionParams(
        text_document=t.TextDocumentIdentifier(uri=doc.uri), range=diags[0].range,
        context=t.CodeActionContext(diagnostics=[], only=["source.fixAll.archrules"])))
    assert len(fix_all) == 1 and fix_all[0].edit.changes[doc.uri]
    assert apply_workspace_edit(doc, fix.edit) == "await asyncio.sleep(1)\n"
    doc.close()


async def test_workspace_mode_without_progress(client):
    client.workspace_did_change_configuration(t.DidChangeConfigurationParams(
        settings={"archrules": {"debounceMs": 0, "diagnosticMode": "workspace"}}))
    closed = uri_of(client.root / "app/closed.py")
    await wait_until(lambda: codes(client.diagnostics.get(closed, ())) == ["AR-002"], what="workspace result")
    assert client.progress_reports == {}
    # back to open files only: the closed file's results go away
    client.workspace_did_change_configuration(t.DidChangeConfigurationParams(settings={"debounceMs": 0}))
    await wait_until(lambda: list(client.diagnostics.get(closed, ())) == [], what="cleared")


async def test_show_rule_without_show_document_support(client):
    result = await client.workspace_execute_command_async(t.ExecuteCommandParams(
        command="archrules.showRule", arguments=["AR-001"]))
    assert result is False and client.shown_documents == []
