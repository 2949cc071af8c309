"""workspace/executeCommand: the commands and the validation of their arguments."""

from __future__ import annotations

import pytest
import pytest_lsp
from lsprotocol import types as t
from pygls.exceptions import JsonRpcInvalidParams
from pytest_lsp import LanguageClient

from .helpers import CONFIG, PRESETS, RULES, Doc, codes, diagnostics, start_demo_session, uri_of, wait_until


@pytest_lsp.fixture(scope="module", params=PRESETS, config=CONFIG)
async def client(request, lsp_client: LanguageClient, tmp_path_factory):
    await start_demo_session(lsp_client, request.param, tmp_path_factory, "commands")
    yield
    await lsp_client.shutdown_session()


async def run(client, command, *arguments):
    return await client.workspace_execute_command_async(t.ExecuteCommandParams(
        command=command, arguments=list(arguments) if arguments else None))


async def test_commands_are_advertised(client):
    commands = client.init_result.capabilities.execute_command_provider.commands
    assert set(commands) >= {"archrules.reloadRules", "archrules.checkWorkspace",
                             "archrules.fixAll", "archrules.showRule"}


@pytest.mark.parametrize("command,arguments", [
    ("archrules.fixAll", ()),
    ("archrules.fixAll", (123,)),
    ("archrules.fixAll", ("file:///a.py", "extra")),
    ("archrules.fixAll", ("file:///not/open.py",)),
    ("archrules.showRule", (["AR-001"],)),
    ("archrules.showRule", ("NO-SUCH-RULE",)),
    ("archrules.noSuchCommand", ()),
])
async def test_bad_arguments_are_invalid_params(client, command, arguments):
    with pytest.raises(JsonRpcInvalidParams):
        await run(client, command, *arguments)


async def test_reload_rules(client):
    result = await run(client, "archrules.reloadRules")
    assert result["ruleCount"] == 3
    await wait_until(lambda: client.status and client.status[-1]["ruleCount"] == 3, what="status")


async def test_show_rule_without_an_id_opens_the_first_rule_file(client):
    before = len(client.shown_documents)
    assert await run(client, "archrules.showRule") is True
    await wait_until(lambda: len(client.shown_documents) > before, what="showDocument")
    assert client.shown_documents[-1].uri == uri_of(client.root / ".architecture-rules/demo.yaml")


async def test_show_rule_by_id(client):
    assert await run(client, "archrules.showRule", "AR-003") is True
    shown = client.shown_documents[-1]
    assert shown.selection.start.line == RULES.splitlines().index("  - id: AR-003")


async def test_fix_all_with_nothing_to_fix(client):
    doc = Doc(client, client.root / "app/clean.py", "print(1)\n")  # AR-002 has no rule fix
    await diagnostics(client, doc, lambda d: codes(d) == ["AR-002"])
    before = len(client.applied_edits)
    assert await run(client, "archrules.fixAll", doc.uri) is False
    assert len(client.applied_edits) == before
    doc.close()
