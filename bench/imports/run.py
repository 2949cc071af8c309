#!/usr/bin/env python3
"""Import contracts, side by side in one run on the generated corpus (make_corpus.py):
`lint-imports` (import-linter: graph build + check) and `archrules check` with the same
contracts, wall and CPU time, medians of --runs interleaved runs (one run of each command,
then again), host load from /proc/loadavg;
then, unless --no-lsp, the language server's keystroke latency in the corpus's
5,000-line module with the 20 contracts, the whole corpus as the workspace.

    .venv/bin/python bench/imports/run.py                       # 5,000 modules, 3 runs
    .venv/bin/python bench/imports/run.py --modules 1000 --runs 5 --no-lsp
    .venv/bin/python bench/imports/run.py --json results.json
    git archive REV archrules_lsp | tar -x -C /tmp/before    # an older archrules, timed beside:
    .venv/bin/python bench/imports/run.py --runs 7 --before /tmp/before

Each tool runs twice per configuration: all 20 contracts, and the layers contract
alone (`--contract CORP-001` / `--select CORP-001`: the graph is built whole either way).
lint-imports runs cold (`--no-cache`) and warm (its cache filled by a first run);
archrules has no cache; `archrules check` runs with its default jobs (one per core) and
with `-j 1` (all in this process). The graph build alone is timed too, inside one process
(graph_build.py: grimp's build, as lint-imports does it, and archrules', default and -j 1). Before timing,
what both find is compared: exit status 1 when they differ otherwise than documented
(docs/rule-format.md: here, only by the `importlib.import_module` plants of CORP-007).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))  # lspclient
import tools  # noqa: E402

BIN = Path(sys.executable).parent
WORK = Path("/tmp/archrules-bench/imports")


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def timed(cmd: list[str], cwd: Path, env: dict | None = None) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process and its children) for one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          env=None if env is None else {**os.environ, **env})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def interleaved(runs: int, sample: dict) -> dict:
    """Median wall and CPU of each of `sample` (name -> a function timing one run), the runs
    interleaved (one of each, then again): a change of load on the host hits all alike."""
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in sample}
    for _ in range(runs):
        for name, one in sample.items():
            samples[name].append(one())
    return {name: {"wall_s": round(statistics.median(s[0] for s in got), 3),
                   "cpu_s": round(statistics.median(s[1] for s in got), 3), "runs": runs}
            for name, got in samples.items()}


def commands(root: Path, layers_only: bool) -> dict[str, list[str]]:
    lint = [str(BIN / "lint-imports"), "--no-logo"] + (["--contract", "CORP-001"] if layers_only else [])
    ours = [str(BIN / "archrules"), "check", "--format", "json", "--exit-zero", "--quiet"]
    ours += ["--select", "CORP-001"] if layers_only else []
    return {"lint-imports (cold, --no-cache)": [*lint, "--no-cache"],
            "lint-imports (warm cache)": [*lint, "--cache-dir", str(root.parent / "import-linter-cache")],
            "archrules check": ours, "archrules check -j 1": [*ours, "-j", "1"]}


def time_tools(root: Path, runs: int, before: Path | None) -> dict:
    """Both configurations, every command of both interleaved. `before`: an archrules source
    tree (`git archive REV archrules_lsp | tar -x -C DIR`) timed beside, through PYTHONPATH."""
    sample = {}
    for label, layers_only in (("20 contracts", False), ("layers contract only", True)):
        cmds = commands(root, layers_only)
        subprocess.run(cmds["lint-imports (warm cache)"], cwd=root, capture_output=True)  # fills the cache
        for name, cmd in cmds.items():
            sample[(label, name)] = partial(timed, cmd, root)
        if before is not None:
            sample[(label, "archrules check (before)")] = partial(
                timed, cmds["archrules check"], root, {"PYTHONPATH": str(before)})
    out: dict = {}
    for (label, name), medians in interleaved(runs, sample).items():
        out.setdefault(label, {})[name] = medians
    return out


def graph_builds(root: Path, runs: int, before: Path | None) -> dict:
    """The graph build alone, timed inside one fresh process per sample (graph_build.py)."""
    def build(tool: str, env: dict | None = None) -> tuple[float, float]:
        done = subprocess.run([sys.executable, str(HERE / "graph_build.py"), tool, str(root)], check=True,
                              capture_output=True, text=True, env=None if env is None else {**os.environ, **env})
        wall, cpu = done.stdout.split()
        return float(wall), float(cpu)

    sample = {"grimp": partial(build, "grimp"), "archrules": partial(build, "archrules"),
              "archrules -j 1": partial(build, "archrules-in-process")}
    if before is not None:
        sample["archrules (before)"] = partial(build, "archrules", {"PYTHONPATH": str(before)})
    out = interleaved(runs, sample)
    out["archrules / grimp"] = {k: round(out["archrules"][k] / out["grimp"][k], 2) for k in ("wall_s", "cpu_s")}
    return out


def agreement(root: Path) -> dict:
    """What each finds; `as_documented`: they differ only by the importlib plants (CORP-007)."""
    lint, ours = tools.lint_imports(root), tools.archrules(root)
    importlib_only = {d for d in ours.direct - lint.direct if d[0] == "CORP-007"}
    documented = (ours.broken == lint.broken | {"CORP-007"} and ours.direct - importlib_only == lint.direct
                  and ours.indirect == lint.indirect and ours.stale_ignores == lint.stale_ignores)
    return {"as_documented": documented,
            "lint-imports broken": sorted(lint.broken), "archrules broken": sorted(ours.broken),
            "direct: only lint-imports": len(lint.direct - ours.direct),
            "direct: only archrules": len(ours.direct - lint.direct),
            "indirect: only lint-imports": len(lint.indirect - ours.indirect),
            "indirect: only archrules": len(ours.indirect - lint.indirect)}


# ------------------------------------------------------------------ the editor

def open_workspace(root: Path):
    from lspclient import Connection

    conn = Connection([sys.executable, "-m", "archrules_lsp"], str(root))
    progress: dict = {"begun": 0, "ended": 0, "begin_at": 0.0, "end_at": 0.0, "latest": {}}

    def track(msg: dict) -> None:
        if msg.get("method") == "textDocument/publishDiagnostics":
            progress["latest"][msg["params"]["uri"]] = msg["params"]["diagnostics"]
        value = (msg.get("params") or {}).get("value") if msg.get("method") == "$/progress" else None
        if isinstance(value, dict) and value.get("kind") in ("begin", "end"):
            progress["begun" if value["kind"] == "begin" else "ended"] += 1
            progress[f"{value['kind']}_at"] = time.perf_counter()

    conn.on_message = track
    _, init_id = conn.request("initialize", {
        "processId": None, "rootUri": root.as_uri(), "workspaceFolders": [{"uri": root.as_uri(), "name": "corpus"}],
        "initializationOptions": {"archrules": {"debounceMs": 0, "logLevel": "warning",
                                                "diagnosticMode": "openFilesOnly"}},
        "capabilities": {"general": {"positionEncodings": ["utf-16"]}, "window": {"workDoneProgress": True},
                         "textDocument": {"publishDiagnostics": {"versionSupport": True}}}})
    conn.wait(lambda m: m.get("id") == init_id and "result" in m, timeout=120)
    conn.notify("initialized", {})
    return conn, progress


def settle(conn, progress: dict, first: float = 5.0, limit: float = 300.0) -> None:
    """Wait for the workspace import graph (built when the first file is opened): its
    progress begun (up to `first` s) and ended (up to `limit` s), then for the
    publishes that follow."""
    start = time.perf_counter()
    with contextlib.suppress(TimeoutError):
        conn.wait(lambda m: progress["begun"] > 0, timeout=first)
    with contextlib.suppress(TimeoutError):
        conn.wait(lambda m: progress["ended"] >= progress["begun"], timeout=limit - (time.perf_counter() - start))
    with contextlib.suppress(TimeoutError):  # the open files published again with the whole graph
        conn.wait(lambda m: False, timeout=1.0)


def open_file(conn, root: Path, rel: str) -> str:
    path = root / rel
    uri = path.as_uri()
    conn.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1,
                                                          "text": path.read_text(encoding="utf-8")}})
    return uri


def codes(diagnostics: list[dict]) -> list[str]:
    return sorted(str(d.get("code", d.get("message", "")[:60])) for d in diagnostics)


UPWARD = "import corp.api.pkg00.m000\n"


def type_violation(conn, uri: str, version: int, times: int = 10) -> dict:
    """An upward import pasted on the first line and taken out again, `times` times:
    the paste's publish must hold its finding; median of the pastes."""
    from lspclient import publish_for

    start, after = {"line": 0, "character": 0}, {"line": 1, "character": 0}
    latencies, found = [], []
    for _ in range(times):
        for edit in ({"range": {"start": start, "end": start}, "text": UPWARD},
                     {"range": {"start": start, "end": after}, "text": ""}):
            t_send = conn.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                                            "contentChanges": [edit]})
            t_pub, published = conn.wait(publish_for(uri, version), timeout=60)
            version += 1
            if edit["text"]:
                latencies.append((t_pub - t_send) * 1000)
                found.append(codes(published["params"]["diagnostics"]))
    return {"median_ms": round(statistics.median(latencies), 2), "max_ms": round(max(latencies), 2),
            "pastes": times, "codes": sorted({c for f in found for c in f}),
            "every_paste_reported": all("CORP-001" in f for f in found)}


def keystrokes(root: Path, rel: str, edits: int, probes: dict[str, str]) -> dict:
    """didChange -> publishDiagnostics in `rel`, each edit a digit typed into the number of
    a `return value + N` line (the file keeps parsing: its imports stay checked). `probes`
    (what -> a planted file) are opened first: does the server see those violations?"""
    from lspclient import pct, publish_for

    conn, progress = open_workspace(root)
    probe_uris = {what: open_file(conn, root, probe) for what, probe in probes.items()}
    text = (root / rel).read_text(encoding="utf-8")
    t_open = time.perf_counter()
    uri = open_file(conn, root, rel)
    t_first, first = conn.wait(publish_for(uri, 1), timeout=300)
    settle(conn, progress)
    seen = {what: codes(progress["latest"].get(u, [])) for what, u in probe_uris.items()}
    graph_ms = round((progress["end_at"] - progress["begin_at"]) * 1000, 1) if progress["ended"] else None
    body_line = "    return value + "  # a "1" typed after it keeps a number (never a leading zero)
    targets = [i for i, line in enumerate(text.split("\n")) if line.startswith(body_line)]
    latencies = []
    for n in range(edits):
        at = {"line": targets[n % len(targets)], "character": len(body_line)}
        t_send = conn.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": n + 2},
                                                        "contentChanges": [{"range": {"start": at, "end": at},
                                                                            "text": "1"}]})
        t_pub, _ = conn.wait(publish_for(uri, n + 2), timeout=60)
        latencies.append((t_pub - t_send) * 1000)
    typed = type_violation(conn, uri, edits + 2)
    conn.close()
    return {"file": rel, "typed_violation": typed, "lines": len(text.splitlines()), "edits": edits, "probes": seen,
            "findings_at_open": len(first["params"]["diagnostics"]),
            "open_to_first_publish_ms": round((t_first - t_open) * 1000, 1),
            "graph_build_ms": graph_ms,
            "median_ms": round(statistics.median(latencies), 2), "p90_ms": round(pct(latencies, 0.9), 2),
            "max_ms": round(max(latencies), 2)}


# ------------------------------------------------------------------ the report

def table(timings: dict) -> str:
    out = []
    for config, rows in timings.items():
        anchor = rows["lint-imports (cold, --no-cache)"]
        out += [f"**{config}**", "", "| tool | wall s (median) | CPU s (median) | wall vs lint-imports cold |",
                "|---|---:|---:|---:|"]
        for name, r in rows.items():
            out.append(f"| {name} | {r['wall_s']:.3f} | {r['cpu_s']:.3f} | {r['wall_s'] / anchor['wall_s']:.2f}x |")
        out.append("")
    return "\n".join(out)


def probes(manifest: dict) -> dict[str, str]:
    """A planted direct and a planted indirect layers violation (their files)."""
    out = {}
    for plant in manifest["plants"]:
        what = f"{plant['contract']} {'direct' if plant['direct'] else 'indirect'}"
        if plant["contract"] == "CORP-001" and what not in out:
            out[what] = plant["chain"][0].replace(".", "/") + ".py"
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--modules", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--edits", type=int, default=100)
    ap.add_argument("--work", type=Path, default=WORK, help=f"where the corpus goes (default {WORK})")
    ap.add_argument("--no-lsp", action="store_true", help="skip the keystroke measure")
    ap.add_argument("--json", type=Path, help="also write the results here")
    ap.add_argument("--before", type=Path, help="an archrules_lsp source tree's parent folder, timed beside "
                    "(git archive REV archrules_lsp | tar -x -C DIR)")
    args = ap.parse_args(argv)
    root = args.work / f"corpus-{args.modules}"
    subprocess.run([sys.executable, str(HERE / "make_corpus.py"), "--out", str(root), "--modules",
                    str(args.modules), "--big-lines", "5000"], check=True)
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    result: dict = {"modules": manifest["modules"], "load_before": load(), "agreement": agreement(root)}
    result["timings"] = time_tools(root, args.runs, args.before)
    result["graph_build_s"] = graph_builds(root, args.runs, args.before)
    if not args.no_lsp:
        result["keystrokes"] = keystrokes(root, manifest["big_module"], args.edits, probes(manifest))
    result["load_after"] = load()
    print(json.dumps(result["agreement"], indent=1))
    print(table(result["timings"]))
    print("graph build alone, in-process, median s:", json.dumps(result["graph_build_s"]))
    if "keystrokes" in result:
        print("keystrokes:", json.dumps(result["keystrokes"]))
    print(f"load average (1, 5, 15 min): before {result['load_before']}, after {result['load_after']}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0 if result["agreement"]["as_documented"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
