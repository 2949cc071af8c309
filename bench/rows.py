#!/usr/bin/env python3
"""Every row of issue 9's table measured in one run, each beside its anchor from the same run.

    .venv/bin/python bench/rows.py                       # every row: ~9 min on a quiet 2-core host
    .venv/bin/python bench/rows.py --quick               # fewer runs and edits: a smoke check
    .venv/bin/python bench/rows.py --parts cli,server    # some rows only

It measures nothing itself: each part runs one of the bench scripts, which interleaves the
product with its anchor, and reads that script's result file:

  keystrokes  bench/lsp_scaling.py --parts keystrokes (and the keystroke-vs-size PNG)
  memory      bench/lsp_scaling.py --parts memory (archrules only: the anchor is the text)
  workspace   bench/lsp_scaling.py --parts workspace
  scan        bench/run.py, once per corpus (small, large): archrules, ripgrep per rule, the reference
  cli         bench/cli_start.py --json
  server      bench/server_start.py --json

Before and after each part it prints the code version (HEAD, `git describe --dirty`, and
whether archrules_lsp/ has uncommitted changes) and /proc/loadavg; the parts' durations are
in the report. Output: one Markdown table `| what | measured | anchor (same run) | ratio |
goal | met? | load |` on stdout and in WORK/results/rows-<timestamp>.md, the raw figures of
every part in WORK/results/rows-<timestamp>.json. Exit status 1 when a row could not be measured
(it says why); a missed goal is only a "no" in the table.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PARTS = ("keystrokes", "memory", "workspace", "scan", "cli", "server")
SCAN_TOOLS = "py naive (1 proc),rg per-rule (66 procs)"  # the reference (findings) and the anchor
WORKSPACE_TOOL = "archrules-lsp, diagnosticMode workspace"

Row = dict[str, Any]
NOT_MEASURED = "not measured"


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def code_version() -> str:
    """HEAD, `git describe --always --dirty` (any tracked file), and whether the package itself differs."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True).stdout.strip()
    package_dirty = git("status", "--porcelain", "--", "archrules_lsp")
    return (f"HEAD {git('rev-parse', '--short', 'HEAD')} (describe {git('describe', '--always', '--dirty')})"
            + ("; uncommitted changes in archrules_lsp/" if package_dirty else "; archrules_lsp/ clean"))


# ---------------------------------------------------------------- running the scripts

def run_script(argv: list[str], log: Path) -> tuple[int, list[str]]:
    """Run one bench script with this interpreter; its output is echoed, appended to `log`, and returned."""
    cmd = [sys.executable, *argv]
    print("+", " ".join(cmd), flush=True)
    lines = []
    with log.open("a") as fh, subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                               text=True, errors="replace") as proc:
        fh.write("+ " + " ".join(cmd) + "\n")
        assert proc.stdout is not None
        for line in proc.stdout:
            sys.stdout.write(line)
            fh.write(line)
            lines.append(line.rstrip("\n"))
    return proc.returncode, lines


def scaling_part(part: str, args: argparse.Namespace, ctx: dict) -> dict:
    """One part of bench/lsp_scaling.py; its result file is named on its `results: PATH` line."""
    argv = [str(HERE / "lsp_scaling.py"), "--work", str(args.work), "--parts", part]
    if part == "keystrokes":
        # a smoke check's plot must not replace the committed one
        png = Path(f"{ctx['stem']}-keystroke.png") if args.quick and args.png is None else args.png
        argv += ["--png", str(png or HERE / "keystroke-vs-size.png")]
        argv += ["--edits", "10", "--cell-budget", "5"] if args.quick else ["--edits", str(args.keystroke_edits)]
    else:
        argv.append("--no-astgrep")  # memory's anchor is the text, workspace's the CLI: no ast-grep server
    if part == "workspace":
        argv += ["--workspace-runs", "1" if args.quick else str(args.workspace_runs)]
    status, lines = run_script(argv, ctx["log"])
    path = next((line.split(": ", 1)[1] for line in lines if line.startswith("results: ")), None)
    if path is None:
        raise RuntimeError(f"lsp_scaling.py exited {status} without a result file")
    return {"file": path, **json.loads(Path(path).read_text())}


def scan_part(args: argparse.Namespace, ctx: dict) -> dict:
    """bench/run.py once per corpus (its own run count each), the kit's results.json read back."""
    out = {}
    for corpus, runs in (("small", args.scan_runs_small), ("large", args.scan_runs_large)):
        results = Path(f"{ctx['stem']}-scan-{corpus}")
        argv = [str(HERE / "run.py"), "--work", str(args.work), "--corpora", corpus,
                "--runs", "1" if args.quick else str(runs), "--tools", SCAN_TOOLS,
                "--", "--results", str(results), "--skip-single"]
        status, _ = run_script(argv, ctx["log"])
        if not (results / "results.json").exists():
            raise RuntimeError(f"run.py exited {status} without {results}/results.json")
        out[corpus] = json.loads((results / "results.json").read_text())["corpus"][corpus]
    return out


def cli_part(args: argparse.Namespace, ctx: dict) -> dict:
    target = Path(f"{ctx['stem']}-cli-start.json")
    runs = "5" if args.quick else str(args.cli_runs)
    status, _ = run_script([str(HERE / "cli_start.py"), "--runs", runs, "--json", str(target)], ctx["log"])
    if not target.exists():  # exit status 1 is only "goal missed"
        raise RuntimeError(f"cli_start.py exited {status} without {target}")
    return json.loads(target.read_text())


def server_part(args: argparse.Namespace, ctx: dict) -> dict:
    runs = "3" if args.quick else str(args.server_runs)
    status, lines = run_script([str(HERE / "server_start.py"), "--runs", runs, "--json"], ctx["log"])
    found = [line for line in lines if line.startswith("{")]
    if status or not found:
        raise RuntimeError(f"server_start.py exited {status} without its JSON line")
    return json.loads(found[-1])


RUNNERS: dict[str, Callable[[argparse.Namespace, dict], dict]] = {
    "keystrokes": lambda args, ctx: scaling_part("keystrokes", args, ctx),
    "memory": lambda args, ctx: scaling_part("memory", args, ctx),
    "workspace": lambda args, ctx: scaling_part("workspace", args, ctx),
    "scan": scan_part,
    "cli": cli_part,
    "server": server_part,
}


def run_part(name: str, args: argparse.Namespace, ctx: dict) -> dict:
    """A part with its code version, load and duration around it; a failure is recorded, not raised."""
    record: dict[str, Any] = {"code_start": code_version(), "load_start": loadavg()}
    print(f"\n=== part {name}: {record['code_start']}; load {record['load_start']}", flush=True)
    began = time.monotonic()
    try:
        record["result"] = RUNNERS[name](args, ctx)
    except (RuntimeError, OSError, ValueError, KeyError) as e:
        record["error"] = f"{type(e).__name__}: {e}"
    record.update(seconds=round(time.monotonic() - began, 1), code_end=code_version(), load_end=loadavg())
    print(f"=== part {name} done in {record['seconds']} s: {record['code_end']}; load {record['load_end']}"
          + (f"; ERROR {record['error']}" if "error" in record else ""), flush=True)
    return record


# ---------------------------------------------------------------- rows

def ratio_row(what: str, measured: str, anchor: str, value: float | None, goal: float | None, load: str,
              goal_text: str = "", extra_ok: bool = True) -> Row:
    """A table row; `met?` is the ratio against the goal (and `extra_ok`), blank without a goal."""
    met = "" if goal is None or value is None else ("yes" if value <= goal and extra_ok else "**no**")
    return {"what": what, "measured": measured, "anchor": anchor,
            "ratio": "" if value is None else f"{value:.2f}x", "goal": goal_text or (f"<= {goal:g}x" if goal else ""),
            "met": met, "load": load}


def error_row(what: str, why: str) -> Row:
    return {"what": what, "measured": f"{NOT_MEASURED}: {why}", "anchor": "", "ratio": "", "goal": "", "met": "",
            "load": ""}


def keystroke_cell(cells: list[dict], server: str, lines: int, key: str, rules: int) -> dict:
    for c in cells:
        if (c["server"], c["lines"], c["key"], c["rules"], c["debounce"]) == (server, lines, key, rules, 0):
            if "median_ms" not in c:
                raise KeyError(f"{server} {lines:,} lines {key} {rules} rules: {c.get('error')}")
            return c
    raise KeyError(f"no cell {server} {lines:,} lines {key} {rules} rules")


def keystroke_text(c: dict) -> str:
    return f"{c['median_ms']:.1f} ms (p90 {c['p90_ms']:.1f}, n {c['edits']})"


def keystroke_rows(result: dict) -> list[Row]:
    cells = result["keystrokes"]
    rows = []
    for key in ("space", "enter"):
        what = f"keystroke, 5k lines, 66 rules, {'Enter' if key == 'enter' else key}"
        try:
            ours, theirs = (keystroke_cell(cells, s, 5000, key, 66) for s in ("archrules", "ast-grep"))
        except KeyError as e:
            rows.append(error_row(what, e.args[0]))
            continue
        rows.append(ratio_row(what, keystroke_text(ours), f"ast-grep lsp {keystroke_text(theirs)}",
                              ours["median_ms"] / theirs["median_ms"], None, ours["load"],
                              "size-independent (rows below)"))
    comparisons = [(f"keystroke, {n // 1000}k lines, 66 rules, {'Enter' if k == 'enter' else k}", n, k, 66, goal,
                    f"the 5k-line {'Enter' if k == 'enter' else k}")
                   for n, goal in ((50000, 1.5), (200000, 2.0)) for k in ("space", "enter")]
    comparisons += [(f"keystroke, 5k lines, {r:,} rules, space", 5000, "space", r, goal, "the 66-rule space")
                    for r, goal in ((500, 1.5), (2000, 2.0))]
    for what, lines, key, rules, goal, anchor_name in comparisons:
        try:
            ours = keystroke_cell(cells, "archrules", lines, key, rules)
            base = keystroke_cell(cells, "archrules", 5000, key, 66)
        except KeyError as e:
            rows.append(error_row(what, e.args[0]))
            continue
        shown = f"; findings {ours['findings']:,}, notices {ours.get('notices', 0)}" if lines > 5000 else ""
        with contextlib.suppress(KeyError):  # the anchor server's figure on the same file, for scale
            shown += f"; ast-grep {keystroke_cell(cells, 'ast-grep', lines, key, rules)['median_ms']:.0f} ms"
        rows.append(ratio_row(what, keystroke_text(ours) + shown, f"{anchor_name}: {base['median_ms']:.1f} ms",
                              ours["median_ms"] / base["median_ms"], goal, ours["load"]))
    return rows


def scan_rows(result: dict) -> list[Row]:
    rows = []
    for corpus, name in (("small", "scan, 500 files"), ("large", "scan, 5,000 files")):
        tools = result.get(corpus, {}).get("tools", {})
        ours, rg = tools.get("PRODUCT"), tools.get("rg per-rule (66 procs)")
        if not ours or not rg:
            rows.append(error_row(name, f"no archrules or ripgrep figure for {corpus}"))
            continue
        same = ours["missing"] == 0 and ours["extra"] == 0
        mine, theirs = ours["median"], rg["median"]
        rows.append(ratio_row(
            f"{name}, CPU vs ripgrep one process per rule",
            f"CPU {mine['cpu']:.2f} s (wall {mine['wall']:.2f}), n {ours['n']}; {ours['findings']:,} findings, "
            f"{ours['missing']} missing / {ours['extra']} extra vs the reference",
            f"ripgrep per rule: CPU {theirs['cpu']:.2f} s (wall {theirs['wall']:.2f}), n {rg['n']}",
            mine["cpu"] / theirs["cpu"], 1.0, f"{mine['load1']:.2f} (median 1-min)",
            "<= 1.0x, findings = reference", extra_ok=same))
    return rows


def workspace_rows(result: dict) -> list[Row]:
    rows_by_tool = {r["tool"]: r for r in result["workspace"]}
    server, cli = rows_by_tool.get(WORKSPACE_TOOL), rows_by_tool.get("archrules check")
    if not server or not cli:
        return [error_row("workspace mode vs `archrules check`", "a figure is missing")]
    counts = f"{server['findings']:,} findings, the CLI {cli['output_lines']:,}"
    if server["findings"] != cli["output_lines"]:
        counts += ": COUNTS DIFFER"
    load = server["load"]  # the tools took turns: the CLI's runs saw the same load
    return [
        ratio_row("workspace mode vs `archrules check`, 5,000 files: wall", f"{server['wall_s']} s ({counts})",
                  f"`archrules check`: {cli['wall_s']} s", server["wall_s"] / cli["wall_s"], 1.2, load),
        ratio_row("workspace mode vs `archrules check`, 5,000 files: CPU", f"{server['cpu_s']} s",
                  f"`archrules check`: {cli['cpu_s']} s", server["cpu_s"] / cli["cpu_s"], 1.2, load),
        ratio_row("workspace mode vs `archrules check`, 5,000 files: memory after",
                  f"RSS {server['rss_mb']} MB after the scan (peak {server['peak_rss_mb']})",
                  f"`archrules check`: peak RSS {cli['peak_rss_mb']} MB", server["rss_mb"] / cli["peak_rss_mb"],
                  1.2, load, "flat: close to the CLI's (<= 1.2x)"),
    ]


def memory_rows(result: dict) -> list[Row]:
    rows = result["memory"].get("archrules", [])
    if len(rows) < 2:
        return [error_row("memory, open documents", "no archrules figures")]
    base, last = rows[0], rows[-1]
    growth = (last["rss_mb"] - base["rss_mb"]) / last["text_mb"]
    return [ratio_row(
        f"memory, {last['open']:,} open documents",
        f"RSS {last['rss_mb']} MB: +{last['rss_mb'] - base['rss_mb']:.1f} MB over {base['rss_mb']} after initialize "
        f"(whole RSS {last['rss_mb'] / last['text_mb']:.1f}x the text); {last['published']:,} published",
        f"their text: {last['text_mb']} MB", growth, 4.0, last["load"], "<= 4x the text (growth)")]


def cli_rows(result: dict) -> list[Row]:
    figures = result["results"]
    ours, yaml_only = figures["archrules check ."], figures["python -c 'import yaml'"]
    load = " -> ".join(result["load"])
    extra = ""
    if "archrules check . (.gitignore)" in figures:
        extra = f"; with a .gitignore {figures['archrules check . (.gitignore)']['cpu_ms']:.1f} ms"
    return [ratio_row("CLI start, one-line project (CPU)",
                      f"`archrules check .` CPU {ours['cpu_ms']:.1f} ms (wall {ours['wall_ms']:.1f}{extra}), "
                      f"n {ours['n']}",
                      f"`python -c 'import yaml'` CPU {yaml_only['cpu_ms']:.1f} ms (`pass`: "
                      f"{figures['python -c pass']['cpu_ms']:.1f})",
                      ours["cpu_ms"] / yaml_only["cpu_ms"], 2.0, load)]


def server_rows(result: dict) -> list[Row]:
    return [ratio_row("server start -> initialize", f"{result['archrules-lsp']} ms (median)",
                      f"bare pygls {result['bare pygls']} ms", result["ratio"], 1.2, result["load"])]


ROWS: dict[str, Callable[[dict], list[Row]]] = {
    "keystrokes": keystroke_rows, "scan": scan_rows, "workspace": workspace_rows, "memory": memory_rows,
    "cli": cli_rows, "server": server_rows}
TABLE_ORDER = ("keystrokes", "scan", "workspace", "memory", "cli", "server")  # the order


def table_rows(parts: dict[str, dict]) -> list[Row]:
    rows: list[Row] = []
    for name in TABLE_ORDER:
        if name not in parts:
            continue
        record = parts[name]
        if "error" in record:
            rows.append(error_row(name, record["error"]))
            continue
        try:
            rows += ROWS[name](record["result"])
        except (KeyError, TypeError, ValueError, ZeroDivisionError) as e:  # a script's output changed shape
            rows.append(error_row(name, f"{type(e).__name__}: {e}"))
    return rows


def markdown(run: dict) -> str:
    out = [f"Rows of issue 9, run of {run['started']} ({run['settings']}), {run['total_seconds'] / 60:.1f} min; "
           f"code at start: {run['code_start']}; at end: {run['code_end']}", "",
           "| what | measured | anchor (same run) | ratio | goal | met? | load |", "|---|---|---|---|---|---|---|"]
    out += ["| " + " | ".join(str(r[k]).replace("|", "\\|") for k in ("what", "measured", "anchor", "ratio",
                                                                         "goal", "met", "load")) + " |"
            for r in run["rows"]]
    out += ["", "| part | seconds | load at start -> end | code at start / end |", "|---|---:|---|---|"]
    for name, p in run["parts"].items():
        code = p["code_start"] if p["code_start"] == p["code_end"] else f"{p['code_start']} / {p['code_end']}"
        out.append(f"| {name} | {p['seconds']} | {p['load_start']} -> {p['load_end']} | {code} |")
    return "\n".join(out)


# ---------------------------------------------------------------- main

def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, default=Path(os.environ.get("ARCHRULES_BENCH_WORK", "/tmp/archrules-bench")))
    ap.add_argument("--parts", default=",".join(PARTS), help=f"comma list of {', '.join(PARTS)}")
    ap.add_argument("--quick", action="store_true", help="a smoke check: fewer runs and edits, the PNG in WORK")
    ap.add_argument("--png", type=Path, help="the keystroke plot (default bench/keystroke-vs-size.png; "
                    "with --quick, beside the results)")
    ap.add_argument("--keystroke-edits", type=int, default=800,
                    help="edits per cell on 5,000 lines (lsp_scaling.py --edits: 5000 x this / lines on bigger files, "
                         "10 at least)")
    ap.add_argument("--scan-runs-small", type=int, default=7)
    ap.add_argument("--scan-runs-large", type=int, default=5)
    ap.add_argument("--workspace-runs", type=int, default=7)
    ap.add_argument("--cli-runs", type=int, default=31)
    ap.add_argument("--server-runs", type=int, default=21)
    ap.add_argument("--report", type=Path, help="print the table of a saved rows-*.json again (rows rebuilt) and stop")
    args = ap.parse_args(argv)
    args.parts = [p for p in args.parts.split(",") if p]
    unknown = set(args.parts) - set(PARTS)
    if unknown:
        ap.error(f"unknown parts: {', '.join(sorted(unknown))} (choose from {', '.join(PARTS)})")
    args.work = args.work.resolve()
    return args


def measure(args: argparse.Namespace) -> dict[str, Any]:
    """Every chosen part in turn; the run's record, its rows, written beside the results."""
    (args.work / "results").mkdir(parents=True, exist_ok=True)
    stem = args.work / "results" / f"rows-{time.strftime('%Y%m%d-%H%M%S')}"
    ctx = {"stem": stem, "log": Path(f"{stem}.log")}
    settings = ("quick" if args.quick else
                f"scan runs {args.scan_runs_small} small / {args.scan_runs_large} large, workspace runs "
                f"{args.workspace_runs}, CLI runs {args.cli_runs}, server runs {args.server_runs}, "
                f"keystroke edits {args.keystroke_edits} on 5k lines")
    run: dict[str, Any] = {"started": time.strftime("%Y-%m-%dT%H:%M:%S"), "settings": settings,
                           "code_start": code_version(), "load_start": loadavg(), "parts": {}}
    began = time.monotonic()
    for name in args.parts:
        run["parts"][name] = run_part(name, args, ctx)
    run.update(total_seconds=round(time.monotonic() - began, 1), code_end=code_version(), load_end=loadavg())
    run["rows"] = table_rows(run["parts"])
    Path(f"{stem}.md").write_text(markdown(run) + "\n")
    Path(f"{stem}.json").write_text(json.dumps(run, indent=1))
    print("\n" + markdown(run))
    print(f"\nresults: {stem}.md, {stem}.json (scripts' output: {ctx['log']})")
    return run


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.report:
        saved = json.loads(args.report.read_text())
        saved["rows"] = table_rows(saved["parts"])
        print(markdown(saved))
        return 0
    run = measure(args)
    return 1 if any(r["measured"].startswith(NOT_MEASURED) for r in run["rows"]) else 0


if __name__ == "__main__":
    sys.exit(main())
