"""The baseline in the editor: frozen findings as hints marked "(baselined)" (or hidden,
or shown as usual, by the `baseline` setting), hover saying where they are frozen,
"Add to baseline" on a new finding, the writeBaseline / updateBaseline commands, and the
baseline read again when its file changes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import LanguageClient

from .helpers import (
    CONFIG,
    PRESETS,
    RULES,
    Doc,
    command_of,
    diagnostics,
    file_diagnostics,
    start_session,
    uri_of,
    write_tree,
)

ARCHRULES = Path(sys.executable).parent / "archrules"
FROZEN = "print('old')\n"
SOURCE = FROZEN + "print('new')\n"


FILES = ("app/a.py", "app/b.py", "app/c.py")  # one per test: each starts from the frozen print


@pytest_lsp.fixture(scope="module", params=PRESETS, config=CONFIG)
async def client(request, lsp_client: LanguageClient, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("baseline")
    write_tree(tmp_path, {".architecture-rules/demo.yaml": RULES, "app/tasks/t.py": "db = SessionLocal()\n",
                          **{f: FROZEN for f in FILES}})
    (tmp_path / ".git").mkdir()
    frozen = subprocess.run([str(ARCHRULES), "baseline"], cwd=tmp_path, capture_output=True, text=True)
    assert frozen.returncode == 0, frozen.stderr
    for f in FILES:
        (tmp_path / f).write_text(SOURCE)  # one more print: a new finding
    lsp_client.root = tmp_path
    await start_session(lsp_client, request.param, [tmp_path], init_options={"debounceMs": 0},
                        configuration={"archrules": {"debounceMs": 0}})
    yield
    await lsp_client.shutdown_session()


def by_line(diags) -> dict[int, tuple]:
    return {d.range.start.line: (d.code, d.severity, d.message) for d in diags}


async def test_a_frozen_finding_is_a_hint_and_a_new_one_is_not(client):
    doc = Doc(client, client.root / "app/a.py", SOURCE)
    diags = by_line(await diagnostics(client, doc, lambda d: len(d) == 2))
    assert diags == {
        0: ("AR-002", t.DiagnosticSeverity.Hint, "(baselined) Use the logger, not print"),
        1: ("AR-002", t.DiagnosticSeverity.Warning, "Use the logger, not print"),
    }
    hover = await client.text_document_hover_async(t.HoverParams(
        text_document=t.TextDocumentIdentifier(uri=doc.uri), position=t.Position(line=0, character=1)))
    assert "Baselined" in hover.contents.value and ".archrules-baseline.json" in hover.contents.value
    # lines inserted above keep it frozen
    doc.replace("\n\n" + SOURCE)
    diags = by_line(await diagnostics(client, doc, lambda d: len(d) == 2 and d[0].range.start.line == 2))
    assert [s for _, s, _ in diags.values()] == [t.DiagnosticSeverity.Hint, t.DiagnosticSeverity.Warning]
    doc.close()


async def test_add_to_baseline_freezes_the_new_finding(client):
    doc = Doc(client, client.root / "app/b.py", SOURCE)
    diags = await diagnostics(client, doc, lambda d: len(d) == 2)
    new = next(d for d in diags if d.severity == t.DiagnosticSeverity.Warning)
    actions = await client.text_document_code_action_async(t.CodeActionParams(
        text_document=t.TextDocumentIdentifier(uri=doc.uri), range=new.range,
        context=t.CodeActionContext(diagnostics=[new])))
    add = next(a for a in actions if a.title == "Add AR-002 here to the baseline")
    command = command_of(add)
    await client.workspace_execute_command_async(t.ExecuteCommandParams(
        command=command.command, arguments=command.arguments))
    entries = json.loads((client.root / ".archrules-baseline.json").read_text())["findings"]
    assert sorted(e["what"] for e in entries if e["path"] == "app/b.py") == ["print('new')", "print('old')"]
    doc.replace(SOURCE + " ")  # a new version, so that push clients get a new publish
    await diagnostics(client, doc, lambda d: len(d) == 2 and all(x.severity == t.DiagnosticSeverity.Hint for x in d))
    doc.close()


async def test_the_baseline_setting_hides_or_shows_them(client):
    doc = Doc(client, client.root / "app/c.py", SOURCE)
    await diagnostics(client, doc, lambda d: len(d) == 2)
    client.set_configuration({"archrules": {"debounceMs": 0, "baseline": "hide"}})
    client.workspace_did_change_configuration(t.DidChangeConfigurationParams(settings=None))
    assert [x.range.start.line for x in await diagnostics(client, doc, lambda d: len(d) == 1)] == [1]
    client.set_configuration({"archrules": {"debounceMs": 0, "baseline": "show"}})
    client.workspace_did_change_configuration(t.DidChangeConfigurationParams(settings=None))
    shown = await diagnostics(client, doc, lambda d: len(d) == 2 and d[0].severity == t.DiagnosticSeverity.Warning)
    assert not any(x.message.startswith("(baselined)") for x in shown)
    client.set_configuration({"archrules": {"debounceMs": 0}})
    client.workspace_did_change_configuration(t.DidChangeConfigurationParams(settings=None))
    doc.close()


def frozen_in(client, rel: str) -> list[str]:
    entries = json.loads((client.root / ".archrules-baseline.json").read_text())["findings"]
    return sorted(e["what"] for e in entries if e["path"] == rel)


async def test_write_and_update_commands_and_reload_on_change(client):  # (last: it rewrites the baseline)
    doc = Doc(client, client.root / "app/a.py", SOURCE)
    await diagnostics(client, doc, lambda d: len(d) == 2)
    counts = await client.workspace_execute_command_async(t.ExecuteCommandParams(command="archrules.writeBaseline"))
    assert counts == {client.root.name: 2 * len(FILES)}  # both prints of each file, as they are on disk
    await diagnostics(client, doc, lambda d: len(d) == 2 and all(x.severity == t.DiagnosticSeverity.Hint for x in d))
    (client.root / "app/a.py").write_text(FROZEN)  # one print fixed on disk
    counts = await client.workspace_execute_command_async(t.ExecuteCommandParams(command="archrules.updateBaseline"))
    assert counts == {client.root.name: 2 * len(FILES) - 1} and frozen_in(client, "app/a.py") == ["print('old')"]
    # the file changed by someone else: read again (watched files; didSave for clients that cannot watch)
    (client.root / ".archrules-baseline.json").write_text('{"version": 1, "findings": []}\n')
    client.workspace_did_change_watched_files(t.DidChangeWatchedFilesParams(changes=[t.FileEvent(
        uri=uri_of(client.root / ".archrules-baseline.json"), type=t.FileChangeType.Changed)]))
    doc.replace(SOURCE + " ")
    await diagnostics(client, doc, lambda d: len(d) == 2 and all(x.severity == t.DiagnosticSeverity.Warning for x in d))
    doc.close()


@pytest_lsp.fixture(scope="module", config=CONFIG)
async def workspace(lsp_client: LanguageClient, tmp_path_factory):
    """Workspace mode: closed files are checked by the scan's workers, with the baseline too."""
    tmp_path = tmp_path_factory.mktemp("baseline-workspace")
    write_tree(tmp_path, {".architecture-rules/demo.yaml": RULES, "app/a.py": FROZEN})
    (tmp_path / ".git").mkdir()
    frozen = subprocess.run([str(ARCHRULES), "baseline"], cwd=tmp_path, capture_output=True, text=True)
    assert frozen.returncode == 0, frozen.stderr
    (tmp_path / "app/a.py").write_text(SOURCE)
    lsp_client.root = tmp_path
    await start_session(lsp_client, "visual_studio_code", [tmp_path],
                        init_options={"debounceMs": 0, "diagnosticMode": "workspace"},
                        configuration={"archrules": {"debounceMs": 0, "diagnosticMode": "workspace"}})
    yield
    await lsp_client.shutdown_session()


async def test_closed_files_of_the_workspace_scan_show_frozen_findings_as_hints(workspace):
    items = await file_diagnostics(workspace, uri_of(workspace.root / "app/a.py"), lambda d: len(d) == 2)
    shown = by_line(items)
    assert shown[0][1:] == (t.DiagnosticSeverity.Hint, "(baselined) Use the logger, not print")
    assert shown[1][1] == t.DiagnosticSeverity.Warning and not shown[1][2].startswith("(baselined)")
