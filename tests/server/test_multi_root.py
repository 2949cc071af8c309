"""Multi-root: each workspace folder has its own root, rules and settings; a file outside
every folder gets the project found by find_root."""

from __future__ import annotations

import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import LanguageClient

from .helpers import CONFIG, PRESETS, RULES, Doc, codes, diagnostics, start_session, uri_of, write_tree

OTHER_RULES = """\
other_rules:
  - id: OT-001
    name: No FIXME
    severity: warning
    anti_patterns:
      - pattern: "FIXME"
        message: "Resolve the FIXME"
"""


@pytest_lsp.fixture(scope="module", params=PRESETS, config=CONFIG)
async def client(request, lsp_client: LanguageClient, tmp_path_factory):
    base = tmp_path_factory.mktemp("multi")
    a, b, loose = base / "alpha", base / "beta", base / "loose"
    write_tree(a, {".architecture-rules/demo.yaml": RULES})
    write_tree(b, {".architecture-rules.yaml": OTHER_RULES})
    write_tree(loose, {".architecture-rules.yml": OTHER_RULES.replace("OT-001", "LO-001")})
    lsp_client.a, lsp_client.b, lsp_client.loose = a, b, loose
    lsp_client.set_configuration({"archrules": {"debounceMs": 0}})
    # beta's own settings, scoped to its folder
    lsp_client.set_configuration({"archrules": {"debounceMs": 0, "severityOverrides": {"OT-001": "error"}}},
                                 scope_uri=uri_of(b))
    await start_session(lsp_client, request.param, [a, b])
    yield
    await lsp_client.shutdown_session()


TEXT = "time.sleep(1)  # FIXME\n"


async def test_each_folder_has_its_own_rules_and_settings(client):
    da = Doc(client, client.a / "app/x.py", TEXT)
    db = Doc(client, client.b / "app/x.py", TEXT)
    await diagnostics(client, da, lambda d: codes(d) == ["AR-001"])
    diags = await diagnostics(client, db, lambda d: codes(d) == ["OT-001"])
    assert diags[0].severity == t.DiagnosticSeverity.Error
    assert diags[0].related_information[0].location.uri == uri_of(client.b / ".architecture-rules.yaml")
    da.close()
    db.close()


async def test_a_file_outside_every_folder_uses_find_root(client):
    doc = Doc(client, client.loose / "src/y.py", TEXT)
    await diagnostics(client, doc, lambda d: codes(d) == ["LO-001"])
    doc.close()


async def test_folders_added_later(client):
    c = client.a.parent / "gamma"
    write_tree(c, {".architecture-rules.yaml": OTHER_RULES.replace("OT-001", "GA-001")})
    client.workspace_did_change_workspace_folders(t.DidChangeWorkspaceFoldersParams(
        event=t.WorkspaceFoldersChangeEvent(added=[t.WorkspaceFolder(uri=uri_of(c), name="gamma")], removed=[])))
    doc = Doc(client, c / "z.py", TEXT)
    await diagnostics(client, doc, lambda d: codes(d) == ["GA-001"])
    doc.close()
