"""Helpers shared by the real-editor tests (tests/editors/).

Each test drives a real editor (Neovim, Vim, Emacs, VS Code via code-server)
against the real `archrules-lsp` console script of the running interpreter's
environment, on a fresh copy of `examples/background-tasks/`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# ARCHRULES_TEST_EXAMPLE / ARCHRULES_TEST_LSP point the tests at another copy of
# the example project / another server executable (debugging aids).
EXAMPLE = Path(os.environ.get("ARCHRULES_TEST_EXAMPLE") or REPO / "examples" / "background-tasks")
EXAMPLE_FILE = "models/database/architecture_scan.py"
EXPECTED_CODE = "BG-001"
# The line BG-001's rule fix inserts (the rule's suggestion after "Add: ").
EXPECTED_LINE = 'status = Column(String(30), nullable=False, default="pending", index=True)'
ARTIFACTS = REPO / "test-artifacts"


def server_executable() -> Path:
    """The `archrules-lsp` console script next to the running Python."""
    if os.environ.get("ARCHRULES_TEST_LSP"):
        return Path(os.environ["ARCHRULES_TEST_LSP"])
    name = "archrules-lsp.exe" if os.name == "nt" else "archrules-lsp"
    candidate = Path(sys.executable).parent / name
    if candidate.exists():
        return candidate
    found = shutil.which("archrules-lsp")
    if found:
        return Path(found)
    pytest.fail("archrules-lsp console script not found next to the test interpreter or on PATH")


# Fixtures (re-exported by conftest.py).


@pytest.fixture
def lsp_exe() -> Path:
    return server_executable()


@pytest.fixture
def example_project(tmp_path: Path) -> Path:
    """A throwaway copy of the example project, initialised as a git repo
    (eglot and some editors want a VCS root)."""
    if not (EXAMPLE / EXAMPLE_FILE).exists():
        pytest.fail(f"example project missing: {EXAMPLE / EXAMPLE_FILE}")
    dest = tmp_path / "background-tasks"
    shutil.copytree(EXAMPLE, dest, ignore=shutil.ignore_patterns("__pycache__", ".vscode"))
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q", str(dest)], check=False)
    return dest


@pytest.fixture
def xdg_env(tmp_path: Path) -> dict[str, str]:
    """An environment with fresh XDG_* and HOME folders (editors write there)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NVIM", "VIM", "MYVIMRC", "XDG_"))}
    home = tmp_path / "home"
    for name, sub in (
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
    ):
        path = home / sub
        path.mkdir(parents=True, exist_ok=True)
        env[name] = str(path)
    env["HOME"] = str(home)
    # The editors start the server; make sure they find this environment's one.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def artifacts_dir(editor: str) -> Path:
    path = ARTIFACTS / editor
    path.mkdir(parents=True, exist_ok=True)
    return path


def read_results(path: Path) -> dict[str, dict]:
    """JSON lines {"step": ..., "ok": ..., ...} -> {step: record} (last wins)."""
    steps: dict[str, dict] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line:
                record = json.loads(line)
                steps[record["step"]] = record
    return steps


def assert_fixed_file(path: Path) -> None:
    """The saved file holds the inserted line, inside the model class, and parses."""
    import ast

    text = path.read_text(encoding="utf-8")
    assert EXPECTED_LINE in text, f"{path} lacks the inserted line:\n{text}"
    tree = ast.parse(text)
    in_class = [
        node
        for cls in ast.walk(tree)
        if isinstance(cls, ast.ClassDef)
        for node in cls.body
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "status" for t in node.targets)
    ]
    assert in_class, f"`status = Column(...)` is not an assignment in a class body:\n{text}"


# A rule on a language no editor config lists by name: the editors must attach
# to every file, not to a fixed list of languages.
GO_RULES = """\
go_rules:
  - id: GO-001
    name: No fmt.Println in Go code
    severity: error
    anti_patterns:
      - pattern: "fmt\\\\.Println"
        file: "**/*.go"
        message: "Log with the logger, not fmt.Println"
"""
GO_FILE = "main.go"
GO_CODE = "GO-001"


@pytest.fixture
def go_project(tmp_path: Path) -> Path:
    """A project whose only rule names `*.go` files, and a Go file that breaks it."""
    root = tmp_path / "go-project"
    root.mkdir()
    (root / ".architecture-rules.yaml").write_text(GO_RULES, encoding="utf-8")
    (root / GO_FILE).write_text('package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("hello")\n}\n',
                                encoding="utf-8")
    return root
