"""What server/protocol.py (the one door to pygls' internals) relies on in pygls 2.1.1.

Private attributes and methods have no compatibility promise: a pinned upgrade that
renames or re-signs one must fail here, naming it, before it fails in an editor. When
a test here fails: read the new pygls source for that name, adapt protocol.py, then
update the expectation."""

from __future__ import annotations

import inspect
import io
import json
import re
import threading
from importlib.metadata import version
from pathlib import Path

import pytest
from lsprotocol import types as t
from pygls import io_
from pygls.protocol import JsonRPCProtocol, LanguageServerProtocol
from pygls.protocol.language_server import lsp_method
from pygls.server import JsonRPCServer

from archrules_lsp.server import protocol as ours
from archrules_lsp.server.app import create_server

PINNED = "pygls 2.1.1"


def relied_on(what: str) -> str:
    return (f"{what}: archrules_lsp/server/protocol.py relies on this as it is in {PINNED} "
            f"(installed: pygls {version('pygls')}); re-read pygls and adapt protocol.py")


def params(func) -> list[str]:
    return list(inspect.signature(func).parameters)


def test_the_pinned_nis_installed():
    assert version("pygls") == "2.1.1", relied_on("the pinned version")


@pytest.mark.parametrize(("owner", "name", "expected"), [
    (JsonRPCProtocol, "_send_response", ["self", "msg_id", "result", "error"]),
    (JsonRPCProtocol, "_handle_response", ["self", "msg_id", "result", "error"]),
    (JsonRPCProtocol, "_execute_handler", ["self", "msg_id", "handler", "callback", "args", "kwargs"]),
    (JsonRPCProtocol, "structure_message", ["self", "data"]),
    (JsonRPCProtocol, "handle_message", ["self", "message"]),
    (JsonRPCProtocol, "set_writer", ["self", "writer", "include_headers"]),
    (JsonRPCServer, "start_io", ["self", "stdin", "stdout"]),
    (JsonRPCServer, "_start_io_async", ["self", "stdin", "stdout"]),
    (JsonRPCServer, "start_tcp", ["self", "host", "port"]),
    (JsonRPCServer, "shutdown", ["self"]),
    (io_, "run_async", ["stop_event", "reader", "protocol", "logger", "error_handler"]),
    (io_.StdoutWriter, "__init__", ["self", "stdout"]),
])
def test_methods_keep_their_signatures(owner, name, expected):
    what = f"{getattr(owner, '__name__', owner)}.{name}"
    assert hasattr(owner, name), relied_on(f"{what} exists")
    assert params(getattr(owner, name)) == expected, relied_on(f"{what}{tuple(expected[1:])}")


def test_protocol_instance_attributes():
    protocol = create_server().protocol
    for name, kind in [("_request_futures", dict), ("_shutdown", bool), ("_include_headers", bool),
                       ("_server", JsonRPCServer)]:
        assert isinstance(getattr(protocol, name, None), kind), relied_on(f"protocol.{name} ({kind.__name__})")
    for name in ("_workspace", "writer"):
        assert hasattr(protocol, name) and getattr(protocol, name) is None, \
            relied_on(f"protocol.{name} (None until initialize / set_writer)")
    assert isinstance(protocol.fm.features, dict), relied_on("protocol.fm.features (dict)")
    assert (protocol.VERSION, protocol.CONTENT_TYPE, protocol.CHARSET) == (
        "2.0", "application/vscode-jsonrpc", "utf-8"), relied_on("JsonRPCProtocol.VERSION/CONTENT_TYPE/CHARSET")


@pytest.mark.parametrize("method", [t.TEXT_DOCUMENT_DID_OPEN, t.TEXT_DOCUMENT_DID_CHANGE, t.TEXT_DOCUMENT_DID_CLOSE])
def test_our_document_sync_replaces_pygls_builtin(method):
    """protocol.py overrides pygls' builtin handlers by name; a renamed builtin would
    keep pygls' own (and its TextDocument store) in charge."""
    name = {t.TEXT_DOCUMENT_DID_OPEN: "lsp_text_document__did_open",
            t.TEXT_DOCUMENT_DID_CHANGE: "lsp_text_document__did_change",
            t.TEXT_DOCUMENT_DID_CLOSE: "lsp_text_document__did_close"}[method]
    assert getattr(getattr(LanguageServerProtocol, name, None), "method_name", None) == method, \
        relied_on(f"LanguageServerProtocol.{name} handles {method}")
    handler = create_server().protocol.fm.builtin_features[method]
    assert handler.__func__ is getattr(ours.ArchrulesProtocol, name), relied_on(f"the builtin {method} is ours")
    assert params(lsp_method) == ["method_name"], relied_on("lsp_method(method_name)")
    assert hasattr(LanguageServerProtocol, "lsp_shutdown"), relied_on("shutdown cancels _request_futures")


class _Listener:
    closed = False

    def close(self) -> None:
        self.closed = True


def test_server_stop_event_listener_thread_pool_and_stdout_writer():
    server = create_server()
    server._stop_event = stop = threading.Event()
    server._server = listener = _Listener()  # type: ignore[assignment]
    server.shutdown()
    assert stop.is_set(), relied_on("JsonRPCServer.shutdown() sets _stop_event")
    assert listener.closed, relied_on("JsonRPCServer.shutdown() closes _server (the TCP listener)")
    assert hasattr(type(server), "thread_pool"), relied_on("JsonRPCServer.thread_pool")
    out = io.BytesIO()
    io_.StdoutWriter(out).write(b"x")
    assert out.getvalue() == b"x", relied_on("StdoutWriter.write(bytes)")


async def test_handled_notifications_leave_no_future_behind():
    """The leak fix: pygls files each handler's future under its message id; ours takes
    it out once done (else ~2 KB per didChange stays for good)."""
    server = create_server()
    out = io.BytesIO()
    server.protocol.set_writer(io_.StdoutWriter(out))
    protocol = server.protocol
    protocol.handle_body(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "processId": None, "rootUri": None, "capabilities": {}}}).encode())
    uri = "untitled:Untitled-1"
    protocol.handle_body(json.dumps({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
        "textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": "x\n"}}}).encode())
    for n in range(2, 50):
        protocol.handle_body(json.dumps({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": n},
            "contentChanges": [{"text": f"x = {n}\n"}]}}).encode())
    assert protocol._request_futures == {}, relied_on("_execute_handler(msg_id, handler, callback, ...)")
    # shutdown cancels what is still running (here: initialized) while iterating them
    protocol.handle_body(b'{"jsonrpc": "2.0", "method": "initialized", "params": {}}')
    protocol.handle_body(b'{"jsonrpc": "2.0", "id": 2, "method": "shutdown"}')
    answers = [json.loads(part[part.index(b"{"):]) for part in out.getvalue().split(b"Content-Length")[1:]]
    assert [a.get("result", a.get("error")) for a in answers if a.get("id") == 2] == [None]


def test_structure_is_a_public_door_to_pygls_converter():
    diag = ours.structure({"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 1}},
                           "message": "m"}, t.Diagnostic)
    assert isinstance(diag, t.Diagnostic) and diag.range.end.character == 1


PYGLS_PRIVATE = re.compile(r"\b(?:ls|server|protocol|workspace|fm)\._[a-z]\w*")


def test_only_protocol_py_touches_pygls_private_names():
    server_dir = Path(ours.__file__).parent
    found = [f"{path.relative_to(server_dir)}:{n}: {m.group(0)}"
             for path in sorted(server_dir.rglob("*.py")) if path.name != "protocol.py"
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             for m in PYGLS_PRIVATE.finditer(line)]
    assert not found, f"pygls private API outside protocol.py (route it through protocol.py): {found}"
