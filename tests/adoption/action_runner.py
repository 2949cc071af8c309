"""Runs action.yml's composite steps the way a GitHub runner does, for the expressions the action
uses: inputs with their defaults, `github.event.pull_request.base.sha` from the event file, each
step's `env`, `bash --noprofile --norc -eo pipefail` on the step's `run` script, stop at the first
failing step. Any other expression fails loudly: the action must stay this simple."""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import yaml

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def load_action(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@dataclass
class Runner:
    action: dict
    action_path: Path
    workspace: Path
    temp: Path  # RUNNER_TEMP: may be shared by several runs (it holds the installed venv)
    files: Path  # this run's summary, output and event files
    event_name: str
    event: dict
    env: dict[str, str]
    inputs: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.files.mkdir(parents=True, exist_ok=True)
        self.summary = self.files / "step_summary.md"
        self.output = self.files / "github_output"
        self.event_path = self.files / "event.json"
        self.event_path.write_text(json.dumps(self.event), encoding="utf-8")
        for f in (self.summary, self.output):
            f.touch()

    def evaluate(self, text: str) -> str:
        return EXPRESSION.sub(lambda m: self._value(m.group(1)), text)

    def _value(self, expression: str) -> str:
        if expression.startswith("inputs."):
            name = expression.removeprefix("inputs.")
            declared = self.action["inputs"][name]
            given = self.inputs.get(name)
            return given if given is not None else self.evaluate(str(declared.get("default", "")))
        if expression == "github.event.pull_request.base.sha":
            return str(self.event.get("pull_request", {}).get("base", {}).get("sha", ""))
        raise AssertionError(f"the test runner does not evaluate ${{{{ {expression} }}}}")

    def step_env(self, step: dict) -> dict[str, str]:
        env = dict(self.env)
        pull_request = self.event.get("pull_request", {})
        env.update({
            "CI": "true", "GITHUB_ACTIONS": "true",
            "GITHUB_WORKSPACE": str(self.workspace), "GITHUB_ACTION_PATH": str(self.action_path),
            "GITHUB_STEP_SUMMARY": str(self.summary), "GITHUB_OUTPUT": str(self.output),
            "GITHUB_EVENT_NAME": self.event_name, "GITHUB_EVENT_PATH": str(self.event_path),
            "GITHUB_BASE_REF": str(pull_request.get("base", {}).get("ref", "")),
            "RUNNER_TEMP": str(self.temp),
        })
        env.update({k: self.evaluate(str(v)) for k, v in step.get("env", {}).items()})
        return env

    def run_step(self, step: dict) -> subprocess.CompletedProcess:
        assert step["shell"] == "bash"
        script = self.files / f"step-{step['id']}.sh"
        script.write_text(step["run"], encoding="utf-8")
        return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                              cwd=self.workspace, env=self.step_env(step), capture_output=True, text=True,
                              timeout=600)

    def run_steps(self, steps: list[dict]) -> subprocess.CompletedProcess:
        """The steps in order, up to the first that fails; returns the last one run."""
        for step in steps:
            proc = self.run_step(step)
            if proc.returncode != 0:
                break
        return proc

    def outputs(self) -> dict[str, str]:
        lines = self.output.read_text(encoding="utf-8").splitlines()
        return dict(line.split("=", 1) for line in lines)
