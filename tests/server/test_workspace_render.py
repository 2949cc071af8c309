"""Workspace mode with the scan's worker processes: closed files' diagnostics, rendered in
the workers from a template per rule and message, are the ones the open document gets;
requests are answered while the scan runs."""

from __future__ import annotations

import os

import attrs
import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import ClientServerConfig, LanguageClient

from .helpers import (
    CONFIG,
    PRESETS,
    Doc,
    codes,
    diagnostics,
    file_diagnostics,
    start_session,
    uri_of,
    wait_until,
    write_tree,
)

# a number spelled like the renderers' stand-ins (no template: converted as it is), a quote,
# a backslash; and braces (str.format's) in a message that gets a template
STAND_IN_MESSAGE = 'Use the logger, not print() -1000000001 -1000000005 \\"x\\"'
BRACES_MESSAGE = "No eval {} {0} }{ {{x}}"
RULES = """\
rules:
  - id: AR-002
    name: No print
    description: Use the logger.
    severity: warning
    url: https://example.com/rules/AR-002
    anti_patterns:
      - pattern: "print\\\\("
        file: "app/**/*.py"
        message: 'STAND_IN'
  - id: AR-004
    name: No eval
    description: Never eval.
    severity: error
    anti_patterns:
      - pattern: "eval\\\\("
        file: "app/**/*.py"
        message: 'BRACES'
""".replace("STAND_IN", STAND_IN_MESSAGE).replace("BRACES", BRACES_MESSAGE)
# a line that is not ASCII before each finding: its columns differ per position encoding
SOURCE = 's = "h\u00e9llo \U0001f600"; print(s); eval(s)\nx = 1\n\u00e9 = print(2)\n'
FILES = 300
# ASCII texts: ranges straight from the engine's spans (no lines split) unless a \r breaks lines
PLAIN_FILES = {"app/plain.py": "print(1); eval(x)\nx = 1\n    print(2)  # eval(y)\nprint(3)",
               "app/crlf.py": "print(1)\r\nx = 1\r    eval(2)\r\n"}

# two worker processes whatever the machine; a slower scan (5 ms a file, paced where the
# results are handed to the loop) so that a request lands while it runs
SCAN = ClientServerConfig(server_command=CONFIG.server_command,
                          server_env={**os.environ, "ARCHRULES_LSP_SCAN_JOBS": "2",
                                      "ARCHRULES_LSP_SCAN_DELAY": "0.005"})


@pytest_lsp.fixture(scope="module", params=PRESETS, config=SCAN)
async def client(request, lsp_client: LanguageClient, tmp_path_factory):
    root = tmp_path_factory.mktemp("wsrender")
    files = {".architecture-rules/demo.yaml": RULES, "app/open_me.py": "print('open')\n"}
    files.update({f"app/gen/m{i:03}.py": SOURCE for i in range(FILES)})
    files.update(PLAIN_FILES)
    write_tree(root, files)
    (root / ".git").mkdir()
    lsp_client.root = root
    await start_session(lsp_client, request.param, [root],
                        init_options={"archrules": {"diagnosticMode": "workspace", "debounceMs": 0}})
    yield
    await lsp_client.shutdown_session()


def ends(client) -> list:
    return [r for reports in client.progress_reports.values() for r in reports
            if isinstance(r, t.WorkDoneProgressEnd)]


async def test_closed_files_get_the_diagnostics_an_open_document_gets(client):
    await wait_until(lambda: ends(client), timeout=60, what="scan end")
    for i in (0, FILES // 2, FILES - 1):
        path = client.root / f"app/gen/m{i:03}.py"
        closed = await file_diagnostics(client, uri_of(path), lambda d: len(d) == 3)
        assert codes(closed) == ["AR-002", "AR-002", "AR-004"]
        assert {(d.code, d.message) for d in closed} == {("AR-002", STAND_IN_MESSAGE), ("AR-004", BRACES_MESSAGE)}
        doc = Doc(client, path, SOURCE)
        live = await diagnostics(client, doc, lambda d: len(d) == 3)
        # but for `data` (the rule id and engine span code actions match by): a closed
        # file's diagnostics leave it out, the workspace's add up to tens of MB
        assert all(d.data is None for d in closed) and all(d.data is not None for d in live)
        assert [attrs.evolve(d, data=None) for d in live] == closed
        doc.close()


async def test_ascii_files_closed_and_open_get_the_same_diagnostics(client):
    await wait_until(lambda: ends(client), timeout=60, what="scan end")
    for rel, text in PLAIN_FILES.items():
        path = client.root / rel
        closed = await file_diagnostics(client, uri_of(path), lambda d: len(d) >= 2)
        doc = Doc(client, path, text)
        count = len(closed)
        live = await diagnostics(client, doc, lambda d, count=count: len(d) == count)
        assert [attrs.evolve(d, data=None) for d in live] == closed
        doc.close()


async def test_a_closed_files_diagnostics_echoed_after_opening_it_get_their_quick_fixes(client):
    """A client may ask for code actions with the diagnostics it holds from the scan (no
    `data`) before the opened document's own arrive: they are matched by code and line."""
    await wait_until(lambda: ends(client), timeout=60, what="scan end")
    path = client.root / "app/gen/m007.py"
    closed = await file_diagnostics(client, uri_of(path), lambda d: len(d) == 3)
    doc = Doc(client, path, SOURCE)
    eval_finding = next(d for d in closed if d.code == "AR-004")
    actions = await client.text_document_code_action_async(t.CodeActionParams(
        text_document=t.TextDocumentIdentifier(uri=doc.uri), range=eval_finding.range,
        context=t.CodeActionContext(diagnostics=[eval_finding])))
    titles = [a.title for a in actions]
    assert "Ignore AR-004 on this line" in titles and "Show rule AR-004" in titles
    assert not any("AR-002" in title for title in titles)
    doc.close()


async def test_a_request_during_the_scan_is_answered_before_it_ends(client):
    doc = Doc(client, client.root / "app/open_me.py", "print('open')\n")
    await diagnostics(client, doc, lambda d: codes(d) == ["AR-002"])
    known = set(client.progress_reports)
    await client.workspace_execute_command_async(t.ExecuteCommandParams(command="archrules.checkWorkspace"))
    token = await wait_until(lambda: next((k for k, v in client.progress_reports.items()
                                           if k not in known and v), None), what="new scan begin")
    hover = await client.text_document_hover_async(t.HoverParams(
        text_document=t.TextDocumentIdentifier(uri=doc.uri), position=t.Position(line=0, character=2)))
    assert hover is not None and "AR-002" in hover.contents.value
    assert not isinstance(client.progress_reports[token][-1], t.WorkDoneProgressEnd), \
        "the hover was answered only after the scan"
    await wait_until(lambda: isinstance(client.progress_reports[token][-1], t.WorkDoneProgressEnd),
                     timeout=60, what="scan end")
    doc.close()


async def test_show_findings_lists_closed_files_at_their_published_ranges(client):
    await wait_until(lambda: ends(client), timeout=60, what="scan end")
    path = client.root / "app/gen/m123.py"
    closed = await file_diagnostics(client, uri_of(path), lambda d: len(d) == 3)
    found = await client.workspace_execute_command_async(t.ExecuteCommandParams(
        command="archrules.showFindings", arguments=["AR-002"]))
    assert len([loc for loc in found if "/app/gen/" in loc["uri"]]) == 2 * FILES
    ranges = [loc["range"] for loc in found if loc["uri"] == uri_of(path)]
    published = [d.range for d in closed if d.code == "AR-002"]
    # columns in the client's encoding, as published (each line has non-ASCII text before the finding)
    assert [(r["start"]["line"], r["start"]["character"], r["end"]["line"], r["end"]["character"])
            for r in ranges] == [(r.start.line, r.start.character, r.end.line, r.end.character) for r in published]
