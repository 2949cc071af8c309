"""--format gitlab | junit | rdjson, through the installed console script."""

import json
import xml.etree.ElementTree as ET

import jsonschema
import pytest

from .conftest import RULES, make_project, run

CI_FORMATS = ["gitlab", "junit", "rdjson"]

# An unsafe rule fix: the fixed file would no longer parse as Python.
UNSAFE_RULE = r'''
  - id: BG-030
    name: No legacy calls
    severity: warning
    anti_patterns:
      - pattern: 'legacy_call\(\)'
        message: "Replace legacy_call"
        fix: "legacy_call(("
'''
NON_ASCII_LINE = '    café = "é"; job.status = "processing"'
FILES = {
    "models/import_job.py": "from sqlalchemy import Column, String\n\n\nclass ImportJob:\n    id = Column(String)\n",
    "app/tasks/scan.py": f'def run(job):\n{NON_ASCII_LINE}\n    print("hi")\n    legacy_call()\n',
    "app/ok.py": "x = 1\n",
}
CLEAN_FILES = {"app/ok.py": "x = 1\n", "app/tasks/t.py": "x = 1\n", "models/a_job.py": "status = Column\n"}

# GitLab's Code Quality schema is not reachable offline: the fields its documentation
# requires of each issue, written down here.
GITLAB_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "type": {"const": "issue"},
            "description": {"type": "string"},
            "check_name": {"type": "string"},
            "fingerprint": {"type": "string", "minLength": 1},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string"},
                    "lines": {"type": "object", "required": ["begin"],
                              "properties": {"begin": {"type": "integer", "minimum": 1},
                                             "end": {"type": "integer", "minimum": 1}}},
                },
            },
        },
    },
}

# reviewdog's proto/rdf/jsonschema/DiagnosticResult.json (not reachable offline) has the
# same types but requires nothing; this requires what reviewdog needs to place a comment.
_POSITION = {"type": "object", "required": ["line", "column"], "additionalProperties": False,
             "properties": {"line": {"type": "integer", "minimum": 1}, "column": {"type": "integer", "minimum": 1}}}
_RANGE = {"type": "object", "required": ["start"], "additionalProperties": False,
          "properties": {"start": _POSITION, "end": _POSITION}}
RDJSON_SCHEMA = {
    "type": "object",
    "required": ["source", "diagnostics"],
    "properties": {
        "source": {"type": "object", "required": ["name"],
                   "properties": {"name": {"type": "string"}, "url": {"type": "string"}}},
        "diagnostics": {"type": "array", "items": {
            "type": "object",
            "required": ["message", "location", "severity", "code"],
            "additionalProperties": False,
            "properties": {
                "message": {"type": "string"},
                "location": {"type": "object", "required": ["path", "range"],
                             "properties": {"path": {"type": "string"}, "range": _RANGE}},
                "severity": {"enum": ["ERROR", "WARNING", "INFO"]},
                "code": {"type": "object", "required": ["value"],
                         "properties": {"value": {"type": "string"}, "url": {"type": "string"}}},
                "suggestions": {"type": "array", "items": {
                    "type": "object", "required": ["range", "text"],
                    "properties": {"range": _RANGE, "text": {"type": "string"}}}},
            },
        }},
    },
}


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path / "proj", FILES, rules=RULES + UNSAFE_RULE)


def junit_structure(xml_text: str) -> ET.Element:
    """Parsed, and shaped as the common JUnit XSD (Jenkins') has it: testsuites >
    testsuite(name, tests, failures) > testcase(name, classname) > failure(type, message)."""
    root = ET.fromstring(xml_text.encode("utf-8"))
    assert root.tag == "testsuites"
    for suite in root:
        assert suite.tag == "testsuite"
        cases = suite.findall("testcase")
        assert {c.tag for c in suite} <= {"testcase", "system-out"}
        assert int(suite.get("tests")) == len(cases) >= 1
        assert int(suite.get("failures")) == len(suite.findall("testcase/failure"))
        assert suite.get("errors") == suite.get("skipped") == "0"
        for case in cases:
            assert case.get("name") and case.get("classname") == suite.get("name")
            for failure in case:
                assert failure.tag == "failure" and failure.get("type") and failure.get("message")
    return root


def test_gitlab_code_quality_report(project):
    proc = run(["check", "--format", "gitlab"], project)
    assert proc.returncode == 1
    issues = json.loads(proc.stdout)
    jsonschema.validate(issues, GITLAB_SCHEMA)
    by_rule = {i["check_name"]: i for i in issues}
    assert {r: i["severity"] for r, i in by_rule.items()} == {
        "BG-001": "major", "BG-010": "minor", "BG-020": "info", "BG-030": "minor"}
    assert by_rule["BG-010"]["location"] == {"path": "app/tasks/scan.py", "lines": {"begin": 2, "end": 2}}
    assert by_rule["BG-010"]["description"] == "Use 'running' instead of 'processing'"
    assert len({i["fingerprint"] for i in issues}) == len(issues)


def test_gitlab_fingerprints_survive_lines_moving(project):
    before = {i["check_name"]: i for i in json.loads(run(["check", "--format", "gitlab"], project).stdout)}
    scan = project / "app/tasks/scan.py"
    scan.write_text("import logging\n\n" + scan.read_text(encoding="utf-8"), encoding="utf-8")
    after = {i["check_name"]: i for i in json.loads(run(["check", "--format", "gitlab"], project).stdout)}
    assert after["BG-010"]["location"]["lines"]["begin"] == before["BG-010"]["location"]["lines"]["begin"] + 2
    assert {r: i["fingerprint"] for r, i in after.items()} == {r: i["fingerprint"] for r, i in before.items()}
    scan.write_text(scan.read_text(encoding="utf-8").replace('"processing"', '"processing"  # other'),
                    encoding="utf-8")
    changed = {i["check_name"]: i for i in json.loads(run(["check", "--format", "gitlab"], project).stdout)}
    assert changed["BG-010"]["fingerprint"] != before["BG-010"]["fingerprint"]  # another line now


def test_gitlab_identical_lines_have_distinct_fingerprints(tmp_path):
    root = make_project(tmp_path, {"app/tasks/t.py": "print(1)\nprint(1)\n"})
    issues = json.loads(run(["check", "--format", "gitlab"], root).stdout)
    assert [i["location"]["lines"]["begin"] for i in issues] == [1, 2]
    assert issues[0]["fingerprint"] != issues[1]["fingerprint"]


def test_junit_one_suite_per_file(project):
    proc = run(["check", "--format", "junit"], project)
    assert proc.returncode == 1
    root = junit_structure(proc.stdout)
    suites = {s.get("name"): s for s in root}
    assert list(suites) == ["app/ok.py", "app/tasks/scan.py", "models/import_job.py"]
    (ok,) = suites["app/ok.py"]
    assert ok.tag == "testcase" and len(ok) == 0  # passing
    failures = [(c.get("name"), c[0].get("type"), c[0].get("message")) for c in suites["app/tasks/scan.py"]]
    assert failures == [("BG-010 at 2:21", "warning", "Use 'running' instead of 'processing'"),
                        ("BG-020 at 3:5", "info", "Use logging, not print"),
                        ("BG-030 at 4:5", "warning", "Replace legacy_call")]
    assert suites["app/tasks/scan.py"][0][0].text == (
        "app/tasks/scan.py:2:21: BG-010 [warning] Use 'running' instead of 'processing'")


def test_rdjson_columns_in_utf8_bytes_and_only_safe_fixes_suggested(project):
    proc = run(["check", "--format", "rdjson"], project)
    assert proc.returncode == 1
    doc = json.loads(proc.stdout)
    jsonschema.validate(doc, RDJSON_SCHEMA)
    assert doc["source"]["name"] == "archrules"
    by_rule = {d["code"]["value"]: d for d in doc["diagnostics"]}
    assert {r: d["severity"] for r, d in by_rule.items()} == {
        "BG-001": "ERROR", "BG-010": "WARNING", "BG-020": "INFO", "BG-030": "WARNING"}
    start = NON_ASCII_LINE.index('status = "processing"')
    end = start + len('status = "processing"')
    in_bytes = {"start": {"line": 2, "column": len(NON_ASCII_LINE[:start].encode()) + 1},
                "end": {"line": 2, "column": len(NON_ASCII_LINE[:end].encode()) + 1}}
    assert in_bytes["start"]["column"] == start + 1 + 2  # "é" twice: one byte more each
    bg010 = by_rule["BG-010"]
    assert bg010["location"] == {"path": "app/tasks/scan.py", "range": in_bytes}
    assert bg010["suggestions"] == [{"range": in_bytes, "text": 'status = "running"'}]
    # json shows BG-030's fix as unsafe: it is no suggestion
    findings = json.loads(run(["check", "--format", "json"], project).stdout)["findings"]
    assert [f["fix"]["safe"] for f in findings if f["rule"] == "BG-030"] == [False]
    assert "suggestions" not in by_rule["BG-030"] and "suggestions" not in by_rule["BG-020"]


def test_rdjson_code_url_from_the_rule(tmp_path):
    rules = RULES.replace("    severity: info\n", "    severity: info\n    url: https://example.com/bg-020\n")
    root = make_project(tmp_path, {"app/tasks/t.py": "print(1)\n"}, rules=rules)
    (diagnostic,) = json.loads(run(["check", "--format", "rdjson"], root).stdout)["diagnostics"]
    assert diagnostic["code"] == {"value": "BG-020", "url": "https://example.com/bg-020"}


@pytest.mark.parametrize("fmt", CI_FORMATS)
def test_clean_project(tmp_path, fmt):
    root = make_project(tmp_path, CLEAN_FILES)
    proc = run(["check", "--format", fmt], root)
    assert proc.returncode == 0
    if fmt == "gitlab":
        assert json.loads(proc.stdout) == []
    elif fmt == "rdjson":
        assert json.loads(proc.stdout)["diagnostics"] == []
    else:  # one passing testcase per checked file
        suites = junit_structure(proc.stdout)
        assert [(s.get("name"), s.get("tests"), s.get("failures")) for s in suites] == [
            (name, "1", "0") for name in sorted(CLEAN_FILES)]


@pytest.mark.parametrize("fmt", CI_FORMATS)
def test_control_characters_in_names_and_messages(tmp_path, fmt):
    rules = RULES.replace('"Use logging, not print"', r'"Use logging,\x01 not\x1b[31m print"')
    root = make_project(tmp_path, {"app/tasks/bad\x1bname.py": "print(1)\n"}, rules=rules)
    proc = run(["check", "--format", fmt], root)
    assert proc.returncode == 0  # info does not fail the run
    assert "\x1b" not in proc.stdout and "\x01" not in proc.stdout
    if fmt == "junit":  # XML 1.0 cannot hold them: visible escapes instead
        suite = junit_structure(proc.stdout)[0]
        assert suite.get("name") == "app/tasks/bad\\x1bname.py"
        assert suite[0][0].get("message") == "Use logging,\\x01 not\\x1b[31m print"
    else:  # JSON escapes them: the values are exact
        doc = json.loads(proc.stdout)
        (issue,) = doc if fmt == "gitlab" else doc["diagnostics"]
        path = issue["location"]["path"]
        message = issue["description"] if fmt == "gitlab" else issue["message"]
        assert (path, message) == ("app/tasks/bad\x1bname.py", "Use logging,\x01 not\x1b[31m print")


@pytest.mark.parametrize("fmt", CI_FORMATS)
def test_rule_file_errors_exit_2_with_a_valid_document(tmp_path, fmt):
    broken = RULES + ("  - id: BAD-1\n    name: broken regex\n    anti_patterns:\n"
                      "      - pattern: 'x(('\n        message: m\n")
    root = make_project(tmp_path, {"app/tasks/t.py": "print(1)\n"}, rules=broken)
    proc = run(["check", "--format", fmt], root)
    assert proc.returncode == 2
    assert "BAD-1" in proc.stderr
    if fmt == "junit":
        junit_structure(proc.stdout)
    else:
        json.loads(proc.stdout)


@pytest.mark.parametrize("fmt", CI_FORMATS)
def test_worker_processes_give_the_same_output(tmp_path, fmt):
    files = {f"app/tasks/t{i:03}.py": f'def f{i}(job):\n    job.status = "processing"\n    print({i})\n'
             for i in range(80)}
    files["models/import_job.py"] = "class ImportJob:\n    id = 1\n"
    root = make_project(tmp_path, files)
    one = run(["check", "--format", fmt, "--jobs", "1"], root)
    two = run(["check", "--format", fmt, "--jobs", "2"], root)
    assert one.returncode == two.returncode == 1
    assert one.stdout == two.stdout


NOTE_RULES = '''
rules:
  - id: API-1
    name: Trigger endpoints return a job id
    severity: error
    patterns:
      - file: "api/*.py"
        endpoint_pattern: "@router.post"
        must_return: "job_id"
'''


@pytest.mark.parametrize("fmt", CI_FORMATS)
def test_engine_notes_are_never_silent(tmp_path, fmt):
    root = make_project(tmp_path, {"api/jobs.py": '@router.post("/run")\ndef run(:\n    return {"job_id": 1}\n'},
                        rules=NOTE_RULES)
    proc = run(["check", "--format", fmt], root)
    assert proc.returncode == 0  # a note is not a finding
    if fmt == "junit":  # the file's suite holds it
        (suite,) = junit_structure(proc.stdout)
        assert suite.find("system-out").text.startswith("api/jobs.py:2:1: note: ")
        assert "does not parse" in suite.find("system-out").text
    else:  # the document has no place for it: stderr, as text
        json.loads(proc.stdout)
        assert proc.stderr.startswith("api/jobs.py:2:1: note: ") and "does not parse" in proc.stderr


@pytest.mark.parametrize("fmt", CI_FORMATS)
def test_baselined_findings_are_left_out(tmp_path, fmt):
    root = make_project(tmp_path, {"app/tasks/t.py": "print(1)\n"})
    assert run(["baseline"], root).returncode == 0
    (root / "app/tasks/t.py").write_text("print(1)\nprint(2)\n", encoding="utf-8")
    proc = run(["check", "--format", fmt, "--show-baselined"], root)
    assert proc.returncode == 0
    if fmt == "junit":
        (suite,) = junit_structure(proc.stdout)
        assert [c.get("name") for c in suite] == ["BG-020 at 2:1"]
    else:
        doc = json.loads(proc.stdout)
        items = doc if fmt == "gitlab" else doc["diagnostics"]
        lines = [i["location"]["lines"]["begin"] if fmt == "gitlab" else i["location"]["range"]["start"]["line"]
                 for i in items]
        assert lines == [2]
