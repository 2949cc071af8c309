"""Writing rules, from the server itself: completion of keys and severities in rule
files and of rule ids in ignore comments, hover on keys, the outline of a rule file,
workspace symbols, and go to definition of a rule."""

from __future__ import annotations

import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import LanguageClient

from .helpers import CONFIG, PRESETS, RULES, Doc, codes, diagnostics, start_demo_session, uri_of

RULE_FILE = ".architecture-rules/demo.yaml"


@pytest_lsp.fixture(scope="module", params=PRESETS, config=CONFIG)
async def client(request, lsp_client: LanguageClient, tmp_path_factory):
    await start_demo_session(lsp_client, request.param, tmp_path_factory, "authoring")
    yield
    await lsp_client.shutdown_session()


def labels(result) -> list[str]:
    items = result.items if isinstance(result, t.CompletionList) else (result or [])
    return [i.label for i in items]


async def complete(client, doc: Doc, line: int, character: int):
    return await client.text_document_completion_async(t.CompletionParams(
        text_document=t.TextDocumentIdentifier(uri=doc.uri), position=t.Position(line=line, character=character)))


async def test_rule_ids_are_completed_inside_an_ignore_comment(client):
    doc = Doc(client, client.root / "app/c.py", "import time\ntime.sleep(1)  # archrules: ignore[AR-001, \n")
    await diagnostics(client, doc)
    assert labels(await complete(client, doc, 1, len("time.sleep(1)  # archrules: ignore[AR-001, "))) == [
        "AR-002", "AR-003"]  # AR-001 is there already
    assert labels(await complete(client, doc, 0, 3)) == []  # not in a comment: nothing of ours
    doc.close()


async def test_keys_valid_at_the_cursor_and_severities_in_a_rule_file(client):
    text = RULES.replace("    severity: warning\n", "    severity: \n    sugg\n", 1)
    lines = text.split("\n")
    doc = Doc(client, client.root / RULE_FILE, text, language_id="yaml")
    sev_line = next(i for i, line in enumerate(lines) if line == "    severity: ")
    assert labels(await complete(client, doc, sev_line, len("    severity: "))) == [
        "error", "warning", "info", "hint"]
    keys = labels(await complete(client, doc, sev_line + 1, len("    sugg")))
    assert "suggestion" in keys and "anti_patterns" in keys  # rule keys ...
    assert "id" not in keys and "name" not in keys and "must_contain" not in keys  # ... not there yet, not nested
    entry_line = next(i for i, line in enumerate(lines) if line.strip().startswith("- pattern:"))
    doc.edit((entry_line + 1, 0), (entry_line + 1, 0), "        \n")
    keys = labels(await complete(client, doc, entry_line + 1, 8))
    assert "message" in keys and "fix" in keys and "pattern" not in keys and "must_contain" not in keys
    doc.replace(RULES)
    doc.close()


async def test_hover_on_a_key_in_a_rule_file_explains_it(client):
    doc = Doc(client, client.root / RULE_FILE, RULES, language_id="yaml")
    line = RULES.split("\n").index("    severity: error")
    hover = await client.text_document_hover_async(t.HoverParams(
        text_document=t.TextDocumentIdentifier(uri=doc.uri), position=t.Position(line=line, character=6)))
    assert hover is not None and "`severity`" in hover.contents.value and "warning" in hover.contents.value
    doc.close()


async def test_the_outline_of_a_rule_file_shows_groups_and_rules(client):
    doc = Doc(client, client.root / RULE_FILE, RULES, language_id="yaml")
    symbols = await client.text_document_document_symbol_async(t.DocumentSymbolParams(
        text_document=t.TextDocumentIdentifier(uri=doc.uri)))
    assert [s.name for s in symbols] == ["demo_rules"]
    children = symbols[0].children
    assert [c.name for c in children] == [
        "AR-001: No time.sleep in handlers", "AR-002: No print", "AR-003: Tasks must use SessionLocal"]
    assert children[1].selection_range.start.line == RULES.split("\n").index("  - id: AR-002")
    doc.close()


async def test_workspace_symbols_find_a_rule_by_id_or_name(client):
    found = await client.workspace_symbol_async(t.WorkspaceSymbolParams(query="sessionlocal"))
    assert [s.name for s in found] == ["AR-003: Tasks must use SessionLocal"]
    assert found[0].location.uri == uri_of(client.root / RULE_FILE)
    assert len(await client.workspace_symbol_async(t.WorkspaceSymbolParams(query="ar-00"))) == 3


async def test_go_to_definition_from_an_ignore_comment_and_from_a_finding(client):
    doc = Doc(client, client.root / "app/d.py", "print(1)  # archrules: ignore[AR-001]\nprint(2)\n")
    await diagnostics(client, doc, lambda d: "AR-002" in codes(d))
    ident = t.TextDocumentIdentifier(uri=doc.uri)
    on_id = await client.text_document_definition_async(t.DefinitionParams(
        text_document=ident, position=t.Position(line=0, character=len("print(1)  # archrules: ignore[AR-0"))))
    rules = RULES.split("\n")
    assert [(loc.uri, loc.range.start.line) for loc in on_id] == [
        (uri_of(client.root / RULE_FILE), rules.index("  - id: AR-001"))]
    on_finding = await client.text_document_definition_async(t.DefinitionParams(
        text_document=ident, position=t.Position(line=1, character=1)))
    assert [loc.range.start.line for loc in on_finding] == [rules.index("  - id: AR-002")]
    doc.close()


async def test_a_failing_example_shows_on_it_while_the_rule_file_is_typed(client):
    passing = RULES.replace("  - id: AR-002", """\
    examples:
      - path: app/x.py
        invalid: |
          time.sleep(1)
  - id: AR-002""", 1)
    failing = passing.replace("invalid: |\n          time.sleep(1)", "invalid: |\n          asyncio.sleep(1)")
    doc = Doc(client, client.root / RULE_FILE, failing, language_id="yaml")
    line = failing.split("\n").index("      - path: app/x.py")
    diags = await diagnostics(client, doc, lambda d: any("example fails" in x.message for x in d))
    fail = next(x for x in diags if "example fails" in x.message)
    assert fail.range.start.line == line and fail.code == "AR-001"
    assert fail.message == "example fails (false negative): expected a finding, got none"
    doc.replace(passing)
    await diagnostics(client, doc, lambda d: not any("example fails" in x.message for x in d))
    doc.replace(RULES)
    doc.save()
    doc.close()
