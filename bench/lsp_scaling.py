#!/usr/bin/env python3
"""The language server at scale, over real stdio, with ast-grep's server as the anchor.

    .venv/bin/python bench/lsp_scaling.py                 # everything (~4 min on 2 cores)
    .venv/bin/python bench/lsp_scaling.py --parts keystrokes --sizes 5000,50000
    .venv/bin/python bench/lsp_scaling.py --parts memory,workspace --no-astgrep

Parts (run one after the other, never two servers at once):
  keystrokes  didChange -> publishDiagnostics for that version, one edit at a time, mid-file,
              a space (" " at a line start) or Enter ("\\n" at a line end), on the kit's
              5,000-line module repeated to 50k and 200k lines (functions renamed), with the
              kit's 66 rules and 500 / 2,000 rules of the same shape, debounce 0 and the default.
              Each server gets the edits the way it asks for them (archrules: incremental
              ranges; ast-grep: the whole text, its textDocumentSync is Full).
  memory      server RSS (/proc) with 1, 100 and 1,000 of the 5,000-file corpus' .py files open.
  workspace   `diagnosticMode: workspace` on the 5,000-file corpus (start -> scan's progress end,
              server CPU, RSS after) against `archrules check` and ripgrep one run per rule
              on the same folder (wall, CPU, peak RSS by GNU time).
--before REF adds the server of an earlier commit to the memory and workspace parts, measured
in the same run (its package exported to WORK/code/<commit>, run with PYTHONPATH); REF may
also be a folder holding an archrules_lsp/ tree (run with PYTHONPATH as it is).
The host's load average (/proc/loadavg) is recorded with every figure. Results: JSON in
WORK/results/, a Markdown table on stdout and, unless --no-plot, the keystroke-vs-size PNG
(drawn by bench/plot_scaling.py with the bench venv's matplotlib).

Needs the kit (ARCHRULES_BENCH_KIT), WORK (/tmp/archrules-bench; ARCHRULES_BENCH_WORK) and,
for the anchor and the plot, WORK/venv with ast-grep-cli==0.51.1 and matplotlib.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from lspclient import Connection, pct, publish_for

KIT = Path(os.environ.get("ARCHRULES_BENCH_KIT")
           or next((p for p in (Path(__file__).resolve().parents[2] / "shared" / "bench",) if p.is_dir()),
                   Path("/work/shared/bench")))
HERE = Path(__file__).resolve().parent
REL = "app/api/v1/admin/bulk_operations.py"
SG_RULES = "sg-rules"  # ast-grep's rule folder in a workspace (the corpus has no such folder)
MAX_FILE_SIZE = "50MB"  # the server skips files over 1 MB by default: the big files must be checked


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def kit(work: Path, *args: str) -> None:
    subprocess.run([sys.executable, str(KIT / args[0]), *args[1:]], check=True, cwd=work,
                   stdout=subprocess.DEVNULL)


# ---------------------------------------------------------------- inputs

def rule_set(work: Path, count: int) -> Path:
    """The kit's rules translated for every tool (66), or the kit's set plus synthetic
    regexes of the same shape up to `count`: each a kit synthetic rule with its first
    word renamed (`db\\.query` -> `db_v3\\.query`), so the findings stay the kit's."""
    if count == 66:
        out = work / "rules-gen"
        if not (out / "archrules.yaml").exists():
            kit(work, "translate_rules.py", str(KIT / "rules/rules.yaml"), str(out))
        return out
    out = work / "rules-scale" / str(count)
    if (out / "archrules.yaml").exists():
        return out
    base = yaml.safe_load((KIT / "rules/rules.yaml").read_text())["rules"]
    synthetic = [r for r in base if r["id"].startswith("syn")]
    rules = list(base)
    for j in range(count - len(base)):
        r, variant = synthetic[j % len(synthetic)], j // len(synthetic) + 1
        pattern = re.sub(r"(?<![\\\w])([A-Za-z_]{3,})", rf"\1_v{variant}", r["pattern"], count=1)
        re.compile(pattern)
        rules.append({**r, "id": f"{r['id']}-v{variant}", "pattern": pattern})
    out.mkdir(parents=True, exist_ok=True)
    (out / "rules.yaml").write_text(yaml.safe_dump({"rules": rules}, sort_keys=False, width=1000))
    kit(work, "translate_rules.py", str(out / "rules.yaml"), str(out))
    return out


def corpus(work: Path, name: str) -> Path:
    root = work / "corpus" / name
    if not root.exists():
        kit(work, "gen_corpus.py", name, str(root))
    return root


def big_file(work: Path, lines: int) -> str:
    """The kit's 5,000-line module repeated to `lines` lines, each copy's functions and
    classes renamed (a real module does not define the same name 40 times)."""
    module = (corpus(work, "single") / REL).read_text(encoding="utf-8")
    per_copy = module.count("\n")
    copies = [module] + [re.sub(r"^(\s*(?:async )?(?:def|class) )(\w+)", rf"\1\2_copy{k}", module, flags=re.M)
                         for k in range(1, max(1, lines // per_copy))]
    return "".join(copies)


# ---------------------------------------------------------------- servers

@dataclass
class Server:
    name: str
    cmd: list[str]
    env: dict[str, str] = field(default_factory=dict)  # added to the environment it runs in
    settings: dict[str, Any] = field(default_factory=dict)  # archrules: more initializationOptions

    def setup(self, ws: Path, rules: Path) -> None:
        raise NotImplementedError

    def init_options(self, debounce_ms: int | None, mode: str = "openFilesOnly") -> dict | None:
        return None

    def wait_ready(self, conn: Connection) -> None:
        raise NotImplementedError


class Archrules(Server):
    def setup(self, ws: Path, rules: Path) -> None:
        (ws / ".git").mkdir(exist_ok=True)
        (ws / ".architecture-rules").mkdir(exist_ok=True)
        shutil.copy(rules / "archrules.yaml", ws / ".architecture-rules" / "bench.yaml")

    def init_options(self, debounce_ms: int | None, mode: str = "openFilesOnly") -> dict:
        options = {"logLevel": "warning", "diagnosticMode": mode, "maxFileSize": MAX_FILE_SIZE}
        if debounce_ms is not None:  # None: the server's default
            options["debounceMs"] = debounce_ms
        return {"archrules": {**options, **self.settings}}

    def wait_ready(self, conn: Connection) -> None:
        conn.wait(lambda m: m.get("method") == "archrules/status", what="archrules/status")


class AstGrep(Server):
    def setup(self, ws: Path, rules: Path) -> None:
        shutil.copytree(rules / "astgrep_file" / "rules", ws / SG_RULES, dirs_exist_ok=True)
        (ws / "sgconfig.yml").write_text(yaml.safe_dump({"ruleDirs": [SG_RULES]}))

    def wait_ready(self, conn: Connection) -> None:
        def reloaded(m: dict) -> bool:
            text = (m.get("params") or {}).get("message", "") if m.get("method") == "window/logMessage" else ""
            if "reload" in text.lower() and "fail" in text.lower():
                raise RuntimeError(f"ast-grep could not load its rules: {text}")
            return "Rules reloaded" in text
        conn.wait(reloaded, what="'Rules reloaded' log message")


def start(server: Server, ws: Path, init_options: dict | None, env: dict) -> tuple[Connection, dict]:
    """The server started in `ws` (its stderr in ws/../server-stderr.log), initialized, rules loaded."""
    with (ws.parent / "server-stderr.log").open("ab") as log:
        conn = Connection(server.cmd, str(ws), {**env, **server.env}, stderr=log)
    _, init_id = conn.request("initialize", {
        "processId": os.getpid(), "rootUri": ws.as_uri(),
        "workspaceFolders": [{"uri": ws.as_uri(), "name": "bench"}],
        "initializationOptions": init_options,
        "capabilities": {"general": {"positionEncodings": ["utf-16"]},
                         "window": {"workDoneProgress": True},
                         "textDocument": {"publishDiagnostics": {"versionSupport": True}}},
    })
    _, answer = conn.wait(lambda m: m.get("id") == init_id and "result" in m, what="initialize response")
    conn.notify("initialized", {})
    server.wait_ready(conn)
    return conn, answer["result"]["capabilities"]


def incremental(capabilities: dict) -> bool:
    sync = capabilities.get("textDocumentSync")
    kind = sync.get("change") if isinstance(sync, dict) else sync
    return kind == 2


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# ---------------------------------------------------------------- keystrokes

def keystroke_cell(server: Server, ws: Path, env: dict, rules: Path, text: str, key: str,
                   debounce_ms: int | None, edits: int, budget_s: float) -> dict:
    """Open `text` and time `edits` keystrokes (fewer once `budget_s` is spent)."""
    target = ws / REL
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    server.setup(ws, rules)
    conn, caps = start(server, ws, server.init_options(debounce_ms), env)
    try:
        uri = target.as_uri()
        t_open = conn.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "python", "version": 1, "text": text}})
        t_first, first = conn.wait(publish_for(uri, 1), 300, "publish after didOpen")
        lines = text.split("\n")
        mid, latencies, began = len(lines) // 2, [], time.perf_counter()
        for i in range(edits):
            if i >= 5 and time.perf_counter() - began > budget_s:
                break
            version, line = i + 2, mid + (i * 37) % 200 - 100
            if key == "space":
                at, new = (line, 0), " "
                lines[line] = " " + lines[line]
            else:
                at, new = (line, utf16_len(lines[line])), "\n"
                lines.insert(line + 1, "")
            pos = {"line": at[0], "character": at[1]}
            change = ({"range": {"start": pos, "end": pos}, "text": new} if incremental(caps)
                      else {"text": "\n".join(lines)})
            payload = {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}
            t_send = conn.notify("textDocument/didChange", payload)
            what = f"publish for version {version} ({key} at line {line})"
            t_pub, _ = conn.wait(publish_for(uri, version), 120, what)
            latencies.append((t_pub - t_send) * 1000)
        conn.drain()
    finally:
        conn.close()
    diagnostics = first["params"]["diagnostics"]
    # information / hint entries are the server's notices (e.g. a rule skipped on a huge file), not findings
    notices = [d for d in diagnostics if d.get("severity", 1) >= 3]
    # archrules' notice that it published the first maxDiagnosticsPerFile findings only: not a skipped rule
    capped = sum(1 for d in notices if d.get("code") == "too-many-findings")
    return {"open_to_first_publish_ms": round((t_first - t_open) * 1000, 1),
            "findings": len(diagnostics) - len(notices), "notices": len(notices), "capped": capped,
            "edits": len(latencies),
            "median_ms": round(statistics.median(latencies), 2), "p10_ms": round(pct(latencies, 0.1), 2),
            "p90_ms": round(pct(latencies, 0.9), 2), "max_ms": round(max(latencies), 2),
            "first_edit_ms": round(latencies[0], 2)}  # an incremental checker may build its state here


def keystroke_plan(args) -> list[dict]:
    """The cells: every size x key with 66 rules and debounce 0 (both servers); more
    rules at the two smaller sizes; the default debounce on the 5,000-line file."""
    sizes = [int(s) for s in args.sizes.split(",")]
    servers = ["archrules"] + ([] if args.no_astgrep else ["ast-grep"])
    plan = [dict(server=s, lines=n, key=k, rules=66, debounce=0)
            for n in sizes for k in ("space", "enter") for s in servers]
    plan += [dict(server=s, lines=n, key="space", rules=r, debounce=0)
             for r in (500, 2000) for n in sizes[:2] for s in servers]
    plan += [dict(server="archrules", lines=sizes[0], key=k, rules=66, debounce=None) for k in ("space", "enter")]
    return plan


def run_keystrokes(args, work: Path, servers: dict[str, Server], env: dict) -> list[dict]:
    rows, texts = [], {}
    for cell in keystroke_plan(args):
        text = texts.setdefault(cell["lines"], big_file(work, cell["lines"]))
        rules = rule_set(work, cell["rules"])
        edits = max(10, args.edits * 5000 // cell["lines"]) if cell["lines"] > 5000 else args.edits
        ws = work / "lsp-ws"
        shutil.rmtree(ws, ignore_errors=True)
        ws.mkdir(parents=True)
        load = loadavg()
        try:
            result = keystroke_cell(servers[cell["server"]], ws, env, rules, text, cell["key"],
                                    cell["debounce"], edits, args.cell_budget)
        except (TimeoutError, RuntimeError) as e:
            result = {"error": str(e)}
        finally:
            shutil.rmtree(ws, ignore_errors=True)
        row = {**cell, "bytes": len(text.encode()), **servers[cell["server"]].settings, **result, "load": load}
        rows.append(row)
        print(json.dumps(row), flush=True)
    return rows


# ---------------------------------------------------------------- memory, workspace

def proc_stats(pid: int) -> dict:
    """RSS, peak RSS and CPU seconds of a process and its live children (/proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:  # a kernel without CONFIG_PROC_CHILDREN: the server alone
        children = []
    pids = [pid] + [int(c) for c in children]
    rss = cpu = 0.0
    peak = 0
    for p in pids:
        try:
            status = Path(f"/proc/{p}/status").read_text()
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        kb = dict(line.split(":", 1) for line in status.splitlines() if line.startswith(("VmRSS", "VmHWM")))
        rss += int(kb["VmRSS"].split()[0]) / 1024
        peak = max(peak, int(kb["VmHWM"].split()[0]) // 1024)
        cpu += sum(int(x) for x in fields[11:15]) / ticks  # utime stime cutime cstime
    return {"rss_mb": round(rss, 1), "peak_rss_mb": peak, "cpu_s": round(cpu, 2), "processes": len(pids)}


def workspace_copy(work: Path) -> Path:
    """The 5,000-file corpus with both servers' rules in it (made once)."""
    ws = work / "ws-large"
    if not ws.exists():
        shutil.copytree(corpus(work, "large"), ws)
        shutil.rmtree(ws / ".architecture-rules", ignore_errors=True)
    rules = rule_set(work, 66)
    Archrules("", []).setup(ws, rules)
    AstGrep("", []).setup(ws, rules)
    return ws


def memory_cell(server: Server, ws: Path, env: dict, counts: list[int]) -> list[dict]:
    files = sorted(p for p in ws.rglob("*.py") if SG_RULES not in p.parts)[:max(counts)]
    conn, _ = start(server, ws, server.init_options(0), env)
    published: set[str] = set()
    conn.on_message = lambda m: (published.add(m["params"]["uri"])
                                 if m.get("method") == "textDocument/publishDiagnostics" else None)
    rows, opened, size = [{"open": 0, "text_mb": 0.0, **proc_stats(conn.proc.pid), "load": loadavg()}], [], 0
    try:
        for count in counts:
            for path in files[len(opened):count]:
                text = path.read_text(encoding="utf-8")
                size += len(text.encode())
                opened.append(path.as_uri())
                conn.notify("textDocument/didOpen", {"textDocument": {
                    "uri": opened[-1], "languageId": "python", "version": 1, "text": text}})
            with contextlib.suppress(TimeoutError):  # counted below: "published"
                conn.wait(lambda m: published.issuperset(opened), 300)
            time.sleep(0.5)  # let the allocator settle after the last publish
            rows.append({"open": len(opened), "published": len(published & set(opened)),
                         "text_mb": round(size / 1e6, 2), **proc_stats(conn.proc.pid), "load": loadavg()})
    finally:
        conn.close()
    return rows


def workspace_scan(server: Archrules, ws: Path, env: dict) -> dict:
    load = loadavg()
    ended: list[float] = []
    diagnostics: dict[str, int] = {}

    def track(m: dict) -> None:
        if m.get("method") == "textDocument/publishDiagnostics":
            diagnostics[m["params"]["uri"]] = len(m["params"]["diagnostics"])
        value = (m.get("params") or {}).get("value") if m.get("method") == "$/progress" else None
        if isinstance(value, dict) and value.get("kind") == "end":
            ended.append(time.perf_counter())

    conn = Connection(server.cmd, str(ws), {**env, **server.env})
    conn.on_message = track
    try:
        _, init_id = conn.request("initialize", {
            "processId": os.getpid(), "rootUri": ws.as_uri(),
            "workspaceFolders": [{"uri": ws.as_uri(), "name": "bench"}],
            "initializationOptions": server.init_options(0, "workspace"),
            "capabilities": {"window": {"workDoneProgress": True}}})
        conn.wait(lambda m: m.get("id") == init_id and "result" in m)
        conn.notify("initialized", {})
        conn.wait(lambda m: bool(ended), 900)
        stats = proc_stats(conn.proc.pid)
    finally:
        conn.close()
    name = "archrules-lsp" if server.name == "archrules" else server.name
    return {"tool": f"{name}, diagnosticMode workspace", "wall_s": round(ended[0] - conn.t_start, 2),
            **stats, "files_published": len(diagnostics), "findings": sum(diagnostics.values()), "load": load}


def timed(name: str, cmd: list[str], ws: Path, out: Path, env: dict) -> dict:
    """Wall, CPU and peak RSS (largest process) of one command, by GNU time."""
    load = loadavg()
    stats = out.with_suffix(".time")
    with out.open("w") as fh:
        subprocess.run(["/usr/bin/time", "-o", str(stats), "-f", "%e %U %S %M", *cmd], cwd=ws, stdout=fh,
                       stderr=subprocess.DEVNULL, env=env, check=False)
    wall, user, system, kb = stats.read_text().split()[-4:]
    return {"tool": name, "wall_s": float(wall), "cpu_s": round(float(user) + float(system), 2),
            "peak_rss_mb": int(kb) // 1024, "output_lines": sum(1 for _ in out.open()), "load": load}


def run_workspace(work: Path, archrules: Archrules, env: dict, before: Archrules | None, runs: int) -> list[dict]:
    """Each tool `runs` times, the tools taking turns (a busy host's load drifts); per tool the
    run of median wall time, with every run's wall and CPU and the loads seen."""
    ws = workspace_copy(work)
    out = work / "results"
    cli = str(Path(sys.executable).with_name("archrules"))
    check = [cli, "check", "--rules", ".architecture-rules/bench.yaml", "--format", "jsonl", "--exit-zero",
             "--quiet", "."]
    measures = [lambda: workspace_scan(archrules, ws, env),
                *([lambda: workspace_scan(before, ws, env)] if before else []),
                lambda: timed("archrules check", check, ws, out / "ws-cli.jsonl", env),
                lambda: timed("ripgrep, one run per rule", ["bash", str(work / "rules-gen" / "rg_per_rule.sh"), "."],
                              ws, out / "ws-rg.txt", env)]
    seen: dict[str, list[dict]] = {}
    for _ in range(runs):
        for measure in measures:
            row = measure()
            print(json.dumps(row), flush=True)
            seen.setdefault(row["tool"], []).append(row)
    rows = []
    for tool_rows in seen.values():
        row = dict(sorted(tool_rows, key=lambda r: r["wall_s"])[len(tool_rows) // 2])
        if runs > 1:
            row.update(runs=runs, walls=[r["wall_s"] for r in tool_rows], cpus=[r["cpu_s"] for r in tool_rows],
                       cpu_s=statistics.median(r["cpu_s"] for r in tool_rows),
                       load=", ".join(r["load"].split()[0] for r in tool_rows))
        rows.append(row)
    return rows


# ---------------------------------------------------------------- report

def markdown(results: dict) -> str:
    """The result file as Markdown tables: each figure with the host's load and its
    ratio to the anchor measured in the same run."""
    out = [f"Run of {results['started']} on {results['cores']} cores, code {results.get('code', '?')}, "
           f"load at start {results['load_at_start']}", ""]
    cells = results.get("keystrokes", [])
    if cells:
        anchor = {(c["lines"], c["key"], c["rules"], c["debounce"]): c for c in cells
                  if c["server"] == "ast-grep" and "median_ms" in c}
        out += ["| server | lines | key | rules | debounce | findings (notices) | n | median / p90 ms "
                "| archrules / ast-grep (median) | load 1/5/15 min |", "|" + "---|" * 10]
        for c in cells:
            if "median_ms" not in c:
                out.append(f"| {c['server']} | {c['lines']:,} | {c['key']} | {c['rules']} | {c['debounce']} "
                           f"| error: {c.get('error')} | | | | {c['load']} |")
                continue
            other = anchor.get((c["lines"], c["key"], c["rules"], c["debounce"]))
            ratio = (f"{c['median_ms'] / other['median_ms']:.2f}" if other and c["server"] == "archrules" else "")
            debounce = "default (150)" if c["debounce"] is None else c["debounce"]
            cap = f", maxDiagnosticsPerFile {c['maxDiagnosticsPerFile']}" if "maxDiagnosticsPerFile" in c else ""
            out.append(f"| {c['server']} | {c['lines']:,} | {c['key']} | {c['rules']:,} | {debounce} "
                       f"| {c['findings']:,} ({c.get('notices', 0)}){cap} | {c['edits']} "
                       f"| {c['median_ms']:.1f} / {c['p90_ms']:.1f} | {ratio} | {c['load']} |")
    for name, rows in results.get("memory", {}).items():
        base = rows[0]["rss_mb"]
        out += ["", f"| {name}: open documents | text MB | RSS MB | RSS growth / text size | load |",
                "|---|---|---|---|---|"]
        out += [f"| {r['open']:,} | {r['text_mb']} | {r['rss_mb']} "
                f"| {(r['rss_mb'] - base) / r['text_mb']:.1f}x | {r['load']} |" if r["open"] else
                f"| 0 (after initialize) | 0 | {r['rss_mb']} | | {r['load']} |" for r in rows]
    rows = results.get("workspace", [])
    if rows:
        cli = next(r for r in rows if r["tool"] == "archrules check")
        out += ["", "| 5,000-file corpus | wall s (median; runs) | CPU s (median) | RSS MB | findings / output lines "
                "| wall / CLI | CPU / CLI | load (1 min) |", "|---|---|---|---|---|---|---|---|"]
        for r in rows:
            rss = (f"{r['rss_mb']} after (peak {r['peak_rss_mb']})" if "rss_mb" in r
                   else f"{r['peak_rss_mb']} peak")
            count = r.get("findings", r.get("output_lines"))
            walls = f" ({', '.join(map(str, r['walls']))})" if "walls" in r else ""
            out.append(f"| {r['tool']} | {r['wall_s']}{walls} | {r['cpu_s']} | {rss} | {count:,} "
                       f"| {r['wall_s'] / cli['wall_s']:.2f} | {r['cpu_s'] / cli['cpu_s']:.2f} | {r['load']} |")
    return "\n".join(out)


# ---------------------------------------------------------------- main

def earlier_server(work: Path, ref: str) -> Archrules:
    """The server of commit `ref`: its package exported (git archive) to WORK/code/<commit>;
    or, when `ref` is a folder holding archrules_lsp/, that tree (e.g. today's code without one change)."""
    if (Path(ref) / "archrules_lsp").is_dir():
        tree = Path(ref).resolve()
        return Archrules(f"archrules-lsp (before: {tree.name})", [sys.executable, "-m", "archrules_lsp"],
                         {"PYTHONPATH": str(tree)})
    commit = subprocess.run(["git", "rev-parse", "--short", ref], cwd=HERE, capture_output=True, text=True,
                            check=True).stdout.strip()
    code = work / "code" / commit
    if not (code / "archrules_lsp").is_dir():
        code.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", commit, "archrules_lsp"], cwd=HERE.parent, capture_output=True,
                                 check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(code)], input=archive, check=True)
    return Archrules(f"archrules-lsp (before: {commit})", [sys.executable, "-m", "archrules_lsp"],
                     {"PYTHONPATH": str(code)})


def code_version() -> str:
    """The commit measured, and whether the package's files differed from it (others edit the tree)."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=HERE, capture_output=True, text=True).stdout.strip()
    dirty = git("status", "--porcelain", "--", "../archrules_lsp")
    return git("rev-parse", "--short", "HEAD") + (" + uncommitted changes to archrules_lsp/" if dirty else "")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, default=Path(os.environ.get("ARCHRULES_BENCH_WORK", "/tmp/archrules-bench")))
    ap.add_argument("--parts", default="keystrokes,memory,workspace")
    ap.add_argument("--sizes", default="5000,50000,200000", help="file sizes in lines (multiples of 5,000)")
    ap.add_argument("--edits", type=int, default=60, help="edits on the 5,000-line file (fewer on bigger ones)")
    ap.add_argument("--cell-budget", type=float, default=40.0, help="seconds of edits per cell (5 at least)")
    ap.add_argument("--open-counts", default="1,100,1000")
    ap.add_argument("--no-astgrep", action="store_true", help="archrules only (no anchor)")
    ap.add_argument("--before", metavar="REF", help="also measure this commit's server, or the one in this "
                    "folder (memory, workspace)")
    ap.add_argument("--workspace-runs", type=int, default=1, help="runs of each workspace figure (median)")
    ap.add_argument("--no-plot", action="store_true")
    ap.add_argument("--png", type=Path, default=HERE / "keystroke-vs-size.png")
    ap.add_argument("--report", type=Path, help="print the tables of a saved result file and stop")
    ap.add_argument("--max-diagnostics", type=int, metavar="N",
                    help="archrules' maxDiagnosticsPerFile setting (not sent by default: the server's default)")
    args = ap.parse_args(argv)
    if args.report:
        print(markdown(json.loads(args.report.read_text())))
        return 0

    work = args.work.resolve()
    (work / "results").mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: with .pyc files (see README)
    archrules = Archrules("archrules", [str(Path(sys.executable).with_name("archrules-lsp"))])
    if args.max_diagnostics is not None:
        archrules.settings["maxDiagnosticsPerFile"] = args.max_diagnostics
    before = earlier_server(work, args.before) if args.before else None
    servers: dict[str, Server] = {"archrules": archrules}
    astgrep_exe = work / "venv" / "bin" / "ast-grep"
    if not args.no_astgrep:
        if not astgrep_exe.exists():
            raise SystemExit(f"{astgrep_exe} missing: {work}/venv/bin/pip install ast-grep-cli==0.51.1 "
                             "(or --no-astgrep)")
        servers["ast-grep"] = AstGrep("ast-grep", [str(astgrep_exe), "lsp"])

    parts = set(args.parts.split(","))
    results: dict = {"started": time.strftime("%Y-%m-%dT%H:%M:%S"), "cores": os.cpu_count(),
                     "load_at_start": loadavg(), "code": code_version()}
    if "keystrokes" in parts:
        results["keystrokes"] = run_keystrokes(args, work, servers, env)
    if "memory" in parts:
        ws = workspace_copy(work)
        counts = [int(c) for c in args.open_counts.split(",")]
        measured = {**servers, **({before.name: before} if before else {})}
        results["memory"] = {name: memory_cell(s, ws, env, counts) for name, s in measured.items()}
        print(json.dumps(results["memory"]), flush=True)
    if "workspace" in parts:
        results["workspace"] = run_workspace(work, archrules, env, before, args.workspace_runs)
    path = work / "results" / f"lsp-scaling-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(results, indent=1))
    print(markdown(results))
    print(f"results: {path}")
    if "keystrokes" in parts and not args.no_plot:
        subprocess.run([str(work / "venv" / "bin" / "python"), str(HERE / "plot_scaling.py"), str(path),
                        str(args.png)], check=True)
        print(f"plot: {args.png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
