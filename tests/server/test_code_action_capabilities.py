"""Code actions carry their edit at once unless the client can resolve it lazily, which
takes both `resolveSupport` for `edit` and `dataSupport` (the action's data comes back)."""

from __future__ import annotations

import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import LanguageClient, client_capabilities

from .helpers import CONFIG, RULES, Doc, diagnostics, install_recorders, uri_of, wait_until, write_tree


def _without(preset: str, missing: str) -> t.ClientCapabilities:
    caps = client_capabilities(preset)
    action = caps.text_document.code_action
    if missing == "dataSupport":
        action.data_support = False
    elif missing == "resolveSupport":
        action.resolve_support = None
    return caps


VARIANTS = ["visual_studio_code/dataSupport", "visual_studio_code/resolveSupport", "visual_studio_code/none"]


@pytest_lsp.fixture(scope="module", params=VARIANTS, config=CONFIG)
async def client(request, lsp_client: LanguageClient, tmp_path_factory):
    preset, missing = request.param.split("/")
    root = tmp_path_factory.mktemp("caps")
    write_tree(root, {".architecture-rules/demo.yaml": RULES})
    (root / ".git").mkdir()
    lsp_client.root = root
    lsp_client.missing = missing
    install_recorders(lsp_client)
    await lsp_client.initialize_session(t.InitializeParams(
        capabilities=_without(preset, missing), initialization_options={"debounceMs": 0},
        workspace_folders=[t.WorkspaceFolder(uri=uri_of(root), name=root.name)], root_uri=uri_of(root)))
    await wait_until(lambda: lsp_client.status, what="archrules/status after initialize")
    yield
    await lsp_client.shutdown_session()


async def test_edit_is_eager_unless_the_client_can_resolve_it(client):
    doc = Doc(client, client.root / "app/x.py", "import time\ntime.sleep(1)\n")
    diags = await diagnostics(client, doc, lambda d: [x.code for x in d] == ["AR-001"])
    actions = await client.text_document_code_action_async(t.CodeActionParams(
        text_document=t.TextDocumentIdentifier(uri=doc.uri), range=diags[0].range,
        context=t.CodeActionContext(diagnostics=diags)))
    fix = next(a for a in actions if a.title.startswith("Replace") or a.is_preferred)
    if client.missing == "none":  # both capabilities: the edit comes from codeAction/resolve
        assert fix.edit is None and fix.data is not None
        fix = await client.code_action_resolve_async(fix)
    else:
        assert fix.data is None
    edits = fix.edit.document_changes[0].edits if fix.edit.document_changes else fix.edit.changes[doc.uri]
    assert [e.new_text for e in edits] == ["await asyncio.sleep("]
    doc.close()
