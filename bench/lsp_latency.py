#!/usr/bin/env python3
"""Keystroke latency of the language server over real stdio.

Starts `python -m archrules_lsp` on a workspace holding the 66-rule benchmark set and
the 5,000-line generated Python module, opens the module, sends N single-character
edits one at a time (debounceMs 0) and measures, for each, the time from writing the
didChange to reading the publishDiagnostics for that version. Also measures process
start -> initialize response.

    python3 bench/lsp_latency.py                      # generates what it needs in /tmp
    python3 bench/lsp_latency.py --rules R.yaml --file F.py --edits 200 --json
    python3 bench/lsp_latency.py --scan     # workspace mode on the 500-file corpus: edits during the scan

Inputs (generated when not given, with the shared bench kit):
    cd /tmp && python3 /work/shared/bench/translate_rules.py /work/shared/bench/rules/rules.yaml /tmp/rules-gen
    python3 /work/shared/bench/gen_corpus.py single /tmp/lsp-bench-corpus
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lspclient import Connection, pct

SHARED = Path(os.environ.get("ARCHRULES_SHARED")
              or next((p for p in (Path(__file__).resolve().parents[2] / "shared",) if (p / "bench").is_dir()),
                      Path("/work/shared"))) / "bench"
REL = "app/api/v1/admin/bulk_operations.py"


def ensure_inputs(args) -> tuple[Path, Path]:
    rules = Path(args.rules) if args.rules else Path("/tmp/rules-gen/archrules.yaml")
    source = Path(args.file) if args.file else Path("/tmp/lsp-bench-corpus") / REL
    if not rules.exists():
        subprocess.run([sys.executable, str(SHARED / "translate_rules.py"), str(SHARED / "rules/rules.yaml"),
                        str(rules.parent)], check=True, cwd="/tmp", stdout=subprocess.DEVNULL)
    if not source.exists():
        subprocess.run([sys.executable, str(SHARED / "gen_corpus.py"), "single", "/tmp/lsp-bench-corpus"],
                       check=True, stdout=subprocess.DEVNULL)
    return rules, source


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rules", help="rule file (default: /tmp/rules-gen/archrules.yaml)")
    ap.add_argument("--file", help="source file (default: the generated 5,000-line module)")
    ap.add_argument("--edits", type=int, default=100)
    ap.add_argument("--server", default=f"{sys.executable} -m archrules_lsp", help="server command")
    ap.add_argument("--json", action="store_true", help="print the numbers as JSON")
    ap.add_argument("--scan", action="store_true",
                    help="workspace mode with the 500-file 'small' corpus around the file: edits while it is scanned")
    args = ap.parse_args()

    rules, source = ensure_inputs(args)
    work = Path(tempfile.mkdtemp(prefix="archrules-lsp-bench-"))
    try:
        if args.scan:
            small = Path("/tmp/lsp-bench-small")
            if not small.exists():
                subprocess.run([sys.executable, str(SHARED / "gen_corpus.py"), "small", str(small)],
                               check=True, stdout=subprocess.DEVNULL)
            shutil.copytree(small, work, dirs_exist_ok=True)
            shutil.rmtree(work / ".architecture-rules", ignore_errors=True)
        (work / ".git").mkdir(exist_ok=True)
        (work / ".architecture-rules").mkdir()
        shutil.copy(rules, work / ".architecture-rules" / "bench.yaml")
        target = work / REL
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, target)
        text = target.read_text(encoding="utf-8")
        uri = target.as_uri()

        conn = Connection(args.server.split(), str(work))
        scan_end: list[float] = []

        def track(msg) -> None:  # the scan's progress end, seen while waiting for other things
            value = (msg.get("params") or {}).get("value") if msg.get("method") == "$/progress" else None
            if isinstance(value, dict) and value.get("kind") == "end":
                scan_end.append(time.perf_counter())

        conn.on_message = track
        _, init_id = conn.request("initialize", {
            "processId": os.getpid(), "rootUri": work.as_uri(),
            "workspaceFolders": [{"uri": work.as_uri(), "name": "bench"}],
            "initializationOptions": {"archrules": {
                "debounceMs": 0, "logLevel": "warning",
                "diagnosticMode": "workspace" if args.scan else "openFilesOnly"}},
            "capabilities": {"general": {"positionEncodings": ["utf-16"]},
                             "window": {"workDoneProgress": True},
                             "textDocument": {"publishDiagnostics": {"versionSupport": True}}},
        })
        t_init, _ = conn.wait(lambda m: m.get("id") == init_id and "result" in m)
        start_ms = (t_init - conn.t_start) * 1000
        conn.notify("initialized", {})
        t_ready, status = conn.wait(lambda m: m.get("method") == "archrules/status")
        t_open = conn.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "python", "version": 1, "text": text}})
        t_first, first = conn.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                                   and m["params"]["uri"] == uri and m["params"].get("version") == 1)
        findings = len(first["params"]["diagnostics"])

        lines = text.split("\n")
        latencies = []
        for i in range(args.edits):
            version = i + 2
            line = (i * 37) % (len(lines) - 1)
            t_send = conn.notify("textDocument/didChange", {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"range": {"start": {"line": line, "character": 0},
                                              "end": {"line": line, "character": 0}}, "text": " "}]})
            t_pub, _ = conn.wait(lambda m, v=version: m.get("method") == "textDocument/publishDiagnostics"
                                 and m["params"]["uri"] == uri and m["params"].get("version") == v)
            latencies.append((t_pub - t_send) * 1000)

        t_edits_done = time.perf_counter()
        if args.scan and not scan_end:
            with contextlib.suppress(TimeoutError):
                conn.wait(lambda m: bool(scan_end), timeout=300)
        _, shut_id = conn.request("shutdown", None)
        conn.wait(lambda m: m.get("id") == shut_id)
        conn.notify("exit", None)
        conn.proc.wait(10)

        result = {
            "workspace_scan": bool(args.scan),
            "scan_ms_after_initialize": round((scan_end[0] - t_init) * 1000, 1) if scan_end else None,
            "edits_finished_before_scan_end": bool(scan_end) and t_edits_done < scan_end[0],
            "start_to_initialize_ms": round(start_ms, 1),
            "initialize_to_rules_loaded_ms": round((t_ready - t_init) * 1000, 1),
            "rule_count": status["params"]["ruleCount"],
            "open_to_first_publish_ms": round((t_first - t_open) * 1000, 1),
            "findings": findings,
            "lines": len(lines),
            "edits": len(latencies),
            "change_to_publish_ms": {
                "median": round(statistics.median(latencies), 2),
                "p90": round(pct(latencies, 0.9), 2),
                "min": round(min(latencies), 2),
                "max": round(max(latencies), 2),
            },
        }
        if args.json:
            print(json.dumps(result, indent=2))
        else:
            c = result["change_to_publish_ms"]
            print(f"server start -> initialize response: {result['start_to_initialize_ms']} ms")
            print(f"initialize -> rules loaded ({result['rule_count']} rules): "
                  f"{result['initialize_to_rules_loaded_ms']} ms")
            print(f"didOpen -> first publish ({result['lines']} lines, {findings} findings): "
                  f"{result['open_to_first_publish_ms']} ms")
            print(f"didChange -> publishDiagnostics over {len(latencies)} edits: median {c['median']} ms, "
                  f"p90 {c['p90']} ms, min {c['min']} ms, max {c['max']} ms")
            if args.scan:
                print(f"workspace scan finished {result['scan_ms_after_initialize']} ms after initialize; "
                      f"all edits measured during the scan: {result['edits_finished_before_scan_end']}")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
