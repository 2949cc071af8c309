"""Rule authoring in real VS Code (code-server 4.100.3 in Debian's Chromium, with the
built .vsix; see test_vscode.py for what it needs).

Proves, in the example project's rule file opened from the explorer: Ctrl+Space on a
new key line inside rule BG-001 (below its `id:` and `name:`) lists the keys the rule
can still take in the suggest widget, and not `name`; Ctrl+K Ctrl+I on BG-001's
`severity` key shows the key's documentation in the hover. Screenshots of each step:
test-artifacts/vscode/authoring/.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .test_vscode import fresh_artifacts, require_tools, run_vscode

RULE_FILE = ".architecture-rules/background-tasks.yaml"
RULE_ID = "BG-001"
SEVERITY_DOC = "How findings of the rule are reported"


def positions(rule_file: Path, rule_id: str) -> tuple[int, str]:
    """1-based: the rule's `name:` line, and "line:column" of its `severity` key."""
    lines = rule_file.read_text(encoding="utf-8").splitlines()
    start = lines.index(f"  - id: {rule_id}")
    name = next(i for i in range(start, len(lines)) if lines[i].startswith("    name:"))
    severity = next(i for i in range(start, len(lines)) if lines[i].startswith("    severity:"))
    return name + 1, f"{severity + 1}:{len('    ') + 2}"


@pytest.mark.editor
@pytest.mark.slow
def test_vscode_rule_authoring_completion_and_hover(example_project: Path, lsp_exe: Path, tmp_path: Path):
    require_tools()
    name_line, hover_at = positions(example_project / RULE_FILE, RULE_ID)
    steps = run_vscode(example_project, RULE_FILE, RULE_ID, {"archrules.path": [str(lsp_exe)]}, tmp_path,
                       fresh_artifacts("vscode/authoring"), SCENARIO="authoring",
                       NEW_KEY_AFTER=str(name_line), HOVER_AT=hover_at)

    labels = steps["completion"]["labels"]
    assert {"severity", "anti_patterns"} <= set(labels), steps["completion"]
    assert "name" not in labels and "id" not in labels, steps["completion"]
    assert SEVERITY_DOC in steps["hover"]["text"], steps["hover"]
