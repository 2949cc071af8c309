"""Rule files are live: watched, reloaded, and read from unsaved buffers.

Reload triggers: workspace/didChangeWatchedFiles (registered dynamically when the
client allows, handled whenever it arrives), didSave of a rule file (for clients
that cannot watch), edits to an open rule file (its buffer is what the loader
reads, debounced), the reloadRules command, settings changes.

A broken rule file gets its errors as diagnostics at the offending lines, one
warning message per breakage (not per keystroke), and its last good rules stay
in force (see session/folders.py).
"""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from typing import Optional

from lsprotocol import types as t
from pygls.uris import to_fs_path

from ..convert import Lines, path_to_uri, rule_error_diagnostic
from ..session.folders import looks_like_rule_file, norm

log = logging.getLogger("archrules_lsp.server")

RULE_GLOBS = (
    "**/.architecture-rules/*.{yaml,yml}",
    "**/.architecture-rules.{yaml,yml}",
    "**/pyproject.toml",
)
RULE_BUFFER_DEBOUNCE = 0.15  # seconds: reload from an edited rule buffer


class RuleFiles:
    def __init__(self, ls) -> None:
        self.ls = ls
        self.errors: dict[str, list] = {}  # norm(rule path) -> [RuleError]
        self._error_names: dict[str, str] = {}  # norm(path) -> path as loaded
        self._tasks: dict[str, asyncio.Task] = {}  # folder uri -> pending buffer reload
        self.registered = False
        self._registration: Optional[str] = None  # id of our watcher registration
        self._globs: tuple[str, ...] = ()
        self._register_lock: Optional[asyncio.Lock] = None

    # ------------------------------------------------------------ reading

    def read_text(self, path: str) -> str:
        """The loader's `read_text` hook: an open buffer wins over the file on disk."""
        doc = self.ls.documents.by_path(path)
        if doc is not None and not doc.lost:
            return doc.text
        from ...engine.text import decode

        with open(path, "rb") as fh:
            return decode(fh.read())

    def errors_for(self, path: str) -> list:
        return self.errors.get(norm(path), [])

    # ------------------------------------------------------------ reloading

    def reload(self, folder, reason: str, recheck: bool = True):
        ls = self.ls
        log.info("loading rules for %s (%s)", folder.name, reason)
        try:
            report = folder.load_rules(self.read_text)
        except Exception:  # noqa: BLE001 - keep the previous rules rather than die
            log.exception("loading the rules of %s failed", folder.name)
            return None
        ls.epoch += 1
        folder.rule_links = self._rule_links(folder)
        log.info("%s: %d rules from %d file(s), %d error(s)", folder.name, report.rule_count,
                 len(report.files), report.error_count)

        for path in report.cleared_files:
            self.errors.pop(norm(path), None)
            self._publish_rule_file(path, [])
        for path, errs in report.errors_by_file.items():
            self.errors[norm(path)] = errs
            self._publish_rule_file(path, errs)
        for path, count in report.newly_broken:
            rel = folder.relative(path) or path
            s = "" if count == 1 else "s"
            if path in report.kept_files:
                tail = "keeping the last good rules for that file"
            elif path in report.kept_rules:
                ids = report.kept_rules[path]
                tail = f"keeping the last good version of {', '.join(ids[:5])}{' ...' if len(ids) > 5 else ''}"
            elif any(norm(r.location.path) == norm(path) for r in folder.ruleset.rules if r.location):
                tail = "the rules with errors are skipped"
            else:
                tail = "no rules loaded from it"
            ls.show_message(f"archrules: {rel} has {count} error{s}; {tail}")
        if recheck:
            ls.notify_status()
            ls.diagnostics.recheck_open_documents()
            if folder.settings.workspace_mode and folder.settings.enable:
                ls.scanner.start(folder)
        return report

    def _rule_links(self, folder) -> dict:
        """rule id -> its Location in its YAML, columns in the client's encoding."""
        from ..convert import rule_link

        enc = self.ls.client.position_encoding
        texts: dict[str, Optional[Lines]] = {}
        links = {}
        for rule in folder.ruleset.rules:
            if rule.location is None:
                continue
            path = rule.location.path
            if path not in texts:
                try:
                    texts[path] = Lines.of_text(self.read_text(path), enc)
                except OSError:
                    texts[path] = None
            links[rule.id] = rule_link(rule, texts[path])
        return links

    def reload_all(self, reason: str) -> None:
        for folder in self.ls.folders:
            self.reload(folder, reason, recheck=False)
        ls = self.ls
        ls.notify_status()
        ls.diagnostics.recheck_open_documents()
        for folder in ls.folders:
            if folder.settings.workspace_mode and folder.settings.enable:
                ls.scanner.start(folder)

    def _publish_rule_file(self, path: str, errors: list) -> None:
        ls = self.ls
        uri = path_to_uri(path)
        doc = ls.documents.get(uri)
        if doc is not None:
            lines = Lines.of_document(doc, ls.client.position_encoding)
        else:
            try:
                lines = Lines.of_text(self.read_text(path), ls.client.position_encoding)
            except OSError:
                lines = Lines.of_text("", ls.client.position_encoding)
        ls.diagnostics.publish_file(uri, [rule_error_diagnostic(e, lines) for e in errors], from_buffer=True)

    def schedule_reload(self, folder, reason: str, delay: float = RULE_BUFFER_DEBOUNCE) -> None:
        old = self._tasks.pop(folder.uri, None)
        if old is not None:
            old.cancel()

        async def later():
            try:
                await self.ls.wait_ready()
                if delay:
                    await asyncio.sleep(delay)
                self._tasks.pop(folder.uri, None)
                if self.ls.folders.get(folder.uri) is folder:
                    self.reload(folder, reason)
            except asyncio.CancelledError:
                pass
            except Exception:  # noqa: BLE001
                log.exception("reloading rules failed")

        self._tasks[folder.uri] = asyncio.ensure_future(later())

    def cancel_all(self) -> None:
        for task in self._tasks.values():
            task.cancel()
        self._tasks.clear()

    # ------------------------------------------------------------ events

    def _rule_folders(self, path: str) -> list:
        """The folders that load `path` as a rule file (or would: named like one)."""
        out = [f for f in self.ls.folders if norm(path) in {norm(p) for p in f.rule_paths}]
        if not out and looks_like_rule_file(path):
            folder = self.ls.folders.for_path(path)
            if folder is not None:
                out = [folder]
        return out

    def on_document_event(self, doc, event: str) -> bool:
        """didOpen/didChange of a document: True when it is a rule file (handled here)."""
        if not doc.path:
            return False
        folders = self._rule_folders(doc.path)
        if not folders:
            return False
        ls = self.ls
        if event == "open":
            ls.diagnostics.release_disk_result(doc)  # pull (or the client's spelling) takes over
        for folder in folders:
            # the buffer is what the loader reads now; on open it equals the disk
            # unless the editor restored unsaved text, so reload on open too
            self.schedule_reload(folder, f"{os.path.basename(doc.path)} {event}",
                                 0 if event == "open" else RULE_BUFFER_DEBOUNCE)
        return True

    def on_save(self, path: str) -> None:
        folders = self._rule_folders(path)
        for folder in self.ls.folders:
            if folder.is_config_file(path) and folder not in folders:
                self.ls.configuration.init_folder_settings(folder)
                folders.append(folder)
        for folder in folders:
            self.schedule_reload(folder, f"{os.path.basename(path)} saved", 0)

    def on_close(self, uri: str, path: str) -> bool:
        folders = self._rule_folders(path)
        if not folders:
            return False
        if self.ls.client.pull_diagnostics:
            self.ls.diagnostics.results.pop(uri, None)
        for folder in folders:  # back to the file on disk
            self.schedule_reload(folder, f"{os.path.basename(path)} closed", 0)
        return True

    def on_watched_files(self, params: t.DidChangeWatchedFilesParams) -> None:
        ls = self.ls
        reload: dict[str, object] = {}
        for change in params.changes:
            path = to_fs_path(change.uri)
            if not path:
                continue
            handled = False
            for folder in ls.folders:
                if not folder.contains(path):
                    continue
                if folder.is_config_file(path):
                    ls.configuration.init_folder_settings(folder)
                    reload[folder.uri] = folder
                    handled = True
                elif folder.is_rule_file(path) or _in_configured_rules(folder, path):
                    reload[folder.uri] = folder
                    handled = True
            if handled:
                continue
            # an ordinary file: workspace mode keeps its results current
            folder = ls.folders.for_path(path)
            if folder is None or not folder.settings.workspace_mode or not folder.settings.enable:
                continue
            if change.type == t.FileChangeType.Deleted:
                ls.diagnostics.publish_file(change.uri, [], folder)
            elif folder.checker is not None and ls.documents.get(change.uri) is None:
                try:
                    ls.diagnostics.check_disk_file(folder, path)
                except Exception:  # noqa: BLE001
                    log.exception("checking %s failed", path)
        for folder in reload.values():
            self.schedule_reload(folder, "rule files changed on disk", 0)

    async def register_watchers(self) -> None:
        if self._register_lock is None:
            self._register_lock = asyncio.Lock()
        async with self._register_lock:  # initialized and a settings change may race
            await self._register_watchers()

    async def _register_watchers(self) -> None:
        ls = self.ls
        if not ls.client.dynamic_watched_files:
            log.debug("client cannot register file watchers; relying on didSave")
            return
        globs = list(RULE_GLOBS)
        for folder in ls.folders:
            for entry in folder.settings.rules or folder.project_config.rules:
                name = os.path.basename(entry.rstrip("/\\"))
                if name.endswith((".yaml", ".yml")):
                    globs.append(f"**/{name}")
                elif name:
                    globs.append(f"**/{name}/*.{{yaml,yml}}")
            if folder.settings.workspace_mode:
                globs.append("**/*")
        globs = list(dict.fromkeys(globs))
        if tuple(globs) == self._globs:
            return  # registered already, same patterns
        watchers = [t.FileSystemWatcher(glob_pattern=g) for g in globs]
        if self._registration is not None:  # settings changed the patterns: replace ours
            try:
                await asyncio.wait_for(ls.client_unregister_capability_async(t.UnregistrationParams(
                    unregisterations=[t.Unregistration(id=self._registration,
                                                       method=t.WORKSPACE_DID_CHANGE_WATCHED_FILES)])), 10)
            except Exception as e:  # noqa: BLE001
                log.debug("could not unregister the old file watchers: %s", e)
            self._registration = None
        try:
            registration = str(uuid.uuid4())
            await asyncio.wait_for(ls.client_register_capability_async(t.RegistrationParams(registrations=[
                t.Registration(id=registration, method=t.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                               register_options=t.DidChangeWatchedFilesRegistrationOptions(watchers=watchers))
            ])), 10)
            self._registration = registration
            self._globs = tuple(globs)
            self.registered = True
        except Exception as e:  # noqa: BLE001
            log.warning("could not register file watchers: %s", e)


def _in_configured_rules(folder, path: str) -> bool:
    """A new .yaml in a configured rules folder (not loaded yet, so not in rule_paths)."""
    if not path.endswith((".yaml", ".yml")):
        return False
    parent = norm(os.path.dirname(path))
    for entry in folder.settings.rules or folder.project_config.rules:
        p = entry if os.path.isabs(entry) else os.path.join(folder.root, entry)
        if norm(p) == parent:
            return True
    return False


def register(server) -> None:
    server.rule_files = RuleFiles(server)

    @server.feature(t.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    async def on_watched(ls, params: t.DidChangeWatchedFilesParams):
        await ls.wait_ready()
        ls.rule_files.on_watched_files(params)

    @server.feature(t.TEXT_DOCUMENT_DID_SAVE, t.SaveOptions(include_text=False))
    async def on_save(ls, params: t.DidSaveTextDocumentParams):
        await ls.wait_ready()
        path = to_fs_path(params.text_document.uri)
        if path:
            ls.rule_files.on_save(path)
