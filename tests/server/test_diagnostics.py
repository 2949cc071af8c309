"""Diagnostics on open and on edits: ranges in the negotiated encoding, versions, push vs pull."""

from __future__ import annotations

import pytest
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
    encoding_of,
    is_pull,
    start_session,
    uri_of,
    wait_until,
    write_tree,
)


@pytest_lsp.fixture(scope="module", params=PRESETS, config=CONFIG)
async def client(request, lsp_client: LanguageClient, tmp_path_factory):
    root = tmp_path_factory.mktemp("diag")
    write_tree(root, {".architecture-rules/demo.yaml": RULES, "app/__init__.py": ""})
    (root / ".git").mkdir()
    lsp_client.root = root
    await start_session(lsp_client, request.param, [root], init_options={"archrules": {"debounceMs": 20}})
    yield
    await lsp_client.shutdown_session()


def units(text: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    if encoding == "utf-32":
        return len(text)
    return len(text.encode("utf-16-le")) // 2


async def test_open_reports_findings_with_rule_details(client):
    doc = Doc(client, client.root / "app/handlers.py", "import time\n\ndef h():\n    time.sleep(1)\n")
    diags = await diagnostics(client, doc, lambda d: len(d) == 1)
    d = diags[0]
    assert d.code == "AR-001"
    assert d.source == "archrules"
    assert d.severity == t.DiagnosticSeverity.Error
    assert d.message == "Don't use time.sleep in handlers"
    assert (d.range.start.line, d.range.start.character, d.range.end.character) == (3, 4, 15)
    assert d.data["ruleId"] == "AR-001"
    assert d.data == {"ruleId": "AR-001", "span": [3, 4, 3, 15]}  # fixes: computed on request
    caps = client.capabilities.text_document.publish_diagnostics
    if caps.code_description_support:
        assert d.code_description.href == "https://example.com/rules/AR-001"
    assert d.related_information[0].location.uri == uri_of(client.root / ".architecture-rules/demo.yaml")
    assert d.related_information[0].location.range.start.line == 1
    doc.close()


@pytest.mark.parametrize("prefix", ["x = '😋'; ", "s = 'é€😋'; "])
async def test_ranges_after_non_ascii_text(client, prefix):
    doc = Doc(client, client.root / "app/emoji.py", f"import time\n{prefix}time.sleep(1)\n")
    enc = encoding_of(client)
    start = units(prefix, enc)
    diags = await diagnostics(client, doc, lambda d: codes(d) == ["AR-001"])
    r = diags[0].range
    assert (r.start.line, r.start.character, r.end.line, r.end.character) == (1, start, 1, start + 11)
    # an incremental edit right after the emoji (client units): insert "y = 1; "
    doc.edit((1, start), (1, start), "y = 1; ")
    diags = await diagnostics(client, doc, lambda d: codes(d) == ["AR-001"] and d[0].range.start.character != start)
    assert diags[0].range.start.character == start + 7
    assert diags[0].range.end.character == start + 18
    doc.close()


async def test_incremental_edits_on_a_form_feed_file(client):
    # pygls' own TextDocument splits on \f too and would apply this edit to the wrong line
    text = "x = 1\f# page two\nprint('a')\n"
    doc = Doc(client, client.root / "app/formfeed.py", text)
    diags = await diagnostics(client, doc, lambda d: codes(d) == ["AR-002"])
    assert diags[0].range.start.line == 1
    doc.edit((1, 0), (1, 0), "time.sleep(1); ")
    diags = await diagnostics(client, doc, lambda d: codes(d) == ["AR-001", "AR-002"])
    by_code = {d.code: d.range for d in diags}
    assert (by_code["AR-001"].start.line, by_code["AR-001"].start.character) == (1, 0)
    assert (by_code["AR-002"].start.line, by_code["AR-002"].start.character) == (1, 15)
    # delete across the form feed line's end: line 0 "x = 1\f# page two" + "\n" joins line 1
    doc.edit((0, 5), (1, 15), "")
    diags = await diagnostics(client, doc, lambda d: codes(d) == ["AR-002"] and d[0].range.start.line == 0)
    assert diags[0].range.start.character == 5
    doc.close()


async def test_out_of_range_edits_clamp(client):
    doc = Doc(client, client.root / "app/clamp.py", "a = 1\n")
    doc.edit((0, 99), (0, 120), "; print(1)")  # character past the line: appended to it
    diags = await diagnostics(client, doc, lambda d: codes(d) == ["AR-002"])
    assert (diags[0].range.start.line, diags[0].range.start.character) == (0, 7)
    doc.edit((50, 0), (60, 3), "\ntime.sleep(2)\n")  # lines past the end: appended at the end
    diags = await diagnostics(client, doc, lambda d: codes(d) == ["AR-001", "AR-002"])
    assert {d.code: d.range.start.line for d in diags}["AR-001"] == 2
    doc.close()


async def test_burst_of_changes_only_final_version(client):
    doc = Doc(client, client.root / "app/burst.py", "")
    await diagnostics(client, doc, lambda d: d == [])
    start = len(client.published)
    line = ""
    for i in range(100):
        line += "x"
        doc.edit((0, i), (0, i), "x")
    # the final text: 100 x's then a violation
    doc.edit((0, 100), (0, 100), "; print(1)")
    diags = await diagnostics(client, doc, lambda d: codes(d) == ["AR-002"])
    assert diags[0].range.start.character == 102
    if is_pull(client):
        assert not [p for p in client.published if p[0] == doc.uri]
    else:
        mine = [(v, d) for uri, v, d in client.published[start:] if uri == doc.uri]
        versions = [v for v, _ in mine]
        assert versions == sorted(versions), "a result for an older version came after a newer one"
        assert versions[-1] == doc.version
        assert len(mine) < 20, f"debounce should coalesce the burst, got {len(mine)} publishes"
    doc.close()


async def test_push_or_pull_never_both(client):
    doc = Doc(client, client.root / "app/mode.py", "print(1)\n")
    diags = await diagnostics(client, doc, lambda d: codes(d) == ["AR-002"])
    published = [p for p in client.published if p[0] == doc.uri]
    if is_pull(client):
        assert published == []
        report = await client.text_document_diagnostic_async(t.DocumentDiagnosticParams(
            text_document=t.TextDocumentIdentifier(uri=doc.uri)))
        again = await client.text_document_diagnostic_async(t.DocumentDiagnosticParams(
            text_document=t.TextDocumentIdentifier(uri=doc.uri), previous_result_id=report.result_id))
        assert again.kind == "unchanged" and again.result_id == report.result_id
        ws = await client.workspace_diagnostic_async(t.WorkspaceDiagnosticParams(previous_result_ids=[]))
        assert doc.uri in [i.uri for i in ws.items]
    else:
        assert published and published[-1][1] == doc.version
    doc.close()
    if not is_pull(client):
        await wait_until(lambda: client.published[-1][0] == doc.uri and client.published[-1][2] == [],
                         what="diagnostics cleared on close")
    assert diags


async def test_files_outside_rule_scope_and_rule_files_are_not_linted(client):
    doc = Doc(client, client.root / "scripts/tool.py", "print(1)\n")  # rules scope app/**
    await diagnostics(client, doc, lambda d: d == [])
    doc.close()
    rules = Doc(client, client.root / ".architecture-rules/demo.yaml", RULES, language_id="yaml")
    # no findings: only the hints that its globs match no file (none is on disk)
    await diagnostics(client, rules, lambda d: d and all("matches no file" in x.message for x in d))
    rules.close()
