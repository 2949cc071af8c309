"""`in_class` in the editor: the diagnostic on each matching class's name, the quick fix
editing that class, and both following the document as it is edited."""

from __future__ import annotations

import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import LanguageClient

from .helpers import CONFIG, PRESETS, Doc, apply_workspace_edit, diagnostics, start_session, write_tree

RULES = r"""
models:
  - id: DB-001
    name: Table models have an id
    severity: error
    patterns:
      - file: "app/**/*.py"
        exclude: "app/legacy/**"
        in_class: 'table\s*=\s*True'
        must_contain: "id: int"
    suggestion: "Add: id: int | None = Field(default=None, primary_key=True)"
"""

MODELS = '''from sqlmodel import Field, SQLModel


class UserBase(SQLModel):
    email: str = Field(unique=True)


class User(UserBase, table=True):
    hashed_password: str = Field()


class Item(SQLModel,
           table=True):
    title: str = Field()
'''
ADDED = "    id: int | None = Field(default=None, primary_key=True)\n"


@pytest_lsp.fixture(scope="module", params=PRESETS, config=CONFIG)
async def client(request, lsp_client: LanguageClient, tmp_path_factory):
    root = tmp_path_factory.mktemp("in_class")
    write_tree(root, {".architecture-rules/models.yaml": RULES})
    (root / ".git").mkdir()
    lsp_client.root = root
    await start_session(lsp_client, request.param, [root], init_options={"debounceMs": 0})
    yield
    await lsp_client.shutdown_session()


def _where(diags) -> list[tuple[int, int, int, str]]:
    return sorted((d.range.start.line, d.range.start.character, d.range.end.character, d.message) for d in diags)


async def test_each_table_class_gets_the_diagnostic_and_its_fix_edits_that_class(client):
    doc = Doc(client, client.root / "app/models.py", MODELS)
    diags = await diagnostics(client, doc, lambda d: len(d) == 2)
    assert _where(diags) == [
        (7, 6, 10, "User: missing `id: int` (DB-001: Table models have an id)"),
        (11, 6, 10, "Item: missing `id: int` (DB-001: Table models have an id)"),
    ]
    user = next(d for d in diags if d.message.startswith("User"))
    actions = await client.text_document_code_action_async(t.CodeActionParams(
        text_document=t.TextDocumentIdentifier(uri=doc.uri), range=user.range,
        context=t.CodeActionContext(diagnostics=[user])))
    fix = actions[0]
    assert fix.title == "Add `id: int | None = Field(default=None, primary_key=True)` to class User"
    if fix.edit is None:
        fix = await client.code_action_resolve_async(fix)
    fixed = apply_workspace_edit(doc, fix.edit)
    # into User, after its last field: not UserBase (the first class), not the end of the file
    last_field = "    hashed_password: str = Field()\n"
    assert fixed == MODELS.replace(last_field, last_field + ADDED)
    doc.replace(fixed)
    diags = await diagnostics(client, doc, lambda d: len(d) == 1)
    assert _where(diags) == [(12, 6, 10, "Item: missing `id: int` (DB-001: Table models have an id)")]
    doc.close()


async def test_the_diagnostics_follow_range_edits_and_excluded_files_get_none(client):
    doc = Doc(client, client.root / "app/jobs.py", MODELS)
    await diagnostics(client, doc, lambda d: len(d) == 2)
    # two lines typed above the classes, then User stops being a table
    doc.edit((1, 0), (1, 0), "import os\n\n", apply_locally=MODELS.replace("\n\n", "\nimport os\n\n\n", 1))
    diags = await diagnostics(client, doc, lambda d: [x.range.start.line for x in d] in ([9, 13], [13, 9]))
    assert {d.message.split(":")[0] for d in diags} == {"User", "Item"}
    line = doc.text.splitlines()[9]
    start = line.index("table=True")
    doc.edit((9, start), (9, start + len("table=True")), "frozen=True")
    diags = await diagnostics(client, doc, lambda d: len(d) == 1)
    assert _where(diags) == [(13, 6, 10, "Item: missing `id: int` (DB-001: Table models have an id)")]
    doc.close()

    legacy = Doc(client, client.root / "app/legacy/models.py", MODELS)
    assert await diagnostics(client, legacy) == []
    legacy.close()
