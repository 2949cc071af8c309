"""initialize / initialized / shutdown and workspace folder changes."""

from __future__ import annotations

import asyncio
import gc
import logging
from pathlib import Path

from lsprotocol import types as t
from pygls.uris import to_fs_path

from ..session.capabilities import ClientFeatures
from ..session.folders import Folder

log = logging.getLogger("archrules_lsp.server")


def _folder_from(uri: str, name: str = "") -> Folder | None:
    path = to_fs_path(uri)
    if not path:
        log.warning("workspace folder %s is not a file URI; ignored", uri)
        return None
    return Folder(uri, Path(path), name)


def register(server) -> None:
    @server.feature(t.INITIALIZE)
    def on_initialize(ls, params: t.InitializeParams):
        # Runs before pygls computes the capabilities; keep it cheap (start-up is measured).
        ls.client = ClientFeatures.from_capabilities(params.capabilities, ls.workspace.position_encoding)
        ls.init_options = params.initialization_options
        root_uri = params.root_uri
        if root_uri is None and params.root_path:
            from ..convert import path_to_uri

            root_uri = path_to_uri(params.root_path)
        ls.root_uri = root_uri
        folders = list(params.workspace_folders or [])
        if not folders and root_uri:
            folders = [t.WorkspaceFolder(uri=root_uri, name="root")]
        for wf in folders:
            folder = _folder_from(wf.uri, wf.name)
            if folder is not None:
                ls.folders.add(folder)
        ls.configuration.apply_log_level_from(ls.init_options)
        log.info("archrules-lsp %s: %d folder(s), positions in %s, %s diagnostics",
                 ls.version, len(ls.folders), ls.client.position_encoding,
                 "pull" if ls.client.pull_diagnostics else "push")

    @server.feature(t.INITIALIZED)
    async def on_initialized(ls, params: t.InitializedParams):
        try:
            await ls.configuration.pull_all()
            for folder in ls.folders:
                ls.rule_files.reload(folder, "start", recheck=False)
            ls.notify_status()
        finally:
            ls.ready.set()
        # what is loaded now (lsprotocol's types, pygls, the rules) lives as long as the
        # server: keep it out of the collector's full passes (pauses of tens of ms mid-typing)
        gc.freeze()
        # registrations run on their own: a client slow to answer must not hold up the rest
        asyncio.ensure_future(ls.rule_files.register_watchers())
        asyncio.ensure_future(ls.configuration.register_for_changes())
        ls.diagnostics.recheck_open_documents()
        for folder in ls.folders:
            if folder.settings.workspace_mode and folder.settings.enable:
                ls.scanner.start(folder)

    @server.feature(t.SHUTDOWN)
    def on_shutdown(ls, params=None):
        ls.diagnostics.cancel_all()
        ls.scanner.cancel_all()
        ls.rule_files.cancel_all()

    @server.feature(t.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    async def on_folders(ls, params: t.DidChangeWorkspaceFoldersParams):
        for wf in params.event.removed:
            folder = ls.folders.remove(wf.uri)
            if folder is not None:
                ls.scanner.cancel(folder)
                ls.diagnostics.forget_folder(folder)
        added = []
        for wf in params.event.added:
            folder = _folder_from(wf.uri, wf.name)
            if folder is not None:
                ls.folders.add(folder)
                added.append(folder)
        for folder in added:
            await ls.configuration.pull_folder(folder)
            ls.rule_files.reload(folder, "folder added", recheck=False)
            if folder.settings.workspace_mode:
                ls.scanner.start(folder)
        # documents may now belong elsewhere
        ls.epoch += 1
        ls.diagnostics.recheck_open_documents()
        ls.notify_status()
