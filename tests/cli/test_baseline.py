"""`archrules baseline` and `check` with a baseline, through the installed console script."""

from __future__ import annotations

import json

import pytest

from .conftest import make_project, run, run_json, write_files
from .test_formats import _sarif_schema

BASELINE = ".archrules-baseline.json"

ENDPOINT_RULES = r'''
rules:
  - id: API-1
    name: Endpoints return a job id
    severity: error
    patterns:
      - file: "api/*.py"
        endpoint_pattern: '@router\.post'
        must_return: job_id
'''


def baseline(project, *args):
    proc = run(["baseline", *args], project)
    assert proc.returncode == 0, proc.stderr
    return proc


def test_baseline_freezes_findings_and_check_leaves_them_out(project):
    proc = baseline(project)
    assert proc.stdout.splitlines() == [f"Baselined 3 findings in {BASELINE}:",
                                        "  1  BG-001", "  1  BG-010", "  1  BG-020"]
    check = run(["check"], project)
    assert check.returncode == 0, check.stdout
    assert check.stdout == f"All checks passed.\n3 findings baselined ({BASELINE})\n"


def test_no_baseline_reports_everything(project):
    baseline(project)
    proc = run(["check", "--no-baseline"], project)
    assert proc.returncode == 1
    assert "Found 3 findings" in proc.stdout
    assert "baselined" not in proc.stdout


def test_lines_inserted_above_keep_findings_baselined(project):
    baseline(project)
    scan = project / "app/tasks/scan.py"
    scan.write_text("import logging\n\n\n" + scan.read_text())
    job = project / "models/import_job.py"
    job.write_text("# a comment\n" + job.read_text())
    proc = run(["check"], project)
    assert proc.returncode == 0, proc.stdout
    assert "3 findings baselined" in proc.stdout


def test_editing_the_offending_line_makes_it_new(project):
    baseline(project)
    scan = project / "app/tasks/scan.py"
    scan.write_text(scan.read_text().replace('job.status = "processing"', 'other.status = "processing"'))
    proc = run(["check", "--fail-on", "warning"], project)
    assert proc.returncode == 1
    assert "app/tasks/scan.py:2:11: BG-010" in proc.stdout
    assert "2 findings baselined" in proc.stdout


def test_a_second_identical_violation_counts(project):
    baseline(project)
    scan = project / "app/tasks/scan.py"
    scan.write_text(scan.read_text() + '    job.status = "processing"\n')
    proc = run(["check"], project)
    assert proc.stdout.splitlines()[:2] == [
        "app/tasks/scan.py:4:9: BG-010 [warning] Use 'running' instead of 'processing'",
        "Found 1 finding (1 warning) in 1 file."]
    assert "3 findings baselined" in proc.stdout


def test_whitespace_changes_on_the_line_keep_it_baselined(project):
    baseline(project)
    scan = project / "app/tasks/scan.py"
    scan.write_text(scan.read_text().replace('job.status = "processing"', 'job.status  =  "processing"  '))
    assert "3 findings baselined" in run(["check"], project).stdout


def test_endpoint_findings_are_keyed_by_function_name(tmp_path):
    api = 'from x import router\n\n@router.post("/a")\ndef create():\n    return {"id": 1}\n'
    project = make_project(tmp_path / "p", {"api/jobs.py": api}, rules=ENDPOINT_RULES)
    baseline(project)
    entries = json.loads((project / BASELINE).read_text())["findings"]
    assert entries == [{"path": "api/jobs.py", "rule": "API-1", "kind": "endpoint", "what": "create",
                        "occurrence": 1}]
    (project / "api/jobs.py").write_text("import os\n" + api.replace('"/a"', '"/b"'))
    assert run(["check"], project).returncode == 0
    (project / "api/jobs.py").write_text(api + '\n@router.post("/c")\ndef other():\n    return {}\n')
    proc = run(["check"], project)
    assert proc.returncode == 1
    assert "endpoint `other`" in proc.stdout and "endpoint `create`" not in proc.stdout


def test_presence_finding_stays_baselined_until_a_new_file_lacks_it(project):
    baseline(project)
    write_files(project, {"models/export_job.py": "class ExportJob:\n    id = 1\n"})
    proc = run(["check"], project)
    assert proc.returncode == 1
    assert "models/export_job.py:1:1: BG-001" in proc.stdout
    assert "models/import_job.py" not in proc.stdout


def test_file_is_deterministic_sorted_and_one_entry_per_line(tmp_path):
    files = {f"app/tasks/t{i}.py": 'print(1)\nprint(1)\nx.status = "processing"\n' for i in range(60)}
    project = make_project(tmp_path / "p", files)
    baseline(project, "-j", "1")
    first = (project / BASELINE).read_bytes()
    baseline(project, "-j", "2")
    assert (project / BASELINE).read_bytes() == first
    lines = first.decode().splitlines()
    assert lines[:3] == ["{", '  "version": 1,', '  "findings": [']
    rows = [json.loads(line.strip().rstrip(",")) for line in lines[3:-2]]
    assert len(rows) == 60 * 3
    assert rows == sorted(rows, key=lambda r: (r["path"], r["rule"], r["kind"], r["what"], r["occurrence"]))
    assert {"path": "app/tasks/t0.py", "rule": "BG-020", "kind": "line", "what": "print(1)",
            "occurrence": 2} in rows
    assert lines[-2:] == ["  ]", "}"]


@pytest.mark.parametrize("content, says", [
    ("", "not valid JSON"),
    ("{not json", "not valid JSON"),
    ("[]", "not a baseline"),
    ('{"version": 2, "findings": []}', "unsupported version 2"),
    ('{"version": 1, "findings": {}}', "'findings' must be a list"),
    ('{"version": 1, "findings": [{"path": "a.py"}]}', "findings[0]: expected an object"),
    ('{"version": 1, "findings": [{"path": "a", "rule": "R", "kind": "line", "what": "x", "occurrence": 0}]}',
     "findings[0]: 'occurrence'"),
    ('{"version": 1, "findings": [{"path": "a", "rule": "R", "kind": "odd", "what": "x", "occurrence": 1}]}',
     "findings[0]: 'kind' must be one of"),
    ('{"version": 1, "findings": [], "extra": 1}', "unknown key 'extra'"),
])
def test_a_malformed_baseline_is_an_error(project, content, says):
    (project / BASELINE).write_text(content)
    for fmt in ("text", "json"):
        proc = run(["check", "--format", fmt], project)
        assert proc.returncode == 2, proc.stdout
        assert f"archrules: error: {BASELINE}: invalid baseline: {says}" in proc.stderr
        assert "Traceback" not in proc.stderr
    assert run(["check", "--no-baseline"], project).returncode == 1


def test_a_baseline_with_control_characters_is_reported_escaped(project):
    entry = '{"path": "a", "rule": "R", "kind": "\\u001b[31m\\u202e", "what": "x", "occurrence": 1}'
    (project / BASELINE).write_text(f'{{"version": 1, "findings": [{entry}]}}')
    proc = run(["check"], project)
    assert proc.returncode == 2
    assert "\x1b" not in proc.stderr and "\u202e" not in proc.stderr
    assert "\\x1b[31m\\u202e" in proc.stderr


def test_prune_refuses_a_malformed_baseline_and_writing_replaces_it(project):
    (project / BASELINE).write_text("{oops")
    proc = run(["baseline", "--prune"], project)
    assert proc.returncode == 2 and "invalid baseline" in proc.stderr
    proc = run(["baseline"], project)
    assert proc.returncode == 0
    assert "writing a new baseline" in proc.stderr
    assert run(["check"], project).returncode == 0


def test_baseline_option_and_setting_name_the_file(project):
    baseline(project, "--baseline", "ci/frozen.json") if (project / "ci").mkdir() is None else None
    assert (project / "ci/frozen.json").exists() and not (project / BASELINE).exists()
    assert run(["check"], project).returncode == 1  # not found by convention
    proc = run(["check", "--baseline", "ci/frozen.json"], project)
    assert proc.returncode == 0 and "3 findings baselined (ci/frozen.json)" in proc.stdout
    (project / "pyproject.toml").write_text('[tool.archrules]\nbaseline = "ci/frozen.json"\n')
    proc = run(["check"], project / "app")
    assert proc.returncode == 0 and "3 findings baselined (../ci/frozen.json)" in proc.stdout


def test_a_named_baseline_that_does_not_exist_is_an_error(project):
    proc = run(["check", "--baseline", "missing.json"], project)
    assert proc.returncode == 2
    assert "missing.json: invalid baseline: no such file (create it with `archrules baseline`)" in proc.stderr


def test_show_baselined_lists_them_marked(project):
    baseline(project)
    (project / "app/tasks/more.py").write_text("print(2)\n")
    proc = run(["check", "--show-baselined"], project)
    lines = proc.stdout.splitlines()
    assert "app/tasks/scan.py:2:9: BG-010 [warning] Use 'running' instead of 'processing' (baselined)" in lines
    assert "app/tasks/more.py:1:1: BG-020 [info] Use logging, not print" in lines
    assert lines[-2:] == ["Found 1 finding (1 info) in 1 file.", f"3 findings baselined ({BASELINE})"]


def test_json_summary_counts_baselined_and_show_baselined_marks_each(project):
    baseline(project)
    (project / "app/tasks/more.py").write_text("print(2)\n")
    doc, proc = run_json(["check"], project)
    assert proc.returncode == 0
    assert doc["summary"]["baselined"] == 3 and doc["summary"]["findings"] == 1
    assert [f["path"] for f in doc["findings"]] == ["app/tasks/more.py"]
    assert "baselined" not in doc["findings"][0]
    doc, _ = run_json(["check", "--show-baselined"], project)
    assert sorted((f["path"], f["baselined"]) for f in doc["findings"]) == [
        ("app/tasks/more.py", False), ("app/tasks/scan.py", True), ("app/tasks/scan.py", True),
        ("models/import_job.py", True)]
    doc, _ = run_json(["check", "--no-baseline"], project)
    assert doc["summary"]["baselined"] == 0 and doc["summary"]["findings"] == 4


def test_sarif_carries_baselined_results_as_suppressed(project):
    baseline(project)
    (project / "app/tasks/more.py").write_text("print(2)\n")
    proc = run(["check", "--format", "sarif"], project)
    assert proc.returncode == 0
    doc = json.loads(proc.stdout)
    schema = _sarif_schema()
    if schema is not None:
        import jsonschema

        jsonschema.validate(doc, schema, cls=jsonschema.Draft4Validator)
    results = doc["runs"][0]["results"]
    suppressed = sorted(r["ruleId"] for r in results if r.get("suppressions") == [{"kind": "external"}])
    assert suppressed == ["BG-001", "BG-010", "BG-020"]
    assert [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results
            if "suppressions" not in r] == ["app/tasks/more.py"]


@pytest.mark.parametrize("fmt", ["jsonl", "github"])
def test_streaming_formats_say_how_many_were_baselined_on_stderr(project, fmt):
    baseline(project)
    proc = run(["check", "--format", fmt], project)
    assert proc.returncode == 0 and proc.stdout == ""
    assert f"3 findings baselined ({BASELINE})" in proc.stderr


def test_strict_baseline_fails_on_fixed_entries_and_prune_ratchets(project):
    baseline(project)
    scan = project / "app/tasks/scan.py"
    scan.write_text(scan.read_text().replace('print("hi")', "pass"))
    assert run(["check"], project).returncode == 0
    proc = run(["check", "--strict-baseline"], project)
    assert proc.returncode == 1
    assert "1 baseline entry is fixed (--strict-baseline)" in proc.stderr
    assert "app/tasks/scan.py: BG-020 line 'print(\"hi\")' (#1)" in proc.stderr
    (project / "app/tasks/more.py").write_text("print(2)\n")  # new: prune must not add it
    proc = baseline(project, "--prune")
    assert proc.stdout.splitlines()[0] == f"Pruned 1 fixed entry from {BASELINE}; 2 findings remain baselined."
    assert [e["rule"] for e in json.loads((project / BASELINE).read_text())["findings"]] == ["BG-010", "BG-001"]
    proc = run(["check", "--strict-baseline"], project)
    assert proc.returncode == 0 and "Found 1 finding (1 info)" in proc.stdout


def test_strict_baseline_counts_deleted_files_but_not_files_outside_the_paths(project):
    baseline(project)
    (project / "models/import_job.py").unlink()
    assert run(["check", "--strict-baseline", "app"], project).returncode == 0
    proc = run(["check", "--strict-baseline"], project)
    assert proc.returncode == 1 and "models/import_job.py: BG-001 missing" in proc.stderr


def test_strict_baseline_ignores_rules_not_selected(project):
    baseline(project)
    (project / "models/import_job.py").write_text("class ImportJob:\n    status = Column()\n")
    assert run(["check", "--strict-baseline", "--select", "BG-010"], project).returncode == 0
    assert run(["check", "--strict-baseline"], project).returncode == 1


def test_baseline_of_a_path_keeps_the_other_entries(project):
    baseline(project)
    (project / "app/tasks/more.py").write_text("print(2)\n")
    (project / "models/import_job.py").write_text("class ImportJob:\n    status = Column()\n")
    baseline(project, "app")
    rows = json.loads((project / BASELINE).read_text())["findings"]
    assert sorted((r["path"], r["rule"]) for r in rows) == [
        ("app/tasks/more.py", "BG-020"), ("app/tasks/scan.py", "BG-010"), ("app/tasks/scan.py", "BG-020"),
        ("models/import_job.py", "BG-001")]


def test_the_baseline_file_is_never_checked_as_source(tmp_path):
    rules = ("rules:\n  - id: ANY-1\n    name: no TODO\n    anti_patterns:\n"
             "      - pattern: TODO\n        message: no TODO\n")
    project = make_project(tmp_path / "p", {"a.py": "# TODO\n"}, rules=rules)
    baseline(project)
    proc = run(["check", "--show-baselined"], project)
    assert proc.returncode == 0
    assert BASELINE + ":" not in proc.stdout


def test_baseline_refuses_to_write_with_rule_file_errors(project):
    (project / ".architecture-rules.yaml").write_text("rules:\n  - id: X\n    severity: loud\n")
    proc = run(["baseline"], project)
    assert proc.returncode == 2
    assert "the baseline was not written" in proc.stderr
    assert not (project / BASELINE).exists()


def test_a_symlinked_baseline_is_never_written_through_nor_read_from_outside(project, tmp_path):
    outside = tmp_path / "outside.json"
    outside.write_text("keep me\n")
    (project / BASELINE).symlink_to(outside)
    proc = run(["check"], project)
    assert proc.returncode == 2
    assert f"{BASELINE}: a symlink to outside the project: not read" in proc.stderr
    baseline(project)
    assert outside.read_text() == "keep me\n"
    assert not (project / BASELINE).is_symlink()
    assert run(["check"], project).returncode == 0


def test_a_bad_baseline_setting_is_a_configuration_error(project):
    (project / "pyproject.toml").write_text("[tool.archrules]\nbaseline = 3\n")
    proc = run(["check"], project)
    assert proc.returncode == 2
    assert "[tool.archrules]: 'baseline' must be a file name (a string)" in proc.stderr


def test_show_baselined_in_jsonl_and_github(project):
    baseline(project)
    (project / "app/tasks/more.py").write_text("print(2)\n")
    rows = [json.loads(line) for line in run(["check", "--format", "jsonl", "--show-baselined"],
                                             project).stdout.splitlines()]
    assert sorted((r["path"], r["baselined"]) for r in rows)[:2] == [("app/tasks/more.py", False),
                                                                    ("app/tasks/scan.py", True)]
    lines = run(["check", "--format", "github", "--show-baselined"], project).stdout.splitlines()
    assert "::notice file=app/tasks/more.py,line=1,col=1,endLine=1,endColumn=7,title=BG-020::Use logging, not print" \
        in lines
    assert any(line.startswith("::notice file=models/import_job.py,") and "title=BG-001 (baselined)::" in line
               for line in lines)


def test_baseline_refuses_to_write_when_the_config_selects_no_rule(project):
    """A typo in [tool.archrules] select would freeze nothing and pass for a baseline."""
    (project / "pyproject.toml").write_text('[tool.archrules]\nselect = ["BG-1O"]\n')
    proc = run(["baseline"], project)
    assert proc.returncode == 2
    assert "no rule matches 'BG-1O' (select / ignore)" in proc.stderr
    assert not (project / BASELINE).exists()
