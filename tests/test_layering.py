"""The import layering of docs/architecture.md, checked by archrules itself: the repository's own
rules (.architecture-rules/architecture.yaml, contracts OWN-001..003) run through the installed
console script on archrules_lsp/. Every import counts wherever it is (inside functions: the CLI's
lazy imports; under `if TYPE_CHECKING:`; relative; `importlib.import_module("...")`), and chains
through other modules too. That the CLI does not load pygls at run time is tested in
tests/cli/test_imports.py."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ARCHRULES = Path(sys.executable).parent / "archrules"
OWN_RULES = ".architecture-rules/architecture.yaml"


def check(root: Path) -> tuple[dict, subprocess.CompletedProcess]:
    proc = subprocess.run([str(ARCHRULES), "check", "archrules_lsp", "--select", "OWN", "--format", "json",
                           "--rules", OWN_RULES], cwd=root, capture_output=True, text=True, timeout=300)
    return json.loads(proc.stdout), proc


def test_the_package_keeps_its_layering():
    doc, proc = check(REPO)
    assert [f"{f['path']}:{f['line']}: {f['rule']} {f['message']}" for f in doc["findings"]] == []
    assert doc["errors"] == []  # no rule problem, no stale `ignore` entry (the CLI's lazy server import is real)
    assert doc["summary"]["files_checked"] > 50
    assert proc.returncode == 0


def test_the_contracts_catch_a_shell_import_in_the_engine_and_an_lsp_library_in_project(tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(REPO / "archrules_lsp", root / "archrules_lsp", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / ".architecture-rules", root / ".architecture-rules")
    (root / ".git").mkdir()
    text = root / "archrules_lsp" / "engine" / "text.py"
    text.write_text(text.read_text(encoding="utf-8") + "\n\ndef _late():\n    from ..server import convert\n",
                    encoding="utf-8")
    files = root / "archrules_lsp" / "project" / "files.py"
    files.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import lsprotocol\n"
                     + files.read_text(encoding="utf-8"), encoding="utf-8")
    doc, proc = check(root)
    direct = [f for f in doc["findings"] if "indirectly" not in f["message"]]
    assert sorted((f["path"], f["rule"], f["message"]) for f in direct) == [
        ("archrules_lsp/engine/text.py", "OWN-001",
         "archrules_lsp.engine.text imports archrules_lsp.server.convert "
         "(archrules_lsp.engine must not import archrules_lsp.server)"),
        ("archrules_lsp/project/files.py", "OWN-002",
         "archrules_lsp.project.files imports lsprotocol (archrules_lsp.project must not import lsprotocol)"),
    ]
    # and the CLI now reaches the server through the engine: each CLI module importing engine.text says so
    chain = ("archrules_lsp.cli.baselines imports archrules_lsp.server.convert indirectly: archrules_lsp.cli.baselines "
             "-> archrules_lsp.project.conventions -> archrules_lsp.engine.model -> archrules_lsp.engine.regex "
             "-> archrules_lsp.engine.text -> archrules_lsp.server.convert "
             "(archrules_lsp.cli must not import archrules_lsp.server)")
    assert chain in [f["message"] for f in doc["findings"] if f["rule"] == "OWN-003"]
    assert proc.returncode == 1
