"""Lint and type checks as tests, so that the suite (and CI through it) fails on a violation.

Both tools are pinned in the `test` extra and configured in pyproject.toml ([tool.ruff], [tool.mypy]);
they run with this interpreter, so the versions are the pinned ones, never whatever is on PATH.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _run_tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        check=False,
    )


def _report(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit status {result.returncode}\n{result.stdout}{result.stderr}"


def test_ruff_finds_nothing() -> None:
    result = _run_tool("ruff", "check", "--no-fix", "--output-format=concise", "archrules_lsp", "tests", "bench")
    assert result.returncode == 0, _report(result)


@pytest.mark.slow
def test_mypy_finds_nothing() -> None:
    # The files to check and the per-package strictness come from [tool.mypy] in pyproject.toml.
    result = _run_tool("mypy")
    assert result.returncode == 0, _report(result)
