"""`archrules check --new-since REF`, in git repositories whose history the tests make."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import FILES, RULES, run, run_json, write_files

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, env={**os.environ, **GIT_ENV}, capture_output=True, text=True,
                          check=True)
    return done.stdout


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


@pytest.fixture
def repo(tmp_path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write_files(root, {".architecture-rules.yaml": RULES.lstrip(), **FILES})
    commit_all(root, "first")
    return root


def test_unchanged_files_report_nothing(repo):
    proc = run(["check", "--new-since", "HEAD"], repo)
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout == "All checks passed.\n"


def test_only_findings_added_since_ref_are_reported(repo):
    scan = repo / "app/tasks/scan.py"
    scan.write_text("import logging\n\n" + scan.read_text() + '    print("new")\n')
    doc, proc = run_json(["check", "--new-since", "HEAD"], repo)
    assert [(f["path"], f["line"], f["rule"]) for f in doc["findings"]] == [("app/tasks/scan.py", 6, "BG-020")]
    assert doc["summary"]["files_checked"] == 1


def test_committed_changes_count_from_the_ref(repo):
    (repo / "app/tasks/scan.py").write_text('def run(job):\n    job.status = "processing"\n'
                                            '    print(1)\n    print(2)\n')
    commit_all(repo, "second")
    proc = run(["check", "--new-since", "HEAD~1"], repo)
    assert proc.stdout.splitlines() == ["app/tasks/scan.py:3:5: BG-020 [info] Use logging, not print",
                                        "app/tasks/scan.py:4:5: BG-020 [info] Use logging, not print",
                                        "Found 2 findings (2 info) in 1 file."]
    assert run(["check", "--new-since", "HEAD"], repo).stdout == "All checks passed.\n"


def test_renames_are_followed(repo):
    git(repo, "mv", "app/tasks/scan.py", "app/tasks/run.py")
    (repo / "app/tasks/run.py").write_text((repo / "app/tasks/run.py").read_text() + "    print(3)\n")
    proc = run(["check", "--new-since", "HEAD"], repo)
    assert proc.stdout.splitlines() == ["app/tasks/run.py:4:5: BG-020 [info] Use logging, not print",
                                        "Found 1 finding (1 info) in 1 file."]


def test_new_and_untracked_files_have_only_new_findings(repo):
    write_files(repo, {"app/tasks/fresh.py": "print(1)\n", "models/export_job.py": "class ExportJob:\n    id = 1\n"})
    git(repo, "add", "models/export_job.py")
    doc, proc = run_json(["check", "--new-since", "HEAD"], repo)
    assert proc.returncode == 1
    assert sorted((f["path"], f["rule"]) for f in doc["findings"]) == [
        ("app/tasks/fresh.py", "BG-020"), ("models/export_job.py", "BG-001")]


def test_presence_findings_are_new_only_when_the_file_did_not_already_lack_it(repo):
    job = repo / "models/import_job.py"
    job.write_text(job.read_text() + "    name = Column(String)\n")  # changed, still lacks status
    assert run(["check", "--new-since", "HEAD"], repo).returncode == 0
    job.write_text("class ImportJob:\n    status = Column(String)\n")
    commit_all(repo, "add status")
    job.write_text("class ImportJob:\n    state = Column(String)\n")  # lacks it again: new
    proc = run(["check", "--new-since", "HEAD"], repo)
    assert proc.returncode == 1
    assert "models/import_job.py:1:1: BG-001" in proc.stdout


def test_new_since_and_a_baseline_together(repo):
    assert run(["baseline"], repo).returncode == 0
    commit_all(repo, "baseline")
    (repo / "app/tasks/scan.py").write_text('def run(job):\n    job.status = "processing"\n    print("hi")\n'
                                            '    print("more")\n')
    proc = run(["check", "--new-since", "HEAD"], repo)
    assert "app/tasks/scan.py:4:5: BG-020" in proc.stdout
    assert "0 findings baselined (.archrules-baseline.json)" in proc.stdout


def test_a_project_in_a_subfolder_of_the_repository(tmp_path):
    top = tmp_path / "mono"
    top.mkdir()
    git(top, "init", "-q")
    project = top / "service"
    write_files(project, {".architecture-rules.yaml": RULES.lstrip(), "app/tasks/a.py": "print(1)\n"})
    commit_all(top, "first")
    (project / "app/tasks/a.py").write_text("print(1)\nprint(2)\n")
    proc = run(["check", "--root", ".", "--new-since", "HEAD"], project)
    assert proc.stdout.splitlines()[0] == "app/tasks/a.py:2:1: BG-020 [info] Use logging, not print"


def test_an_unknown_ref_is_an_error_that_says_to_fetch(repo):
    proc = run(["check", "--new-since", "origin/nope"], repo)
    assert proc.returncode == 2
    assert "--new-since origin/nope: no such revision in this repository" in proc.stderr
    assert "fetch" in proc.stderr and "Traceback" not in proc.stderr


def test_a_shallow_clone_says_to_fetch_more_history(repo, tmp_path):
    (repo / "app/ok.py").write_text("x = 2\n")
    commit_all(repo, "second")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", repo.as_uri(), str(clone))
    proc = run(["check", "--new-since", "HEAD~1"], clone)
    assert proc.returncode == 2
    assert "this is a shallow clone: fetch more history (git fetch --unshallow" in proc.stderr


def test_outside_a_repository_is_an_error(tmp_path):
    root = tmp_path / "plain"
    write_files(root, {".architecture-rules.yaml": RULES.lstrip(), "app/ok.py": "x = 1\n"})
    proc = run(["check", "--root", ".", "--new-since", "HEAD"], root, env={"GIT_CEILING_DIRECTORIES": str(tmp_path)})
    assert proc.returncode == 2
    assert "--new-since needs a git repository" in proc.stderr


def test_an_option_looking_ref_is_refused(repo):
    proc = run(["check", "--new-since=--output=x"], repo)
    assert proc.returncode == 2
    assert "not a revision" in proc.stderr
    assert not (repo / "x").exists()
