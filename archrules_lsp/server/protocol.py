"""pygls' JSON-RPC protocol, adapted: every touch of pygls' private protocol API
lives here (the one door to pygls internals; tests/server/test_pygls_compat.py fails
loudly when a pinned upgrade changes what it relies on).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import io
import json
import logging
import threading
from typing import TYPE_CHECKING, Any, BinaryIO, TypeVar

from lsprotocol import types as t
from pygls.exceptions import (
    JsonRpcException,
    JsonRpcInvalidParams,
    JsonRpcInvalidRequest,
    JsonRpcServerNotInitialized,
)
from pygls.io_ import StdoutWriter
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

from .framing import FrameParser

if TYPE_CHECKING:
    from .app import ArchrulesServer

log = logging.getLogger("archrules_lsp.server")
_T = TypeVar("_T")
READ_CHUNK = 64 * 1024  # bytes asked of the transport per read


class _Malformed:
    """A message whose params failed validation (see `ArchrulesProtocol.structure_message`)."""

    __slots__ = ("data", "error")

    def __init__(self, data: dict, error: Exception):
        self.data = data
        self.error = error


class ArchrulesProtocol(LanguageServerProtocol):
    """pygls' protocol with didOpen/didChange/didClose kept in our own document store,
    and the JSON-RPC/LSP rules pygls leaves out:

    - a request whose params do not validate gets InvalidParams (pygls drops it: the
      client would wait forever); a notification is dropped with a warning, and a
      malformed didChange marks the document as out of sync (see DocumentStore.lose);
    - requests before `initialize` get ServerNotInitialized (-32002), notifications
      other than `exit` are dropped;
    - requests after `shutdown` get InvalidRequest (pygls sends nothing at all), and
      so does a second `initialize` (pygls would reset the session);
    - an answer to a request the server cancelled meanwhile is dropped (pygls raised).
    """

    _server: ArchrulesServer

    @property
    def shutdown_requested(self) -> bool:
        """The client sent `shutdown` (LSP: then `exit` ends the process with 0, else 1)."""
        return self._shutdown

    def structure_message(self, data):
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            if isinstance(data, dict) and isinstance(data.get("method", ""), str) and (
                    "method" in data or "id" in data):
                return _Malformed(data, exc)
            raise

    def handle_body(self, body: bytes) -> None:
        """One message body from the transport (see framing.py): parsed, then handled.

        A body that is not JSON (or not UTF-8, or nested too deep) is dropped with a log
        line: its id cannot be known, and a response with a null id upsets some clients."""
        try:
            message = json.loads(body, object_hook=self.structure_message)
        except Exception as exc:  # noqa: BLE001 - anything unreadable is dropped, never fatal
            log.warning("dropped a message that is not valid JSON (%s): %s", _cause(exc), _excerpt(body))
            return
        try:
            self.handle_message(message)
        except Exception:  # noqa: BLE001 - one message must not stop the reader
            log.exception("error while handling a message: %s", _excerpt(body))

    def handle_message(self, message):
        if not isinstance(message, _Malformed) and getattr(message, "jsonrpc", None) != self.VERSION:
            self._refuse_non_message(message)
            return
        if isinstance(message, _Malformed):
            self._refuse_malformed(message)
            return
        method = getattr(message, "method", None)
        if method is not None and method != t.EXIT:
            msg_id = getattr(message, "id", None)
            if self._workspace is None and method != t.INITIALIZE:
                if msg_id is not None:
                    log.warning("%s before initialize: refused", method)
                    self._send_response(msg_id, error=JsonRpcServerNotInitialized(
                        f"{method}: the server is not initialized yet").to_response_error())
                else:
                    log.warning("%s before initialize: dropped", method)
                return
            if self._shutdown and msg_id is not None:
                self._send_response(msg_id, error=JsonRpcInvalidRequest(
                    f"{method}: the server is shutting down").to_response_error())
                return
            if method == t.INITIALIZE and self._workspace is not None and msg_id is not None:
                # LSP: initialize is sent once; a second one would reset the session's state
                self._send_response(msg_id, error=JsonRpcInvalidRequest(
                    "initialize: the server is initialized already").to_response_error())
                return
        super().handle_message(message)

    def _execute_handler(self, msg_id, handler, callback, args=None, kwargs=None):
        # pygls files the future of every generator, async and threaded handler under
        # `msg_id` in _request_futures, and only answering a request takes it out again:
        # a notification's (every didChange: about 2 KB each) stayed there for good.
        # A cancelled one stays: pygls' shutdown cancels them while iterating the dict.
        futures = self._request_futures

        def done(future):
            try:
                callback(future)
            finally:
                if not future.cancelled() and futures.get(msg_id) is future:
                    del futures[msg_id]

        super()._execute_handler(msg_id, handler, done, args, kwargs)

    def _handle_response(self, msg_id, result=None, error=None):
        # The answer to a request we gave up on (a scan restarted while its progress
        # `create` was pending, a wait_for timeout): pygls would raise InvalidStateError.
        future = self._request_futures.get(msg_id)
        if future is not None and future.done():
            self._request_futures.pop(msg_id, None)
            log.debug("answer to request %r arrived after it was cancelled; dropped", msg_id)
            return
        super()._handle_response(msg_id, result, error)

    def _refuse_non_message(self, value) -> None:
        """Valid JSON that is no JSON-RPC 2.0 message (no or another `jsonrpc`, an array,
        a scalar): refused when it has a method and an id (pygls would leave the client
        waiting), else dropped."""
        data = value if isinstance(value, dict) else {
            key: getattr(value, key) for key in ("id", "method") if hasattr(value, key)}
        msg_id, method = data.get("id"), data.get("method")
        if isinstance(method, str) and isinstance(msg_id, (str, int)) and not isinstance(msg_id, bool):
            log.warning("%s request %r refused: not a JSON-RPC 2.0 message", method, msg_id)
            self._send_response(msg_id, error=JsonRpcInvalidRequest(
                f"{method}: not a JSON-RPC 2.0 message (\"jsonrpc\": \"2.0\" missing)").to_response_error())
            return
        log.warning("dropped a message that is not JSON-RPC 2.0 (%s)", type(value).__name__)

    def _refuse_malformed(self, message: _Malformed) -> None:
        data, error = message.data, message.error
        method = data.get("method")
        msg_id = data.get("id")
        detail = _cause(error)
        if method is None:  # a response to one of our requests that does not validate
            future = self._request_futures.pop(msg_id, None) if isinstance(msg_id, (str, int)) else None
            log.warning("malformed response to request %r: %s", msg_id, detail)
            if future is not None and not future.done():
                future.set_exception(JsonRpcInvalidParams(f"malformed response: {detail}"))
            return
        if isinstance(msg_id, (str, int)) and not isinstance(msg_id, bool):
            log.warning("%s request %r refused, invalid params: %s", method, msg_id, detail)
            err: JsonRpcException
            if self._shutdown:
                err = JsonRpcInvalidRequest(f"{method}: the server is shutting down")
            elif self._workspace is None and method != t.INITIALIZE:
                err = JsonRpcServerNotInitialized(f"{method}: the server is not initialized yet")
            else:
                err = JsonRpcInvalidParams(f"{method}: invalid params: {detail}")
            self._send_response(msg_id, error=err.to_response_error())
            return
        log.warning("%s notification dropped, invalid params: %s", method, detail)
        if method in (t.TEXT_DOCUMENT_DID_CHANGE, t.TEXT_DOCUMENT_DID_OPEN) and \
                self._workspace is not None and not self._shutdown:
            params = data.get("params")
            ident = params.get("textDocument") if isinstance(params, dict) else None
            uri = ident.get("uri") if isinstance(ident, dict) else None
            if not isinstance(uri, str):
                return
            if method == t.TEXT_DOCUMENT_DID_OPEN:
                # known to be open, text unknown: say so rather than stay silent about it
                self._server.session.documents.open(uri, "", None, "")
            if self._server.session.documents.lose(uri):
                self._server.session.on_document_lost(uri, detail)

    def send_notification_json(self, method: str, params_json: str) -> None:
        """Send a notification whose params are JSON text already (hot path: diagnostics).

        Mirrors pygls' `_send_data`, minus serialising lsprotocol objects."""
        if self.writer is None:
            log.error("cannot send %s: no transport", method)
            return
        body = f'{{"jsonrpc":"2.0","method":{json.dumps(method)},"params":{params_json}}}'
        data = body.encode("utf-8")
        if self._include_headers:
            data = (f"Content-Length: {len(data)}\r\n"
                    f"Content-Type: {self.CONTENT_TYPE}; charset={self.CHARSET}\r\n\r\n").encode("ascii") + data
        try:
            res = self.writer.write(data)
            if inspect.isawaitable(res):
                asyncio.ensure_future(res)
        except BrokenPipeError:
            log.error("client gone: cannot send %s", method)
            raise

    @lsp_method(t.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: t.DidOpenTextDocumentParams):
        item = params.text_document
        self._server.session.documents.open(item.uri, item.text, item.version, item.language_id)
        if (handler := self.fm.features.get(t.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(t.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: t.DidChangeTextDocumentParams):
        session = self._server.session
        session.documents.change(params.text_document.uri, params.text_document.version,
                                 params.content_changes, session.client.position_encoding)
        if (handler := self.fm.features.get(t.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(t.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: t.DidCloseTextDocumentParams):
        self._server.session.documents.close(params.text_document.uri)
        if (handler := self.fm.features.get(t.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None


def _excerpt(data: bytes, size: int = 80) -> str:
    """The start of an untrusted message, printable (no raw control characters in logs)."""
    text = repr(data[:size])
    return text + (f" ... ({len(data):,} bytes)" if len(data) > size else "")


def _cause(error: BaseException) -> str:
    """The innermost validation problem of a cattrs error, in one line."""
    while error.__cause__ is not None:
        error = error.__cause__
    try:
        from cattrs import transform_error

        parts = transform_error(error)
        if parts:
            return "; ".join(parts[:3])
    except Exception:  # noqa: BLE001 - only a nicer message
        pass
    return str(error).splitlines()[0] if str(error) else type(error).__name__


@functools.cache
def _converter():
    from pygls.protocol import default_converter

    return default_converter()


def structure(data: Any, type_: type[_T]) -> _T:
    """LSP JSON -> an lsprotocol object, with a converter like pygls' own (public API)."""
    return _converter().structure(data, type_)


async def _read_messages(protocol: ArchrulesProtocol, read_chunk, stop: threading.Event) -> None:
    """Bytes from the transport -> FrameParser -> the protocol, until end of input or stop."""
    frames = FrameParser()
    while not stop.is_set():
        data = await read_chunk()
        if not data:
            log.info("the client closed the connection")
            return
        for body in frames.feed(data):
            protocol.handle_body(body)


def serve_stdio(server: ArchrulesServer, stdin: io.BufferedIOBase, stdout: BinaryIO) -> None:
    """pygls' `start_io`, reading through framing.FrameParser instead of pygls' reader
    (pygls/io_.py `run_async`, which goes deaf after one framing error).

    Returns at `exit` (pygls calls sys.exit) or when stdin closes."""
    server._stop_event = stop = threading.Event()  # what pygls' shutdown() sets
    server.protocol.set_writer(StdoutWriter(stdout))

    async def read_chunk() -> bytes:
        # one thread of the server's pool blocks on stdin, as in pygls (gotcha G3)
        return await asyncio.get_running_loop().run_in_executor(server.thread_pool, stdin.read1, READ_CHUNK)

    try:
        asyncio.run(_read_messages(server.protocol, read_chunk, stop))
    except BrokenPipeError:
        log.error("the client is gone (broken pipe); exiting")
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.shutdown()


def serve_tcp(server: ArchrulesServer, host: str, port: int) -> None:
    """pygls' `start_tcp` (one client; the server stops when it disconnects), reading
    through framing.FrameParser like `serve_stdio`."""
    server._stop_event = stop = threading.Event()

    async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        server.protocol.set_writer(writer)
        await _read_messages(server.protocol, lambda: reader.read(READ_CHUNK), stop)
        server.shutdown()  # closes the listening socket: serve_forever() ends

    async def listen() -> None:
        listener = server._server = await asyncio.start_server(connection, host, port)
        log.info("listening on %s:%d", host, port)
        async with listener:
            await listener.serve_forever()

    with contextlib.suppress(asyncio.CancelledError):  # shutdown() closed the listener
        asyncio.run(listen())
