#!/usr/bin/env python3
"""What a large baseline costs `archrules check`: the same check with and without a
baseline of N entries, runs interleaved, CPU (user + sys) and wall per run.

On a copy of the kit's 5,000-file corpus (`gen_corpus.py large`) with the kit's 66 rules
translated: `archrules baseline` freezes every finding (131,778), the first N entries
(by path, as the file lists them) make the baseline; the rest of the findings stay new.

    .venv/bin/python bench/baseline_cost.py [--entries 100000] [--runs 5] [--work /tmp/archrules-bench]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from archrules_lsp.project.baseline import read_baseline, write_baseline

KIT = Path(os.environ.get("ARCHRULES_BENCH_KIT", "/work/shared/bench"))
BIN = Path(sys.executable).parent


def prepare(work: Path, entries: int) -> tuple[Path, Path, Path]:
    """(project, rules, baseline of `entries` entries), made once under `work`."""
    corpus, rules = work / "corpus" / "large", work / "rules-gen" / "archrules.yaml"
    if not corpus.is_dir():
        subprocess.run([sys.executable, str(KIT / "gen_corpus.py"), "large", str(corpus)], check=True)
    if not rules.exists():
        subprocess.run([sys.executable, str(KIT / "translate_rules.py"), str(KIT / "rules" / "rules.yaml"),
                        str(rules.parent)], check=True, cwd=work)
    project = work / "baseline-cost" / "project"
    if not project.is_dir():
        shutil.copytree(corpus, project)
        (project / ".git").mkdir()  # the project root
    full = work / "baseline-cost" / "all-findings.json"
    if not full.exists():
        subprocess.run([str(BIN / "archrules"), "baseline", "--rules", str(rules), "--baseline", str(full), "."],
                       cwd=project, check=True, stdout=subprocess.DEVNULL)
    baseline = work / "baseline-cost" / f"baseline-{entries}.json"
    if not baseline.exists():
        frozen = read_baseline(full)
        if len(frozen) < entries:
            sys.exit(f"the corpus has only {len(frozen)} findings")
        write_baseline(baseline, frozen[:entries])  # as `archrules baseline` writes it
    return project, rules, baseline


def run(project: Path, rules: Path, baseline: Path | None) -> tuple[float, float]:
    """(CPU s of the check and its workers, wall s)."""
    cmd = [str(BIN / "archrules"), "check", "--rules", str(rules), "--format", "jsonl", "--exit-zero", "--quiet"]
    cmd += ["--baseline", str(baseline)] if baseline else ["--no-baseline"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([*cmd, "."], cwd=project, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, wall


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--entries", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--work", default=os.environ.get("ARCHRULES_BENCH_WORK", "/tmp/archrules-bench"))
    args = ap.parse_args()
    env_note = "PYTHONDONTWRITEBYTECODE dropped (installed-package start-up)"
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    project, rules, baseline = prepare(Path(args.work), args.entries)
    samples: dict[str, list[tuple[float, float]]] = {"no baseline": [], "baseline": []}
    loads = []
    run(project, rules, None)  # warm the page cache and bytecode
    for _ in range(args.runs):
        loads.append(Path("/proc/loadavg").read_text().split()[0])
        samples["no baseline"].append(run(project, rules, None))
        samples["baseline"].append(run(project, rules, baseline))
    cpu = {k: statistics.median(c for c, _ in v) for k, v in samples.items()}
    wall = {k: statistics.median(w for _, w in v) for k, v in samples.items()}
    print(f"{args.entries:,}-entry baseline, {args.runs} interleaved runs each; {env_note}; "
          f"1-min load per round: {' '.join(loads)}")
    for k in samples:
        print(f"{k:>12}: CPU median {cpu[k]:.2f} s, wall median {wall[k]:.2f} s")
    print(f"baseline / none: CPU {cpu['baseline'] / cpu['no baseline']:.3f}, "
          f"wall {wall['baseline'] / wall['no baseline']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
