"""What a real user hit: a "safe" fix that broke a Python file, after which the file's
structure checks vanished without a word. Now such a fix is never applied by fixAll,
and a file whose checks were partly skipped says so in the editor."""

from __future__ import annotations

import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import LanguageClient

from .helpers import CONFIG, PRESETS, Doc, diagnostics, start_session, write_tree

RULES = """\
api_rules:
  - id: API-1
    name: Endpoints return a job id
    severity: error
    patterns:
      - file: "app/api/*.py"
        endpoint_pattern: "@router\\\\.post"
        must_return: job_id
    suggestion: 'return {"job_id": job.id}'
  - id: API-2
    name: No print
    severity: warning
    anti_patterns:
      - pattern: "^    print\\\\("
        file: "app/api/*.py"
        message: "use the logger"
        fix: "log.info("
"""
BROKEN = "@router.post('/x')\ndef start(:\n    return {}\n"
GOOD = "import log\n\n@router.post('/x')\ndef start():\n    print('go')\n    return {}\n"


@pytest_lsp.fixture(scope="module", params=PRESETS, config=CONFIG)
async def client(request, lsp_client: LanguageClient, tmp_path_factory):
    root = tmp_path_factory.mktemp("skipped")
    write_tree(root, {".architecture-rules/api.yaml": RULES})
    (root / ".git").mkdir()
    lsp_client.root = root
    await start_session(lsp_client, request.param, [root], init_options={"debounceMs": 0})
    yield
    await lsp_client.shutdown_session()


async def test_a_file_that_does_not_parse_says_which_checks_were_skipped(client):
    doc = Doc(client, client.root / "app/api/jobs.py", BROKEN)
    notes = await diagnostics(client, doc, lambda d: any("does not parse" in x.message for x in d))
    note = next(x for x in notes if "does not parse" in x.message)
    assert note.severity == t.DiagnosticSeverity.Information
    assert "must_return" in note.message and "API-1" in note.message
    assert note.range.start.line == 1  # where the syntax error is
    doc.replace(GOOD.replace("print('go')\n", ""))  # parses again: the note goes, the check is back
    back = await diagnostics(client, doc, lambda d: [x.code for x in d] == ["API-1"])
    assert "does not parse" not in back[0].message
    doc.close()


async def test_fix_all_never_applies_a_fix_that_breaks_the_file(client):
    # `^    print\(` -> `log.info(` drops the indentation: the result no longer parses
    doc = Doc(client, client.root / "app/api/tasks.py", GOOD)
    await diagnostics(client, doc, lambda d: sorted(str(x.code) for x in d) == ["API-1", "API-2"])
    actions = await client.text_document_code_action_async(t.CodeActionParams(
        text_document=t.TextDocumentIdentifier(uri=doc.uri),
        range=t.Range(start=t.Position(line=0, character=0), end=t.Position(line=5, character=0)),
        context=t.CodeActionContext(diagnostics=[], only=[t.CodeActionKind.SourceFixAll])))
    fix_all = [a for a in actions if str(a.kind).endswith("archrules") or a.title.startswith("archrules: fix all")]
    for action in fix_all:  # offered only if it has something safe to do; never the breaking fix
        if action.edit is None:
            action = await client.code_action_resolve_async(action)
        assert "log.info(" not in str(action.edit)
    quick = await client.text_document_code_action_async(t.CodeActionParams(
        text_document=t.TextDocumentIdentifier(uri=doc.uri),
        range=t.Range(start=t.Position(line=4, character=4), end=t.Position(line=4, character=9)),
        context=t.CodeActionContext(diagnostics=[])))
    rule_fix = next(a for a in quick if a.title and "log.info(" in a.title)
    assert not rule_fix.is_preferred  # still offered by hand, not as the safe fix
    doc.close()
