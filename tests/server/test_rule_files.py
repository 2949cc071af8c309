"""Rule files are live: reload on watched-file events and didSave, unsaved rule buffers,
broken rule files (errors at their lines, one message, last good rules kept)."""

from __future__ import annotations

import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import LanguageClient

from .helpers import (
    CONFIG,
    PRESETS,
    RULES,
    Doc,
    codes,
    diagnostics,
    file_diagnostics,
    start_session,
    uri_of,
    wait_until,
    write_tree,
)

EXTRA = """\
extra_rules:
  - id: AR-011
    name: No FIXME
    severity: warning
    anti_patterns:
      - pattern: "FIXME"
        message: "Resolve the FIXME"
"""
EXTRA_PLUS = EXTRA + """\
  - id: AR-012
    name: No XXX
    anti_patterns:
      - pattern: "XXX"
        message: "No XXX markers"
"""
BROKEN = """\
extra_rules:
  - id: AR-011
    name: No FIXME
    severity: [unclosed
    anti_patterns:
"""


@pytest_lsp.fixture(scope="module", params=PRESETS, config=CONFIG)
async def client(request, lsp_client: LanguageClient, tmp_path_factory):
    root = tmp_path_factory.mktemp("rulefiles")
    write_tree(root, {".architecture-rules/demo.yaml": RULES, ".architecture-rules/extra.yaml": EXTRA})
    (root / ".git").mkdir()
    lsp_client.root = root
    lsp_client.extra = root / ".architecture-rules/extra.yaml"
    await start_session(lsp_client, request.param, [root], init_options={"debounceMs": 0})
    yield
    await lsp_client.shutdown_session()


def watched(client, path, kind=t.FileChangeType.Changed):
    client.workspace_did_change_watched_files(t.DidChangeWatchedFilesParams(
        changes=[t.FileEvent(uri=uri_of(path), type=kind)]))


async def test_watchers_registered_when_the_client_allows(client):
    dynamic = client.capabilities.workspace.did_change_watched_files.dynamic_registration
    if dynamic:
        await wait_until(lambda: client.registrations, what="registerCapability")
        reg = next(r for r in client.registrations if r.method == t.WORKSPACE_DID_CHANGE_WATCHED_FILES)
        globs = [w["globPattern"] if isinstance(w, dict) else w.glob_pattern
                 for w in (reg.register_options["watchers"] if isinstance(reg.register_options, dict)
                           else reg.register_options.watchers)]
        assert "**/.architecture-rules/*.{yaml,yml}" in globs and "**/pyproject.toml" in globs
    else:
        assert not [r for r in client.registrations if r.method == t.WORKSPACE_DID_CHANGE_WATCHED_FILES]
    assert client.status[-1]["state"] == "ready" and client.status[-1]["ruleCount"] == 4


async def test_reload_on_watched_file_change(client):
    doc = Doc(client, client.root / "app/w.py", "x = 1  # FIXME XXX\n")
    await diagnostics(client, doc, lambda d: codes(d) == ["AR-011"])
    client.extra.write_text(EXTRA_PLUS)
    watched(client, client.extra)
    await diagnostics(client, doc, lambda d: codes(d) == ["AR-011", "AR-012"])
    await wait_until(lambda: client.status[-1]["ruleCount"] == 5, what="status after reload")
    client.extra.write_text(EXTRA)
    watched(client, client.extra)
    await diagnostics(client, doc, lambda d: codes(d) == ["AR-011"])
    doc.close()


async def test_reload_on_did_save(client):
    doc = Doc(client, client.root / "app/s.py", "x = 1  # XXX\n")
    await diagnostics(client, doc, lambda d: d == [])
    client.extra.write_text(EXTRA_PLUS)
    client.text_document_did_save(t.DidSaveTextDocumentParams(
        text_document=t.TextDocumentIdentifier(uri=uri_of(client.extra))))
    await diagnostics(client, doc, lambda d: codes(d) == ["AR-012"])
    client.extra.write_text(EXTRA)
    client.text_document_did_save(t.DidSaveTextDocumentParams(
        text_document=t.TextDocumentIdentifier(uri=uri_of(client.extra))))
    await diagnostics(client, doc, lambda d: d == [])
    doc.close()


async def test_unsaved_rule_buffer_applies_until_closed(client):
    doc = Doc(client, client.root / "app/u.py", "x = 1  # XXX\n")
    await diagnostics(client, doc, lambda d: d == [])
    rules = Doc(client, client.extra, EXTRA, language_id="yaml")
    rules.replace(EXTRA_PLUS)  # typed, not saved
    await diagnostics(client, doc, lambda d: codes(d) == ["AR-012"])
    assert client.extra.read_text() == EXTRA
    rules.close()  # the buffer is gone: back to the file on disk
    await diagnostics(client, doc, lambda d: d == [])
    doc.close()


async def test_broken_rule_file_keeps_last_good_rules(client):
    doc = Doc(client, client.root / "app/b.py", "x = 1  # FIXME\n")
    await diagnostics(client, doc, lambda d: codes(d) == ["AR-011"])
    messages_before = len(client.messages)
    extra_uri = uri_of(client.extra)
    client.extra.write_text(BROKEN)
    watched(client, client.extra)
    errors = await file_diagnostics(client, extra_uri, lambda d: len(d) == 1)
    assert errors[0].range.start.line == 3 and errors[0].severity == t.DiagnosticSeverity.Error
    assert "flow sequence" in errors[0].message
    await wait_until(lambda: len(client.messages) > messages_before, what="showMessage")
    msg = client.messages[-1]
    assert msg.type == t.MessageType.Warning
    assert "extra.yaml has 1 error" in msg.message and "last good rules" in msg.message
    await wait_until(lambda: client.status[-1]["state"] == "error", what="error status")
    # the last good AR-011 is still applied
    doc.replace("y = 2  # FIXME\n")
    await diagnostics(client, doc, lambda d: codes(d) == ["AR-011"])
    # the same breakage again: no second message
    watched(client, client.extra)
    await wait_until(lambda: client.status[-1]["state"] == "error" and len(client.status) > 2, what="status")
    doc.replace("z = 3  # FIXME\n")
    await diagnostics(client, doc, lambda d: codes(d) == ["AR-011"])
    assert len(client.messages) == messages_before + 1
    # fixed: errors cleared
    client.extra.write_text(EXTRA)
    watched(client, client.extra)
    await file_diagnostics(client, extra_uri, lambda d: d == [])
    await wait_until(lambda: client.status[-1]["state"] == "ready", what="ready status")
    doc.close()


async def test_broken_rule_buffer_is_reported_on_the_open_file(client):
    rules = Doc(client, client.extra, EXTRA, language_id="yaml")
    await diagnostics(client, rules, lambda d: d == [])
    messages_before = len(client.messages)
    rules.replace(BROKEN)
    errors = await diagnostics(client, rules, lambda d: len(d) == 1)
    assert errors[0].range.start.line == 3
    # typing on, still broken: no new message per keystroke
    rules.replace(BROKEN + "  \n")
    await diagnostics(client, rules, lambda d: len(d) == 1)
    rules.replace(BROKEN + "    \n")
    await diagnostics(client, rules, lambda d: len(d) == 1)
    assert len(client.messages) == messages_before + 1
    rules.replace(EXTRA)
    await diagnostics(client, rules, lambda d: d == [])
    rules.close()


async def test_a_rule_broken_while_typing_keeps_its_last_good_version(client):
    """A YAML error inside one rule of a multi-rule file: the loader still loads the
    others, and the broken rule must not vanish from the open documents meanwhile."""
    demo = client.root / ".architecture-rules/demo.yaml"
    doc = Doc(client, client.root / "app/k.py", "time.sleep(1); print(1)\n")
    await diagnostics(client, doc, lambda d: codes(d) == ["AR-001", "AR-002"])
    messages_before = len(client.messages)
    rules = Doc(client, demo, RULES, language_id="yaml")
    lines = RULES.split("\n")
    assert lines[2].startswith("    name: No time.sleep")
    lines.insert(3, "  : [broken")  # half-typed, inside AR-001
    rules.replace("\n".join(lines))
    errors = await diagnostics(client, rules, lambda d: len(d) >= 1)
    assert errors[0].range.start.line == 3
    await wait_until(lambda: len(client.messages) > messages_before, what="showMessage")
    assert "last good" in client.messages[-1].message
    doc.replace("time.sleep(2); print(2)\n")
    await diagnostics(client, doc, lambda d: codes(d) == ["AR-001", "AR-002"])  # AR-001 still applies
    rules.replace(RULES)  # fixed (its globs' hints stay: no app/ file is on disk)
    await diagnostics(client, rules, lambda d: all(x.severity == t.DiagnosticSeverity.Hint for x in d))
    await wait_until(lambda: client.status[-1]["state"] == "ready", what="ready status")
    doc.replace("time.sleep(3)\n")
    await diagnostics(client, doc, lambda d: codes(d) == ["AR-001"])
    rules.close()
    doc.close()
