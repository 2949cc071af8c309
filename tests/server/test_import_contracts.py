"""Import contracts in the editor, on a copy of the fixture project tests/fixtures/contracts:
the workspace import graph built once with progress, a direct and an indirect violation
with the chain's hops as relatedInformation, hover and the ignore-on-line quick fix on an
import finding, a typed import, a hop file deleted on disk, the stale `ignore` entry."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from .helpers import (
    CONFIG,
    PRESETS,
    Doc,
    apply_workspace_edit,
    diagnostics,
    file_diagnostics,
    install_recorders,
    start_session,
    uri_of,
    wait_until,
)

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "contracts"
ARCHRULES = Path(sys.executable).parent / "archrules"
RULES = ".architecture-rules/contracts.yaml"
STALE = 'ignore entry "app.api.legacy -> app.tasks" matches no import: remove it'
INDIRECT_JOBS = ("app.api.jobs imports app.tasks.scan indirectly: app.api.jobs -> app.core.helpers -> "
                 "app.tasks.scan (app.api must not import app.tasks)")
INDIRECT_SERVICES = ("app.services.jobs imports app.api.deps indirectly: app.services.jobs -> app.core.audit -> "
                     "app.api.deps (layer app.services is below app.api)")


def fixture_copy(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("imports") / "contracts"
    shutil.copytree(FIXTURE, root)
    (root / ".git").mkdir()
    return root


@pytest_lsp.fixture(scope="module", params=PRESETS, config=CONFIG)
async def client(request, lsp_client: LanguageClient, tmp_path_factory):
    root = lsp_client.root = fixture_copy(tmp_path_factory)
    await start_session(lsp_client, request.param, [root], init_options={"debounceMs": 0})
    yield
    await lsp_client.shutdown_session()


def read(client, rel: str) -> str:
    return (client.root / rel).read_text(encoding="utf-8")


def name_range(text: str, line: int, name: str) -> tuple[int, int, int]:
    """(line, start, end) of `name` on a line of `text` (ASCII: characters in every encoding)."""
    start = text.splitlines()[line].index(name)
    return line, start, start + len(name)


def where(rng: t.Range) -> tuple[int, int, int]:
    assert rng.start.line == rng.end.line
    return rng.start.line, rng.start.character, rng.end.character


def watched(client: LanguageClient, path: Path, kind: t.FileChangeType) -> None:
    client.workspace_did_change_watched_files(t.DidChangeWatchedFilesParams(
        changes=[t.FileEvent(uri=uri_of(path), type=kind)]))


def messages(items) -> list[str]:
    return sorted(d.message for d in items)


async def test_the_graph_is_built_once_with_progress(client):
    def titles() -> list[str]:
        return [r.title for reports in client.progress_reports.values() for r in reports
                if isinstance(r, t.WorkDoneProgressBegin)]

    await wait_until(lambda: "Building the import graph" in titles(), what="the graph's progress")
    begin = next(r for reports in client.progress_reports.values() for r in reports
                 if isinstance(r, t.WorkDoneProgressBegin) and r.title == "Building the import graph")
    modules = [p for p in FIXTURE.rglob("*") if p.suffix in (".py", ".ts", ".tsx")]
    assert begin.message == f"{len(modules)} files"
    await wait_until(lambda: any(isinstance(r, t.WorkDoneProgressEnd) for reports in client.progress_reports.values()
                                 for r in reports), what="the graph's progress to end")
    assert titles().count("Building the import graph") == 1


async def test_a_direct_and_an_indirect_violation_exactly(client):
    text = read(client, "app/api/jobs.py")
    doc = Doc(client, client.root / "app/api/jobs.py", text)
    items = await diagnostics(client, doc, lambda d: INDIRECT_JOBS in messages(d))
    assert messages(items) == [INDIRECT_JOBS, "app.api.jobs imports subprocess (app.api must not import subprocess)"]
    assert {str(d.code) for d in items} == {"ARCH-002"}
    assert {d.severity for d in items} == {t.DiagnosticSeverity.Error}
    direct = next(d for d in items if d.message.endswith("(app.api must not import subprocess)"))
    indirect = next(d for d in items if d.message == INDIRECT_JOBS)
    assert where(direct.range) == name_range(text, 1, "subprocess")
    assert where(indirect.range) == name_range(text, 3, "helpers")

    rule_link, *hops = indirect.related_information
    assert rule_link.location.uri == uri_of(client.root / RULES)
    assert [(h.location.uri, where(h.location.range), h.message) for h in hops] == [
        (doc.uri, name_range(text, 3, "helpers"), "app.api.jobs imports app.core.helpers"),
        (uri_of(client.root / "app/core/helpers.py"), name_range(read(client, "app/core/helpers.py"), 0, "scan"),
         "app.core.helpers imports app.tasks.scan"),
    ]
    assert len(direct.related_information) == 1  # the rule only: no chain

    # lines typed above: the finding and its first hop move together (no stale cached hop)
    doc.edit((0, 0), (0, 0), "\n\n", apply_locally="\n\n" + text)
    items = await diagnostics(client, doc,
                              lambda d: any(x.range.start.line == 5 for x in d if x.message == INDIRECT_JOBS))
    indirect = next(d for d in items if d.message == INDIRECT_JOBS)
    assert where(indirect.related_information[1].location.range) == name_range(doc.text, 5, "helpers")
    doc.close()


async def test_hover_on_an_import_finding_shows_the_rule_suggestion(client):
    text = read(client, "app/services/jobs.py")
    doc = Doc(client, client.root / "app/services/jobs.py", text)
    items = await diagnostics(client, doc, lambda d: messages(d) == [INDIRECT_SERVICES])
    line, start, _ = where(items[0].range)
    hover = await client.text_document_hover_async(t.HoverParams(
        text_document=t.TextDocumentIdentifier(uri=doc.uri), position=t.Position(line=line, character=start + 1)))
    assert hover is not None
    value = hover.contents.value if isinstance(hover.contents, t.MarkupContent) else str(hover.contents)
    assert "ARCH-001" in value
    assert "Move the shared code down a layer, or call it through app.services." in value
    assert INDIRECT_SERVICES in value
    doc.close()


async def test_ignore_on_this_line_silences_an_import_finding(client):
    text = read(client, "app/tasks/scan.py")
    doc = Doc(client, client.root / "app/tasks/scan.py", text)
    message = "app.tasks.scan imports app.api.deps (layer app.tasks is below app.api)"
    items = await diagnostics(client, doc, lambda d: messages(d) == [message])
    assert where(items[0].range) == name_range(text, 2, "deps")
    actions = await client.text_document_code_action_async(t.CodeActionParams(
        text_document=t.TextDocumentIdentifier(uri=doc.uri), range=items[0].range,
        context=t.CodeActionContext(diagnostics=[items[0]])))
    action = next(a for a in actions if a.title == "Ignore ARCH-001 on this line")
    if action.edit is None:
        action = await client.code_action_resolve_async(action)
    fixed = apply_workspace_edit(doc, action.edit)
    assert fixed.splitlines()[2] == "from app.api import deps  # archrules: ignore[ARCH-001]"
    assert await diagnostics(client, doc, lambda d: d == []) == []
    doc.replace(text)
    doc.close()


async def test_typing_a_forbidden_import_reports_it(client):
    text = read(client, "app/api/deps.py")
    doc = Doc(client, client.root / "app/api/deps.py", text)
    assert await diagnostics(client, doc) == []  # its import of app.tasks.registry is an ignore entry's
    doc.edit((1, 0), (1, 0), "import app.tasks.scan\n",
             apply_locally=text.replace("\n", "\nimport app.tasks.scan\n", 1))
    items = await diagnostics(client, doc, lambda d: len(d) == 1)
    assert messages(items) == ["app.api.deps imports app.tasks.scan (app.api must not import app.tasks)"]
    assert where(items[0].range) == name_range(doc.text, 1, "app.tasks.scan")
    doc.replace(text)
    assert await diagnostics(client, doc, lambda d: d == []) == []
    doc.close()


async def test_the_stale_ignore_entry_is_warned_until_an_import_matches_it(client):
    rules = client.root / RULES
    items = await file_diagnostics(client, uri_of(rules), lambda d: STALE in messages(d))
    stale = next(d for d in items if d.message == STALE)
    assert stale.severity == t.DiagnosticSeverity.Warning and str(stale.code) == "ARCH-002"
    assert (stale.range.start.line, stale.range.start.character) == (16, 10)  # the CLI's 17:11
    legacy = client.root / "app/api/legacy.py"
    legacy.write_text("from app.tasks import registry\n", encoding="utf-8")
    watched(client, legacy, t.FileChangeType.Created)
    await file_diagnostics(client, uri_of(rules), lambda d: STALE not in messages(d))
    legacy.unlink()
    watched(client, legacy, t.FileChangeType.Deleted)
    await file_diagnostics(client, uri_of(rules), lambda d: STALE in messages(d))


async def test_deleting_a_hop_file_clears_the_indirect_violation_of_an_open_document(client):
    doc = Doc(client, client.root / "app/services/jobs.py", read(client, "app/services/jobs.py"))
    await diagnostics(client, doc, lambda d: messages(d) == [INDIRECT_SERVICES])
    hop = client.root / "app/core/audit.py"
    hop.unlink()
    watched(client, hop, t.FileChangeType.Deleted)
    assert await diagnostics(client, doc, lambda d: d == []) == []
    doc.close()


async def test_saving_an_edited_hop_updates_the_chains_of_another_open_document(client):
    jobs = Doc(client, client.root / "app/api/jobs.py", read(client, "app/api/jobs.py"))
    await diagnostics(client, jobs, lambda d: INDIRECT_JOBS in messages(d))
    original = read(client, "app/core/helpers.py")
    helpers = Doc(client, client.root / "app/core/helpers.py", original)
    helpers.replace("def schedule(job_id: int) -> None:\n    return None\n")
    helpers.save()
    items = await diagnostics(client, jobs, lambda d: INDIRECT_JOBS not in messages(d))
    assert messages(items) == ["app.api.jobs imports subprocess (app.api must not import subprocess)"]
    helpers.replace(original)
    helpers.save()
    await diagnostics(client, jobs, lambda d: INDIRECT_JOBS in messages(d))
    helpers.close()
    jobs.close()


async def test_an_unsaved_hop_buffer_counts_until_it_is_closed(client):
    text = read(client, "app/api/jobs.py")
    jobs = Doc(client, client.root / "app/api/jobs.py", text)
    await diagnostics(client, jobs, lambda d: INDIRECT_JOBS in messages(d))
    helpers = Doc(client, client.root / "app/core/helpers.py", read(client, "app/core/helpers.py"))
    helpers.replace("SCHEDULED = []\n")  # not saved: the graph takes the buffer once the typing pauses

    async def typed_in_jobs_until(predicate) -> None:
        # another document's edits re-check nothing: keep typing in jobs.py until its check sees the graph
        for n in range(200):
            jobs.replace(text + "\n" * (n % 2))
            try:
                await diagnostics(client, jobs, predicate, timeout=0.2)
                return
            except AssertionError:
                continue
        raise AssertionError("the graph never took the unsaved buffer")

    await typed_in_jobs_until(lambda d: d and INDIRECT_JOBS not in messages(d))
    helpers.close()  # its unsaved edits are gone: the file on disk again, and jobs.py re-checked
    await diagnostics(client, jobs, lambda d: INDIRECT_JOBS in messages(d))
    jobs.close()


async def test_changed_source_roots_rename_the_modules_and_rebuild_the_graph(client):
    doc = Doc(client, client.root / "src/models/job.py", read(client, "src/models/job.py"))
    layered = "models.job imports app.services.jobs (layer models is below app.services)"
    await diagnostics(client, doc, lambda d: messages(d) == [layered])
    pyproject = client.root / "pyproject.toml"
    original = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(original.replace('source-roots = ["src"]', 'source-roots = ["."]'), encoding="utf-8")
    watched(client, pyproject, t.FileChangeType.Changed)
    assert await diagnostics(client, doc, lambda d: d == []) == []  # src.models.job is in no layer

    def builds() -> int:
        return sum(1 for reports in client.progress_reports.values() for r in reports
                   if isinstance(r, t.WorkDoneProgressBegin) and r.title == "Building the import graph")

    await wait_until(lambda: builds() == 2, what="the graph built again")
    pyproject.write_text(original, encoding="utf-8")
    watched(client, pyproject, t.FileChangeType.Changed)
    await diagnostics(client, doc, lambda d: messages(d) == [layered])
    doc.close()


async def test_reload_rules_rebuilds_the_graph_for_files_changed_where_nothing_watched(client):
    jobs = Doc(client, client.root / "app/api/jobs.py", read(client, "app/api/jobs.py"))
    await diagnostics(client, jobs, lambda d: INDIRECT_JOBS in messages(d))
    helpers = client.root / "app/core/helpers.py"
    original = helpers.read_text(encoding="utf-8")
    helpers.write_text("SCHEDULED = []\n", encoding="utf-8")  # no watched-file event: the graph cannot know
    await client.workspace_execute_command_async(t.ExecuteCommandParams(command="archrules.reloadRules"))
    items = await diagnostics(client, jobs, lambda d: INDIRECT_JOBS not in messages(d))
    assert messages(items) == ["app.api.jobs imports subprocess (app.api must not import subprocess)"]
    helpers.write_text(original, encoding="utf-8")
    await client.workspace_execute_command_async(t.ExecuteCommandParams(command="archrules.reloadRules"))
    await diagnostics(client, jobs, lambda d: INDIRECT_JOBS in messages(d))
    jobs.close()


def plain_capabilities() -> t.ClientCapabilities:
    """VS Code's preset without relatedInformation and work-done progress."""
    caps = client_capabilities("visual_studio_code")
    caps.text_document.publish_diagnostics.related_information = False
    caps.window.work_done_progress = False
    return caps


@pytest_lsp.fixture(scope="module", config=CONFIG)
async def plain(lsp_client: LanguageClient, tmp_path_factory):
    """A client without relatedInformation or progress, on a copy whose findings are all in the baseline."""
    root = lsp_client.root = fixture_copy(tmp_path_factory)
    frozen = subprocess.run([str(ARCHRULES), "baseline"], cwd=root, capture_output=True, text=True)
    assert frozen.returncode == 0, frozen.stderr
    install_recorders(lsp_client)
    lsp_client.init_result = await lsp_client.initialize_session(t.InitializeParams(
        capabilities=plain_capabilities(), root_uri=uri_of(root), initialization_options={"debounceMs": 0}))
    await wait_until(lambda: lsp_client.status, what="status")
    yield
    await lsp_client.shutdown_session()


async def test_without_related_information_the_chain_is_in_the_message_and_the_baseline_holds(plain):
    text = read(plain, "app/api/jobs.py")
    doc = Doc(plain, plain.root / "app/api/jobs.py", text)
    baselined = f"(baselined) {INDIRECT_JOBS}"
    items = await diagnostics(plain, doc, lambda d: baselined in messages(d))
    frozen_direct = "(baselined) app.api.jobs imports subprocess (app.api must not import subprocess)"
    assert messages(items) == [baselined, frozen_direct]
    assert {d.severity for d in items} == {t.DiagnosticSeverity.Hint}
    assert all(d.related_information is None for d in items)
    assert plain.progress_reports == {}
    # a new forbidden import typed above: reported; the frozen ones moved down a line, still frozen
    doc.edit((1, 0), (1, 0), "import app.services.billing.invoices\n",
             apply_locally=text.replace("\n", "\nimport app.services.billing.invoices\n", 1))
    new = ("app.api.jobs imports app.services.billing.invoices (app.services.billing is protected: "
           "only app.api.v1.billing may import it)")
    items = await diagnostics(plain, doc, lambda d: new in messages(d))
    assert sorted((d.severity, d.message) for d in items) == [
        (t.DiagnosticSeverity.Error, new),
        (t.DiagnosticSeverity.Hint, baselined),
        (t.DiagnosticSeverity.Hint, frozen_direct),
    ]
    doc.close()


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(
    server_command=CONFIG.server_command, server_env={**os.environ, "ARCHRULES_LSP_GRAPH_DELAY": "1"}))
async def workspace(lsp_client: LanguageClient, tmp_path_factory):
    root = lsp_client.root = fixture_copy(tmp_path_factory)
    await start_session(lsp_client, "visual_studio_code", [root],
                        init_options={"archrules": {"diagnosticMode": "workspace", "debounceMs": 0}})
    yield
    await lsp_client.shutdown_session()


async def test_workspace_mode_reports_the_chains_of_closed_files(workspace):
    # the graph lands a second late: the scan that ran before knew no chains, the one started then does
    items = await file_diagnostics(workspace, uri_of(workspace.root / "app/services/jobs.py"),
                                   lambda d: INDIRECT_SERVICES in messages(d))
    assert messages(items) == [INDIRECT_SERVICES]
    items = await file_diagnostics(workspace, uri_of(workspace.root / "app/tasks/imports/reader.py"),
                                   lambda d: len(d) == 1)
    assert messages(items) == ["app.tasks.imports.reader imports app.tasks.exports.run indirectly: "
                               "app.tasks.imports.reader -> app.core.bridge -> app.tasks.exports.run "
                               "(app.tasks.imports and app.tasks.exports are independent)"]
