#!/usr/bin/env python3
"""Run the shared benchmark kit (/work/shared/bench/run_bench.py) with `archrules check` as the product.

    .venv/bin/python bench/run.py                                  # small corpus, rg + python references, 3 runs
    .venv/bin/python bench/run.py --corpora small,large --runs 5
    .venv/bin/python bench/run.py --tools all                      # + semgrep / ast-grep (needs WORK/venv)
    .venv/bin/python bench/run.py -- --skip-single                 # anything after -- goes to run_bench.py
    .venv/bin/python bench/run.py --corpora large --before /tmp/before-tree --runs 5
                                     # archrules now vs an older tree (git worktree) vs ripgrep per rule

The product reads `{gen}/archrules.yaml` (the kit's 66 rules in archrules' format,
same rule ids) and prints JSON lines, which the kit compares with its reference
(`py naive`, per line like ripgrep): the `missing / extra` column must read `0 / 0`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

KIT = Path(os.environ.get("ARCHRULES_BENCH_KIT")
           or next((p for p in (Path(__file__).resolve().parents[2] / "shared" / "bench",) if p.is_dir()),
                   Path("/work/shared/bench")))
DEFAULT_TOOLS = "py naive (1 proc),rg per-rule (66 procs),rg combined (13 procs),py opt -j2"


def archrules_executable() -> str:
    beside = Path(sys.executable).parent / "archrules"
    if beside.exists():
        return str(beside)
    found = shutil.which("archrules")
    if not found:
        raise SystemExit("archrules is not installed: pip install -e . in this venv")
    return found


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpora", default="small", help="comma list: small, large (default: small)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--tools", default=DEFAULT_TOOLS,
                    help="kit tools besides archrules; 'all' = the kit's default set (semgrep, ast-grep too). "
                         "Keep 'py naive (1 proc)': it is the reference the findings are compared with")
    ap.add_argument("--jobs", type=int, default=0, help="archrules --jobs (0 = one per core)")
    ap.add_argument("--work", default=os.environ.get("ARCHRULES_BENCH_WORK", "/tmp/archrules-bench"))
    ap.add_argument("--no-bytecode", action="store_true",
                    help="keep PYTHONDONTWRITEBYTECODE from the environment (every run recompiles the modules)")
    ap.add_argument("--before", metavar="DIR",
                    help="instead of the kit's table: archrules as it is, archrules from the source tree DIR "
                         "(an older commit's `git worktree`, imported through PYTHONPATH) and ripgrep one process "
                         "per rule, interleaved, on the corpora the kit made; their outputs compared")
    ap.add_argument("rest", nargs="*", help="after --: passed to run_bench.py as is")
    args = ap.parse_args(argv)

    exe = archrules_executable()
    jobs = f" --jobs {args.jobs}" if args.jobs else ""
    env = dict(os.environ)
    if not args.no_bytecode:
        # An installed package has its .pyc files; without them every run recompiles
        # each module (~30 ms for archrules). Applies to every tool alike.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    if args.before:
        return before_and_after(args, exe, jobs, env)
    product = f"{exe} check --rules {{gen}}/archrules.yaml --format jsonl --exit-zero --quiet{jobs} {{target}}"
    cmd = [sys.executable, str(KIT / "run_bench.py"), "--work", args.work, "--corpora", args.corpora,
           "--runs", str(args.runs), "--product-cmd", product, "--product-single-cmd", product,
           "--product-format", "jsonl"]
    if args.tools != "all":
        cmd += ["--tools", args.tools]
    cmd += args.rest
    print("+", " ".join(cmd), flush=True)
    return subprocess.call(cmd, env=env)


def timed(cmd: list[str], cwd: Path, env: dict, out: Path) -> dict:
    """One run under GNU time: wall and CPU (user + sys, children included) seconds, the 1-min load before."""
    load = float(Path("/proc/loadavg").read_text().split()[0])
    with tempfile.NamedTemporaryFile("r", suffix=".time") as t, open(out, "wb") as fh:
        subprocess.run(["/usr/bin/time", "-f", "%e %U %S", "-o", t.name, *cmd], cwd=cwd, env=env, stdout=fh,
                       stderr=subprocess.DEVNULL, check=False)
        wall, user, system = (float(x) for x in t.read().split()[-3:])
    return {"wall": wall, "cpu": user + system, "load": load}


def before_and_after(args: argparse.Namespace, exe: str, jobs: str, env: dict) -> int:
    """archrules now, archrules from an older tree and ripgrep per rule, interleaved (see --before)."""
    work, before = Path(args.work), str(Path(args.before).resolve())
    rules = work / "rules-gen" / "archrules.yaml"
    check = [exe, "check", "--rules", str(rules), "--format", "jsonl", "--exit-zero", "--quiet", *jobs.split(), "."]
    tools = {"archrules": (check, env), "archrules before": (check, {**env, "PYTHONPATH": before}),
             "rg per-rule": (["bash", str(work / "rules-gen" / "rg_per_rule.sh"), ".", "."], env)}
    print(f"before = {before}", flush=True)
    for corpus in args.corpora.split(","):
        root = work / "corpus" / corpus
        if not root.is_dir():
            raise SystemExit(f"{root}: no such corpus (run bench/run.py --corpora {corpus} once first)")
        samples: dict[str, list[dict]] = {name: [] for name in tools}
        with tempfile.TemporaryDirectory() as scratch:  # the outputs (~35 MB each on the large corpus)
            outs = {name: Path(scratch) / f"{i}.out" for i, name in enumerate(tools)}
            for round_ in range(args.runs + 1):  # the first round warms the caches and is not counted
                for name, (cmd, tool_env) in tools.items():
                    sample = timed(cmd, root, tool_env, outs[name])
                    if round_:
                        samples[name].append(sample)
            same = outs["archrules"].read_bytes() == outs["archrules before"].read_bytes()
        print_table(corpus, args.runs, samples, same)
    return 0


def print_table(corpus: str, runs: int, samples: dict[str, list[dict]], same: bool) -> None:
    def median(name: str, key: str) -> float:
        return statistics.median(s[key] for s in samples[name])

    rg_wall, rg_cpu = median("rg per-rule", "wall"), median("rg per-rule", "cpu")
    loads = [s["load"] for runs_ in samples.values() for s in runs_]
    print(f"\n{corpus}: medians of {runs} interleaved runs, 1-min load {min(loads):.1f}-{max(loads):.1f}\n")
    print("| tool | wall s | CPU s | wall / rg per-rule | CPU / rg per-rule |")
    print("|---|---|---|---|---|")
    for name in samples:
        wall, cpu = median(name, "wall"), median(name, "cpu")
        print(f"| {name} | {wall:.2f} | {cpu:.2f} | {wall / rg_wall:.2f} | {cpu / rg_cpu:.2f} |")
    print(f"\narchrules output {'identical to' if same else 'DIFFERENT from'} the older tree's")


if __name__ == "__main__":
    sys.exit(main())
