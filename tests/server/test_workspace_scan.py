"""Workspace mode: every file checked in the background with progress, results kept for
closed files, watched changes update them, the scan can be cancelled."""

from __future__ import annotations

import os

import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import ClientServerConfig, LanguageClient

from .helpers import (
    CONFIG, PRESETS, RULES, Doc, codes, diagnostics, file_diagnostics, start_session, uri_of, wait_until,
    write_tree,
)

GENERATED = 400


# a slower scan (3 ms a file) so that the cancellation test can catch it running
SLOW = ClientServerConfig(server_command=CONFIG.server_command,
                          server_env={**os.environ, "ARCHRULES_LSP_SCAN_DELAY": "0.003"})


@pytest_lsp.fixture(scope="module", params=PRESETS, config=SLOW)
async def client(request, lsp_client: LanguageClient, tmp_path_factory):
    root = tmp_path_factory.mktemp("wsmode")
    files = {".architecture-rules/demo.yaml": RULES, "app/one.py": "print(1)\n",
             "app/two.py": "import time\ntime.sleep(1)\n", "app/clean.py": "x = 1\n",
             "scripts/out.py": "print(1)\n", "app/open_me.py": "print('open')\n"}
    files.update({f"app/gen/m{i:03}.py": f"x = {i}\nprint(x)\n" for i in range(GENERATED)})
    write_tree(root, files)
    (root / ".git").mkdir()
    lsp_client.root = root
    await start_session(lsp_client, request.param, [root],
                        init_options={"archrules": {"diagnosticMode": "workspace", "debounceMs": 0}})
    # opened at once: its diagnostics must not wait for the scan
    lsp_client.first = Doc(lsp_client, root / "app/open_me.py", "print('open')\n")
    yield
    await lsp_client.shutdown_session()


def ends(client):
    return [r for reports in client.progress_reports.values() for r in reports
            if isinstance(r, t.WorkDoneProgressEnd)]


async def test_first_open_document_does_not_wait_for_the_scan(client):
    await diagnostics(client, client.first, lambda d: codes(d) == ["AR-002"])
    assert not is_done(client), "the open document's diagnostics came after the whole scan"
    client.first.close()


def is_done(client) -> bool:
    return bool(ends(client))


async def test_scan_reports_progress_and_publishes_closed_files(client):
    await wait_until(lambda: ends(client), timeout=30, what="scan end")
    token, reports = next(iter(client.progress_reports.items()))
    kinds = [type(r).__name__ for r in reports]
    assert kinds[0] == "WorkDoneProgressBegin" and kinds[-1] == "WorkDoneProgressEnd"
    assert "WorkDoneProgressReport" in kinds
    assert reports[0].percentage == 0 and reports[0].cancellable is True
    one = await file_diagnostics(client, uri_of(client.root / "app/one.py"), lambda d: codes(d) == ["AR-002"])
    assert one[0].range.start.line == 0
    await file_diagnostics(client, uri_of(client.root / "app/two.py"), lambda d: codes(d) == ["AR-001"])
    await file_diagnostics(client, uri_of(client.root / f"app/gen/m{GENERATED - 1:03}.py"),
                           lambda d: codes(d) == ["AR-002"])
    assert uri_of(client.root / "app/clean.py") not in client.diagnostics
    assert uri_of(client.root / "scripts/out.py") not in client.diagnostics  # out of the rules' scope


async def test_closing_a_document_keeps_its_results(client):
    path = client.root / "app/one.py"
    doc = Doc(client, path, path.read_text())
    await diagnostics(client, doc, lambda d: codes(d) == ["AR-002"])
    before = len(client.published)
    doc.close()
    await wait_until(lambda: any(p[0] == doc.uri for p in client.published[before:]), what="republish on close")
    assert codes(client.diagnostics[doc.uri]) == ["AR-002"]


async def test_watched_changes_update_closed_files(client):
    two = client.root / "app/two.py"
    two.write_text("x = 2\n")
    three = client.root / "app/three.py"
    three.write_text("print(3)\n")
    client.workspace_did_change_watched_files(t.DidChangeWatchedFilesParams(changes=[
        t.FileEvent(uri=uri_of(two), type=t.FileChangeType.Changed),
        t.FileEvent(uri=uri_of(three), type=t.FileChangeType.Created)]))
    await file_diagnostics(client, uri_of(two), lambda d: d == [])
    await file_diagnostics(client, uri_of(three), lambda d: codes(d) == ["AR-002"])
    three.unlink()
    client.workspace_did_change_watched_files(t.DidChangeWatchedFilesParams(changes=[
        t.FileEvent(uri=uri_of(three), type=t.FileChangeType.Deleted)]))
    await file_diagnostics(client, uri_of(three), lambda d: d == [])


async def test_scan_can_be_cancelled(client):
    known = set(client.progress_reports)
    assert await client.workspace_execute_command_async(t.ExecuteCommandParams(command="archrules.checkWorkspace"))
    token = await wait_until(lambda: next((k for k, v in client.progress_reports.items()
                                           if k not in known and v), None), what="new scan begin")
    client.window_work_done_progress_cancel(t.WorkDoneProgressCancelParams(token=token))
    await wait_until(lambda: isinstance(client.progress_reports[token][-1], t.WorkDoneProgressEnd),
                     timeout=30, what="scan end after cancel")
    assert client.progress_reports[token][-1].message == "cancelled"
