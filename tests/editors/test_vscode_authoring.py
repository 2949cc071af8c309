"""Rule authoring and the baseline in real VS Code (code-server 4.100.3 in Debian's Chromium, with the
built .vsix; see test_vscode.py for what it needs).

Proves, in the example project's rule file opened from the explorer: Ctrl+Space on a
new key line inside rule BG-001 (below its `id:` and `name:`) lists the keys the rule
can still take in the suggest widget, and not `name`; Ctrl+K Ctrl+I on BG-001's
`severity` key shows the key's documentation in the hover; in workspace mode, the code
lens above each rule says how many findings `archrules check` has for it (and,
for a rule with `examples:`, how many pass). And the baseline: a frozen finding is a hint,
a typed violation an error, and "Add ... to the baseline" from Ctrl+. writes its entry and
clears the error. Screenshots of each step: test-artifacts/vscode/authoring/ and
test-artifacts/vscode/baseline/.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .test_neovim_authoring import (
    BASELINE,
    BASELINE_CODE,
    BASELINE_FILE,
    NEW_ENTRY,
    NEW_VIOLATION,
    add_examples,
    added_entries,
    expected_lenses,
    run_archrules_baseline,
)
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
def test_vscode_rule_authoring_completion_hover_code_lens(example_project: Path, lsp_exe: Path, tmp_path: Path):
    require_tools()
    add_examples(example_project)
    lenses = expected_lenses(example_project)
    name_line, hover_at = positions(example_project / RULE_FILE, RULE_ID)
    settings = {"archrules.path": [str(lsp_exe)], "archrules.diagnosticMode": "workspace"}
    steps = run_vscode(example_project, RULE_FILE, RULE_ID, settings, tmp_path,
                       fresh_artifacts("vscode/authoring"), SCENARIO="authoring",
                       NEW_KEY_AFTER=str(name_line), HOVER_AT=hover_at,
                       EXPECT_LENSES=json.dumps(sorted(set(lenses.values()))))

    labels = steps["completion"]["labels"]
    assert {"severity", "anti_patterns"} <= set(labels), steps["completion"]
    assert "name" not in labels and "id" not in labels, steps["completion"]
    assert SEVERITY_DOC in steps["hover"]["text"], steps["hover"]

    # one lens per rule, in the file's order (that of `archrules rules`)
    shown = steps["code-lens"]["lenses"]
    assert shown == list(lenses.values()), shown
    assert lenses[RULE_ID] == "1 finding in workspace" and "3 findings in workspace · examples 2/3" in shown, shown


@pytest.mark.editor
@pytest.mark.slow
def test_vscode_baseline_hint_new_violation_and_add_to_baseline(example_project: Path, lsp_exe: Path, tmp_path: Path):
    """With `archrules baseline` written: app/api/deps.py's frozen BG-021 is a hint squiggle,
    no error; `time.sleep(1)` typed in get_db is an error squiggle; Ctrl+. "Add BG-021 here
    to the baseline" adds exactly its entry to the file, and the error squiggle goes with
    no further edit (VS Code re-pulls on workspace/diagnostic/refresh)."""
    require_tools()
    frozen = run_archrules_baseline(example_project)
    lines = (example_project / BASELINE_FILE).read_text(encoding="utf-8").splitlines()
    insert_after = lines.index("    db = SessionLocal()") + 1
    steps = run_vscode(example_project, BASELINE_FILE, BASELINE_CODE, {"archrules.path": [str(lsp_exe)]}, tmp_path,
                       fresh_artifacts("vscode/baseline"), SCENARIO="baseline",
                       BASELINE_FILE=str(example_project / BASELINE), INSERT_AFTER=str(insert_after),
                       NEW_VIOLATION=NEW_VIOLATION.strip())

    assert steps["frozen"]["hints"] >= 1 and steps["frozen"]["errors"] == 0, steps["frozen"]
    assert steps["new-violation"]["errors"] >= 1, steps["new-violation"]
    assert steps["add-to-baseline"]["chosen"] == f"Add {BASELINE_CODE} here to the baseline", steps["add-to-baseline"]
    assert steps["error-gone"]["ok"], steps["error-gone"]
    assert added_entries(example_project, frozen) == [NEW_ENTRY]
