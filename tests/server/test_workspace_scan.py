"""Workspace mode: every file checked in the background with progress, results kept for
closed files, watched changes update them, the scan can be cancelled."""

from __future__ import annotations

import os

import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import ClientServerConfig, LanguageClient

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


async def test_a_late_answer_to_a_cancelled_request_is_not_an_error(client):
    """A scan restarted while its progress `create` is still unanswered: the answer arrives
    for a request the server gave up on. It must be dropped quietly, not logged as an error."""
    import asyncio

    fm = client.protocol.fm
    original = fm._features.pop(t.WINDOW_WORK_DONE_PROGRESS_CREATE)

    @client.feature(t.WINDOW_WORK_DONE_PROGRESS_CREATE)
    async def slow_create(params: t.WorkDoneProgressCreateParams):
        await asyncio.sleep(0.4)
        client.progress_reports.setdefault(params.token, [])

    import warnings

    from pytest_lsp import LspSpecificationWarning

    caught = warnings.catch_warnings(record=True)
    seen = caught.__enter__()
    warnings.simplefilter("always", LspSpecificationWarning)
    try:
        errors_before = len([m for m in client.log_messages if m.type == t.MessageType.Error])
        ends_before = len(ends(client))
        await client.workspace_execute_command_async(t.ExecuteCommandParams(command="archrules.checkWorkspace"))
        await asyncio.sleep(0.25)  # the first scan's create is in flight
        await client.workspace_execute_command_async(t.ExecuteCommandParams(command="archrules.checkWorkspace"))
        if client.capabilities.window and client.capabilities.window.work_done_progress:
            await wait_until(lambda: len(ends(client)) > ends_before, timeout=30, what="scan end")
        await asyncio.sleep(0.5)  # the late answer has arrived
        errors = [m.message for m in client.log_messages if m.type == t.MessageType.Error]
        assert errors[errors_before:] == []
        # nor is `$/progress` sent for the token whose `create` never completed
        assert [str(w.message) for w in seen if issubclass(w.category, LspSpecificationWarning)] == []
    finally:
        caught.__exit__(None, None, None)
        fm._features[t.WINDOW_WORK_DONE_PROGRESS_CREATE] = original


async def test_the_scan_does_not_wait_for_the_client_to_accept_its_progress(client):
    """Files are published while `window/workDoneProgress/create` is unanswered; a scan
    that ends before the answer sends `begin` and then `end` once it comes."""
    import asyncio

    if not (client.capabilities.window and client.capabilities.window.work_done_progress):
        return  # no progress: nothing to wait for
    fm = client.protocol.fm
    original = fm._features.pop(t.WINDOW_WORK_DONE_PROGRESS_CREATE)
    published_meanwhile: list[int] = []

    @client.feature(t.WINDOW_WORK_DONE_PROGRESS_CREATE)
    async def slow_create(params: t.WorkDoneProgressCreateParams):
        before = len(client.published)
        await asyncio.sleep(3)  # longer than the scan (about 1.2 s paced)
        published_meanwhile.append(len(client.published) - before)
        client.progress_reports.setdefault(params.token, [])

    try:
        known = set(client.progress_reports)
        await client.workspace_execute_command_async(t.ExecuteCommandParams(command="archrules.checkWorkspace"))
        token = await wait_until(lambda: next((k for k, v in client.progress_reports.items()
                                               if k not in known and v), None), timeout=30, what="progress")
        await wait_until(lambda: isinstance(client.progress_reports[token][-1], t.WorkDoneProgressEnd),
                         timeout=30, what="scan end")
        assert published_meanwhile and published_meanwhile[0] > GENERATED // 2
        kinds = [type(r) for r in client.progress_reports[token]]
        assert kinds == [t.WorkDoneProgressBegin, t.WorkDoneProgressEnd]
        assert "file(s) checked" in client.progress_reports[token][-1].message
    finally:
        fm._features[t.WINDOW_WORK_DONE_PROGRESS_CREATE] = original


async def rescan(client) -> None:
    """checkWorkspace, and wait until that scan has ended."""
    import asyncio

    before = len(ends(client))
    await client.workspace_execute_command_async(t.ExecuteCommandParams(command="archrules.checkWorkspace"))
    if client.capabilities.window and client.capabilities.window.work_done_progress:
        await wait_until(lambda: len(ends(client)) > before, timeout=30, what="scan end")
    else:
        await asyncio.sleep(3)


async def test_a_rescan_leaves_open_documents_alone(client):
    """Results from disk never reach an open document: not the scan's clean-up of files
    that have no findings any more (it cleared the live result), and not under another
    spelling of its URI (Neovim leaves `(` `)` unencoded, pygls and VS Code encode them;
    the editor maps both to one buffer, where the stale disk result replaced the live one)."""
    live = client.root / "app/live.py"
    live.write_text("print(1)\n")
    paren = client.root / "app/v(2)/paren.py"
    paren.parent.mkdir(exist_ok=True)
    paren.write_text("print(1)\n")
    paren_uri = uri_of(paren)
    assert "%28" in paren_uri
    await rescan(client)  # the closed files' results
    await file_diagnostics(client, uri_of(live), lambda d: codes(d) == ["AR-002"])
    await file_diagnostics(client, paren_uri, lambda d: codes(d) == ["AR-002"])

    doc = Doc(client, live, "print(1); time.sleep(1)\n")  # edited, not saved
    await diagnostics(client, doc, lambda d: codes(d) == ["AR-001", "AR-002"])
    other = Doc.__new__(Doc)  # opened under Neovim's spelling, fixed in the editor, not saved
    other.client, other.path, other.text, other.version = client, paren, "x = 1\n", 1
    other.uri = paren_uri.replace("%28", "(").replace("%29", ")")
    client.text_document_did_open(t.DidOpenTextDocumentParams(text_document=t.TextDocumentItem(
        uri=other.uri, language_id="python", version=1, text=other.text)))
    await diagnostics(client, other, lambda d: d == [])
    await file_diagnostics(client, paren_uri, lambda d: d == [])  # the disk result is withdrawn

    published = len(client.published)
    await rescan(client)
    assert [p for p in client.published[published:] if p[0] == doc.uri] == []
    assert [p for p in client.published[published:] if p[0] == paren_uri and p[2]] == []
    await diagnostics(client, doc, lambda d: codes(d) == ["AR-001", "AR-002"])
    await diagnostics(client, other, lambda d: d == [])
    for d in (doc, other):
        d.close()
    live.unlink()
    paren.unlink()
