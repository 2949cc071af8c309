"""Helpers for the end-to-end tests: small projects in tmp_path, the installed `archrules`
console script run in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ARCHRULES = Path(sys.executable).parent / "archrules"

RULES = r'''
rules:
  - id: BG-001
    name: Job models must have a status field
    description: Every job model needs a status column.
    severity: error
    patterns:
      - file: "models/*_job.py"
        must_contain: "status = Column"
    suggestion: |
      Add: status = Column(String(30), nullable=False, default="pending")
  - id: BG-010
    name: Use standard status values
    severity: warning
    anti_patterns:
      - pattern: 'status\s*=\s*"processing"'
        message: "Use 'running' instead of 'processing'"
        fix: 'status = "running"'
  - id: BG-020
    name: No print in tasks
    severity: info
    anti_patterns:
      - pattern: 'print\('
        file: "app/tasks/**/*.py"
        message: "Use logging, not print"
'''

FILES = {
    "models/import_job.py": "from sqlalchemy import Column, String\n\n\nclass ImportJob:\n    id = Column(String)\n",
    "app/tasks/scan.py": 'def run(job):\n    job.status = "processing"\n    print("hi")\n',
    "app/ok.py": "x = 1\n",
}


def write_files(root: Path, files: dict) -> None:
    for rel, content in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_bytes(content.encode("utf-8"))


def make_project(root: Path, files: dict | None = None, rules: str | None = RULES,
                 rules_name: str = ".architecture-rules.yaml") -> Path:
    """A project in `root`: .git (so the root is found here), a rule file, source files."""
    root.mkdir(parents=True, exist_ok=True)
    (root / ".git").mkdir(exist_ok=True)
    if rules is not None:
        write_files(root, {rules_name: textwrap.dedent(rules).lstrip()})
    write_files(root, FILES if files is None else files)
    return root


def run(args, cwd, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR", "CLICOLOR_FORCE")}
    environ.update(env or {})
    return subprocess.run([str(ARCHRULES), *map(str, args)], cwd=cwd, env=environ, capture_output=True,
                          text=True, encoding="utf-8", timeout=timeout)


def run_json(args, cwd, **kw) -> tuple[dict, subprocess.CompletedProcess]:
    proc = run([*args, "--format", "json"], cwd, **kw)
    return json.loads(proc.stdout), proc


@pytest.fixture
def project(tmp_path) -> Path:
    return make_project(tmp_path / "proj")


@pytest.fixture(scope="session", autouse=True)
def _console_script_installed():
    if not ARCHRULES.exists():
        pytest.skip(f"console script not installed at {ARCHRULES} (pip install -e .)")
