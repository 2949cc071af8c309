"""--fix: safe rule fixes applied, files rewritten only when changed, line endings kept."""

import ast
import os

from .conftest import make_project, run, run_json


def test_fix_applies_safe_fixes_and_reports_what_remains(project):
    untouched = project / "app" / "ok.py"
    before = os.stat(untouched).st_mtime_ns
    proc = run(["check", "--fix"], project)
    assert proc.stdout.splitlines()[-2:] == [
        "Fixed 2 findings in 2 files.",
        "Found 1 finding (1 info) in 1 file.",
    ]
    assert "app/tasks/scan.py:3:5: BG-020 [info] Use logging, not print" in proc.stdout
    assert proc.returncode == 0  # the remaining info is below --fail-on error
    scan = (project / "app" / "tasks" / "scan.py").read_text()
    assert scan == 'def run(job):\n    job.status = "running"\n    print("hi")\n'
    model = (project / "models" / "import_job.py").read_text()
    assert "status = Column(String(30)" in model
    for text in (scan, model):
        ast.parse(text)
    assert os.stat(untouched).st_mtime_ns == before
    # a second run finds nothing left to fix
    again = run(["check", "--fix"], project)
    assert "Fixed 0 findings in 0 files." in again.stdout


def test_fix_keeps_crlf_and_bom(tmp_path):
    root = make_project(tmp_path, {
        "app/tasks/win.py": b'\xef\xbb\xbfa = 1\r\njob.status = "processing"\r\nb = 2\r\n',
    })
    run(["check", "--fix"], root)
    assert (root / "app/tasks/win.py").read_bytes() == b'\xef\xbb\xbfa = 1\r\njob.status = "running"\r\nb = 2\r\n'


def test_fix_leaves_non_utf8_files_alone(tmp_path):
    data = 'name = "caf\xe9"\njob.status = "processing"\n'.encode("latin-1")
    root = make_project(tmp_path, {"app/tasks/latin.py": data})
    proc = run(["check", "--fix"], root)
    assert (root / "app/tasks/latin.py").read_bytes() == data
    assert "not valid UTF-8" in proc.stderr
    assert "BG-010" in proc.stdout


def test_fix_with_json_output(project):
    doc, proc = run_json(["check", "--fix"], project)
    assert doc["summary"]["fixed"] == 2
    assert [f["rule"] for f in doc["findings"]] == ["BG-020"]
    assert "Fixed 2 findings in 2 files." in proc.stderr


def test_fix_respects_select(project):
    proc = run(["check", "--fix", "--select", "BG-010"], project)
    assert "Fixed 1 finding in 1 file." in proc.stdout
    assert "status = Column" not in (project / "models" / "import_job.py").read_text()


def test_fix_many_files_in_worker_processes(tmp_path):
    files = {f"app/tasks/t{i:03}.py": f'def f{i}(job):\n    job.status = "processing"\n' for i in range(120)}
    root = make_project(tmp_path, files)
    proc = run(["check", "--fix", "--jobs", "2"], root)
    assert "Fixed 120 findings in 120 files." in proc.stdout
    for rel in files:
        text = (root / rel).read_text()
        assert 'job.status = "running"' in text
        ast.parse(text)


def test_a_fix_that_recreates_its_finding_is_applied_once(tmp_path):
    rules = (
        "g:\n  - id: F-1\n    name: grow\n    anti_patterns:\n"
        "      - pattern: 'foo'\n        message: foo\n        fix: 'foofoo'\n"
    )
    root = make_project(tmp_path, {"a.py": 'a = "foo"\n'}, rules=rules)
    proc = run(["check", "--fix"], root)
    assert (root / "a.py").read_text() == 'a = "foofoo"\n'  # not foo x 2**10
    assert "Fixed 1 finding in 1 file." in proc.stdout + proc.stderr
    assert "F-1" in proc.stdout  # what remains is still reported


def test_one_run_fixes_every_match_on_a_line(tmp_path):
    root = make_project(tmp_path, {"app/tasks/a.py": 's = ["processing", "processing", "processing", "processing"]\n'},
                        rules=("rules:\n  - id: F-1\n    name: x\n    anti_patterns:\n"
                               "      - pattern: 'processing'\n        message: m\n        fix: 'running'\n"))
    proc = run(["check", "--fix"], root)
    assert (root / "app/tasks/a.py").read_text() == 's = ["running", "running", "running", "running"]\n'
    assert "Fixed 4 findings in 1 file." in proc.stdout
    assert proc.returncode == 0
    assert "Fixed 0 findings in 0 files." in run(["check", "--fix"], root).stdout


def test_fix_refuses_a_read_only_file(project):
    path = project / "app" / "tasks" / "scan.py"
    before = path.read_bytes()
    path.chmod(0o444)
    proc = run(["check", "--fix"], project)
    assert proc.returncode == 2
    assert "app/tasks/scan.py: error: cannot write: the file is read-only" in proc.stderr
    assert path.read_bytes() == before and path.stat().st_mode & 0o777 == 0o444
    assert "app/tasks/scan.py:2:9: BG-010" in proc.stdout  # still reported: it was not fixed
    assert "Fixed 1 finding in 1 file." in proc.stdout  # the writable model was fixed
