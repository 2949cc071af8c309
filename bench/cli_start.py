#!/usr/bin/env python3
"""`archrules check` start-up on a one-file project, against anchors timed in the same run.

The project (made in a temporary folder): `a.py` holding `x = 1` and a copy of
`examples/background-tasks/.architecture-rules/`; a second copy is a git work tree with a
`.gitignore` (most projects are: reading it imports pathspec). Anchors: `python -c pass`,
`python -c 'import yaml'` (the goal, issue 9: `archrules check .` <= 2x it) and, when it
is installed, `ruff --version`. The commands take turns, one run each per round, so a
change in the host's load hits them all alike; each figure is the median of the runs'
wall time and CPU (user + sys of the child, from `getrusage(RUSAGE_CHILDREN)`).

    .venv/bin/python bench/cli_start.py [--runs 21] [--before REF] [--json FILE]

`--before REF` adds `archrules check .` run on commit REF's `archrules_lsp/` (exported
with `git archive` to a temporary folder, put first on PYTHONPATH). Exit status 1 when
`archrules check .` takes more than 2x `import yaml` in CPU.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
GOAL_RATIO = 2.0  # archrules check . / python -c 'import yaml'


def make_project(folder: Path, gitignore: bool = False) -> None:
    folder.mkdir()
    (folder / "a.py").write_text("x = 1\n")
    shutil.copytree(REPO / "examples" / "background-tasks" / ".architecture-rules", folder / ".architecture-rules")
    if gitignore:
        (folder / ".git").mkdir()
        (folder / ".gitignore").write_text("__pycache__/\n*.pyc\n")


def export_commit(ref: str, folder: Path) -> Path:
    """`archrules_lsp/` of commit `ref`, extracted under `folder`; returns the folder for PYTHONPATH."""
    archive = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", ref, "archrules_lsp"],
                             check=True, capture_output=True).stdout
    tar_path = folder / "code.tar"
    tar_path.write_bytes(archive)
    with tarfile.open(tar_path) as tar:
        tar.extractall(folder / "code", filter="data")
    return folder / "code"


Command = tuple[list[str], dict[str, str], Path]  # argv, environment, folder


def commands(before: Path | None, project: Path, git_project: Path) -> dict[str, Command]:
    """name -> (argv, environment, folder). .pyc files are written and used, as an installed package has
    them (this workplace sets PYTHONDONTWRITEBYTECODE=1; without .pyc every run compiles)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    table = {
        "python -c pass": ([sys.executable, "-c", "pass"], env, project),
        "python -c 'import yaml'": ([sys.executable, "-c", "import yaml"], env, project),
    }
    ruff = shutil.which("ruff", path=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    if ruff:
        table["ruff --version"] = ([ruff, "--version"], env, project)
    check = [str(BIN / "archrules"), "check", "."]
    table["archrules check ."] = (check, env, project)
    table["archrules check . (.gitignore)"] = (check, env, git_project)
    if before is not None:
        before_env = {**env, "PYTHONPATH": str(before)}
        table["archrules check . (before)"] = (check, before_env, project)
        table["archrules check . (.gitignore, before)"] = (check, before_env, git_project)
    return table


def run_once(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """(wall ms, CPU ms) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"{argv} exited {done.returncode}: {done.stderr.decode(errors='replace')}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall * 1000, cpu * 1000


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def measure(table: dict[str, Command], runs: int) -> dict[str, dict[str, float]]:
    for command in table.values():  # warm-up: page cache, .pyc files
        run_once(*command)
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in table}
    for _ in range(runs):
        for name, command in table.items():
            samples[name].append(run_once(*command))
    return {name: {"wall_ms": statistics.median(w for w, _ in got), "cpu_ms": statistics.median(c for _, c in got),
                   "n": len(got)} for name, got in samples.items()}


def report(results: dict[str, dict[str, float]], loads: tuple[str, str], commit: str) -> str:
    anchor = results["python -c 'import yaml'"]
    lines = [f"commit {commit}; load (1, 5, 15 min) {loads[0]} before, {loads[1]} after; "
             f"medians of {anchor['n']} runs each, taking turns",
             "", "| command | wall ms | CPU ms | wall / import yaml | CPU / import yaml |", "|---|---:|---:|---:|---:|"]
    for name, r in results.items():
        lines.append(f"| `{name}` | {r['wall_ms']:.1f} | {r['cpu_ms']:.1f} | "
                     f"{r['wall_ms'] / anchor['wall_ms']:.2f} | {r['cpu_ms'] / anchor['cpu_ms']:.2f} |")
    lines.append(f"\ngoal: `archrules check .` <= {GOAL_RATIO:g}x `python -c 'import yaml'` "
                 f"({GOAL_RATIO * anchor['cpu_ms']:.0f} ms CPU here)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=21, help="runs per command (default 21)")
    ap.add_argument("--before", metavar="REF", help="also time the archrules_lsp/ of this commit")
    ap.add_argument("--json", metavar="FILE", help="also write the figures here")
    args = ap.parse_args(argv)
    commit = subprocess.run(["git", "-C", str(REPO), "describe", "--always", "--dirty"],
                            capture_output=True, text=True).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="archrules-cli-start-") as tmp:
        project, git_project = Path(tmp) / "project", Path(tmp) / "git-project"
        make_project(project)
        make_project(git_project, gitignore=True)
        before = export_commit(args.before, Path(tmp)) if args.before else None
        load_before = load()
        results = measure(commands(before, project, git_project), args.runs)
        loads = (load_before, load())
    print(report(results, loads, commit))
    if args.json:
        Path(args.json).write_text(json.dumps({"commit": commit, "load": loads, "results": results}, indent=2))
    ratio = results["archrules check ."]["cpu_ms"] / results["python -c 'import yaml'"]["cpu_ms"]
    return 0 if ratio <= GOAL_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
