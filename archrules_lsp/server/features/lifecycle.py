"""initialize / initialized / shutdown and workspace folder changes."""

from __future__ import annotations

import asyncio
import gc
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types as t
from pygls.uris import to_fs_path

from ..session.capabilities import ClientFeatures
from ..session.folders import Folder

if TYPE_CHECKING:
    from ..app import ArchrulesServer
    from ..session.session import Session

log = logging.getLogger("archrules_lsp.server")


def _folder_from(uri: str, name: str = "") -> Folder | None:
    path = to_fs_path(uri)
    if not path:
        log.warning("workspace folder %s is not a file URI; ignored", uri)
        return None
    return Folder(uri, Path(path), name)


def _initial_folders(params: t.InitializeParams) -> list[t.WorkspaceFolder]:
    """The workspace folders, else the root URI (or path) as the one folder."""
    if params.workspace_folders:
        return list(params.workspace_folders)
    root_uri = params.root_uri
    if root_uri is None and params.root_path:
        from ..convert import path_to_uri

        root_uri = path_to_uri(params.root_path)
    return [t.WorkspaceFolder(uri=root_uri, name="root")] if root_uri else []


def initialize(session: Session, params: t.InitializeParams,
               position_encoding: t.PositionEncodingKind | str | None) -> None:
    # Runs before pygls computes the capabilities; keep it cheap (start-up is measured).
    session.client = ClientFeatures.from_capabilities(params.capabilities, position_encoding)
    session.init_options = params.initialization_options
    for wf in _initial_folders(params):
        folder = _folder_from(wf.uri, wf.name)
        if folder is not None:
            session.folders.add(folder)
    session.configuration.apply_log_level_from_init_options()
    log.info("archrules-lsp: %d folder(s), positions in %s, %s diagnostics",
             len(session.folders), session.client.position_encoding,
             "pull" if session.client.pull_diagnostics else "push")


async def initialized(session: Session) -> None:
    try:
        await session.configuration.pull_all()
        session.refresh(None, "start")
    finally:
        session.ready.set()
    # what is loaded now (lsprotocol's types, pygls, the rules) lives as long as the
    # server: keep it out of the collector's full passes (pauses of tens of ms mid-typing)
    gc.freeze()
    # registrations run on their own: a client slow to answer must not hold up the rest
    asyncio.ensure_future(session.rule_files.register_watchers())
    asyncio.ensure_future(session.configuration.register_for_changes())


async def folders_changed(session: Session, event: t.WorkspaceFoldersChangeEvent) -> None:
    for wf in event.removed:
        session.remove_folder(wf.uri)
    added = [f for f in (_folder_from(wf.uri, wf.name) for wf in event.added) if f is not None]
    for folder in added:
        session.folders.add(folder)
        await session.configuration.pull_folder(folder)
    # also for removals only: open documents may now belong to another folder
    session.refresh(added, "folder added")
    await session.rule_files.register_watchers()


def shutdown(session: Session) -> None:
    session.diagnostics.cancel_all()
    session.scanner.cancel_all()
    session.rule_files.cancel_all()


def register(server: ArchrulesServer) -> None:
    session = server.session

    @server.feature(t.INITIALIZE)
    def on_initialize(params: t.InitializeParams) -> None:
        initialize(session, params, server.workspace.position_encoding)

    @server.feature(t.INITIALIZED)
    async def on_initialized(params: t.InitializedParams) -> None:
        await initialized(session)

    @server.feature(t.SHUTDOWN)
    def on_shutdown(params: None = None) -> None:
        shutdown(session)

    @server.feature(t.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    async def on_folders(params: t.DidChangeWorkspaceFoldersParams) -> None:
        await folders_changed(session, params.event)
