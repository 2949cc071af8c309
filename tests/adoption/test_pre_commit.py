"""The pre-commit hook (.pre-commit-hooks.yaml) run by the real pre-commit: `pre-commit
try-repo` clones a copy of this repository and installs the hook's package from it with pip."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import FIXED, RULES, VIOLATION, copy_of_this_repository, git, git_env, write_files

pytestmark = pytest.mark.slow  # pre-commit builds a virtualenv and pip-installs the package

# More than 4 files: pre-commit would split them into batches run in parallel.
TASKS = [f"app/tasks/task_{n}.py" for n in range(6)]


def _hook_repository(tmp_path: Path, env: dict[str, str]) -> Path:
    repo = copy_of_this_repository(tmp_path / "archrules-lsp")
    git(repo, "init", "-q", env=env)
    git(repo, "add", "-A", env=env)
    git(repo, "commit", "-q", "-m", "archrules-lsp as a user would clone it", env=env)
    return repo


def _project(tmp_path: Path, env: dict[str, str]) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    git(project, "init", "-q", env=env)
    write_files(project, {
        ".architecture-rules/tasks.yaml": RULES.lstrip(),
        "pyproject.toml": '[tool.archrules]\nexclude = ["legacy/**"]\n',
    })
    git(project, "add", "-A", env=env)
    git(project, "commit", "-q", "-m", "rules", env=env)
    # Staged: violations, and one in a file the project excludes (--force-exclude keeps it out).
    write_files(project, {**{task: VIOLATION for task in TASKS}, "legacy/old.py": VIOLATION})
    git(project, "add", "-A", env=env)
    return project


def _try_repo(project: Path, hook_repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "archrules",
                           "--color", "never"],
                          cwd=project, env=env, capture_output=True, text=True, timeout=600)


def test_the_hook_fails_on_a_staged_violation_and_passes_after_the_fix(tmp_path):
    env = git_env(tmp_path)
    # pre-commit's clones and environments, and virtualenv's seed wheels, stay in tmp_path.
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    env["VIRTUALENV_OVERRIDE_APP_DATA"] = str(tmp_path / "virtualenv-app-data")
    hook_repo = _hook_repository(tmp_path, env)
    project = _project(tmp_path, env)

    failing = _try_repo(project, hook_repo, env)
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "archrules" in failing.stdout and "Failed" in failing.stdout
    for task in TASKS:
        assert f"{task}:2:9: BG-010 [error] Use 'running' instead of 'processing'" in failing.stdout
    assert "legacy/old.py" not in failing.stdout
    # One archrules run for all the files (require_serial), not one per pre-commit batch.
    assert failing.stdout.count("Found ") == 1
    assert "Found 6 findings (6 errors) in 6 files." in failing.stdout

    write_files(project, {task: FIXED for task in TASKS})
    git(project, "add", *TASKS, env=env)
    passing = _try_repo(project, hook_repo, env)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "Passed" in passing.stdout
