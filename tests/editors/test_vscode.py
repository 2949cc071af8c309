"""Real VS Code (code-server 4.100.3 = VS Code 1.100) with the built .vsix, in Debian's Chromium.

Proves: the packaged extension (editors/vscode, built by scripts/package.sh)
installs into VS Code and starts this venv's `archrules-lsp` (from
`archrules.path` in the workspace settings); opening
models/database/architecture_scan.py from the explorer shows an error
squiggle and a Problems entry `archrules(BG-001)`; the status bar item shows
the rule count from `archrules/status`; hovering the squiggle shows the rule's
suggestion; Ctrl+. and Enter on the rule fix inserts the line and the squiggle
and Problems entry go; Ctrl+S saves a file that holds the line, in the class,
and parses; "archrules: Reload Rules" from the command palette reaches the
server.

The same runs with `archrules.interpreter` (the venv's python, `-m
archrules_lsp`) instead of `archrules.path`; there, the "Show rule BG-001"
quick fix opens the rule file at the rule, editing
.vscode/settings.json to `severityOverrides: {"BG-001": "warning"}` turns the
squiggle into a warning (settings reach the server), and the palette's
"archrules: Fix All in Current File" fixes the file instead of the quick fix. And
with neither set and no server on PATH, the "archrules-lsp not found" error
notification appears with its Open Settings / Show Output buttons. And a Go
file under a `*.go` rule (a language the extension names nowhere) gets its
squiggle and Problems entry. Screenshots of each step: test-artifacts/vscode/<mode>/.

Needs (installed by .ci/install-editor-deps.sh): code-server 4.100.3,
/usr/bin/chromium, node, tests/editors/tools/node_modules/playwright-core,
editors/vscode/node_modules. Skips with the reason when one is missing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from .editor_helpers import (  # noqa: E402
    EXAMPLE_FILE,
    EXPECTED_CODE,
    EXPECTED_LINE,
    GO_CODE,
    GO_FILE,
    REPO,
    artifacts_dir,
    assert_fixed_file,
    read_results,
)

HERE = Path(__file__).resolve().parent
VSCODE_EXT = REPO / "editors" / "vscode"
TOOLS = HERE / "tools"
CODE_SERVER_VERSION = "4.100.3"
CODE_SERVER_DIR = Path(
    os.environ.get("ARCHRULES_CODE_SERVER_DIR", f"/opt/archrules-editor-tools/code-server-{CODE_SERVER_VERSION}")
)
CHROMIUM = os.environ.get("ARCHRULES_CHROMIUM", "/usr/bin/chromium")
INSTALL_HINT = "run `bash .ci/install-editor-deps.sh`"


def code_server() -> Path | None:
    explicit = os.environ.get("ARCHRULES_CODE_SERVER")
    if explicit:
        return Path(explicit)
    candidate = CODE_SERVER_DIR / "node_modules" / ".bin" / "code-server"
    return candidate if candidate.exists() else None


def missing_tools() -> list[str]:
    missing = []
    if code_server() is None:
        missing.append(f"code-server {CODE_SERVER_VERSION} (in {CODE_SERVER_DIR})")
    if not Path(CHROMIUM).exists():
        missing.append(CHROMIUM)
    if shutil.which("node") is None:
        missing.append("node")
    if not (TOOLS / "node_modules" / "playwright-core").exists():
        missing.append("tests/editors/tools/node_modules/playwright-core")
    if not (VSCODE_EXT / "node_modules" / "@vscode" / "vsce").exists():
        missing.append("editors/vscode/node_modules")
    return missing


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_vsix(log: Path) -> Path:
    """Package the extension (no lint/tests: the unit-test job runs those)."""
    with log.open("w") as out:
        subprocess.run(
            ["bash", str(VSCODE_EXT / "scripts" / "package.sh"), "--skip-checks"],
            check=True, stdout=out, stderr=subprocess.STDOUT, timeout=300,
        )
    version = json.loads((VSCODE_EXT / "package.json").read_text())["version"]
    vsix = VSCODE_EXT / f"archrules-{version}.vsix"
    assert vsix.exists(), vsix
    return vsix


def path_without_server() -> str:
    """PATH minus the folders that hold an archrules-lsp."""
    return os.pathsep.join(
        d for d in os.environ.get("PATH", "").split(os.pathsep) if d and not (Path(d) / "archrules-lsp").exists()
    )


USER_SETTINGS = {
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": False,
    "workbench.enableExperiments": False,
    "extensions.ignoreRecommendations": True,
    "extensions.autoCheckUpdates": False,
    "update.mode": "none",
    "telemetry.telemetryLevel": "off",
    "security.workspace.trust.enabled": False,
    "editor.hover.delay": 200,
    "files.autoSave": "off",
    "chat.commandCenter.enabled": False,
}


def scratch_env(scratch: Path) -> dict[str, str]:
    """A scratch home for code-server and Chromium: nothing lands in ~."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "VSCODE_"))}
    env.update(
        HOME=str(scratch / "home"),
        XDG_CONFIG_HOME=str(scratch / "xdg-config"),
        XDG_DATA_HOME=str(scratch / "xdg-data"),
        XDG_CACHE_HOME=str(scratch / "xdg-cache"),
        XDG_STATE_HOME=str(scratch / "xdg-state"),
        # no marketplace: a dead loopback port
        EXTENSIONS_GALLERY=json.dumps({"serviceUrl": "http://127.0.0.1:9/gallery", "itemUrl": "http://127.0.0.1:9/item"}),
    )
    for key in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        Path(env[key]).mkdir(parents=True, exist_ok=True)
    return env


def install_extension(vsix: Path, scratch: Path, env: dict[str, str]) -> list[str]:
    """User settings and the .vsix in scratch folders; the code-server arguments that use them."""
    config = scratch / "config.yaml"
    config.write_text("bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n")
    user_data = scratch / "user-data"
    extensions = scratch / "extensions"
    (user_data / "User").mkdir(parents=True)
    (user_data / "User" / "settings.json").write_text(json.dumps(USER_SETTINGS, indent=2))
    common = ["--config", str(config), "--user-data-dir", str(user_data), "--extensions-dir", str(extensions)]
    subprocess.run([str(code_server()), *common, "--install-extension", str(vsix)],
                   check=True, env=env, capture_output=True, timeout=120)
    installed = [p.name for p in extensions.iterdir() if p.is_dir()]
    assert any(name.startswith("archrules.archrules-") for name in installed), installed
    return common


@contextmanager
def serving(folder: Path, common: list[str], env: dict[str, str], arts: Path) -> Iterator[str]:
    """code-server on a free loopback port with folder open; yields its URL."""
    port = free_port()
    server_log = (arts / "code-server.log").open("w")
    proc = subprocess.Popen(
        [str(code_server()), *common, "--bind-addr", f"127.0.0.1:{port}", "--auth", "none", "--disable-telemetry",
         "--disable-update-check", "--disable-workspace-trust", "--disable-getting-started-override", str(folder)],
        env=env, stdout=server_log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"code-server did not come up; see {arts / 'code-server.log'}")
                time.sleep(0.3)
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        server_log.close()


def run_vscode(project: Path, file: str, code: str, workspace_settings: dict[str, object], tmp_path: Path,
               arts: Path, *, path_env: str | None = None, **drive_env: str) -> dict[str, dict]:
    """Build and install the extension, open project in code-server, run drive.mjs on file; its steps."""
    vsix = build_vsix(arts / "package.log")
    scratch = tmp_path / "cs"
    env = scratch_env(scratch)
    if path_env is not None:
        env["PATH"] = path_env
    (project / ".vscode").mkdir(exist_ok=True)
    (project / ".vscode" / "settings.json").write_text(json.dumps(workspace_settings, indent=2))
    common = install_extension(vsix, scratch, env)
    results = tmp_path / "vscode-results.jsonl"
    try:
        with serving(project, common, env, arts) as url:
            drive = subprocess.run(
                ["node", str(HERE / "vscode" / "drive.mjs")],
                env=dict(env, CODE_SERVER_URL=url, PROJECT=str(project), FILE=file, RESULTS=str(results),
                         ARTIFACTS=str(arts), EXPECT_CODE=code, EXPECT_LINE=EXPECTED_LINE, CHROMIUM=CHROMIUM,
                         **drive_env),
                capture_output=True, text=True, timeout=300,
            )
            (arts / "drive.log").write_text(drive.stdout + drive.stderr)
    finally:
        # the extension's output channel (server log + trace), for debugging
        for log in (scratch / "user-data" / "logs").glob("**/*archrules*.log"):
            shutil.copy(log, arts / f"exthost-{log.name}")
        if results.exists():
            shutil.copy(results, arts / "results.jsonl")
    steps = read_results(results)
    summary = "\n".join(json.dumps(s)[:600] for s in steps.values())
    assert drive.returncode == 0, f"driver failed; steps:\n{summary}\n{drive.stderr[-3000:]}\nartifacts: {arts}"
    return steps


def fresh_artifacts(name: str) -> Path:
    arts = artifacts_dir(name)
    for old in arts.iterdir():
        if old.is_file():
            old.unlink()
    return arts


def require_tools() -> None:
    missing = missing_tools()
    if missing:
        pytest.skip(f"VS Code e2e needs {', '.join(missing)}: {INSTALL_HINT}")


# How the workspace settings point the extension at the server:
#   path:        archrules.path = [<venv>/bin/archrules-lsp]
#   interpreter: archrules.interpreter = [<venv>/bin/python] (runs -m archrules_lsp)
#   missing:     nothing set and no archrules-lsp on PATH -> the error notification
MODES = ["path", "interpreter", "missing"]


@pytest.mark.editor
@pytest.mark.slow
@pytest.mark.parametrize("mode", MODES)
def test_vscode_diagnostic_hover_quickfix(mode: str, example_project: Path, lsp_exe: Path, tmp_path: Path):
    require_tools()
    started = time.monotonic()
    workspace_settings: dict[str, object] = {"archrules.trace.server": "messages"}
    if mode == "path":
        workspace_settings["archrules.path"] = [str(lsp_exe)]
    elif mode == "interpreter":
        workspace_settings["archrules.interpreter"] = [str(Path(sys.executable))]
    steps = run_vscode(
        example_project, EXAMPLE_FILE, EXPECTED_CODE, workspace_settings, tmp_path, fresh_artifacts(f"vscode/{mode}"),
        path_env=path_without_server() if mode == "missing" else None,
        EXPECT_NOT_FOUND="1" if mode == "missing" else "0",
        # the interpreter run fixes the file with the palette's "Fix All" instead
        FIX_VIA="palette" if mode == "interpreter" else "quickfix",
    )

    if mode == "missing":
        note = steps["not-found-notification"]
        assert "pip install archrules-lsp" in note["text"] and "archrules.path" in note["text"], note
        assert note["buttons"] == ["Open Settings", "Show Output"], note
        return

    assert steps["squiggle"]["count"] >= 1
    # shown as "archrules(BG-001)": the parentheses are CSS pseudo-content
    assert any(f"archrules{EXPECTED_CODE}" in row["text"] for row in steps["problems"]["rows"]), steps["problems"]
    assert EXPECTED_LINE in steps["hover"]["text"], steps["hover"]
    # the rule count arrived with the server's archrules/status notification
    assert re.search(r"archrules: \d+ rules?", steps["status-bar"]["text"]), steps["status-bar"]
    if mode == "interpreter":
        assert steps["show-rule"]["ok"], steps["show-rule"]
        assert steps["settings-change"]["warnings"] >= 1, steps["settings-change"]
        assert steps["fix-all-command"]["ok"], steps["fix-all-command"]
    else:
        titles = steps["quickfix-menu"]["titles"]
        assert any(t.startswith(f"Ignore {EXPECTED_CODE}") for t in titles), steps["quickfix-menu"]
        assert steps["apply-quickfix"]["ok"], steps["apply-quickfix"]
    assert steps["squiggle-gone"]["squiggles"] == 0
    assert steps["save"]["ok"]
    # the palette's "archrules: Reload Rules" reached the server (no "command not found")
    assert steps["command-reload-rules"]["ok"], steps["command-reload-rules"]
    assert_fixed_file(example_project / EXAMPLE_FILE)
    print(f"vscode scenario passed in {time.monotonic() - started:.1f} s; "
          + ", ".join(f"{k}={v['ms']}" for k, v in steps.items()))


@pytest.mark.editor
@pytest.mark.slow
def test_vscode_attaches_to_a_language_the_extension_does_not_name(go_project: Path, lsp_exe: Path, tmp_path: Path):
    """A Go file under a `*.go` rule, in a workspace with only `.architecture-rules.yaml`:
    the extension activates, hands the file to the server, and the diagnostic shows."""
    require_tools()
    assert '"go"' not in (VSCODE_EXT / "package.json").read_text(encoding="utf-8")
    steps = run_vscode(go_project, GO_FILE, GO_CODE, {"archrules.path": [str(lsp_exe)]}, tmp_path,
                       fresh_artifacts("vscode/go"), SCENARIO="diagnostic")
    assert steps["squiggle"]["count"] >= 1, steps["squiggle"]
    assert any(f"archrules{GO_CODE}" in row["text"] for row in steps["problems"]["rows"]), steps["problems"]
