#!/usr/bin/env python3
"""Run the shared benchmark kit (/work/shared/bench/run_bench.py) with `archrules check` as the product.

    .venv/bin/python bench/run.py                                  # small corpus, rg + python references, 3 runs
    .venv/bin/python bench/run.py --corpora small,large --runs 5
    .venv/bin/python bench/run.py --tools all                      # + semgrep / ast-grep (needs WORK/venv)
    .venv/bin/python bench/run.py -- --skip-single                 # anything after -- goes to run_bench.py

The product reads `{gen}/archrules.yaml` (the kit's 66 rules in archrules' format,
same rule ids) and prints JSON lines, which the kit compares with its reference
(`py naive`, per line like ripgrep): the `missing / extra` column must read `0 / 0`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
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
    ap.add_argument("rest", nargs="*", help="after --: passed to run_bench.py as is")
    args = ap.parse_args(argv)

    exe = archrules_executable()
    jobs = f" --jobs {args.jobs}" if args.jobs else ""
    product = f"{exe} check --rules {{gen}}/archrules.yaml --format jsonl --exit-zero --quiet{jobs} {{target}}"
    cmd = [sys.executable, str(KIT / "run_bench.py"), "--work", args.work, "--corpora", args.corpora,
           "--runs", str(args.runs), "--product-cmd", product, "--product-single-cmd", product,
           "--product-format", "jsonl"]
    if args.tools != "all":
        cmd += ["--tools", args.tools]
    cmd += args.rest
    env = dict(os.environ)
    if not args.no_bytecode:
        # An installed package has its .pyc files; without them every run recompiles
        # each module (~30 ms for archrules). Applies to every tool alike.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    print("+", " ".join(cmd), flush=True)
    return subprocess.call(cmd, env=env)


if __name__ == "__main__":
    sys.exit(main())
