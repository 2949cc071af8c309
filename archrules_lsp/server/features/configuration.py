"""Settings from the editor: initializationOptions, workspace/configuration per
folder, workspace/didChangeConfiguration (see session/settings.py for the layers)."""

from __future__ import annotations

import logging
import uuid
from typing import Any, Optional

from lsprotocol import types as t

from ..session.settings import SECTION, build_settings, level_number

log = logging.getLogger("archrules_lsp.server")


class Configuration:
    def __init__(self, ls) -> None:
        self.ls = ls
        self.by_folder: dict[str, Any] = {}  # folder uri -> the client's answer
        self.global_settings: Any = None  # didChangeConfiguration settings (clients we can't ask)

    # ------------------------------------------------------------ layers

    def layers(self, folder) -> tuple:
        return (self.ls.init_options, self.global_settings, self.by_folder.get(folder.uri))

    def init_folder_settings(self, folder) -> bool:
        changed = folder.apply_settings(*self.layers(folder))
        self._apply_log_level()
        return changed

    def apply_log_level_from(self, options: Any) -> None:
        level = build_settings(options).log_level
        _set_level(level_number(level))

    def _apply_log_level(self) -> None:
        levels = [level_number(f.settings.log_level) for f in self.ls.folders]
        if levels:
            _set_level(min(levels))

    # ------------------------------------------------------------ pulling

    async def pull_all(self) -> None:
        folders = list(self.ls.folders)
        if self.ls.client.configuration and folders:
            items = [t.ConfigurationItem(section=SECTION, scope_uri=f.uri) for f in folders]
            answers = await self._ask(items)
            if answers is not None:
                for folder, answer in zip(folders, answers):
                    self.by_folder[folder.uri] = answer
        for folder in folders:
            self.init_folder_settings(folder)

    async def pull_folder(self, folder) -> None:
        if self.ls.client.configuration:
            answers = await self._ask([t.ConfigurationItem(section=SECTION, scope_uri=folder.uri)])
            if answers:
                self.by_folder[folder.uri] = answers[0]
        self.init_folder_settings(folder)

    async def _ask(self, items) -> Optional[list]:
        import asyncio

        try:
            return list(await asyncio.wait_for(
                self.ls.workspace_configuration_async(t.ConfigurationParams(items=items)), 10))
        except Exception as e:  # noqa: BLE001 - a client that fails this still gets defaults
            log.warning("workspace/configuration failed: %s", e)
            return None

    async def register_for_changes(self) -> None:
        """Pull-model clients send didChangeConfiguration only once we register for it."""
        if not self.ls.client.dynamic_configuration:
            return
        try:
            import asyncio

            await asyncio.wait_for(self.ls.client_register_capability_async(t.RegistrationParams(registrations=[
                t.Registration(id=str(uuid.uuid4()), method=t.WORKSPACE_DID_CHANGE_CONFIGURATION,
                               register_options=t.DidChangeConfigurationRegistrationOptions(section=SECTION))
            ])), 10)
        except Exception as e:  # noqa: BLE001
            log.warning("could not register for configuration changes: %s", e)

    async def on_change(self, params: t.DidChangeConfigurationParams) -> None:
        ls = self.ls
        await ls.wait_ready()
        if ls.client.configuration:
            await self.pull_all_answers()
        elif params.settings is not None:
            self.global_settings = params.settings
        changed = [f for f in ls.folders if self.init_folder_settings(f)]
        if not changed:
            return
        log.info("settings changed for %s", ", ".join(f.name for f in changed))
        for folder in changed:
            ls.rule_files.reload(folder, "settings changed", recheck=False)
        ls.notify_status()
        ls.diagnostics.recheck_open_documents()
        for folder in changed:
            if folder.settings.workspace_mode and folder.settings.enable:
                ls.scanner.start(folder)
            else:
                ls.scanner.cancel(folder)
                ls.diagnostics.clear_disk_results(folder)
        await ls.rule_files.register_watchers()  # rule paths or the mode may have changed

    async def pull_all_answers(self) -> None:
        folders = list(self.ls.folders)
        if not folders:
            return
        answers = await self._ask([t.ConfigurationItem(section=SECTION, scope_uri=f.uri) for f in folders])
        if answers is not None:
            for folder, answer in zip(folders, answers):
                self.by_folder[folder.uri] = answer


CLI_LEVEL: Optional[str] = None  # --log-level, when given, wins over the setting


def _set_level(level: int) -> None:
    if CLI_LEVEL is not None:
        level = level_number(CLI_LEVEL)
    logging.getLogger("archrules_lsp").setLevel(level)


def register(server) -> None:
    server.configuration = Configuration(server)

    @server.feature(t.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def on_did_change_configuration(ls, params: t.DidChangeConfigurationParams):
        await ls.configuration.on_change(params)
