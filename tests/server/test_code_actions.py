"""Code actions: rule fix, ignore line/file, show rule, fixAll, resolve and eager edits."""

from __future__ import annotations

import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import LanguageClient

from .helpers import (
    CONFIG,
    PRESETS,
    RULES,
    Doc,
    apply_workspace_edit,
    codes,
    command_of,
    diagnostics,
    start_demo_session,
    uri_of,
    wait_until,
)


@pytest_lsp.fixture(scope="module", params=PRESETS, config=CONFIG)
async def client(request, lsp_client: LanguageClient, tmp_path_factory):
    await start_demo_session(lsp_client, request.param, tmp_path_factory, "actions")
    yield
    await lsp_client.shutdown_session()


async def actions_for(client, doc, diags, only=None):
    end = t.Position(line=max(0, len(doc.text.splitlines()) - 1), character=0)
    return await client.text_document_code_action_async(t.CodeActionParams(
        text_document=t.TextDocumentIdentifier(uri=doc.uri),
        range=diags[0].range if diags else t.Range(start=t.Position(line=0, character=0), end=end),
        context=t.CodeActionContext(diagnostics=diags, only=only)))


def kind_of(action):
    return getattr(action, "kind", t.CodeActionKind.QuickFix if isinstance(action, t.Command) else None)


async def resolved(client, action):
    if action.edit is None:
        action = await client.code_action_resolve_async(action)
    assert action.edit is not None
    return action


async def test_quick_fixes_offered_for_a_finding(client):
    doc = Doc(client, client.root / "app/a.py", "import time\ntime.sleep(1)\n")
    diags = await diagnostics(client, doc, lambda d: codes(d) == ["AR-001"])
    actions = await actions_for(client, doc, diags)
    titles = [a.title for a in actions]
    assert titles[1:] == ["Ignore AR-001 on this line", "Ignore AR-001 in this file", "Show rule AR-001",
                          "Add AR-001 here to the baseline"]
    assert all(kind_of(a) == t.CodeActionKind.QuickFix for a in actions)
    assert command_of(actions[-2]).command == "archrules.showRule"
    assert command_of(actions[-1]).command == "archrules.addToBaseline"
    assert actions[0].is_preferred is True
    assert not actions[1].is_preferred
    # both presets resolve `edit` lazily
    assert actions[0].edit is None and actions[0].data is not None
    doc.close()


async def test_rule_fix_applied_gives_the_expected_text(client):
    doc = Doc(client, client.root / "app/b.py", "import time\ntime.sleep(1)\n")
    diags = await diagnostics(client, doc, lambda d: codes(d) == ["AR-001"])
    action = await resolved(client, (await actions_for(client, doc, diags))[0])
    if client.capabilities.workspace.workspace_edit.document_changes:
        assert action.edit.document_changes[0].text_document.version == doc.version
    else:
        assert list(action.edit.changes) == [doc.uri]
    assert apply_workspace_edit(doc, action.edit) == "import time\nawait asyncio.sleep(1)\n"
    await diagnostics(client, doc, lambda d: d == [])
    doc.close()


async def test_ignore_line_and_ignore_file(client):
    doc = Doc(client, client.root / "app/c.py", "print(1)\nx = 1\nprint(2)\n")
    diags = await diagnostics(client, doc, lambda d: codes(d) == ["AR-002", "AR-002"])
    first = sorted(diags, key=lambda d: d.range.start.line)[0]
    actions = await actions_for(client, doc, [first])
    line_fix = await resolved(client, next(a for a in actions if a.title.endswith("on this line")))
    text = apply_workspace_edit(doc, line_fix.edit)
    assert text.splitlines()[0].startswith("print(1)") and "archrules: ignore[AR-002]" in text.splitlines()[0]
    diags = await diagnostics(client, doc, lambda d: codes(d) == ["AR-002"])
    actions = await actions_for(client, doc, diags)
    file_fix = await resolved(client, next(a for a in actions if a.title.endswith("in this file")))
    text = apply_workspace_edit(doc, file_fix.edit)
    assert "archrules: ignore-file[AR-002]" in text
    await diagnostics(client, doc, lambda d: "AR-002" not in codes(d))
    doc.close()


async def test_show_rule_opens_the_rule_yaml(client):
    doc = Doc(client, client.root / "app/d.py", "print(1)\n")
    diags = await diagnostics(client, doc, lambda d: codes(d) == ["AR-002"])
    show = next(a for a in await actions_for(client, doc, diags) if a.title == "Show rule AR-002")
    command = command_of(show)
    assert command.command == "archrules.showRule" and command.arguments == ["AR-002"]
    before = len(client.shown_documents)
    result = await client.workspace_execute_command_async(t.ExecuteCommandParams(
        command=command.command, arguments=command.arguments))
    assert result is True
    await wait_until(lambda: len(client.shown_documents) > before, what="showDocument")
    shown = client.shown_documents[-1]
    assert shown.uri == uri_of(client.root / ".architecture-rules/demo.yaml")
    assert shown.take_focus is True
    assert shown.selection.start.line == RULES.splitlines().index("  - id: AR-002")
    doc.close()


async def test_fix_all_source_action_and_command(client):
    text = "import time\ntime.sleep(1)\nprint(1)\ntime.sleep(2)\n"
    doc = Doc(client, client.root / "app/e.py", text)
    await diagnostics(client, doc, lambda d: codes(d) == ["AR-001", "AR-001", "AR-002"])
    actions = await actions_for(client, doc, [], only=[t.CodeActionKind.SourceFixAll])
    assert [a.kind for a in actions] == ["source.fixAll.archrules"]
    action = await resolved(client, actions[0])
    expected = "import time\nawait asyncio.sleep(1)\nprint(1)\nawait asyncio.sleep(2)\n"
    assert apply_workspace_edit(doc, action.edit) == expected
    await diagnostics(client, doc, lambda d: codes(d) == ["AR-002"])
    # the command applies through workspace/applyEdit
    doc.replace(text)
    await diagnostics(client, doc, lambda d: codes(d) == ["AR-001", "AR-001", "AR-002"])
    before = len(client.applied_edits)
    applied = await client.workspace_execute_command_async(t.ExecuteCommandParams(
        command="archrules.fixAll", arguments=[doc.uri]))
    assert applied is True
    assert len(client.applied_edits) == before + 1
    assert apply_workspace_edit(doc, client.applied_edits[-1]) == expected
    doc.close()


async def test_quickfix_only_request_has_no_source_action(client):
    doc = Doc(client, client.root / "app/f.py", "time.sleep(1)\n")
    diags = await diagnostics(client, doc, lambda d: codes(d) == ["AR-001"])
    actions = await actions_for(client, doc, diags, only=[t.CodeActionKind.QuickFix])
    assert actions and all(kind_of(a) == t.CodeActionKind.QuickFix for a in actions)
    doc.close()


async def test_diagnostic_echoed_without_data_still_gets_its_fixes(client):
    # ALE and some other clients rebuild the context diagnostic from their own list:
    # range, code and message, no `source` and no `data`.
    doc = Doc(client, client.root / "app/echo.py", "import time\ntime.sleep(1)\n")
    diags = await diagnostics(client, doc, lambda d: codes(d) == ["AR-001"])
    bare = t.Diagnostic(range=diags[0].range, message=diags[0].message, code=diags[0].code)
    titles = [a.title for a in await actions_for(client, doc, [bare])]
    assert "Ignore AR-001 on this line" in titles and "Show rule AR-001" in titles
    # a diagnostic the server never reported gets nothing
    other = t.Diagnostic(range=diags[0].range, message="x", code="NOPE-1")
    assert not await actions_for(client, doc, [other])
    doc.close()


async def test_request_without_context_diagnostics_offers_the_findings_under_the_cursor(client):
    doc = Doc(client, client.root / "app/cursor.py", "import time\n\ntime.sleep(1)\n")
    await diagnostics(client, doc, lambda d: codes(d) == ["AR-001"])
    on_line = t.Range(start=t.Position(line=2, character=3), end=t.Position(line=2, character=3))
    params = t.CodeActionParams(text_document=t.TextDocumentIdentifier(uri=doc.uri), range=on_line,
                                context=t.CodeActionContext(diagnostics=[]))
    titles = [a.title for a in await client.text_document_code_action_async(params)]
    assert "Ignore AR-001 on this line" in titles
    elsewhere = t.Range(start=t.Position(line=0, character=0), end=t.Position(line=0, character=0))
    params.range = elsewhere
    assert not await client.text_document_code_action_async(params)
    doc.close()
