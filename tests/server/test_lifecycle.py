"""initialize (capabilities per client), shutdown/exit, transports, logging to stderr only."""

from __future__ import annotations

import json
import socket
import subprocess
import sys

import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import LanguageClient

from .helpers import CONFIG, PRESETS, RULES, start_session, wait_until, write_tree


@pytest_lsp.fixture(scope="module", params=PRESETS, config=CONFIG)
async def client(request, lsp_client: LanguageClient, tmp_path_factory):
    root = tmp_path_factory.mktemp("life")
    write_tree(root, {".architecture-rules/demo.yaml": RULES})
    lsp_client.root = root
    await start_session(lsp_client, request.param, [root])
    yield
    await lsp_client.shutdown_session()


async def test_capabilities(client):
    caps = client.init_result.capabilities
    assert client.init_result.server_info.name == "archrules-lsp"
    assert caps.text_document_sync.change == t.TextDocumentSyncKind.Incremental
    assert caps.text_document_sync.open_close is True and caps.text_document_sync.save
    assert caps.position_encoding == ("utf-8" if "neovim" in str(client.capabilities.general) or
                                      (client.capabilities.general and client.capabilities.general.position_encodings)
                                      else "utf-16")
    assert caps.hover_provider
    assert caps.code_action_provider.resolve_provider is True
    assert set(caps.code_action_provider.code_action_kinds) == {"quickfix", "source.fixAll.archrules"}
    assert caps.diagnostic_provider.identifier == "archrules"
    assert caps.diagnostic_provider.workspace_diagnostics is True


async def test_status_and_log_messages(client):
    status = client.status[-1]
    assert status["state"] == "ready" and status["ruleCount"] == 3 and status["ruleErrors"] == 0
    assert status["ruleFiles"][0].endswith("demo.yaml")
    await wait_until(lambda: any("3 rules" in m.message for m in client.log_messages), what="logMessage")


def frame(payload: dict) -> bytes:
    body = json.dumps(payload).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def read_reply(stream, msg_id) -> dict:
    """Skip notifications (logMessage is allowed even before the initialize reply)."""
    while True:
        msg = read_message(stream)
        if msg.get("id") == msg_id and "method" not in msg:
            return msg


def read_message(stream) -> dict:
    headers = {}
    while True:
        line = stream.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        k, _, v = line.decode().partition(":")
        headers[k.strip().lower()] = v.strip()
    return json.loads(stream.read(int(headers["content-length"])))


INIT = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"processId": None, "rootUri": None, "capabilities": {}}}


def test_stdio_shutdown_and_exit_are_clean(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "archrules_lsp"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
    proc.stdin.write(frame(INIT))
    proc.stdin.flush()
    assert "capabilities" in read_reply(proc.stdout, 1)["result"]
    proc.stdin.write(frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
    proc.stdin.write(frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
    proc.stdin.flush()
    assert read_reply(proc.stdout, 2)["result"] is None
    proc.stdin.write(frame({"jsonrpc": "2.0", "method": "exit"}))
    proc.stdin.flush()
    assert proc.wait(10) == 0


def test_tcp_transport(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "archrules_lsp", "--tcp", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
    try:
        for _ in range(100):
            try:
                conn = socket.create_connection(("127.0.0.1", port), timeout=5)
                break
            except OSError:
                import time

                time.sleep(0.05)
        with conn:
            conn.sendall(frame(INIT))
            reply = read_reply(conn.makefile("rb"), 1)
            assert "capabilities" in reply["result"]
    finally:
        proc.kill()
        proc.wait(5)
    assert proc.stdout.read() == b""  # tcp mode: nothing on stdout


def test_help_and_bad_arguments():
    out = subprocess.run([sys.executable, "-m", "archrules_lsp", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "--tcp" in out.stdout and "--log-level" in out.stdout
    bad = subprocess.run([sys.executable, "-m", "archrules_lsp", "--log-level", "loud"], capture_output=True)
    assert bad.returncode == 2


def test_websocket_transport_answers_initialize():
    import json
    import socket

    from websockets.sync.client import connect

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "archrules_lsp", "--ws", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        ws = None
        for _ in range(200):
            try:
                ws = connect(f"ws://127.0.0.1:{port}", open_timeout=5)
                break
            except OSError:
                import time

                time.sleep(0.05)
        assert ws is not None, "the server never listened"
        with ws:
            # the WebSocket transport carries bare JSON messages, no Content-Length headers
            ws.send(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                                "params": {"processId": None, "rootUri": None, "capabilities": {}}}))
            reply = json.loads(ws.recv(timeout=20))
            while "id" not in reply:  # notifications (window/logMessage) may come first
                reply = json.loads(ws.recv(timeout=20))
            assert reply["id"] == 1 and "capabilities" in reply["result"]
    finally:
        proc.kill()
        proc.wait(5)


def test_stray_prints_go_to_stderr_not_the_protocol():
    script = (
        "import os, sys\n"
        "from archrules_lsp.server.main import protocol_streams\n"
        "proto_in, proto_out = protocol_streams()\n"
        "print('stray print')\n"
        "os.system('echo child echo')\n"
        "proto_out.write(b'PROTOCOL'); proto_out.flush()\n"
        "sys.stderr.write(sys.stdin.read() + '|' + proto_in.read().decode())\n"
    )
    out = subprocess.run([sys.executable, "-c", script], input=b"from-client", capture_output=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout == b"PROTOCOL"
    assert b"stray print" in out.stderr and b"child echo" in out.stderr
    assert out.stderr.endswith(b"|from-client")  # the protocol reads the real stdin; sys.stdin is empty
