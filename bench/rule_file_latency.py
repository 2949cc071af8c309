#!/usr/bin/env python3
"""Latency of editing a rule file in the language server, over real stdio.

Generates a rule file of 200 rules with 400 examples (each rule: a `patterns` entry, an
anti-pattern, one `valid` and one `invalid` example), opens it in `archrules-lsp`
(debounceMs 0), sends N single-character edits one at a time and measures, for each,
the time from writing the didChange to reading the publishDiagnostics of the rule
file for that version. Edits alternate between a rule's anti-pattern regex (that
rule's `invalid` example then fails: an error appears and stays) and the code of an
example. The file's first rule carries a misspelt key, so every reload has a warning to
publish. The workspace holds a small file for each rule's globs (so no glob matches
nothing). The server reloads a rule file after `debounceMs` (0 here), reusing the rules
whose lines did not change and running again only the examples of the rules that did.

    .venv/bin/python bench/rule_file_latency.py [--rules 200] [--edits 60] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lspclient import Connection, pct, publish_for

RULE_FILE = ".architecture-rules/generated.yaml"
MODULES = 20  # rule i checks app/module_{i % MODULES}/


def rule_yaml(i: int) -> str:
    typo = "    severtiy: error\n" if i == 0 else ""
    return f"""  - id: GEN-{i:03d}
    name: Generated rule {i}
{typo}    severity: warning
    description: Rule {i} of the generated set.
    patterns:
      - file: "app/module_{i % MODULES}/**/*.py"
        must_contain: "import logging"
        should_match: '^log_{i} = '
    anti_patterns:
      - pattern: 'forbidden_call_{i}\\('
        message: "Do not call forbidden_call_{i}"
        file: "app/**/*.py"
    suggestion: Use allowed_call_{i} instead.
    examples:
      - path: app/module_{i % MODULES}/x.py
        valid: |
          import logging
          log_{i} = logging.getLogger()
          allowed_call_{i}(1)
      - path: app/other/x.py
        invalid: |
          forbidden_call_{i}(1)
        count: 1
"""


def rule_file(rules: int) -> str:
    return "generated_rules:\n" + "".join(rule_yaml(i) for i in range(rules))


def edit_positions(text: str, edits: int) -> list[tuple[int, int]]:
    """(line, character) of each edit: inside the regex of a rule's anti-pattern, or in an example's code."""
    lines = text.split("\n")
    regexes = [(n, line.index("forbidden_call_") + len("forbidden_"))
               for n, line in enumerate(lines) if line.startswith("      - pattern: ")]
    examples = [(n, line.index("allowed_call_") + len("allowed_"))
                for n, line in enumerate(lines) if line.startswith("          allowed_call_")]
    step = max(1, len(regexes) // max(1, edits // 2))
    out = []
    for k in range(edits):
        places = regexes if k % 2 == 0 else examples
        out.append(places[(k // 2 * step + len(places) // 2) % len(places)])
    return out


def in_process(text: str, edits: list[tuple[int, int]]) -> dict:
    """Median ms of the two engine steps a rule-file edit costs the server, done as the
    server does them: loading the file's new text (unchanged rules reused), and running
    the examples of the rules that changed (outcomes kept per rule)."""
    from archrules_lsp.engine.loading import load_rule_files
    from archrules_lsp.engine.rule_tests import run_rule_examples

    lines = text.split("\n")
    loads, examples = [], []
    opened = load_rule_files(["rules.yaml"], read_text=lambda _path: text)  # the server's didOpen
    outcomes = {rule: run_rule_examples(rule) for rule in opened.rules}
    for line, character in edits:
        lines[line] = lines[line][:character] + "x" + lines[line][character:]
        edited = "\n".join(lines)
        start = time.perf_counter()
        ruleset = load_rule_files(["rules.yaml"], read_text=lambda _path, t=edited: t)
        loaded = time.perf_counter()
        outcomes = {rule: outcomes.get(rule) or run_rule_examples(rule) for rule in ruleset.rules}
        loads.append((loaded - start) * 1000)
        examples.append((time.perf_counter() - loaded) * 1000)
    return {"load_ms": round(statistics.median(loads), 1), "examples_ms": round(statistics.median(examples), 1)}


def measure(args, work: Path) -> dict:
    path = work / RULE_FILE
    text = path.read_text(encoding="utf-8")
    uri = path.as_uri()
    conn = Connection(args.server.split(), str(work), env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""})
    try:
        _, init_id = conn.request("initialize", {
            "processId": os.getpid(), "rootUri": work.as_uri(),
            "workspaceFolders": [{"uri": work.as_uri(), "name": "bench"}],
            "initializationOptions": {"archrules": {"debounceMs": 0, "logLevel": "warning"}},
            "capabilities": {"general": {"positionEncodings": ["utf-16"]},
                             "textDocument": {"publishDiagnostics": {"versionSupport": True}}},
        })
        conn.wait(lambda m: m.get("id") == init_id and "result" in m)
        conn.notify("initialized", {})
        _, status = conn.wait(lambda m: m.get("method") == "archrules/status")
        t_open = conn.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "yaml", "version": 1, "text": text}})
        t_first, _ = conn.wait(publish_for(uri, 1), what="the rule file's first publish")
        latencies, counts = [], []
        for k, (line, character) in enumerate(edit_positions(text, args.edits)):
            version = k + 2
            position = {"line": line, "character": character}
            t_send = conn.notify("textDocument/didChange", {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"range": {"start": position, "end": position}, "text": "x"}]})
            t_pub, msg = conn.wait(publish_for(uri, version), what=f"the publish of version {version}")
            latencies.append((t_pub - t_send) * 1000)
            counts.append(len(msg["params"]["diagnostics"]))
        return {
            "rules": status["params"]["ruleCount"],
            "lines": text.count("\n"),
            "open_to_first_publish_ms": round((t_first - t_open) * 1000, 1),
            "edits": len(latencies),
            "diagnostics_per_publish": [min(counts), max(counts)],
            "change_to_publish_ms": {"median": round(statistics.median(latencies), 2),
                                     "p90": round(pct(latencies, 0.9), 2),
                                     "min": round(min(latencies), 2), "max": round(max(latencies), 2)},
            "loadavg": Path("/proc/loadavg").read_text().split()[:3],
        }
    finally:
        conn.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rules", type=int, default=200, help="rules in the generated file (2 examples each)")
    ap.add_argument("--edits", type=int, default=60)
    ap.add_argument("--server", default=str(Path(sys.executable).with_name("archrules-lsp")), help="server command")
    ap.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="archrules-rule-file-bench-"))
    try:
        (work / ".git").mkdir()
        (work / RULE_FILE).parent.mkdir()
        (work / RULE_FILE).write_text(rule_file(args.rules), encoding="utf-8")
        for folder in [f"module_{i}" for i in range(MODULES)] + ["other"]:  # every glob matches a file
            (work / "app" / folder).mkdir(parents=True)
            (work / "app" / folder / "x.py").write_text("import logging\n", encoding="utf-8")
        started = time.strftime("%H:%M:%S")
        result = {"started": started, **measure(args, work)}
        text = (work / RULE_FILE).read_text(encoding="utf-8")
        result["engine_per_edit"] = in_process(text, edit_positions(text, args.edits))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    c = result["change_to_publish_ms"]
    print(f"{result['rules']} rules, {result['lines']} lines; didOpen -> first publish "
          f"{result['open_to_first_publish_ms']} ms; load {' '.join(result['loadavg'])}")
    print(f"didChange -> publishDiagnostics over {result['edits']} edits: median {c['median']} ms, "
          f"p90 {c['p90']} ms, min {c['min']} ms, max {c['max']} ms "
          f"({result['diagnostics_per_publish'][0]}..{result['diagnostics_per_publish'][1]} diagnostics)")
    engine = result["engine_per_edit"]
    print(f"in-process, median per edit: loading the rule file {engine['load_ms']} ms, "
          f"running the changed rules' examples {engine['examples_ms']} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
