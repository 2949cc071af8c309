"""Vim 9 + ALE 3.3 (Debian `vim vim-ale`), headless.

Proves, with the ALE linter definition editors/README.md documents
(`ale#linter#Define` with `'lsp': 'stdio'`): ALE starts archrules-lsp for the
example file and its loclist gets the BG-001 error; ALE's hover shows the
suggestion in the preview window; the code actions ALE's `:ALECodeAction`
offers include the rule fix, applied through ALE's own code-action path; the
diagnostic clears after the change; `:write` saves a file that holds the line
and parses. ALE rebuilds the code-action request's diagnostic from its
loclist (no `data`), which the server matches to its current finding by rule
id and line.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest

from .editor_helpers import (  # noqa: E402
    EXAMPLE_FILE,
    EXPECTED_CODE,
    EXPECTED_LINE,
    artifacts_dir,
    assert_fixed_file,
    read_results,
)

HERE = Path(__file__).resolve().parent
ALE = Path("/usr/share/vim-ale")


@pytest.mark.editor
def test_vim_ale(example_project: Path, lsp_exe: Path, xdg_env: dict[str, str], tmp_path: Path):
    vim = shutil.which("vim")
    if vim is None:
        pytest.skip("vim not installed (apt-get install vim vim-ale; bash .ci/install-editor-deps.sh)")
    if not (ALE / "autoload" / "ale.vim").exists():
        pytest.skip("ALE not installed in /usr/share/vim-ale "
                    "(apt-get install vim-ale; bash .ci/install-editor-deps.sh)")

    results = tmp_path / "vim-results.jsonl"
    env = dict(
        xdg_env,
        ARCHRULES_LSP=str(lsp_exe),
        ARCHRULES_TEST_RESULTS=str(results),
        ARCHRULES_EXPECT_CODE=EXPECTED_CODE,
        ARCHRULES_EXPECT_LINE=EXPECTED_LINE,
    )
    target = example_project / EXAMPLE_FILE
    cmd = [vim, "-N", "-u", str(HERE / "vim" / "vimrc"), "-i", "NONE", "-n", "-es",
           "-S", str(HERE / "vim" / "scenario.vim"), EXAMPLE_FILE]
    started = time.monotonic()
    try:
        proc = subprocess.run(cmd, cwd=example_project, env=env, capture_output=True, timeout=120,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        proc = None
    elapsed = time.monotonic() - started

    arts = artifacts_dir("vim")
    if results.exists():
        shutil.copy(results, arts / "results.jsonl")
    steps = read_results(results)
    summary = "\n".join(str(s) for s in steps.values())
    assert proc is not None, f"vim timed out after {elapsed:.1f} s; steps:\n{summary}"
    assert proc.returncode == 0, (
        f"vim exited {proc.returncode} after {elapsed:.1f} s; steps:\n{summary}\n"
        f"output: {(proc.stdout + proc.stderr).decode(errors='replace')[-2000:]}"
    )

    assert steps["config"]["filetype"] == "python"
    assert Path(steps["config"]["root"]).resolve() == example_project.resolve(), steps["config"]
    diag = steps["diagnostic"]
    assert diag["code"] == EXPECTED_CODE and diag["type"] == "E" and diag["linter"] == "archrules", diag
    assert steps["hover"]["ok"], steps["hover"]
    # ALE 3.3 rebuilds the code-action request's context diagnostic from its loclist
    # (range, code, message; no `source`, no `data`): the server matches it by code and line.
    assert any(t.startswith(f"Ignore {EXPECTED_CODE}") for t in steps["code_actions"]["titles"]), steps["code_actions"]
    assert steps["apply"]["ok"], steps["apply"]
    assert steps["cleared"]["ok"], steps["cleared"]
    assert steps["write"]["ok"], steps["write"]
    assert_fixed_file(target)
    print(f"vim scenario passed in {elapsed:.1f} s; steps (ms): "
          + ", ".join(f"{k}={v['ms']}" for k, v in steps.items()))
