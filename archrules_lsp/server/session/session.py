"""The server's state, in one typed object (ruff's `Session` is the model).

Every feature receives the session and reaches state only through it: the open
documents, the workspace folders (settings, rules, checker), what the client can
do, and the services (diagnostics, rule files, workspace scan, configuration).

"Rules or settings changed" has one path, `refresh`: reload the folders' rules,
attach (or start building) each folder's import graph, bump the epoch (pull result
ids, cached results), tell the client the status, re-check the open documents, and
start or stop each folder's workspace scan.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types as t

from ..documents import DocumentStore
from .capabilities import ClientFeatures
from .folders import Folder, FolderRegistry
from .settings import level_number

if TYPE_CHECKING:
    from ..app import ArchrulesServer
    from ..features.code_lens import CodeLenses
    from ..features.configuration import Configuration
    from ..features.diagnostics import Diagnostics
    from ..features.import_graph import ImportGraphs
    from ..features.rule_files import RuleFiles
    from ..features.workspace_scan import WorkspaceScanner

log = logging.getLogger("archrules_lsp.server")

STATUS_NOTIFICATION = "archrules/status"
# While the user types, a workspace scan pauses between files (it would take the GIL
# from the checks of the open document): this long after the last edit, in seconds.
TYPING_PAUSE = 0.3


class Session:
    def __init__(self, server: ArchrulesServer, log_level_override: str | None = None) -> None:
        from ..features.code_lens import CodeLenses
        from ..features.configuration import Configuration
        from ..features.diagnostics import Diagnostics
        from ..features.import_graph import ImportGraphs
        from ..features.rule_files import RuleFiles
        from ..features.workspace_scan import WorkspaceScanner

        self.server = server  # sends requests and notifications to the client
        self.documents = DocumentStore()
        self.folders = FolderRegistry()
        self.client = ClientFeatures()
        self.init_options: Any = None
        self.log_level_override = log_level_override  # --log-level wins over the setting
        self.epoch = 0  # bumped whenever rules or settings change anywhere
        self.typing_until = 0.0  # monotonic time until which a workspace scan stays paused
        self._ready: asyncio.Event | None = None
        self.diagnostics: Diagnostics = Diagnostics(self)
        self.rule_files: RuleFiles = RuleFiles(self)
        self.scanner: WorkspaceScanner = WorkspaceScanner(self)
        self.configuration: Configuration = Configuration(self)
        self.code_lenses: CodeLenses = CodeLenses(self)
        self.import_graphs: ImportGraphs = ImportGraphs(self)  # the import contracts' workspace graphs

    # ------------------------------------------------------------ readiness

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

    # ------------------------------------------------------------ the one refresh path

    def refresh(self, folders: Iterable[Folder] | None, reason: str) -> None:
        """Rules or settings changed for `folders` (None: every folder)."""
        targets = list(self.folders) if folders is None else list(folders)
        for folder in targets:
            self.rule_files.reload(folder, reason)
            self.import_graphs.sync(folder)  # built when new or its inputs changed, never per keystroke
        self.epoch += 1
        self.notify_status()
        self.diagnostics.recheck_open_documents()
        for folder in targets:
            self._sync_scan(folder)
        self.findings_changed()  # rules moved, examples ran: the code lenses say so

    def _sync_scan(self, folder: Folder) -> None:
        if folder.settings.enable and folder.settings.workspace_mode:
            self.scanner.start(folder)
        else:
            self.scanner.cancel(folder)
            self.diagnostics.clear_disk_results(folder)

    def add_folder(self, folder: Folder) -> None:
        self.folders.add(folder)
        self.configuration.apply_settings(folder)

    def remove_folder(self, uri: str) -> None:
        folder = self.folders.remove(uri)
        if folder is not None:
            self.scanner.cancel(folder)
            self.import_graphs.forget(folder)
            self.diagnostics.clear_disk_results(folder)
            self.rule_files.forget_folder(folder)

    def folder_for_path(self, path: str | None) -> Folder | None:
        """The folder a file belongs to; an implicit one at `find_root` when none holds it."""
        if not path:
            return None
        folder = self.folders.for_path(path)
        if folder is not None:
            return folder
        from ...project.discovery import find_root
        from ..convert import path_to_uri

        root = find_root(Path(path))
        folder = Folder(path_to_uri(str(root)), root, implicit=True)
        self.add_folder(folder)
        self.refresh([folder], "first document in it")
        return folder

    def findings_changed(self) -> None:
        """Findings were published or stored (or rules reloaded): the code lenses' counts may be stale."""
        self.code_lenses.schedule_refresh()

    def note_typing(self) -> None:
        self.typing_until = time.monotonic() + TYPING_PAUSE

    # ------------------------------------------------------------ logging

    def apply_log_level(self) -> None:
        """The lowest level any folder asks for (--log-level, when given, wins)."""
        levels = [level_number(f.settings.log_level) for f in self.folders]
        if self.log_level_override is not None:
            levels = [level_number(self.log_level_override)]
        if levels:
            logging.getLogger("archrules_lsp").setLevel(min(levels))

    # ------------------------------------------------------------ messages

    def notify_status(self) -> None:
        from ...engine.model import Severity

        rules = errors = warnings = 0
        files: list[str] = []
        for folder in self.folders:
            if folder.ruleset is None:
                continue
            rules += len(folder.ruleset.rules)
            for problem in folder.ruleset.errors:
                if problem.severity is Severity.ERROR:
                    errors += 1
                else:
                    warnings += 1
            files.extend(str(p) for p in folder.rule_paths)
        self.server.protocol.notify(STATUS_NOTIFICATION, {
            "state": "error" if errors else "ready",
            "ruleCount": rules,
            "ruleErrors": errors,
            "ruleWarnings": warnings,
            "ruleFiles": files,
        })

    def show_message(self, text: str, kind: t.MessageType = t.MessageType.Warning) -> None:
        self.server.window_show_message(t.ShowMessageParams(type=kind, message=text))

    async def create_progress(self, prefix: str) -> str | None:
        """A work-done progress token the client has accepted (`begin` may follow at once), or
        None: the client has no progress, or did not accept within 10 s (the work goes on)."""
        if not self.client.work_done_progress:
            return None
        token = f"{prefix}-{uuid.uuid4()}"
        try:
            await asyncio.wait_for(self.server.work_done_progress.create_async(token), 10)
        except Exception as e:  # noqa: BLE001 - no progress, the work still runs
            log.debug("progress create failed: %s", e)
            return None
        return token

    def on_document_lost(self, uri: str, detail: str) -> None:
        """A change to an open document could not be applied: its text here is unknown
        until the editor sends the whole text again (or closes and reopens it)."""
        doc = self.documents.get(uri)
        name = (doc.path if doc is not None else None) or uri
        log.warning("%s: a change could not be applied (%s); not checked until it is reopened", uri, detail)
        self.show_message(f"archrules: lost track of {name} after a malformed change; "
                          "close and reopen it to check it again")
        self.diagnostics.on_lost(doc.uri if doc is not None else uri)
