"""Emacs 28 + eglot 1.9 (Debian `emacs-nox elpa-eglot`), headless.

Proves, with the eglot set-up editors/README.md documents (eglot-server-programs
entry + eglot-ensure on python-mode): eglot manages the example file with
archrules-lsp; flymake shows the BG-001 error (source archrules, code BG-001);
textDocument/hover at it returns the suggestion; `eglot-code-actions` lists the
quick fixes and applies the rule fix (its menu answered with that title); the
diagnostic clears; `save-buffer` writes a file that holds the line and parses.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from editor_helpers import (  # noqa: E402
    EXAMPLE_FILE,
    EXPECTED_CODE,
    EXPECTED_LINE,
    artifacts_dir,
    assert_fixed_file,
    read_results,
)

HERE = Path(__file__).resolve().parent


def eglot_available(emacs: str, env: dict[str, str]) -> bool:
    probe = subprocess.run(
        [emacs, "--batch", "--eval", "(require 'eglot)"], env=env, capture_output=True, timeout=60
    )
    return probe.returncode == 0


@pytest.mark.editor
def test_emacs_eglot(example_project: Path, lsp_exe: Path, xdg_env: dict[str, str], tmp_path: Path):
    emacs = shutil.which("emacs")
    if emacs is None:
        pytest.skip("emacs not installed (apt-get install emacs-nox elpa-eglot; bash .ci/install-editor-deps.sh)")
    if not eglot_available(emacs, xdg_env):
        pytest.skip("eglot not installed (apt-get install elpa-eglot; bash .ci/install-editor-deps.sh)")

    results = tmp_path / "emacs-results.jsonl"
    target = example_project / EXAMPLE_FILE
    env = dict(
        xdg_env,
        ARCHRULES_LSP=str(lsp_exe),
        ARCHRULES_FILE=str(target),
        ARCHRULES_TEST_RESULTS=str(results),
        ARCHRULES_EXPECT_CODE=EXPECTED_CODE,
        ARCHRULES_EXPECT_LINE=EXPECTED_LINE,
    )
    started = time.monotonic()
    try:
        proc = subprocess.run(
            [emacs, "--batch", "-l", str(HERE / "emacs" / "scenario.el")],
            cwd=example_project, env=env, capture_output=True, timeout=120, stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        proc = None
    elapsed = time.monotonic() - started

    arts = artifacts_dir("emacs")
    if results.exists():
        shutil.copy(results, arts / "results.jsonl")
    if proc is not None:
        (arts / "emacs-stderr.log").write_bytes(proc.stderr)
    steps = read_results(results)
    summary = "\n".join(str(s) for s in steps.values())
    assert proc is not None, f"emacs timed out after {elapsed:.1f} s; steps:\n{summary}"
    assert proc.returncode == 0, (
        f"emacs exited {proc.returncode} after {elapsed:.1f} s; steps:\n{summary}\n"
        f"stderr: {proc.stderr.decode(errors='replace')[-2000:]}"
    )

    assert Path(steps["attach"]["root"]).resolve() == example_project.resolve()
    diag = steps["diagnostic"]
    assert diag["code"] == EXPECTED_CODE and diag["source"] == "archrules", diag
    assert diag["type"] == "eglot-error", diag
    assert steps["hover"]["ok"], steps["hover"]
    assert any(t.startswith(f"Ignore {EXPECTED_CODE}") for t in steps["code_actions"]["titles"]), steps["code_actions"]
    assert steps["apply"]["ok"], steps["apply"]
    assert steps["cleared"]["ok"], steps["cleared"]
    assert steps["write"]["ok"], steps["write"]
    assert_fixed_file(target)
    print(f"emacs scenario passed in {elapsed:.1f} s; steps (ms): "
          + ", ".join(f"{k}={v['ms']}" for k, v in steps.items()))
