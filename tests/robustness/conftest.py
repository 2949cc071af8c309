"""The real language server over stdio, byte for byte: what the server robustness tests
(test_protocol_fuzz.py, test_soak.py) drive. Everything the server sends is read on a
thread, so a missing answer fails a test after a timeout instead of hanging it."""

from __future__ import annotations

import collections
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ANSWER_TIMEOUT = 20.0  # generous: a busy 2-core host; never a timing assertion

# one anti-pattern rule: `print(` in any Python file
RULES = """\
robustness:
  - id: AR-002
    name: No print
    description: Use the logger.
    severity: warning
    anti_patterns:
      - pattern: "print\\\\("
        file: "**/*.py"
        message: "Use the logger, not print"
  - id: AR-003
    name: The first module sits above the second
    imports:
      layers: [app.f0, app.f1]
  - id: AR-004
    name: Table models have an id
    patterns:
      - file: "app/**/*.py"
        in_class: "table=True"
        must_contain: "id:"
"""


def frame(payload: Any) -> bytes:
    body = json.dumps(payload).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def read_message(stream) -> dict | None:
    """One message the server sent (its framing is trusted); None at end of output."""
    length = None
    while True:
        line = stream.readline()
        if not line:
            return None
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode("ascii").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    return json.loads(stream.read(length))


class StdioServer:
    """`python -m archrules_lsp` in `cwd`, with its stdin, stdout and stderr."""

    def __init__(self, cwd: Path, env: dict[str, str] | None = None) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "archrules_lsp"], cwd=cwd,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env={**os.environ, **(env or {})})
        self.answers: dict[Any, dict] = {}
        self.notifications: list[dict] = []
        self.arrivals: list[tuple] = []  # ("answer", id) / (method, uri or None), in arrival order
        self.stderr: collections.deque[str] = collections.deque(maxlen=2000)
        self._cond = threading.Condition()
        self._write = threading.Lock()  # the reader thread answers the server's requests too
        self._ids = iter(range(1_000_000, 2_000_000))
        threading.Thread(target=self._read_stdout, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    # ------------------------------------------------------------ reading

    def _read_stdout(self) -> None:
        try:
            while (msg := read_message(self.proc.stdout)) is not None:
                if "method" in msg and "id" in msg:  # a request from the server: answer it
                    self.send({"jsonrpc": "2.0", "id": msg["id"], "result": None}, quiet=True)
                with self._cond:
                    if "method" in msg:
                        self.notifications.append(msg)
                        params = msg.get("params")
                        self.arrivals.append((msg["method"], params.get("uri") if isinstance(params, dict) else None))
                    else:
                        self.answers[msg.get("id")] = msg
                        self.arrivals.append(("answer", msg.get("id")))
                    self._cond.notify_all()
        except (OSError, ValueError):  # the test closed the pipe: a client that vanished
            pass

    def _read_stderr(self) -> None:
        for line in self.proc.stderr:
            self.stderr.append(line.decode("utf-8", "replace"))

    def wait_for(self, predicate: Callable[[], Any], what: str, timeout: float = ANSWER_TIMEOUT) -> Any:
        with self._cond:
            if not self._cond.wait_for(predicate, timeout):
                raise AssertionError(f"timed out waiting for {what}; server stderr ends:\n"
                                     + "".join(list(self.stderr)[-20:]))
            return predicate()

    def answer(self, msg_id: Any, timeout: float = ANSWER_TIMEOUT) -> dict:
        return self.wait_for(lambda: self.answers.get(msg_id), f"the answer to request {msg_id!r}", timeout)

    def published(self, uri: str) -> list[dict]:
        """The publishDiagnostics params for `uri`, in arrival order."""
        with self._cond:
            return [n["params"] for n in self.notifications
                    if n["method"] == "textDocument/publishDiagnostics" and n["params"]["uri"] == uri]

    # ------------------------------------------------------------ writing

    def send_bytes(self, data: bytes, quiet: bool = False) -> None:
        try:
            with self._write:
                self.proc.stdin.write(data)
                self.proc.stdin.flush()
        except (BrokenPipeError, ValueError):
            if not quiet:
                raise AssertionError(f"the server is gone (exit code {self.proc.poll()})") from None

    def send(self, payload: Any, quiet: bool = False) -> None:
        self.send_bytes(frame(payload), quiet)

    def notify(self, method: str, params: Any = None) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def next_id(self) -> int:
        return next(self._ids)

    def request(self, method: str, params: Any = None, msg_id: Any = None) -> Any:
        msg_id = self.next_id() if msg_id is None else msg_id
        self.send({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
        return msg_id

    def call(self, method: str, params: Any = None) -> dict:
        return self.answer(self.request(method, params))

    # ------------------------------------------------------------ sessions

    def initialize(self, root: Path | None, init_options: Any = None, capabilities: Any = None) -> dict:
        reply = self.call("initialize", {
            "processId": None, "rootUri": root.as_uri() if root else None,
            "capabilities": capabilities or {}, "initializationOptions": init_options,
            "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}] if root else None})
        assert "capabilities" in reply["result"], reply
        self.notify("initialized", {})
        if root is not None:
            self.wait_for(lambda: any(n["method"] == "archrules/status" for n in self.notifications),
                          "archrules/status: the rules are loaded")
        return reply

    def assert_answers(self, timeout: float = ANSWER_TIMEOUT) -> None:
        """The server is alive and answers a fresh request."""
        reply = self.answer(self.request("textDocument/hover", {
            "textDocument": {"uri": "file:///nowhere/x.py"}, "position": {"line": 0, "character": 0}}), timeout)
        assert "result" in reply or "error" in reply
        assert self.proc.poll() is None

    def rss_kib(self) -> int:
        with open(f"/proc/{self.proc.pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise AssertionError("no VmRSS in /proc")

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(10)
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            stream.close()


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A project: a git root with a small rule file and an `app/` folder."""
    (tmp_path / ".git").mkdir()
    (tmp_path / ".architecture-rules").mkdir()
    (tmp_path / ".architecture-rules/rules.yaml").write_text(RULES, encoding="utf-8")
    (tmp_path / "app").mkdir()
    return tmp_path


@pytest.fixture
def start_server(workspace: Path):
    """start_server(env=None) -> a StdioServer in the workspace, killed at teardown."""
    started: list[StdioServer] = []

    def start(env: dict[str, str] | None = None) -> StdioServer:
        server = StdioServer(workspace, env)
        started.append(server)
        return server

    yield start
    for server in started:
        server.close()


@pytest.fixture
def lsp(start_server, workspace: Path) -> StdioServer:
    """An initialized server on the workspace (push diagnostics, utf-16, debounce 0)."""
    server = start_server()
    server.initialize(workspace, init_options={"debounceMs": 0})
    return server
