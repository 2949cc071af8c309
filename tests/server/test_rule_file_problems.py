"""Problems in rule files, as a user sees them: warnings are warnings (not errors, nothing
claimed skipped), and a rule file's diagnostics answer for the text just typed, for pull
clients without workspace/diagnostic/refresh (Neovim 0.11) as for push clients."""

from __future__ import annotations

import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import LanguageClient

from .helpers import CONFIG, PRESETS, RULES, Doc, diagnostics, is_pull, start_session, wait_until, write_tree

WARNED = """\
warned_rules:
  - id: "AR-0,21"
    name: An id no ignore comment can name
    severity: info
    anti_patterns:
      - pattern: "TODO"
        message: "A TODO"
"""
BROKEN_SEVERITY = WARNED.replace("severity: info", "severity: [unclosed")


@pytest_lsp.fixture(scope="module", params=PRESETS, config=CONFIG)
async def client(request, lsp_client: LanguageClient, tmp_path_factory):
    root = tmp_path_factory.mktemp("problems")
    write_tree(root, {".architecture-rules/demo.yaml": RULES, ".architecture-rules/warned.yaml": WARNED})
    (root / ".git").mkdir()
    lsp_client.root = root
    await start_session(lsp_client, request.param, [root], init_options={"debounceMs": 0})
    yield
    await lsp_client.shutdown_session()


async def test_a_warning_is_not_reported_as_an_error(client):
    status = client.status[-1]
    assert status["state"] == "ready"
    assert (status["ruleErrors"], status["ruleWarnings"], status["ruleCount"]) == (0, 1, 4)
    assert not [m for m in client.messages if "error" in m.message], [m.message for m in client.messages]


async def rule_file_diagnostics(client, doc: Doc) -> list[t.Diagnostic]:
    """What the client has for the rule file now: one pull (no retry), or the last push."""
    if is_pull(client):
        report = await client.text_document_diagnostic_async(t.DocumentDiagnosticParams(
            text_document=t.TextDocumentIdentifier(uri=doc.uri)))
        return list(report.items)
    return await diagnostics(client, doc)


async def test_a_rule_file_pull_answers_for_the_text_just_typed(client):
    path = client.root / ".architecture-rules/warned.yaml"
    doc = Doc(client, path, WARNED, language_id="yaml")
    await wait_until(lambda: client.status[-1]["ruleWarnings"] == 1, what="status after open")
    doc.replace(BROKEN_SEVERITY)
    errors = [d for d in await rule_file_diagnostics(client, doc) if d.severity == t.DiagnosticSeverity.Error]
    assert errors and errors[0].range.start.line == 3, errors
    doc.replace(WARNED)
    after = await rule_file_diagnostics(client, doc)
    assert [d.severity for d in after] == [t.DiagnosticSeverity.Warning], after
    doc.save()
    assert [d.severity for d in await rule_file_diagnostics(client, doc)] == [t.DiagnosticSeverity.Warning]
    doc.close()
