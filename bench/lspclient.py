"""A minimal JSON-RPC client for language servers over stdio, shared by the bench
scripts: a reader thread timestamps each message as it arrives, so latencies are
measured from the write of a notification to the read of the server's answer (before the
client parses it)."""

from __future__ import annotations

import json
import queue
import subprocess
import threading
import time


class Connection:
    """JSON-RPC over the server's stdio; a reader thread timestamps each message."""

    def __init__(self, cmd: list[str], cwd: str, env: dict | None = None, stderr=subprocess.DEVNULL):
        self.t_start = time.perf_counter()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=stderr, cwd=cwd, env=env)
        self.inbox: queue.Queue[tuple[float, dict]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self._id = 0
        self.on_message = None

    def _read(self) -> None:
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            body = out.read(length)
            # stamped once read, before it is parsed: parsing a 1,000-diagnostic publish costs
            # this Python client about a millisecond, which is the client's time, not the server's
            stamp = time.perf_counter()
            self.inbox.put((stamp, json.loads(body)))

    def send(self, payload: dict) -> float:
        body = json.dumps(payload).encode()
        data = b"Content-Length: %d\r\n\r\n" % len(body) + body
        t = time.perf_counter()
        self.proc.stdin.write(data)
        self.proc.stdin.flush()
        return t

    def request(self, method: str, params) -> tuple[float, int]:
        self._id += 1
        return self.send({"jsonrpc": "2.0", "id": self._id, "method": method, "params": params}), self._id

    def notify(self, method: str, params) -> float:
        return self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait(self, match, timeout: float = 30.0, what: str = "a matching message") -> tuple[float, dict]:
        deadline = time.perf_counter() + timeout
        while True:
            left = deadline - time.perf_counter()
            try:
                if left <= 0:
                    raise queue.Empty
                stamp, msg = self.inbox.get(timeout=left)
            except queue.Empty:
                state = "running" if self.proc.poll() is None else f"exited with {self.proc.returncode}"
                raise TimeoutError(f"no {what} within {timeout:g} s (server {state})") from None
            if "id" in msg and "method" in msg:  # a request from the server: answer it
                self.send({"jsonrpc": "2.0", "id": msg["id"], "result": None})
            if self.on_message is not None:
                self.on_message(msg)
            if match(msg):
                return stamp, msg

    def drain(self) -> None:
        """Forget messages already received (answering the server's requests)."""
        while True:
            try:
                _, msg = self.inbox.get_nowait()
            except queue.Empty:
                return
            if "id" in msg and "method" in msg:
                self.send({"jsonrpc": "2.0", "id": msg["id"], "result": None})

    def close(self, timeout: float = 10.0) -> None:
        """shutdown + exit; kill the process if it does not exit in time."""
        try:
            _, shut_id = self.request("shutdown", None)
            self.wait(lambda m: m.get("id") == shut_id, timeout)
            self.notify("exit", None)
            self.proc.wait(timeout)
        except (TimeoutError, OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()


def publish_for(uri: str, version: int | None = None):
    """A matcher for textDocument/publishDiagnostics of `uri` (and `version`, if given)."""
    def match(m: dict) -> bool:
        if m.get("method") != "textDocument/publishDiagnostics" or m["params"]["uri"] != uri:
            return False
        return version is None or m["params"].get("version") == version
    return match


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)
