"""Code lens above each rule of a rule file (findings in the workspace or the open files,
examples passing) and its command archrules.showFindings, on a copy of the example
project; workspace/codeLens/refresh only for clients that declare it."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import LanguageClient

from .helpers import CONFIG, PRESETS, Doc, codes, diagnostics, start_session, uri_of, wait_until, write_tree

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "background-tasks"
RULES = ".architecture-rules/background-tasks.yaml"
# a rule with examples: two pass, the third is a false positive
EXTRA = """\
extra_rules:
  - id: EX-001
    name: No FIXME in tasks
    severity: warning
    anti_patterns:
      - pattern: "FIXME"
        file: "app/tasks/*.py"
        message: "Resolve the FIXME"
    examples:
      - path: app/tasks/a.py
        invalid: "# FIXME later\\n"
      - path: app/tasks/b.py
        valid: "x = 1\\n"
      - path: app/tasks/c.py
        valid: "# FIXME too\\n"
"""
OTHER = """\
other_rules:
  - id: EX-002
    name: No XXX in tasks
    anti_patterns:
      - pattern: "XXX"
        file: "app/tasks/*.py"
        message: "No XXX"
    examples:
      - path: app/tasks/a.py
        invalid: "XXX\\n"
"""
EDITED = "app/services/job_updates.py"  # one BG-010 finding ('processing')


def copy_example(tmp_path_factory, name: str) -> Path:
    root = tmp_path_factory.mktemp(name) / "project"
    shutil.copytree(EXAMPLE, root)
    write_tree(root, {".architecture-rules/extra.yaml": EXTRA, ".architecture-rules/other.yaml": OTHER})
    (root / ".git").mkdir()
    return root


def cli_counts(root: Path) -> Counter:
    """Findings per rule as `archrules check` counts them: the oracle for the lens."""
    out = subprocess.run([str(Path(sys.executable).parent / "archrules"), "check", ".", "--format", "json"],
                         cwd=root, capture_output=True, text=True, check=False).stdout
    return Counter(f["rule"] for f in json.loads(out)["findings"])


async def lens_titles(client: LanguageClient, path: Path) -> dict[str, str]:
    lenses = await client.text_document_code_lens_async(t.CodeLensParams(
        text_document=t.TextDocumentIdentifier(uri=uri_of(path))))
    return {lens.command.arguments[0]: lens.command.title for lens in lenses or []}


async def titles_when(client: LanguageClient, path: Path, predicate, timeout: float = 15.0) -> dict[str, str]:
    """The lens titles by rule id, asked again until `predicate` holds."""
    deadline = time.monotonic() + timeout
    while True:
        titles = await lens_titles(client, path)
        if predicate(titles):
            return titles
        if time.monotonic() > deadline:
            raise AssertionError(f"lenses never matched; last: {titles}")
        await asyncio.sleep(0.05)


def title(count: int, scope: str = "in workspace") -> str:
    return f"{count} finding{'' if count == 1 else 's'} {scope}"


@pytest_lsp.fixture(scope="module", params=PRESETS, config=CONFIG)
async def client(request, lsp_client: LanguageClient, tmp_path_factory):
    root = copy_example(tmp_path_factory, "lens")
    lsp_client.root = root
    lsp_client.expected = cli_counts(root)
    await start_session(lsp_client, request.param, [root],
                        init_options={"archrules": {"diagnosticMode": "workspace", "debounceMs": 0}})
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(scope="module", params=PRESETS, config=CONFIG)
async def open_files_client(request, lsp_client: LanguageClient, tmp_path_factory):
    root = copy_example(tmp_path_factory, "lensopen")
    lsp_client.root = root
    await start_session(lsp_client, request.param, [root], init_options={"debounceMs": 0})
    yield
    await lsp_client.shutdown_session()


async def test_the_lens_and_its_command_are_advertised(client):
    capabilities = client.init_result.capabilities
    assert capabilities.code_lens_provider is not None
    assert "archrules.showFindings" in capabilities.execute_command_provider.commands


async def test_each_rule_has_a_lens_with_the_workspace_count(client):
    expected = client.expected
    assert expected["BG-010"] > 1 and expected["BG-001"] == 1  # the example project as the test knows it
    titles = await titles_when(client, client.root / RULES,
                               lambda got: all(got.get(r) == title(n) for r, n in expected.items()))
    rule_ids = [line.split("id:")[1].strip() for line in (client.root / RULES).read_text().splitlines()
                if line.strip().startswith("- id:")]
    assert sorted(titles) == sorted(rule_ids)
    assert titles["BG-001"] == "1 finding in workspace"  # singular


async def test_the_lens_sits_on_its_rule_and_tallies_examples(client):
    extra = client.root / ".architecture-rules/extra.yaml"
    lenses = await client.text_document_code_lens_async(t.CodeLensParams(
        text_document=t.TextDocumentIdentifier(uri=uri_of(extra))))
    assert len(lenses) == 1
    lens = lenses[0]
    assert lens.range.start.line == 1  # `  - id: EX-001`
    assert lens.command.command == "archrules.showFindings" and list(lens.command.arguments) == ["EX-001"]
    assert lens.command.title == "0 findings in workspace · examples 2/3"


async def test_tallies_follow_the_rule_file_and_unchanged_files_run_no_example_again(client):
    extra = client.root / ".architecture-rules/extra.yaml"

    def runs(name: str) -> int:
        return sum(1 for m in client.log_messages if f"example(s) of {name}" in m.message)

    await wait_until(lambda: runs("other.yaml") >= 1, what="the examples of other.yaml run on load")
    other_runs = runs("other.yaml")
    doc = Doc(client, extra, EXTRA, language_id="yaml")
    doc.replace(EXTRA.replace("# FIXME too", "# done"))  # the false positive fixed
    await titles_when(client, extra, lambda got: got.get("EX-001") == "0 findings in workspace · examples 3/3")
    assert runs("other.yaml") == other_runs  # its text did not change
    doc.replace(EXTRA)
    await titles_when(client, extra, lambda got: got.get("EX-001") == "0 findings in workspace · examples 2/3")
    doc.close()


async def test_counts_follow_an_edited_source_file(client):
    bg010 = client.expected["BG-010"]
    await titles_when(client, client.root / RULES, lambda got: got.get("BG-010") == title(bg010))
    rules = Doc(client, client.root / RULES, (client.root / RULES).read_text(), language_id="yaml")
    refreshes = client.code_lens_refreshes
    path = client.root / EDITED
    text = path.read_text()
    assert "processing" in text
    doc = Doc(client, path, text)
    doc.replace(text.replace("processing", "running"))
    await diagnostics(client, doc, lambda d: "BG-010" not in codes(d))
    titles = await titles_when(client, client.root / RULES, lambda got: got.get("BG-010") == title(bg010 - 1))
    assert titles["BG-001"] == title(1)
    if client.capabilities.workspace.code_lens is not None:  # VS Code: asked to refresh the lenses
        await wait_until(lambda: client.code_lens_refreshes > refreshes, what="workspace/codeLens/refresh")
    else:  # Neovim 0.11 declares no refreshSupport: never asked
        assert client.code_lens_refreshes == 0
    rules.close()
    client.edited = doc


async def test_show_findings_opens_the_first_and_returns_them_all(client):
    expected = client.expected["BG-010"] - (1 if hasattr(client, "edited") else 0)
    shown_before = len(client.shown_documents)
    found = await client.workspace_execute_command_async(t.ExecuteCommandParams(
        command="archrules.showFindings", arguments=["BG-010"]))
    assert len(found) == expected
    order = [(loc["uri"], loc["range"]["start"]["line"]) for loc in found]
    assert order == sorted(order)
    assert uri_of(client.root / "app/tasks/export_tasks.py") in {loc["uri"] for loc in found}
    await wait_until(lambda: len(client.shown_documents) > shown_before, what="window/showDocument")
    shown = client.shown_documents[-1]
    assert shown.uri == found[0]["uri"]
    assert shown.selection.start.line == found[0]["range"]["start"]["line"]
    assert shown.selection.start.character == found[0]["range"]["start"]["character"]


async def test_show_findings_of_a_rule_without_any_says_so(client):
    found = await client.workspace_execute_command_async(t.ExecuteCommandParams(
        command="archrules.showFindings", arguments=["EX-001"]))
    assert found == []
    await wait_until(lambda: any(m.message == "No findings of EX-001 in the workspace" for m in client.messages),
                     what="the info message")
    message = next(m for m in client.messages if m.message.startswith("No findings of EX-001"))
    assert message.type == t.MessageType.Info


async def test_show_findings_of_an_unknown_rule_is_invalid_params(client):
    with pytest.raises(Exception, match="no rule 'NOPE-1' is loaded"):
        await client.workspace_execute_command_async(t.ExecuteCommandParams(
            command="archrules.showFindings", arguments=["NOPE-1"]))


async def test_outside_workspace_mode_the_lens_counts_the_open_files(open_files_client):
    client = open_files_client
    rules = client.root / RULES
    titles = await titles_when(client, rules, lambda got: got.get("BG-010") == title(0, "in open files"))
    assert titles["BG-001"] == title(0, "in open files")
    path = client.root / EDITED
    doc = Doc(client, path, path.read_text())
    await diagnostics(client, doc, lambda d: codes(d) == ["BG-010"])
    await titles_when(client, rules, lambda got: got.get("BG-010") == title(1, "in open files"))
    doc.close()
    await titles_when(client, rules, lambda got: got.get("BG-010") == title(0, "in open files"))


async def test_a_source_file_has_no_lenses(open_files_client):
    client = open_files_client
    assert await lens_titles(client, client.root / EDITED) == {}


@pytest_lsp.fixture(scope="module", params=PRESETS, config=CONFIG)
async def baselined_client(request, lsp_client: LanguageClient, tmp_path_factory):
    """Every finding of the example frozen in a baseline, then one more BG-010 written."""
    root = copy_example(tmp_path_factory, "lensbaseline")
    archrules = Path(sys.executable).parent / "archrules"
    frozen = subprocess.run([str(archrules), "baseline"], cwd=root, capture_output=True, text=True, check=False)
    assert frozen.returncode == 0, frozen.stderr
    path = root / EDITED
    path.write_text(path.read_text() + "\njob.status = 'processing'\n")
    lsp_client.root = root
    await start_session(lsp_client, request.param, [root], init_options={"debounceMs": 0},
                        configuration={"archrules": {"debounceMs": 0}})
    yield
    await lsp_client.shutdown_session()


async def test_baselined_findings_are_not_counted_unless_shown(baselined_client):
    client = baselined_client
    rules = client.root / RULES
    path = client.root / EDITED
    doc = Doc(client, path, path.read_text())
    await diagnostics(client, doc, lambda d: codes(d) == ["BG-010", "BG-010"])  # one frozen (a hint), one new
    await titles_when(client, rules, lambda got: got.get("BG-010") == title(1, "in open files"))
    client.set_configuration({"archrules": {"debounceMs": 0, "baseline": "show"}})
    client.workspace_did_change_configuration(t.DidChangeConfigurationParams(settings=None))
    await titles_when(client, rules, lambda got: got.get("BG-010") == title(2, "in open files"))
    client.set_configuration({"archrules": {"debounceMs": 0, "baseline": "hide"}})
    client.workspace_did_change_configuration(t.DidChangeConfigurationParams(settings=None))
    await titles_when(client, rules, lambda got: got.get("BG-010") == title(1, "in open files"))
    doc.close()
