"""Emacs 28 with eglot 1.9 and with lsp-mode 8.0 (Debian `emacs-nox elpa-eglot
elpa-lsp-mode`), headless.

eglot, with the set-up editors/README.md documents (eglot-server-programs entry
+ eglot-ensure on python-mode): eglot manages the example file with
archrules-lsp; flymake shows the BG-001 error (source archrules, code BG-001);
textDocument/hover at it returns the suggestion; `eglot-code-actions` lists the
quick fixes and applies the rule fix (its menu answered with that title); the
diagnostic clears; `save-buffer` writes a file that holds the line and parses.

lsp-mode, with the documented `lsp-register-client` (an add-on client): the
same steps through `lsp-diagnostics`, `lsp-code-actions-at-point` and
`lsp-execute-code-action` (which resolves the edit with codeAction/resolve).
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


def feature_available(emacs: str, feature: str, env: dict[str, str]) -> bool:
    probe = subprocess.run(
        [emacs, "--batch", "--eval", f"(require '{feature})"], env=env, capture_output=True, timeout=60
    )
    return probe.returncode == 0


def run_scenario(client: str, example_project: Path, lsp_exe: Path, xdg_env: dict[str, str], tmp_path: Path):
    """Run emacs/scenario[-lsp-mode].el in `emacs --batch`; returns the steps."""
    emacs = shutil.which("emacs")
    if emacs is None:
        pytest.skip("emacs not installed (apt-get install emacs-nox; bash .ci/install-editor-deps.sh)")
    package = {"eglot": "elpa-eglot", "lsp-mode": "elpa-lsp-mode"}[client]
    if not feature_available(emacs, client, xdg_env):
        pytest.skip(f"{client} not installed (apt-get install {package}; bash .ci/install-editor-deps.sh)")

    results = tmp_path / f"{client}-results.jsonl"
    target = example_project / EXAMPLE_FILE
    env = dict(
        xdg_env,
        ARCHRULES_LSP=str(lsp_exe),
        ARCHRULES_FILE=str(target),
        ARCHRULES_TEST_RESULTS=str(results),
        ARCHRULES_EXPECT_CODE=EXPECTED_CODE,
        ARCHRULES_EXPECT_LINE=EXPECTED_LINE,
    )
    script = HERE / "emacs" / ("scenario.el" if client == "eglot" else "scenario-lsp-mode.el")
    started = time.monotonic()
    try:
        proc = subprocess.run(
            [emacs, "--batch", "-l", str(script)],
            cwd=example_project, env=env, capture_output=True, timeout=120, stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        proc = None
    elapsed = time.monotonic() - started

    arts = artifacts_dir(f"emacs-{client}")
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
    assert steps["diagnostic"]["code"] == EXPECTED_CODE and steps["diagnostic"]["source"] == "archrules"
    assert steps["hover"]["ok"], steps["hover"]
    assert any(t.startswith(f"Ignore {EXPECTED_CODE}") for t in steps["code_actions"]["titles"]), steps["code_actions"]
    assert steps["apply"]["ok"], steps["apply"]
    assert steps["cleared"]["ok"], steps["cleared"]
    assert steps["write"]["ok"], steps["write"]
    assert_fixed_file(target)
    print(f"emacs {client} scenario passed in {elapsed:.1f} s; steps (ms): "
          + ", ".join(f"{k}={v['ms']}" for k, v in steps.items()))
    return steps


@pytest.mark.editor
def test_emacs_eglot(example_project: Path, lsp_exe: Path, xdg_env: dict[str, str], tmp_path: Path):
    steps = run_scenario("eglot", example_project, lsp_exe, xdg_env, tmp_path)
    assert steps["diagnostic"]["type"] == "eglot-error", steps["diagnostic"]


@pytest.mark.editor
def test_emacs_lsp_mode(example_project: Path, lsp_exe: Path, xdg_env: dict[str, str], tmp_path: Path):
    steps = run_scenario("lsp-mode", example_project, lsp_exe, xdg_env, tmp_path)
    assert steps["diagnostic"]["severity"] == 1, steps["diagnostic"]
