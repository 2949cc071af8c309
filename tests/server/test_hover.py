"""Hover: the rule behind a finding (suggestion in a code block), and ids in ignore comments."""

from __future__ import annotations

import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import LanguageClient

from .helpers import CONFIG, PRESETS, Doc, codes, diagnostics, start_demo_session


@pytest_lsp.fixture(scope="module", params=PRESETS, config=CONFIG)
async def client(request, lsp_client: LanguageClient, tmp_path_factory):
    await start_demo_session(lsp_client, request.param, tmp_path_factory, "hover")
    yield
    await lsp_client.shutdown_session()


async def hover_at(client, doc, line, character):
    return await client.text_document_hover_async(t.HoverParams(
        text_document=t.TextDocumentIdentifier(uri=doc.uri), position=t.Position(line=line, character=character)))


async def test_hover_on_a_finding_shows_the_rule(client):
    doc = Doc(client, client.root / "app/h.py", "import time\ntime.sleep(1)\n")
    await diagnostics(client, doc, lambda d: codes(d) == ["AR-001"])
    hover = await hover_at(client, doc, 1, 3)
    value = hover.contents.value
    assert hover.contents.kind == t.MarkupKind.Markdown
    assert "**AR-001**: No time.sleep in handlers" in value
    assert "*error*" in value
    assert "Handlers must not block the event loop." in value
    assert "```python\nawait asyncio.sleep(1)\n```" in value
    assert (hover.range.start.line, hover.range.start.character, hover.range.end.character) == (1, 0, 11)
    assert await hover_at(client, doc, 0, 2) is None  # nothing there
    doc.close()


async def test_hover_fence_follows_the_language(client):
    doc = Doc(client, client.root / "app/j.py", "time.sleep(1)\n", language_id="")  # no languageId: extension
    await diagnostics(client, doc, lambda d: codes(d) == ["AR-001"])
    hover = await hover_at(client, doc, 0, 0)
    assert "```python\n" in hover.contents.value
    doc.close()


async def test_several_findings_at_one_spot_are_all_shown(client):
    doc = Doc(client, client.root / "app/tasks/job.py", "print(1)\n")
    await diagnostics(client, doc, lambda d: codes(d) == ["AR-002", "AR-003"])
    value = (await hover_at(client, doc, 0, 1)).contents.value
    assert "**AR-002**" in value and "**AR-003**" in value
    assert "\n---\n" in value
    doc.close()


async def test_hover_on_an_ignore_comment_id(client):
    text = "time.sleep(1)  # archrules: ignore[AR-001, AR-002]\n"
    doc = Doc(client, client.root / "app/k.py", text)
    await diagnostics(client, doc, lambda d: "AR-001" not in codes(d))
    col = text.index("AR-002") + 2
    value = (await hover_at(client, doc, 0, col)).contents.value
    assert "**AR-002**: No print" in value
    col = text.index("AR-001") + 1
    value = (await hover_at(client, doc, 0, col)).contents.value
    assert "**AR-001**" in value
    doc.close()


async def test_hover_on_unknown_or_out_of_range_positions(client):
    missing = await client.text_document_hover_async(t.HoverParams(
        text_document=t.TextDocumentIdentifier(uri=(client.root / "app/never.py").as_uri()),
        position=t.Position(line=0, character=0)))
    assert missing is None
    doc = Doc(client, client.root / "app/short.py", "x = 1\n")
    assert await hover_at(client, doc, 500, 500) is None
    assert await hover_at(client, doc, 0, 500) is None
    doc.close()
