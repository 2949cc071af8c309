"""The language server: one `ArchrulesServer` holding the session's state, and the
feature modules registered on it.

State lives on the server object (no module-level globals), split by concern:
  documents  the open documents (our own store: see documents.py for why)
  folders    workspace folders, each with its settings, rules and checker
  features   what the client can do (resolved once at initialize)
  diagnostics / rule_files / scanner   the services of the feature modules

Nothing heavy is imported here: the engine (YAML, RE2) loads after the
initialize response, when the rules are first read.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
from typing import Any, Optional

from lsprotocol import types as t
from pygls.exceptions import (
    JsonRpcException,
    JsonRpcInvalidParams,
    JsonRpcInvalidRequest,
    JsonRpcServerNotInitialized,
)
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

from .. import __version__
from .documents import DocumentStore
from .session.capabilities import ClientFeatures
from .session.folders import Folder, FolderRegistry

log = logging.getLogger("archrules_lsp.server")

STATUS_NOTIFICATION = "archrules/status"


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

    _server: "ArchrulesServer"

    def structure_message(self, data):
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            if isinstance(data, dict) and isinstance(data.get("method", ""), str) and (
                    "method" in data or "id" in data):
                return _Malformed(data, exc)
            raise

    def handle_message(self, message):
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

    def _handle_response(self, msg_id, result=None, error=None):
        # The answer to a request we gave up on (a scan restarted while its progress
        # `create` was pending, a wait_for timeout): pygls would raise InvalidStateError.
        future = self._request_futures.get(msg_id)
        if future is not None and future.done():
            self._request_futures.pop(msg_id, None)
            log.debug("answer to request %r arrived after it was cancelled; dropped", msg_id)
            return
        super()._handle_response(msg_id, result, error)

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
                self._server.documents.open(uri, "", None, "")
            if self._server.documents.lose(uri):
                self._server.on_document_lost(uri, detail)

    def send_notification_json(self, method: str, params_json: str) -> None:
        """Send a notification whose params are JSON text already (hot path: diagnostics).

        Mirrors pygls' `_send_data`, minus serialising lsprotocol objects."""
        if self.writer is None:
            log.error("cannot send %s: no transport", method)
            return
        body = '{"jsonrpc":"2.0","method":%s,"params":%s}' % (json.dumps(method), params_json)
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
        self._server.documents.open(item.uri, item.text, item.version, item.language_id)
        if (handler := self.fm.features.get(t.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(t.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: t.DidChangeTextDocumentParams):
        ls = self._server
        ls.documents.change(params.text_document.uri, params.text_document.version,
                            params.content_changes, ls.client.position_encoding)
        if (handler := self.fm.features.get(t.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(t.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: t.DidCloseTextDocumentParams):
        self._server.documents.close(params.text_document.uri)
        if (handler := self.fm.features.get(t.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None


class ArchrulesServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "archrules-lsp",
            __version__,
            protocol_cls=ArchrulesProtocol,
            text_document_sync_kind=t.TextDocumentSyncKind.Incremental,
            max_workers=4,  # >= 2: the stdio reader borrows one (pygls gotcha G3)
        )
        self.documents = DocumentStore()
        self.folders = FolderRegistry()
        self.client = ClientFeatures()
        self.init_options: Any = None
        self.root_uri: Optional[str] = None
        self.epoch = 0  # bumped whenever rules or settings change anywhere (pull result ids)
        self._ready: Optional[asyncio.Event] = None
        # services, set by the feature modules' register()
        self.diagnostics: Any = None
        self.rule_files: Any = None
        self.scanner: Any = None
        self.configuration: Any = None

    # ------------------------------------------------------------ lifecycle

    @property
    def ready(self) -> asyncio.Event:
        """Set once settings are known and the rules of the initial folders are loaded."""
        if self._ready is None:
            self._ready = asyncio.Event()
        return self._ready

    async def wait_ready(self, timeout: float = 30.0) -> None:
        if not self.ready.is_set():
            try:
                await asyncio.wait_for(self.ready.wait(), timeout)
            except asyncio.TimeoutError:
                log.warning("rules still not loaded after %.0f s; going on", timeout)

    # ------------------------------------------------------------ folders

    def folder_for_path(self, path: Optional[str]) -> Optional[Folder]:
        """The folder a file belongs to; an implicit one at `find_root` when none holds it."""
        if not path:
            return None
        folder = self.folders.for_path(path)
        if folder is not None:
            return folder
        from pathlib import Path

        from ..project.discovery import find_root
        from .convert import path_to_uri

        root = find_root(Path(path))
        folder = Folder(path_to_uri(str(root)), root, implicit=True)
        self.folders.add(folder)
        self.configuration.init_folder_settings(folder)
        self.rule_files.reload(folder, "first document in it")
        return folder

    def folder_for_uri(self, uri: str) -> Optional[Folder]:
        doc = self.documents.get(uri)
        path = doc.path if doc is not None else _uri_path(uri)
        return self.folder_for_path(path)

    # ------------------------------------------------------------ messages

    def notify_status(self) -> None:
        rules = errors = 0
        files: list[str] = []
        for folder in self.folders:
            if folder.ruleset is None:
                continue
            rules += len(folder.ruleset.rules)
            errors += len(folder.ruleset.errors)
            files.extend(str(p) for p in folder.rule_paths)
        self.protocol.notify(STATUS_NOTIFICATION, {
            "state": "error" if errors else "ready",
            "ruleCount": rules,
            "ruleErrors": errors,
            "ruleFiles": files,
        })

    def on_document_lost(self, uri: str, detail: str) -> None:
        """A change to an open document could not be applied: its text here is unknown
        until the editor sends the whole text again (or closes and reopens it)."""
        doc = self.documents.get(uri)
        name = (doc.path if doc is not None else None) or uri
        log.warning("%s: a change could not be applied (%s); not checked until it is reopened", uri, detail)
        self.show_message(f"archrules: lost track of {name} after a malformed change; "
                          "close and reopen it to check it again")
        if self.diagnostics is not None:
            self.diagnostics.on_lost(doc.uri if doc is not None else uri)

    def show_message(self, text: str, kind: t.MessageType = t.MessageType.Warning) -> None:
        self.window_show_message(t.ShowMessageParams(type=kind, message=text))

    def report_server_error(self, error: Exception, source) -> None:
        # pygls' default pops a message box per error; a linter running on each
        # keystroke would flood the user, so log with the stack trace instead.
        from pygls.exceptions import JsonRpcException, JsonRpcInternalError

        if isinstance(error, JsonRpcException) and not isinstance(error, JsonRpcInternalError):
            # an answer the client already has (invalid params, unknown method, cancelled)
            log.info("request refused: %s", error)
            return
        log.error("error in a handler (%s): %s", getattr(source, "__name__", source), error,
                  exc_info=(type(error), error, error.__traceback__))


def _cause(error: BaseException) -> str:
    """The innermost validation problem of a cattrs error, in one line."""
    while error.__cause__ is not None:
        error = error.__cause__
    try:
        from cattrs import transform_error

        parts = transform_error(error)  # type: ignore[arg-type]
        if parts:
            return "; ".join(parts[:3])
    except Exception:  # noqa: BLE001 - only a nicer message
        pass
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def _uri_path(uri: str) -> Optional[str]:
    from pygls.uris import to_fs_path

    return to_fs_path(uri)


def create_server() -> ArchrulesServer:
    """A server with every feature registered."""
    from .features import (
        code_actions,
        commands,
        configuration,
        diagnostics,
        hover,
        lifecycle,
        rule_files,
        workspace_scan,
    )

    server = ArchrulesServer()
    for module in (lifecycle, configuration, diagnostics, rule_files, workspace_scan,
                   hover, code_actions, commands):
        module.register(server)
    return server
