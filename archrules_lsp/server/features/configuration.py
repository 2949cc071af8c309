"""Settings from the editor: initializationOptions, workspace/configuration per
folder, workspace/didChangeConfiguration (see session/settings.py for the layers)."""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import TYPE_CHECKING, Any

from lsprotocol import types as t

from ..session.settings import SECTION, build_settings, level_number

if TYPE_CHECKING:
    from ..app import ArchrulesServer
    from ..session.folders import Folder
    from ..session.session import Session

log = logging.getLogger("archrules_lsp.server")


class Configuration:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.by_folder: dict[str, Any] = {}  # folder uri -> the client's answer
        self.global_settings: Any = None  # didChangeConfiguration settings (clients we can't ask)

    def apply_settings(self, folder: Folder) -> bool:
        """Recompute the folder's settings from every layer; True if anything changed."""
        session = self.session
        changed = folder.apply_settings(session.init_options, self.global_settings, self.by_folder.get(folder.uri))
        session.apply_log_level()
        return changed

    def apply_log_level_from_init_options(self) -> None:
        """Before any folder's settings are known: the level initializationOptions ask for."""
        session = self.session
        level = session.log_level_override or build_settings(session.init_options).log_level
        logging.getLogger("archrules_lsp").setLevel(level_number(level))

    # ------------------------------------------------------------ pulling

    async def pull_all(self) -> None:
        await self._ask_folders(list(self.session.folders))
        for folder in self.session.folders:
            self.apply_settings(folder)

    async def pull_folder(self, folder: Folder) -> None:
        await self._ask_folders([folder])
        self.apply_settings(folder)

    async def _ask_folders(self, folders: list[Folder]) -> None:
        """workspace/configuration for these folders (clients that can be asked)."""
        session = self.session
        if not session.client.configuration or not folders:
            return
        items = [t.ConfigurationItem(section=SECTION, scope_uri=f.uri) for f in folders]
        try:
            answers = list(await asyncio.wait_for(
                session.server.workspace_configuration_async(t.ConfigurationParams(items=items)), 10))
        except Exception as e:  # noqa: BLE001 - a client that fails this still gets defaults
            log.warning("workspace/configuration failed: %s", e)
            return
        for folder, answer in zip(folders, answers, strict=False):  # a short answer: the rest keep theirs
            self.by_folder[folder.uri] = answer

    async def register_for_changes(self) -> None:
        """Pull-model clients send didChangeConfiguration only once we register for it."""
        session = self.session
        if not session.client.dynamic_configuration:
            return
        registration = t.Registration(
            id=str(uuid.uuid4()), method=t.WORKSPACE_DID_CHANGE_CONFIGURATION,
            register_options=t.DidChangeConfigurationRegistrationOptions(section=SECTION))
        try:
            await asyncio.wait_for(session.server.client_register_capability_async(
                t.RegistrationParams(registrations=[registration])), 10)
        except Exception as e:  # noqa: BLE001
            log.warning("could not register for configuration changes: %s", e)

    async def on_change(self, params: t.DidChangeConfigurationParams) -> None:
        session = self.session
        await session.wait_ready()
        if session.client.configuration:
            await self._ask_folders(list(session.folders))
        elif params.settings is not None:
            self.global_settings = params.settings
        changed = [f for f in session.folders if self.apply_settings(f)]
        if not changed:
            return
        log.info("settings changed for %s", ", ".join(f.name for f in changed))
        session.refresh(changed, "settings changed")
        await session.rule_files.register_watchers()  # rule paths or the mode may have changed


def register(server: ArchrulesServer) -> None:
    session = server.session

    @server.feature(t.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def on_did_change_configuration(params: t.DidChangeConfigurationParams) -> None:
        await session.configuration.on_change(params)
