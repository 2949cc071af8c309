"""The GitHub Action (action.yml): its composite steps run as a runner runs them (action_runner),
installing archrules from a copy of this repository as the action's checkout, in a workspace
that is a small git repository with rules and violations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .action_runner import Runner, load_action
from .conftest import FIXED, REPO, RULES, VIOLATION, clean_env, copy_of_this_repository, git, git_env, write_files

pytestmark = pytest.mark.slow  # the install step makes a virtual environment and pip-installs the package

ACTION = load_action(REPO / "action.yml")
STEPS = ACTION["runs"]["steps"]
INSTALL = [s for s in STEPS if s["id"] == "install"]
AFTER_INSTALL = STEPS[STEPS.index(INSTALL[0]) + 1:]

TASK = 'def run(job):\n    job.status = "processing"\n    print("hi")\n'
SCAN_ANNOTATION = "::error file=app/tasks/scan.py,line=2,col=9,"
SCAN_MESSAGE = "title=BG-010::Use 'running' instead of 'processing'"


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, Path]:
    """The action's checkout and a RUNNER_TEMP in which its install step has run (once per module)."""
    base = tmp_path_factory.mktemp("action")
    action_path = copy_of_this_repository(base / "action-checkout")
    runner_temp = base / "runner-temp"
    runner_temp.mkdir()
    runner = Runner(ACTION, action_path, base, runner_temp, base / "install-files", "push", {}, clean_env())
    proc = runner.run_steps(INSTALL)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return action_path, runner_temp


def _workspace(tmp_path: Path, files: dict[str, str], rules: str = RULES) -> tuple[Path, dict[str, str]]:
    """A checked-out repository: the rules and `files` committed. Returns it and the git env."""
    env = git_env(tmp_path)
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    git(workspace, "init", "-q", env=env)
    write_files(workspace, {".architecture-rules/tasks.yaml": rules.lstrip(), **files})
    git(workspace, "add", "-A", env=env)
    git(workspace, "commit", "-q", "-m", "base", env=env)
    return workspace, env


def _runner(installed, tmp_path, workspace, inputs, event_name="pull_request", event=None) -> Runner:
    action_path, runner_temp = installed
    event = {"pull_request": {"base": {"sha": "", "ref": "main"}}} if event is None else event
    return Runner(ACTION, action_path, workspace, runner_temp, tmp_path / "run-files", event_name, event,
                  clean_env(), inputs)


def test_steps_are_bash_scripts_that_get_inputs_through_env():
    assert ACTION["runs"]["using"] == "composite"
    for step in STEPS:
        # What action_runner does not emulate (`uses`, `if`, `working-directory`) the action must not use.
        assert set(step) <= {"name", "id", "shell", "env", "run"}, step
        assert step["shell"] == "bash"
        assert "${{" not in step["run"], f"step {step['id']}: an expression spliced into the script"
        assert "GITHUB_ENV" not in step["run"] and "GITHUB_PATH" not in step["run"], step["id"]


def test_pull_request_without_new_since_reports_every_finding(installed, tmp_path):
    workspace, _ = _workspace(tmp_path, {"app/tasks/scan.py": TASK})
    runner = _runner(installed, tmp_path, workspace, {"new-since": ""})
    proc = runner.run_steps(AFTER_INSTALL)

    assert proc.returncode == 1, proc.stderr
    annotations = [line for line in proc.stdout.splitlines() if line.startswith("::")]
    assert any(a.startswith(SCAN_ANNOTATION) and a.endswith(SCAN_MESSAGE) for a in annotations), proc.stdout
    assert any(a.startswith("::warning file=app/tasks/scan.py,line=3,") for a in annotations), proc.stdout

    sarif = json.loads((workspace / "archrules.sarif").read_text(encoding="utf-8"))
    results = sarif["runs"][0]["results"]
    assert sarif["version"] == "2.1.0"
    assert sorted(r["ruleId"] for r in results) == ["BG-010", "BG-020"]
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results} == {
        "app/tasks/scan.py"}

    summary = runner.summary.read_text(encoding="utf-8")
    assert "### archrules" in summary
    assert "1  BG-010  [error] Use standard status values" in summary
    assert "1  BG-020  [warning] No print in tasks" in summary
    assert "Found 2 findings (1 error, 1 warning) in 1 file." in summary
    assert runner.outputs() == {"sarif-file": "archrules.sarif", "exit-code": "1"}


@pytest.mark.parametrize(("source", "args", "status"), [
    (FIXED, "", 0),                                           # clean
    (FIXED + '    print("done")\n', "", 0),                   # a warning does not fail by default
    (FIXED + '    print("done")\n', "--fail-on warning", 1),  # args reach every run
    (FIXED + '    print("done")\n', "--fail-on\n  warning\n", 1),  # args: | (a block over lines)
    (TASK, "--exit-zero", 0),
])
def test_the_step_status_gates_the_job(installed, tmp_path, source, args, status):
    workspace, _ = _workspace(tmp_path, {"app/tasks/scan.py": source})
    runner = _runner(installed, tmp_path, workspace, {"new-since": "", "args": args})
    proc = runner.run_steps(AFTER_INSTALL)
    assert proc.returncode == status, proc.stdout + proc.stderr
    assert runner.outputs()["exit-code"] == str(status)
    assert json.loads((workspace / "archrules.sarif").read_text(encoding="utf-8"))["version"] == "2.1.0"
    if source == FIXED:
        assert "All checks passed." in runner.summary.read_text(encoding="utf-8")


def test_outside_a_pull_request_the_default_reports_every_finding(installed, tmp_path):
    workspace, _ = _workspace(tmp_path, {"app/tasks/scan.py": TASK})
    runner = _runner(installed, tmp_path, workspace, {}, event_name="push", event={"ref": "refs/heads/main"})
    proc = runner.run_steps(AFTER_INSTALL)
    assert proc.returncode == 1, proc.stderr
    assert SCAN_ANNOTATION in proc.stdout


def test_the_summary_shows_rule_text_as_text(installed, tmp_path):
    rules = RULES.replace("name: No print in tasks", "name: No <img src=x onerror=alert(1)> & print")
    workspace, _ = _workspace(tmp_path, {"app/tasks/scan.py": TASK}, rules=rules)
    runner = _runner(installed, tmp_path, workspace, {"new-since": ""})
    runner.run_steps(AFTER_INSTALL)
    summary = runner.summary.read_text(encoding="utf-8")
    assert "No &lt;img src=x onerror=alert(1)&gt; &amp; print" in summary
    assert "<img" not in summary


def test_in_a_pull_request_the_default_reports_only_new_findings(installed, tmp_path):
    workspace, env = _workspace(tmp_path, {"app/tasks/scan.py": TASK})
    base_sha = git(workspace, "rev-parse", "HEAD", env=env).strip()
    write_files(workspace, {"app/tasks/report.py": VIOLATION})
    git(workspace, "add", "-A", env=env)
    git(workspace, "commit", "-q", "-m", "a new violation", env=env)

    event = {"pull_request": {"base": {"sha": base_sha, "ref": "main"}}}
    runner = _runner(installed, tmp_path, workspace, {}, event=event)
    proc = runner.run_steps(AFTER_INSTALL)

    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "::error file=app/tasks/report.py,line=2,col=9," in proc.stdout
    assert "app/tasks/scan.py" not in proc.stdout
    sarif = json.loads((workspace / "archrules.sarif").read_text(encoding="utf-8"))
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["BG-010"]
    assert "Found 1 finding (1 error) in 1 file." in runner.summary.read_text(encoding="utf-8")
