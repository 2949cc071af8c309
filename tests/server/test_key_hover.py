"""Hover and completion texts of rule-file keys come from the format's one declaration of
its keys (archrules_lsp/engine/loading/keys.py): each key's documentation and example,
at every place a key can be written, the `imports:` contracts included."""

from __future__ import annotations

import pytest
import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import LanguageClient

from archrules_lsp.engine.loading import keys

from .helpers import CONFIG, PRESETS, RULES, Doc, start_demo_session

RULE_FILE = ".architecture-rules/demo.yaml"
CONTRACTS = RULES + """\

  - id: AR-004
    name: Layers
    imports:
      layers: [app.api, app.services]
      forbidden:
        from: app.api
        to: subprocess
    patterns:
      - file: "app/models/*.py"
        in_class: 'table\\s*=\\s*True'
        must_contain: "id ="
"""


@pytest_lsp.fixture(scope="module", params=PRESETS, config=CONFIG)
async def client(request, lsp_client: LanguageClient, tmp_path_factory):
    await start_demo_session(lsp_client, request.param, tmp_path_factory, "key-hover")
    yield
    await lsp_client.shutdown_session()


async def hover_on(client, doc: Doc, written: str) -> str:
    """The hover text on the key of the line `written` (its first occurrence)."""
    lines = doc.text.split("\n")
    line = lines.index(written)
    column = len(written) - len(written.lstrip(" -"))
    hover = await client.text_document_hover_async(t.HoverParams(
        text_document=t.TextDocumentIdentifier(uri=doc.uri), position=t.Position(line=line, character=column)))
    return hover.contents.value if hover is not None else ""


@pytest.mark.parametrize(("written", "place", "key"), [
    ("    severity: error", keys.RULE, "severity"),
    ("      - pattern: \"time\\\\.sleep\\\\(\"", keys.ANTI_PATTERN_ENTRY, "pattern"),
    ("        in_class: 'table\\s*=\\s*True'", keys.PATTERN_ENTRY, "in_class"),
    ("      layers: [app.api, app.services]", keys.IMPORTS, "layers"),
    ("        to: subprocess", keys.IMPORTS_FORBIDDEN, "to"),
])
async def test_hover_on_a_key_shows_its_declared_documentation_and_example(client, written, place, key):
    doc = Doc(client, client.root / RULE_FILE, CONTRACTS, language_id="yaml")
    declared = place.key(key)
    assert declared is not None
    text = await hover_on(client, doc, written)
    doc.close()
    assert text.startswith(f"**`{key}`**")
    assert declared.documentation() in text
    assert f"```yaml\n{declared.example}\n```" in text


async def test_keys_of_a_contract_are_completed_under_imports(client):
    layers = "      layers: [app.api, app.services]\n"
    text = CONTRACTS.replace(layers, layers + "      \n")
    doc = Doc(client, client.root / RULE_FILE, text, language_id="yaml")
    line = text.split("\n").index("      ")
    result = await client.text_document_completion_async(t.CompletionParams(
        text_document=t.TextDocumentIdentifier(uri=doc.uri), position=t.Position(line=line, character=6)))
    doc.close()
    items = result.items if isinstance(result, t.CompletionList) else (result or [])
    # every contract key but `layers` (written above) and `forbidden` (written below the cursor: not seen)
    assert [i.label for i in items] == [k for k in keys.IMPORTS.names() if k != "layers"]
