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
import logging
from typing import Any, Optional

from lsprotocol import types as t
from pygls.lsp.server import LanguageServer

from .. import __version__
from .documents import DocumentStore
from .protocol import ArchrulesProtocol
from .session.capabilities import ClientFeatures
from .session.folders import Folder, FolderRegistry

log = logging.getLogger("archrules_lsp.server")

STATUS_NOTIFICATION = "archrules/status"


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
