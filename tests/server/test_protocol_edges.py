"""JSON-RPC/LSP edges over raw stdio: every request gets an answer (before initialize,
with params that do not validate, after shutdown), and the exit code says whether
shutdown came first."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from .helpers import RULES, write_tree
from .test_lifecycle import INIT, frame, read_message


class Raw:
    """The server over stdio, answers by id, read on a thread (a missing answer fails, never hangs)."""

    def __init__(self, cwd):
        self.proc = subprocess.Popen([sys.executable, "-m", "archrules_lsp"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=cwd)
        self.replies: dict = {}
        self.notes: list = []
        self.asked: list = []
        self.cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        try:
            while True:
                msg = read_message(self.proc.stdout)
                with self.cond:
                    if "id" in msg and "method" not in msg:
                        self.replies[msg["id"]] = msg
                    elif "method" in msg and "id" not in msg:
                        self.notes.append(msg)
                    else:  # a request from the server
                        self.asked.append(msg)
                    self.cond.notify_all()
        except Exception:  # noqa: BLE001 - stream closed
            pass

    def send(self, payload: dict) -> None:
        self.proc.stdin.write(frame(payload))
        self.proc.stdin.flush()

    def reply(self, msg_id, timeout: float = 5.0) -> dict:
        with self.cond:
            if not self.cond.wait_for(lambda: msg_id in self.replies, timeout):
                raise AssertionError(f"no answer to request {msg_id!r}")
            return self.replies[msg_id]

    def wait_for(self, predicate, what: str, timeout: float = 5.0):
        with self.cond:
            if not self.cond.wait_for(predicate, timeout):
                raise AssertionError(f"timed out waiting for {what}")
            return predicate()

    def request(self, msg_id, method: str, params=None) -> dict:
        self.send({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
        return self.reply(msg_id)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(5)
        self.proc.stdin.close()
        self.proc.stdout.close()


@pytest.fixture
def raw(tmp_path):
    write_tree(tmp_path, {".architecture-rules/demo.yaml": RULES})
    server = Raw(tmp_path)
    server.root = tmp_path
    yield server
    server.close()


def hover_params(uri: str, line=0, character=0) -> dict:
    return {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}


def test_requests_before_initialize_are_refused_at_once(raw):
    uri = (raw.root / "app/a.py").as_uri()
    reply = raw.request(1, "textDocument/hover", hover_params(uri))
    assert reply["error"]["code"] == -32002  # ServerNotInitialized, not a 30 s wait
    reply = raw.request(2, "textDocument/diagnostic", {"textDocument": {"uri": uri}})
    assert reply["error"]["code"] == -32002
    assert "capabilities" in raw.request(3, "initialize", INIT["params"])["result"]
    raw.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    assert raw.request(4, "textDocument/hover", hover_params(uri))["result"] is None
    assert raw.request(5, "initialize", INIT["params"])["error"]["code"] == -32600  # only once


def test_request_with_invalid_params_gets_invalid_params(raw):
    raw.request(1, "initialize", INIT["params"])
    raw.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    uri = (raw.root / "app/a.py").as_uri()
    for msg_id, params in ((2, hover_params(uri, line=-1)), (3, {"textDocument": {"uri": uri}}), (4, None),
                           (5, hover_params(uri, character="x"))):
        reply = raw.request(msg_id, "textDocument/hover", params)
        assert reply["error"]["code"] == -32602, reply
        assert "textDocument/hover" in reply["error"]["message"]
    reply = raw.request(6, "textDocument/codeAction", {"textDocument": {"uri": uri}})
    assert reply["error"]["code"] == -32602
    assert raw.request(7, "textDocument/hover", hover_params(uri))["result"] is None  # still serving


def test_requests_after_shutdown_get_invalid_request_and_exit_is_clean(raw):
    raw.request(1, "initialize", INIT["params"])
    raw.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    assert raw.request(2, "shutdown")["result"] is None
    uri = (raw.root / "app/a.py").as_uri()
    assert raw.request(3, "textDocument/hover", hover_params(uri))["error"]["code"] == -32600
    assert raw.request(4, "textDocument/hover", hover_params(uri, line=-1))["error"]["code"] == -32600
    raw.send({"jsonrpc": "2.0", "method": "exit"})
    assert raw.proc.wait(10) == 0


def test_exit_without_shutdown_exits_with_1(raw):
    raw.request(1, "initialize", INIT["params"])
    raw.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    raw.send({"jsonrpc": "2.0", "method": "exit"})
    assert raw.proc.wait(10) == 1


def test_a_malformed_answer_from_the_client_does_not_stall_start_up(raw):
    """workspace/configuration answered with something that is not a list: the server goes
    on with its defaults at once (it waited out a 10 s timeout, checking nothing)."""
    params = dict(INIT["params"], rootUri=raw.root.as_uri(), capabilities={"workspace": {"configuration": True}})
    raw.request(1, "initialize", params)
    raw.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    ask = raw.wait_for(lambda: next((m for m in raw.asked if m["method"] == "workspace/configuration"), None),
                       "workspace/configuration")
    raw.send({"jsonrpc": "2.0", "id": ask["id"], "result": 5})
    raw.wait_for(lambda: any(n["method"] == "archrules/status" for n in raw.notes), "archrules/status")
    # it gave up on the answer because it is malformed, not because its 10 s wait ran out
    logged = [n["params"]["message"] for n in raw.notes if n["method"] == "window/logMessage"]
    failure = next(m for m in logged if "workspace/configuration failed" in m)
    assert "malformed" in failure and "Timeout" not in failure, failure
