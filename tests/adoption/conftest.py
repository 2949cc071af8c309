"""Helpers for the adoption tests: a copy of this repository as a user's runner or pre-commit
would fetch it, small git repositories in tmp_path."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

RULES = r"""
rules:
  - id: BG-010
    name: Use standard status values
    severity: error
    anti_patterns:
      - pattern: 'status\s*=\s*"processing"'
        file: "**/*.py"
        message: "Use 'running' instead of 'processing'"
  - id: BG-020
    name: No print in tasks
    severity: warning
    anti_patterns:
      - pattern: 'print\('
        file: "app/tasks/**/*.py"
        message: "Use logging, not print"
"""

VIOLATION = 'def run(job):\n    job.status = "processing"\n'
FIXED = 'def run(job):\n    job.status = "running"\n'


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of a fresh shell: no colour forcing, no active venv."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("FORCE_COLOR", "NO_COLOR", "CLICOLOR_FORCE", "VIRTUAL_ENV")}
    env.update(extra)
    return env


def copy_of_this_repository(dest: Path) -> Path:
    """The working tree's files (tracked, and untracked but not ignored) copied to `dest`:
    what is tested is what is on disk, committed or not."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=REPO, check=True, capture_output=True).stdout
    for rel in filter(None, listed.decode("utf-8", "surrogateescape").split("\0")):
        source = REPO / rel
        if source.is_file():  # a tracked file another helper just deleted is not there
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return dest


def git(cwd: Path, *args: str, env: dict[str, str]) -> str:
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True,
                          text=True).stdout


def git_env(tmp_path: Path) -> dict[str, str]:
    """git with a configuration of its own (identity, no signing, no hooks of the machine's)."""
    config = tmp_path / "gitconfig"
    config.write_text("[user]\n\tname = Test\n\temail = test@example.invalid\n"
                      "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n")
    return clean_env(GIT_CONFIG_GLOBAL=str(config), GIT_CONFIG_NOSYSTEM="1")


def write_files(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
