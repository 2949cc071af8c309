"""archrules.maxDiagnosticsPerFile: a file with more findings than the cap shows the cap's
worth, the most severe first, and a note at its top with the true count; for open documents
(push and pull) and for closed files in workspace mode. The code lens still counts all."""

from __future__ import annotations

import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import LanguageClient

from .helpers import (
    CONFIG,
    PRESETS,
    RULES,
    Doc,
    diagnostics,
    file_diagnostics,
    start_session,
    uri_of,
    wait_until,
    write_tree,
)
from .test_code_lens import titles_when

# warnings (AR-002) first, the errors (AR-001) at the end: the cap keeps the errors
CLOSED_WARNINGS, OPEN_WARNINGS, ERRORS = 1200, 30, 3
CLOSED = "app/closed_big.py"
OPEN = "app/open_big.py"
BASE = {"debounceMs": 0, "diagnosticMode": "workspace"}


def source(warnings: int) -> str:
    return "print(1)\n" * warnings + "time.sleep(1)\n" * ERRORS


def notice_text(total: int, shown: int, rel: str) -> str:
    return (f"archrules: {total:,} findings in this file; showing the first {shown:,} by severity "
            f"(setting archrules.maxDiagnosticsPerFile); `archrules check {rel}` lists them all")


@pytest_lsp.fixture(scope="module", params=PRESETS, config=CONFIG)
async def client(request, lsp_client: LanguageClient, tmp_path_factory):
    root = tmp_path_factory.mktemp("cap")
    write_tree(root, {".architecture-rules/demo.yaml": RULES, CLOSED: source(CLOSED_WARNINGS)})
    (root / ".git").mkdir()
    lsp_client.root = root
    # the cap only in workspace/configuration: a bad value there falls back to the default
    await start_session(lsp_client, request.param, [root], init_options={"archrules": BASE},
                        configuration={"archrules": {**BASE, "maxDiagnosticsPerFile": 5}})
    yield
    await lsp_client.shutdown_session()


async def configure(client, **settings) -> None:
    client.set_configuration({"archrules": {**BASE, **settings}})
    client.workspace_did_change_configuration(t.DidChangeConfigurationParams(settings=None))


def findings_of(items) -> list:
    return [d for d in items if d.code != "too-many-findings"]


def notices_of(items) -> list:
    return [d for d in items if d.code == "too-many-findings"]


async def closed_file(client, count: int) -> list:
    """The closed file's pushed diagnostics, once `count` of them are findings."""
    return await file_diagnostics(client, uri_of(client.root / CLOSED),
                                  lambda d: len(findings_of(d)) == count, timeout=20)


def assert_capped(items, total: int, cap: int, rel: str) -> None:
    findings, notices = findings_of(items), notices_of(items)
    assert len(findings) == cap
    # every error, then the first warnings by position; published in position order
    errors = [d for d in findings if d.severity == t.DiagnosticSeverity.Error]
    warnings = [d for d in findings if d.severity == t.DiagnosticSeverity.Warning]
    assert len(errors) == ERRORS and [str(d.code) for d in errors] == ["AR-001"] * ERRORS
    assert [d.range.start.line for d in warnings] == list(range(cap - ERRORS))
    assert [d.range.start.line for d in findings] == sorted(d.range.start.line for d in findings)
    [notice] = notices
    assert notice.message == notice_text(total, cap, rel)
    assert notice.severity == t.DiagnosticSeverity.Information
    assert (notice.range.start.line, notice.range.start.character) == (0, 0)
    assert notice.source == "archrules" and not notice.data


async def test_an_open_document_over_the_cap_shows_the_most_severe_and_the_true_count(client):
    await configure(client, maxDiagnosticsPerFile=5)
    doc = Doc(client, client.root / OPEN, source(OPEN_WARNINGS))
    items = await diagnostics(client, doc, lambda d: len(findings_of(d)) == 5)
    assert_capped(items, OPEN_WARNINGS + ERRORS, 5, OPEN)
    # a shown finding keeps its quick fixes; the notice gets none
    error = next(d for d in items if d.code == "AR-001")
    titles = [a.title for a in await client.text_document_code_action_async(t.CodeActionParams(
        text_document=t.TextDocumentIdentifier(uri=doc.uri), range=error.range,
        context=t.CodeActionContext(diagnostics=[error])))]
    assert "Ignore AR-001 on this line" in titles
    [notice] = notices_of(items)
    assert not await client.text_document_code_action_async(t.CodeActionParams(
        text_document=t.TextDocumentIdentifier(uri=doc.uri), range=notice.range,
        context=t.CodeActionContext(diagnostics=[notice], only=[t.CodeActionKind.QuickFix])))
    # typing keeps the cap (the incremental path): one more warning above the errors
    doc.edit((0, 0), (0, 0), "print(2)\n")
    items = await diagnostics(client, doc, lambda d: any("34 findings" in n.message for n in notices_of(d)))
    assert len(findings_of(items)) == 5
    doc.close()


async def test_a_closed_file_over_the_cap_in_workspace_mode(client):
    await configure(client, maxDiagnosticsPerFile=5)
    assert_capped(await closed_file(client, 5), CLOSED_WARNINGS + ERRORS, 5, CLOSED)


async def test_the_code_lens_counts_every_finding(client):
    await configure(client, maxDiagnosticsPerFile=5)
    await closed_file(client, 5)
    rules = client.root / ".architecture-rules/demo.yaml"
    await titles_when(client, rules, lambda t: t.get("AR-002", "").startswith(f"{CLOSED_WARNINGS} findings")
                      and t.get("AR-001", "").startswith(f"{ERRORS} findings"))
    doc = Doc(client, client.root / OPEN, source(OPEN_WARNINGS))
    await diagnostics(client, doc, lambda d: len(findings_of(d)) == 5)
    await titles_when(client, rules, lambda t: t.get("AR-002", "").startswith(
        f"{CLOSED_WARNINGS + OPEN_WARNINGS} findings") and t.get("AR-001", "").startswith(f"{2 * ERRORS} findings"))
    doc.close()


async def test_raising_the_cap_shows_them_all(client):
    await configure(client, maxDiagnosticsPerFile=5)
    doc = Doc(client, client.root / OPEN, source(OPEN_WARNINGS))
    await diagnostics(client, doc, lambda d: len(findings_of(d)) == 5)
    await configure(client, maxDiagnosticsPerFile=100)
    items = await diagnostics(client, doc, lambda d: len(d) == OPEN_WARNINGS + ERRORS)
    assert not notices_of(items)
    assert_capped(await closed_file(client, 100), CLOSED_WARNINGS + ERRORS, 100, CLOSED)
    doc.close()


async def test_zero_means_no_limit(client):
    await configure(client, maxDiagnosticsPerFile=0)
    items = await closed_file(client, CLOSED_WARNINGS + ERRORS)
    assert not notices_of(items)


async def test_a_bad_value_warns_and_the_default_applies(client):
    for bad in (-1, "x"):
        await configure(client, maxDiagnosticsPerFile=0)
        await closed_file(client, CLOSED_WARNINGS + ERRORS)
        client.log_messages.clear()
        await configure(client, maxDiagnosticsPerFile=bad)
        await wait_until(lambda: any("archrules.maxDiagnosticsPerFile" in m.message and "default 1000" in m.message
                                     for m in client.log_messages), what=f"a warning about {bad!r}")
        assert_capped(await closed_file(client, 1000), CLOSED_WARNINGS + ERRORS, 1000, CLOSED)
