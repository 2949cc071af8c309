"""Settings: workspace/configuration re-pulled on didChangeConfiguration; select, ignore,
severityOverrides, enable; pyproject [tool.archrules] beneath; bad values fall back."""

from __future__ import annotations

import asyncio

import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import LanguageClient

from .helpers import CONFIG, PRESETS, RULES, Doc, codes, diagnostics, start_session, wait_until, write_tree

PYPROJECT = """\
[tool.archrules]
ignore = ["AR-003"]
"""


@pytest_lsp.fixture(scope="module", params=PRESETS, config=CONFIG)
async def client(request, lsp_client: LanguageClient, tmp_path_factory):
    root = tmp_path_factory.mktemp("config")
    write_tree(root, {".architecture-rules/demo.yaml": RULES, "pyproject.toml": PYPROJECT})
    (root / ".git").mkdir()
    lsp_client.root = root
    await start_session(lsp_client, request.param, [root], init_options={"debounceMs": 0},
                        configuration={"archrules": {"debounceMs": 0}})
    lsp_client.doc = Doc(lsp_client, root / "app/tasks/t.py", "import time\ntime.sleep(1); print(1)\n")
    yield
    await lsp_client.shutdown_session()


async def change(client, settings: dict):
    client.set_configuration({"archrules": {"debounceMs": 0, **settings}})
    client.workspace_did_change_configuration(t.DidChangeConfigurationParams(settings=None))


async def test_pyproject_applies_beneath_the_editor(client):
    # AR-003 (must contain SessionLocal) is ignored by [tool.archrules]
    await diagnostics(client, client.doc, lambda d: codes(d) == ["AR-001", "AR-002"])


async def test_select(client):
    await change(client, {"select": ["AR-001"]})
    await diagnostics(client, client.doc, lambda d: codes(d) == ["AR-001"])


async def test_ignore(client):
    await change(client, {"ignore": ["AR-001"]})
    await diagnostics(client, client.doc, lambda d: codes(d) == ["AR-002"])


async def test_severity_overrides(client):
    await change(client, {"severityOverrides": {"AR-002": "hint", "AR-001": "off"}})
    await diagnostics(client, client.doc, lambda d: codes(d) == ["AR-002"]
                      and d[0].severity == t.DiagnosticSeverity.Hint)


async def test_editor_select_overrides_nothing_it_does_not_set(client):
    await change(client, {"select": ["AR-00"]})  # prefix; pyproject's ignore of AR-003 still holds
    await diagnostics(client, client.doc, lambda d: codes(d) == ["AR-001", "AR-002"])


async def test_enable_false_clears_and_true_restores(client):
    await change(client, {"enable": False})
    await diagnostics(client, client.doc, lambda d: d == [])
    await change(client, {"enable": True})
    await diagnostics(client, client.doc, lambda d: codes(d) == ["AR-001", "AR-002"])


async def test_bad_values_fall_back_to_defaults(client):
    await change(client, {"select": "AR-001", "severityOverrides": {"AR-001": "loud"}, "enable": "yes"})
    await wait_until(lambda: any("archrules.select" in m.message and "default" in m.message
                                 for m in client.log_messages), what="a warning about the bad value")
    await diagnostics(client, client.doc, lambda d: codes(d) == ["AR-001", "AR-002"])
    await change(client, {})


async def test_switching_to_workspace_mode_watches_every_file(client):
    await change(client, {"diagnosticMode": "workspace"})
    dynamic = client.capabilities.workspace.did_change_watched_files.dynamic_registration

    def globs():
        out = []
        for r in client.registrations:
            if r.method == t.WORKSPACE_DID_CHANGE_WATCHED_FILES:
                opts = r.register_options
                watchers = opts["watchers"] if isinstance(opts, dict) else opts.watchers
                out += [w["globPattern"] if isinstance(w, dict) else w.glob_pattern for w in watchers]
        return out

    if dynamic:
        await wait_until(lambda: "**/*" in globs(), what="a watcher for every file")
        assert len([r for r in client.registrations if r.method == t.WORKSPACE_DID_CHANGE_WATCHED_FILES]) == 1
    else:
        assert globs() == []
    await change(client, {})
    await diagnostics(client, client.doc, lambda d: codes(d) == ["AR-001", "AR-002"])


async def test_docs_url_links_rules_without_a_url_to_their_generated_page(client):
    # [tool.archrules] docs-url: a rule without `url` links to the page `archrules docs` writes
    pyproject = client.root / "pyproject.toml"
    before = pyproject.read_text()
    pyproject.write_text(before + 'docs-url = "https://example.com/rules/"\n')
    client.text_document_did_save(t.DidSaveTextDocumentParams(text_document=t.TextDocumentIdentifier(
        uri=pyproject.as_uri())))
    doc = client.doc
    await diagnostics(client, doc, lambda d: True)

    link = "https://example.com/rules/AR-002.md"
    for _ in range(200):  # the save reloads the rules in the background: ask until it has
        hover = await client.text_document_hover_async(t.HoverParams(
            text_document=t.TextDocumentIdentifier(uri=doc.uri), position=t.Position(line=1, character=15)))
        if hover is not None and link in hover.contents.value:
            break
        await asyncio.sleep(0.02)
    assert hover is not None and link in hover.contents.value
    pyproject.write_text(before)
    client.text_document_did_save(t.DidSaveTextDocumentParams(text_document=t.TextDocumentIdentifier(
        uri=pyproject.as_uri())))
