#!/usr/bin/env python3
"""Server start -> initialize response: archrules-lsp against a bare pygls server (the
floor: Python, pygls and lsprotocol, nothing of ours), side by side in one run.

Each sample spawns the server, sends `initialize` for a one-file project, and times the
response from the spawn; the servers take turns. Medians and the ratio, with the load.

    .venv/bin/python bench/server_start.py [--runs 15] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

from lspclient import Connection

BARE_PYGLS = """
from pygls.lsp.server import LanguageServer
from lsprotocol import types as t
server = LanguageServer("bare", "0")
@server.feature(t.TEXT_DOCUMENT_DID_OPEN)
def did_open(params): pass
server.start_io()
"""


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def sample(cmd: list[str], root: Path) -> float:
    conn = Connection(cmd, str(root), env={**os.environ})
    try:
        _, msg_id = conn.request("initialize", {"processId": None, "rootUri": root.as_uri(), "capabilities": {}})
        at, _ = conn.wait(lambda m: m.get("id") == msg_id, what="the initialize response")
        return (at - conn.t_start) * 1000
    finally:
        conn.proc.kill()
        conn.proc.wait()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / ".git").mkdir()
        (root / "a.py").write_text("x = 1\n")
        (root / "bare.py").write_text(BARE_PYGLS)
        servers = {"archrules-lsp": [str(Path(sys.executable).with_name("archrules-lsp"))],
                   "bare pygls": [sys.executable, str(root / "bare.py")]}
        load_before = loadavg()
        times: dict[str, list[float]] = {name: [] for name in servers}
        for _ in range(args.runs):
            for name, cmd in servers.items():
                times[name].append(sample(cmd, root))
        result = {name: round(statistics.median(ts), 1) for name, ts in times.items()}
        result["ratio"] = round(result["archrules-lsp"] / result["bare pygls"], 2)
        result["load"] = f"{load_before} -> {loadavg()}"
    if args.json:
        print(json.dumps(result))
    else:
        print(f"start -> initialize response, median of {args.runs}: archrules-lsp {result['archrules-lsp']} ms, "
              f"bare pygls {result['bare pygls']} ms, ratio {result['ratio']} (load {result['load']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
