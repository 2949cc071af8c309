"""anti_patterns: per-line regexes, their scope, spans and `fix`."""

from .conftest import run

RULES = """
g:
  - id: BG-010
    name: Use standard status values
    anti_patterns:
      - pattern: "status.*=.*processing"
        message: "Use 'running' instead of 'processing'"
  - id: BG-021
    name: BackgroundTasks
    patterns:
      - file: "app/api/v1/**/*.py"
        must_contain: "BackgroundTasks"
        when_contains: ["import_"]
    anti_patterns:
      - pattern: "subprocess\\\\.run.*wait.*True"
        message: "Don't wait synchronously"
      - pattern: "time\\\\.sleep"
        file: "app/api/**/*.py"
        message: "Don't use time.sleep in API handlers"
  - id: BG-033
    name: separate sessions
    patterns:
      - file: "app/tasks/*.py"
        must_contain: "SessionLocal()"
    anti_patterns:
      - pattern: "def.*task.*db.*Session"
        message: "Don't pass request db session to background tasks"
"""


def ids(path, text):
    return [(f.rule_id, f.span.line, f.message) for f in run(RULES, path, text).findings]


def test_rule_without_patterns_applies_to_every_file():
    for path in ("docs/notes.md", "static/js/x.js", "app/x.py"):
        assert ids(path, 'job.status = "processing"\n') == [("BG-010", 0, "Use 'running' instead of 'processing'")]


def test_anti_pattern_without_file_is_scoped_to_its_rules_pattern_files():
    line = "subprocess.run(cmd, wait=True)\n"
    assert ids("app/api/v1/admin/x.py", line) == [("BG-021", 0, "Don't wait synchronously")]
    assert ids("app/services/x.py", line) == []


def test_anti_pattern_with_its_own_file_glob():
    line = "    time.sleep(5)\n"
    assert ids("app/api/health.py", line) == [("BG-021", 0, "Don't use time.sleep in API handlers")]
    assert ids("app/services/x.py", line) == []


def test_bg033_does_not_flag_fastapi_handlers_outside_tasks():
    handler = "async def trigger_task(background_tasks: BackgroundTasks, db: Session = Depends(get_db)):\n"
    assert [i for i in ids("app/api/v1/scans.py", handler) if i[0] == "BG-033"] == []
    task = "def run_scan_task(job_id: int, db: Session):\n    db = SessionLocal()\n"
    assert ids("app/tasks/scan.py", task) == [("BG-033", 0, "Don't pass request db session to background tasks")]


def test_span_is_the_match_and_every_matching_line_is_reported():
    res = run(RULES, "a.py", 'x = 1\nif True: status = "processing"\nstatus="processing"\n')
    assert [(f.span.line, f.span.column, f.span.end_column) for f in res.findings] == [(1, 9, 29), (2, 0, 18)]


def test_anti_pattern_fix_replaces_the_match_with_groups():
    rules = r"""
    g:
      - id: X-1
        name: legacy status
        anti_patterns:
          - pattern: 'status = "(processing|fetching)"'
            message: legacy value \1
            fix: 'status = "running"  # was \1'
    """
    res = run(rules, "a.py", 'job.status = "fetching"\n')
    (f,) = res.findings
    fix = f.rule_fix
    assert fix is not None and fix.safe
    (edit,) = fix.edits
    assert (edit.span.column, edit.span.end_column) == (4, 23)
    assert edit.new_text == 'status = "running"  # was fetching'


def test_severity_overrides_select_and_ignore():
    text = 'status = "processing"\ntime.sleep(1)\n'
    path = "app/api/v1/x.py"
    all_ids = {f.rule_id for f in run(RULES, path, text).findings}
    assert all_ids == {"BG-010", "BG-021"}
    assert {f.rule_id for f in run(RULES, path, text, select=("BG-01",)).findings} == {"BG-010"}
    assert {f.rule_id for f in run(RULES, path, text, ignore=("BG-010",)).findings} == {"BG-021"}
    assert {f.rule_id for f in run(RULES, path, text, severity_overrides={"BG-021": "off"}).findings} == {"BG-010"}
    res = run(RULES, path, text, severity_overrides={"BG-010": "error"})
    assert {f.rule_id: f.severity.value for f in res.findings}["BG-010"] == "error"
