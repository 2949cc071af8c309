"""The VS Code extension's own checks (editors/vscode): type check (`tsc --noEmit`),
lint (eslint, type-aware) and unit tests (node's test runner), run through the
package's npm scripts exactly as `scripts/package.sh` runs them.

Dependencies come from the pinned package-lock.json: `npm ci` through
`.ci/install-editor-deps.sh vscode-ext`, which does nothing when node_modules
already matches the lockfile. Skips only when node or npm is not installed.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from .editor_helpers import REPO

VSCODE_EXT = REPO / "editors" / "vscode"


def run(cmd: list[str], timeout: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=VSCODE_EXT, capture_output=True, text=True, encoding="utf-8",
                          errors="replace", timeout=timeout, check=False)


def report(proc: subprocess.CompletedProcess[str]) -> str:
    return f"`{' '.join(proc.args)}` exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}"


@pytest.fixture(scope="module")
def node_modules() -> None:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are needed for the VS Code extension's checks (Node.js >= 20)")
    proc = subprocess.run(["bash", str(REPO / ".ci" / "install-editor-deps.sh"), "vscode-ext"], cwd=REPO,
                          capture_output=True, text=True, errors="replace", timeout=900, check=False)
    assert proc.returncode == 0, report(proc)


@pytest.mark.slow
@pytest.mark.parametrize("script", ["typecheck", "lint", "test"])
def test_vscode_extension_check_passes(script: str, node_modules: None) -> None:
    proc = run(["npm", "run", "--silent", script], timeout=600)
    assert proc.returncode == 0, report(proc)
    if script == "test":
        # node's test runner: "# pass N" / "# fail 0" in its TAP summary
        assert "# fail 0" in proc.stdout and "# pass 0" not in proc.stdout, report(proc)
