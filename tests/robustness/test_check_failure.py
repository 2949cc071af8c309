"""A check that fails (a defect of ours, never the user's input) is said in the editor: the
document gets a notice instead of keeping its old diagnostics in silence, and the next text
that checks gets its findings back. The failure is made inside the real server by a
`sitecustomize` hook (the engine raising on a marker), driven over stdio."""

from __future__ import annotations

import os

RULES = """\
rules:
  - id: NP-1
    name: no print
    severity: warning
    anti_patterns:
      - pattern: 'print\\('
        message: no print
"""

HOOK = """\
from archrules_lsp.engine import evaluate

_result = evaluate.Checker._result


def _failing(self, ctx, *args, **kwargs):
    if "FAIL-THE-CHECK" in ctx.src.text:
        raise RuntimeError("a defect in the check")
    return _result(self, ctx, *args, **kwargs)


evaluate.Checker._result = _failing
"""


def test_a_check_that_fails_is_said_on_the_document_and_recovers(start_server, workspace, tmp_path):
    (workspace / ".architecture-rules/rules.yaml").write_text(RULES, encoding="utf-8")
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(HOOK, encoding="utf-8")
    server = start_server({"PYTHONPATH": os.pathsep.join(filter(None, (str(hook), os.environ.get("PYTHONPATH"))))})
    server.initialize(workspace, {"archrules": {"debounceMs": 0}})
    uri = (workspace / "app/main.py").as_uri()
    server.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "python", "version": 1, "text": "print(1)\n"}})
    first = server.wait_for(lambda: [p for p in server.published(uri) if p["version"] == 1], "version 1")[-1]
    assert [d["code"] for d in first["diagnostics"]] == ["NP-1"]

    change = {"range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}},
              "text": "# FAIL-THE-CHECK\n"}
    server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [change]})
    failed = server.wait_for(lambda: [p for p in server.published(uri) if p["version"] == 2], "version 2")[-1]
    [notice] = failed["diagnostics"]
    assert notice["severity"] == 3 and "checking this file failed" in notice["message"]
    assert "RuntimeError" in notice["message"] and "log" in notice["message"]

    undo = {"range": {"start": {"line": 1, "character": 0}, "end": {"line": 2, "character": 0}}, "text": ""}
    server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 3}, "contentChanges": [undo]})
    back = server.wait_for(lambda: [p for p in server.published(uri) if p["version"] == 3], "version 3")[-1]
    assert [d["code"] for d in back["diagnostics"]] == ["NP-1"]
