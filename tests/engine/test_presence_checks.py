"""must_contain, must_contain_one_of, must_reference, when_contains, should_match."""

from .conftest import run

MODEL_RULES = """
g:
  - id: BG-003
    name: models need error_message
    severity: warning
    patterns:
      - file: "models/database/*.py"
        must_contain: ["error_message", "triggered_by"]
"""

MODEL = '''"""Jobs."""
from sqlalchemy import Column

class ExportJob(Base):
    id = Column(Integer)
'''


def test_one_finding_per_missing_string_on_the_first_class_line():
    res = run(MODEL_RULES, "models/database/export_job.py", MODEL)
    got = [(f.rule_id, f.span.line, f.message) for f in res.findings]
    assert got == [
        ("BG-003", 3, "missing `error_message` (BG-003: models need error_message)"),
        ("BG-003", 3, "missing `triggered_by` (BG-003: models need error_message)"),
    ]
    # the whole class line is the range, so hovering anywhere on it reaches the finding
    assert res.findings[0].span.column == 0 and res.findings[0].span.end_column == len("class ExportJob(Base):")


def test_present_strings_are_not_reported_and_other_files_are_out_of_scope():
    text = MODEL + "    error_message = 1\n    triggered_by = 2\n"
    assert run(MODEL_RULES, "models/database/export_job.py", text).findings == ()
    assert run(MODEL_RULES, "models/other/export_job.py", MODEL).findings == ()


def test_missing_content_without_a_class_goes_on_line_one():
    res = run(MODEL_RULES, "models/database/x.py", "import os\n")
    assert {f.span.line for f in res.findings} == {0}


def test_must_contain_one_of_reports_once_when_none_occurs():
    rules = """
    g:
      - id: BG-031
        name: final status
        patterns:
          - file: "app/tasks/*.py"
            must_contain_one_of: ['status = "completed"', 'status = "failed"']
    """
    res = run(rules, "app/tasks/a.py", "def run():\n    pass\n")
    assert [f.message for f in res.findings] == [
        'missing one of `status = "completed"`, `status = "failed"` (BG-031: final status)'
    ]
    assert run(rules, "app/tasks/a.py", 'job.status = "failed"\n').findings == ()


def test_must_reference_needs_whole_identifiers():
    rules = """
    g:
      - id: BG-022
        name: registered
        patterns:
          - file: "svc.py"
            must_reference: [TestRun, ArchitectureScan]
    """
    text = "from m import TestRunner, ArchitectureScan\nMODELS = [TestRunner, ArchitectureScan]\n"
    res = run(rules, "svc.py", text)
    assert [f.message for f in res.findings] == ["`TestRun` is never referenced (BG-022: registered)"]
    assert run(rules, "svc.py", "x = {'t': TestRun, 'a': ArchitectureScan}\n").findings == ()


def test_when_contains_gates_its_own_entry_only():
    rules = """
    g:
      - id: BG-040
        name: status on return
        patterns:
          - file: "static/*.js"
            when_contains: BackgroundTasks
            must_contain: [activeTask]
        anti_patterns:
          - pattern: "setInterval.*1000"
            message: too frequent
    """
    plain = "setInterval(poll, 1000);\n"
    res = run(rules, "static/a.js", plain)
    # gate closed: no must_contain finding, but the anti-pattern still applies
    assert [f.message for f in res.findings] == ["too frequent"]
    res = run(rules, "static/a.js", "// BackgroundTasks\n" + plain)
    assert sorted(f.message for f in res.findings) == [
        "missing `activeTask` (BG-040: status on return)", "too frequent",
    ]


def test_when_contains_list_opens_on_any_string():
    rules = """
    g:
      - id: BG-021
        name: use BackgroundTasks
        patterns:
          - file: "app/api/v1/**/*.py"
            must_contain: "BackgroundTasks"
            when_contains: ["import_", "export_", "run_scan", "execute_"]
    """
    assert run(rules, "app/api/v1/a.py", "def list_items(): ...\n").findings == ()
    res = run(rules, "app/api/v1/admin/a.py", "def trigger():\n    run_scan()\n")
    assert [f.message for f in res.findings] == ["missing `BackgroundTasks` (BG-021: use BackgroundTasks)"]


def test_should_match_reports_on_the_first_gating_line():
    rules = """
    g:
      - id: BG-041
        name: polling interval
        severity: info
        patterns:
          - file: "static/admin/js/*.js"
            when_contains: "setInterval"
            should_match: "setInterval.*[3-5]000"
    """
    text = "init() {\n  this.t = setInterval(() => this.poll(), 2000);\n}\n"
    res = run(rules, "static/admin/js/a.js", text)
    assert [(f.span.line, f.message) for f in res.findings] == [
        (1, "no line matches `setInterval.*[3-5]000` (BG-041: polling interval)")
    ]
    assert res.findings[0].severity.value == "info"
    assert run(rules, "static/admin/js/a.js", "setInterval(f, 5000)\n").findings == ()
    assert run(rules, "static/admin/js/a.js", "nothing here\n").findings == ()  # gate closed


def test_a_docstring_line_starting_with_class_is_not_the_anchor():
    text = '"""Test runs.\n\nclass below, with its outcome.\n"""\n\n\nclass TestRun(Base):\n    id = 1\n'
    res = run(MODEL_RULES, "models/database/test_run.py", text)
    assert {f.span.line for f in res.findings} == {6}


def test_a_file_that_does_not_parse_still_anchors_on_its_class_line():
    res = run(MODEL_RULES, "models/database/x.py", "import os\n\nclass Job(Base):\n    id = (\n")
    assert {f.span.line for f in res.findings} == {2}
