"""The bundled example project (examples/background-tasks) and its exact findings.

The example holds compliant code and planted violations of every seed rule
(BG-001 .. BG-041); its README says what is planted where. EXPECTED below was
worked out by hand from the seed's semantics, not copied from the tool:

- paths relative to the example root; `*`/`?` stay in a folder, `**` spans folders;
- must_contain / must_contain_one_of / must_reference: one finding per missing
  string (one_of: one finding when none occurs; must_reference: whole identifier),
  on the first `class` line of a Python file, else line 1, column 1;
- when_contains gates only its own entry; should_match fails on the first line
  holding a when_contains string (else line 1);
- endpoint_pattern + must_return: one finding per offending endpoint, on its
  decorator line;
- anti_patterns: one finding per matching line and per anti-pattern, at the
  match's start column (code points); scope = the anti-pattern's own glob, else
  the rule's pattern globs, else every checked file (BG-010);
- `archrules: ignore[ID]` on the finding's line or the line above suppresses it.

Each entry is (path, line, column, rule, must_mention): 1-based positions as the
CLI prints them, and what the finding's message must name (the missing string,
the anti-pattern's own message, ...).
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "background-tasks"
ARCHRULES = Path(sys.executable).parent / "archrules"
RULE_FILE = EXAMPLE / ".architecture-rules" / "background-tasks.yaml"

# fmt: off
EXPECTED: list[tuple[str, int, int, str, tuple[str, ...]]] = sorted([
    # BG-021 anti-pattern with its own glob app/api/**/*.py: a sleep in app/api/deps.py (outside v1)
    ("app/api/deps.py", 34, 13, "BG-021", ("Don't use time.sleep in API handlers",)),
    # BG-021 entry: the file contains the when_contains word `run_scan` but never `BackgroundTasks`; no class -> line 1
    ("app/api/v1/admin/code_quality.py", 1, 1, "BG-021", ("BackgroundTasks",)),
    # BG-020: `@router.post("/import-all")` returns {"job_ids": ..., "queued": ...}: `job_ids` is not the key `job_id`
    ("app/api/v1/admin/marketplace.py", 29, 1, "BG-020", ("job_id",)),
    # BG-021 anti-pattern `subprocess\.run.*wait.*True` (scope app/api/v1/**/*.py): timeout=max_wait, check=True;
    # the file has no when_contains word, which gates only the entry, not the anti-patterns
    ("app/api/v1/admin/system.py", 13, 14, "BG-021", ("Don't wait synchronously for subprocesses in API handlers",)),
    # BG-022: TestRun is never referenced (only TestRunner / TestRunStatus); on `class BackgroundTasksService:`
    ("app/services/background_tasks_service.py", 24, 1, "BG-022", ("TestRun",)),
    # BG-010 `status.*=.*processing` after "Reprise du flux ☕ — étape 2/3 🚀": column counts code points
    ("app/services/job_updates.py", 12, 55, "BG-010", ("Use 'running' instead of 'processing'",)),
    # BG-030: the scan never sets status = "running" (started_at is there); no class -> line 1
    ("app/tasks/code_quality_scan.py", 1, 1, "BG-030", ('status = "running"',)),
    # BG-031: the scan never records completed_at
    ("app/tasks/code_quality_scan.py", 1, 1, "BG-031", ("completed_at",)),
    # BG-032: no `except` anywhere in the (CRLF) export task
    ("app/tasks/export_tasks.py", 1, 1, "BG-032", ("except",)),
    # BG-032: no `try:` either
    ("app/tasks/export_tasks.py", 1, 1, "BG-032", ("try:",)),
    # BG-010 `status.*=.*processing` on line 26 of a CRLF file
    ("app/tasks/export_tasks.py", 26, 13, "BG-010", ("Use 'running' instead of 'processing'",)),
    # BG-031 must_contain_one_of: only the legacy "done"/"error", neither completed nor failed
    ("app/tasks/letzshop_tasks.py", 1, 1, "BG-031", ('status = "completed"', 'status = "failed"')),
    # BG-032: status = "failed" is missing (it sets the legacy "error")
    ("app/tasks/letzshop_tasks.py", 1, 1, "BG-032", ('status = "failed"',)),
    # BG-010 `status.*=.*fetching`: job.status = "fetching"
    ("app/tasks/letzshop_tasks.py", 24, 13, "BG-010", ("Use 'running' instead of 'fetching'",)),
    # BG-033 entry: the task never opens SessionLocal()
    ("app/tasks/test_runner.py", 1, 1, "BG-033", ("SessionLocal()",)),
    # BG-033 anti-pattern `def.*task.*db.*Session`: `async def run_tests_task(run_id: int, db: Session)`, match at `def`
    ("app/tasks/test_runner.py", 18, 7, "BG-033", ("Don't pass request db session to background tasks",)),
    # BG-010 has no patterns, so it checks every file, Markdown too: the guide's "Before" block
    ("docs/status-migration.md", 18, 5, "BG-010", ("Use 'running' instead of 'processing'",)),
    # BG-010: same block, the fetching line
    ("docs/status-migration.md", 19, 5, "BG-010", ("Use 'running' instead of 'fetching'",)),
    # BG-001: no `status = Column` in ArchitectureScan; on its class line
    ("models/database/architecture_scan.py", 10, 1, "BG-001", ("status = Column",)),
    # BG-002 (models/database/*_job.py): ExportJob has started_at but no completed_at (CRLF file)
    ("models/database/export_job.py", 10, 1, "BG-002", ("completed_at",)),
    # BG-003: no error_message; on the FIRST class of the file, LetzshopCredentials
    ("models/database/letzshop.py", 10, 1, "BG-003", ("error_message",)),
    # BG-004: TestRun has no triggered_by; on `class TestRun(Base):` (line 12), NOT on docstring line 2,
    # which merely starts with the word "class" (wrapped prose, not a class definition)
    ("models/database/test_run.py", 12, 1, "BG-004", ("triggered_by",)),
    # BG-040: contains BackgroundTasks (the when_contains gate) and init, but no activeTask; JS -> line 1
    ("static/admin/js/code-quality.js", 1, 1, "BG-040", ("activeTask",)),
    # BG-041 `setInterval.*1000` also matches a 10000 interval ...
    ("static/admin/js/code-quality.js", 15, 33, "BG-041", ("1 second polling is too frequent",)),
    # BG-041 ... and `setInterval.*10000` matches it too: two findings on one line (should_match passes: 4000)
    ("static/admin/js/code-quality.js", 15, 33, "BG-041", ("10 second polling may feel unresponsive",)),
    # BG-041 `setInterval.*1000` after '⏱️' (2 code points) and '🚀' (1 code point, 2 UTF-16 units)
    ("static/admin/js/dashboard.js", 15, 71, "BG-041", ("1 second polling is too frequent",)),
    # BG-041 should_match `setInterval.*[3-5]000` fails (only 2000): on the first line containing `setInterval`
    ("static/admin/js/session-heartbeat.js", 9, 1, "BG-041", ("setInterval.*[3-5]000",)),
])
# fmt: on

# Not reported, on purpose (see the example's README):
# - suppressed: app/services/background_tasks_service.py:21 (both BG-010 patterns, comment on line 20),
#   app/services/job_updates.py:17 (BG-010, comment on the same line),
#   docs/status-migration.md:31 (BG-010, `<!-- archrules: ignore[BG-010] ... -->` on line 30),
#   static/admin/js/test-runner.js:31 (BG-041, comment on line 30);
# - out of scope: BG-033's anti-pattern on API handlers (`background_tasks: BackgroundTasks, db: Session`),
#   BG-021's anti-patterns in app/tasks/test_runner.py, static/admin/js/vendor/x.js,
#   static/shared/js/background-tasks.js, models/database/legacy/order_sync_job.py;
# - BG-040 on files without BackgroundTasks (dashboard.js, session-heartbeat.js);
# - BG-020 on compliant endpoints (dict literal, `job_id=` keyword, local dict variable, run_id ones).

KEYS = Counter((p, ln, col, rule) for p, ln, col, rule, _ in EXPECTED)

# Rules whose findings here carry a safe rule fix (each inserts the suggested column into the model).
FIXABLE = {"BG-001", "BG-002", "BG-003", "BG-004"}


def _rules() -> dict[str, dict]:
    data = yaml.safe_load(RULE_FILE.read_text(encoding="utf-8"))
    return {r["id"]: r for r in data["background_task_rules"]}


def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, NO_COLOR="1")
    env.pop("FORCE_COLOR", None)
    return subprocess.run(
        [str(ARCHRULES), "check", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )


def _json(proc: subprocess.CompletedProcess) -> dict:
    try:
        return json.loads(proc.stdout)
    except json.JSONDecodeError:  # pragma: no cover - shown on failure only
        pytest.fail(f"not JSON (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}")


def _keys(doc: dict) -> Counter:
    return Counter((f["path"], f["line"], f["column"], f["rule"]) for f in doc["findings"])


def _diff(got: Counter, want: Counter) -> str:
    missing = sorted((want - got).elements())
    extra = sorted((got - want).elements())
    return "missing:\n  " + "\n  ".join(map(str, missing)) + "\nunexpected:\n  " + "\n  ".join(map(str, extra))


# ---------------------------------------------------------------- the example itself


def test_our_shipped_copy_of_the_seed_differs_only_in_bg041_and_its_examples():
    # the example's rule file is the seed as written; rules/background-tasks.yaml is ours
    from archrules_lsp.engine import load_rule_files
    from archrules_lsp.engine.record import replace

    def comparable(path):
        rules = load_rule_files([str(path)]).rules
        return {r.id: replace(r, location=None, examples=(), patterns=tuple(
            replace(p, location=None) for p in r.patterns), anti_patterns=tuple(
            replace(a, location=None) for a in r.anti_patterns)) for r in rules}

    seed, ours = comparable(RULE_FILE), comparable(REPO / "rules" / "background-tasks.yaml")
    assert seed.keys() == ours.keys()
    assert [i for i in seed if seed[i] != ours[i]] == ["BG-041"]


def test_example_sources_are_what_the_expectations_assume():
    for path in EXAMPLE.rglob("*.py"):
        ast.parse(path.read_bytes(), filename=str(path))  # every Python file parses
    for rel in ("app/tasks/export_tasks.py", "models/database/export_job.py"):
        data = (EXAMPLE / rel).read_bytes()
        assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b""), f"{rel} must be CRLF only"
    line = (EXAMPLE / "app/services/job_updates.py").read_text(encoding="utf-8").split("\n")[11]
    assert "☕" in line and "🚀" in line and line.index('status="processing"') == 54
    line = (EXAMPLE / "static/admin/js/dashboard.js").read_text(encoding="utf-8").split("\n")[14]
    assert "🚀" in line and line.index("setInterval") == 70
    assert not (EXAMPLE / "app" / "tasks" / "__init__.py").exists()  # would need the task boilerplate
    assert not (EXAMPLE / "pyproject.toml").exists()  # discovery must find .architecture-rules/


def test_every_rule_has_a_planted_violation():
    assert {rule for _, _, _, rule, _ in EXPECTED} == set(_rules())


# ---------------------------------------------------------------- JSON output


@pytest.fixture(scope="module", params=["--root", "cwd"])
def json_run(request) -> tuple[subprocess.CompletedProcess, dict]:
    if request.param == "--root":
        proc = _run("--format", "json", "--root", str(EXAMPLE))
    else:
        proc = _run("--format", "json", cwd=EXAMPLE)
    return proc, _json(proc)


def test_json_findings_are_exactly_the_expected_ones(json_run):
    proc, doc = json_run
    assert doc["errors"] == [], doc["errors"]
    got = _keys(doc)
    assert got == KEYS, _diff(got, KEYS)
    assert proc.returncode == 1, proc.stderr  # error-severity findings, no rule-file errors
    assert doc.get("notes", []) == [], doc["notes"]  # every Python file parses


def test_json_from_a_subfolder_keeps_root_relative_paths():
    """From app/tasks/ without --root: discovery walks up; `.` limits the check to that folder."""
    proc = _run("--format", "json", ".", cwd=EXAMPLE / "app" / "tasks")
    doc = _json(proc)
    want = Counter({k: n for k, n in KEYS.items() if k[0].startswith("app/tasks/")})
    got = _keys(doc)
    assert got == want, _diff(got, want)
    assert proc.returncode == 1, proc.stderr


def test_json_findings_carry_severity_message_and_suggestion(json_run):
    """Checked per (path, rule), independently of the positions (the test above checks those)."""
    _, doc = json_run
    rules = _rules()
    by_file_rule: dict[tuple, list[dict]] = {}
    for f in doc["findings"]:
        by_file_rule.setdefault((f["path"], f["rule"]), []).append(f)
    problems = []
    for path, line, col, rule, mentions in EXPECTED:
        candidates = by_file_rule.get((path, rule), [])
        # several findings of one rule in a file are told apart by what their message names
        match = next((f for f in candidates if all(m in f["message"] for m in mentions)), None)
        if match is None:
            problems.append(f"{path}:{line}:{col} {rule}: no message naming {mentions} "
                            f"in {[f['message'] for f in candidates]}")
            continue
        candidates.remove(match)
        if match["severity"] != rules[rule]["severity"]:
            problems.append(f"{path}:{line} {rule}: severity {match['severity']!r}, "
                            f"rule says {rules[rule]['severity']!r}")
        # the rule's text; a YAML block scalar's trailing newline may be dropped
        if match["suggestion"].rstrip("\n") != rules[rule]["suggestion"].rstrip("\n"):
            problems.append(f"{path}:{line} {rule}: suggestion {match['suggestion']!r}")
        if (match["end_line"], match["end_column"]) < (match["line"], match["column"]):
            problems.append(f"{path}:{line} {rule}: span ends before it starts")
    assert not problems, "\n".join(problems)


def test_bg001_finding_carries_the_suggested_column_as_fix(json_run):
    _, doc = json_run
    [finding] = [
        f for f in doc["findings"] if f["rule"] == "BG-001" and f["path"] == "models/database/architecture_scan.py"
    ]
    fix = finding["fix"]
    assert fix, finding
    wanted = 'status = Column(String(30), nullable=False, default="pending", index=True)'
    edits = [e for e in fix["edits"] if wanted in e["new_text"]]
    assert edits, fix
    # applying the edit (an insertion) by hand gives a file that still parses, with the column in the class
    text = (EXAMPLE / "models/database/architecture_scan.py").read_text(encoding="utf-8")
    lines = text.split("\n")
    edit = edits[0]
    assert (edit["line"], edit["column"]) == (edit["end_line"], edit["end_column"]) and edit["column"] == 1
    new_lines = lines[: edit["line"] - 1] + [edit["new_text"].rstrip("\n")] + lines[edit["line"] - 1 :]
    tree = ast.parse("\n".join(new_lines))
    [cls] = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "ArchitectureScan"]
    assigned = {t.id for n in cls.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}
    assert "status" in assigned


def test_fix_on_a_copy_keeps_python_valid_and_removes_bg001(tmp_path):
    root = tmp_path / "background-tasks"
    shutil.copytree(EXAMPLE, root)
    proc = _run("--fix", "--format", "json", "--root", str(root))
    doc = _json(proc)
    assert doc["errors"] == []
    assert proc.returncode == 1, proc.stderr  # errors remain (BG-020, BG-021, ...)
    for path in root.rglob("*.py"):
        ast.parse(path.read_bytes(), filename=str(path))
    assert 'status = Column(String(30), nullable=False, default="pending", index=True)' in (
        root / "models/database/architecture_scan.py"
    ).read_text(encoding="utf-8")
    got = _keys(doc)
    assert ("models/database/architecture_scan.py", 10, 1, "BG-001") not in got
    # only the models' missing-column findings can be fixed; everything else is reported as before
    unfixable = Counter({k: n for k, n in KEYS.items() if k[3] not in FIXABLE})
    assert Counter({k: n for k, n in got.items() if k[3] not in FIXABLE}) == unfixable, _diff(got, unfixable)
    assert set(got) - set(KEYS) == set(), _diff(got, KEYS)
    # the CRLF model keeps its line endings whether or not a fix touched it
    data = (root / "models/database/export_job.py").read_bytes()
    assert b"\n" not in data.replace(b"\r\n", b"")
    # the original example is untouched
    assert "status = Column" not in (EXAMPLE / "models/database/architecture_scan.py").read_text(encoding="utf-8")


# ---------------------------------------------------------------- text output


def test_text_output_lines_and_exit_status():
    proc = _run("--color", "never", cwd=EXAMPLE)  # text paths are relative to the current folder
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    bg001 = [ln for ln in lines if ln.startswith("models/database/architecture_scan.py:10:1: BG-001 [error] ")]
    assert len(bg001) == 1 and "status = Column" in bg001[0], proc.stdout
    assert "app/services/job_updates.py:12:55: BG-010 [warning] Use 'running' instead of 'processing'" in lines
    assert "static/admin/js/dashboard.js:15:71: BG-041 [info] 1 second polling is too frequent" in lines
    assert "app/tasks/export_tasks.py:26:13: BG-010 [warning] Use 'running' instead of 'processing'" in lines
    finding_lines = [ln for ln in lines if ln.split(": ", 1)[0].count(":") == 2 and " [" in ln]
    assert len(finding_lines) == sum(KEYS.values()), proc.stdout
    assert not any("vendor/x.js" in ln or "legacy/order_sync_job.py" in ln for ln in lines)
