"""Rule files are live: watched, reloaded, and read from unsaved buffers.

Reload triggers: workspace/didChangeWatchedFiles (registered dynamically when the
client allows, handled whenever it arrives), didSave of a rule file (for clients
that cannot watch), edits to an open rule file (its buffer is what the loader
reads, debounced), the reloadRules command, settings changes.

A broken rule file gets its errors as diagnostics at the offending lines, one
warning message per breakage (not per keystroke), and its last good rules stay
in force (see session/folders.py). A rule file's diagnostics also hold its failing
examples (run on each load, cached per rule file's text; the code lens shows the
tallies) and the globs that match no file (glob_hints.py).
"""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from typing import TYPE_CHECKING

from lsprotocol import types as t
from pygls.uris import to_fs_path

from ...project.conventions import RULE_WATCH_GLOBS, looks_like_rule_file
from ..convert import Lines, path_to_uri, rule_error_diagnostic
from ..session.folders import Folder, RulesReport, norm
from .glob_hints import GlobHints

if TYPE_CHECKING:
    from ...engine.model import Rule, RuleError
    from ...engine.rule_tests import ExampleOutcome
    from ..app import ArchrulesServer
    from ..documents import Document
    from ..session.session import Session

log = logging.getLogger("archrules_lsp.server")



class RuleFiles:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.errors: dict[str, list[RuleError]] = {}  # norm(rule path) -> its problems, failing examples, hints
        self.glob_hints = GlobHints(session)
        # folder uri -> rule id -> (examples passing, examples), from the last load
        self.example_tallies: dict[str, dict[str, tuple[int, int]]] = {}
        # folder uri -> rule (by value: its text, places, examples) -> its examples' outcomes
        self._example_runs: dict[str, dict[Rule, tuple[ExampleOutcome, ...]]] = {}
        self._problems: dict[str, dict[str, list[RuleError]]] = {}  # folder uri -> path -> problems, failing examples
        self._shown_files: dict[str, set[str]] = {}  # folder uri -> rule files published with something
        self._baseline_problems: dict[str, str | None] = {}  # folder uri -> the problem last announced
        self._tasks: dict[str, asyncio.Task] = {}  # folder uri -> pending reload
        self._registration: str | None = None  # id of our watcher registration
        self._globs: tuple[str, ...] = ()
        self._register_lock: asyncio.Lock | None = None

    # ------------------------------------------------------------ reading

    def read_text(self, path: str) -> str:
        """The loader's `read_text` hook: an open buffer wins over the file on disk."""
        doc = self.session.documents.by_path(path)
        if doc is not None and not doc.lost:
            return doc.text
        from ...engine.text import decode

        with open(path, "rb") as fh:
            return decode(fh.read())

    def errors_for(self, path: str) -> list[RuleError]:
        return self.errors.get(norm(path), [])

    # ------------------------------------------------------------ reloading

    def reload(self, folder: Folder, reason: str) -> RulesReport | None:
        """Load the folder's rules and publish their errors (Session.refresh does the rest)."""
        log.info("loading rules for %s (%s)", folder.name, reason)
        try:
            report = folder.load_rules(self.read_text)
        except Exception:  # noqa: BLE001 - keep the previous rules rather than die
            log.exception("loading the rules of %s failed", folder.name)
            return None
        folder.rule_links = self._rule_links(folder)
        log.info("%s: %d rules from %d file(s), %d problem(s)", folder.name, report.rule_count,
                 len(report.files), report.error_count)
        failing = _failing_examples(self._run_examples(folder))
        self._problems[folder.uri] = {p: [*report.errors_by_file.get(p, []), *failing.get(p, [])]
                                      for p in (*report.errors_by_file, *failing)}
        self.show_problems(folder, report.cleared_files)
        for path, count in report.newly_broken:
            self._announce_breakage(folder, report, path, count)
        self._announce_baseline_problem(folder)
        self.glob_hints.schedule(folder)
        return report

    def show_problems(self, folder: Folder, cleared: list[str] | tuple[str, ...] = ()) -> None:
        """Publish the folder's rule-file diagnostics: load problems, failing examples and
        glob hints; files that had some and have none now (or are in `cleared`) are cleared."""
        problems = self._problems.get(folder.uri, {})
        hints = self.glob_hints.located(folder, self.read_text)
        stale = _stale_ignore_warnings(self.session, folder)
        shown = {p: [*problems.get(p, []), *hints.get(p, []), *stale.get(p, [])] for p in (*problems, *hints, *stale)}
        for path in {*cleared, *self._shown_files.get(folder.uri, ())} - shown.keys():
            self.errors.pop(norm(path), None)
            self._publish_rule_file(path, [])
        for path, errs in shown.items():
            self.errors[norm(path)] = errs
            self._publish_rule_file(path, errs)
        self._shown_files[folder.uri] = set(shown)

    def forget_folder(self, folder: Folder) -> None:
        """A folder left the workspace: what is kept about its rule files goes."""
        self.glob_hints.forget(folder)
        for kept in (self.example_tallies, self._example_runs, self._problems, self._shown_files):
            kept.pop(folder.uri, None)

    def _run_examples(self, folder: Folder) -> list[ExampleOutcome]:
        """Every example's outcome, run again only for the rules that changed since the last
        load (a keystroke in a rule file runs that rule's examples); the tallies per rule
        kept for the code lens."""
        from ...engine.rule_tests import PASSED, run_rule_examples

        rules = folder.ruleset.rules if folder.ruleset is not None else ()
        previous = self._example_runs.get(folder.uri, {})
        runs: dict[Rule, tuple[ExampleOutcome, ...]] = {}
        ran: dict[str, int] = {}  # rule file -> examples run
        for rule in rules:
            if not rule.examples:
                continue
            outcomes = previous.get(rule)
            if outcomes is None:
                outcomes = run_rule_examples(rule)
                path = rule.location.path if rule.location else ""
                ran[path] = ran.get(path, 0) + len(outcomes)
            runs[rule] = outcomes
        for path, count in ran.items():
            log.info("%s: ran the %d example(s) of %s", folder.name, count, os.path.basename(path))
        self._example_runs[folder.uri] = runs
        every = [o for run in runs.values() for o in run]
        tallies: dict[str, tuple[int, int]] = {}
        for o in every:
            passed, total = tallies.get(o.rule.id, (0, 0))
            tallies[o.rule.id] = (passed + (o.outcome == PASSED), total + 1)
        self.example_tallies[folder.uri] = tallies
        return every

    def _announce_baseline_problem(self, folder: Folder) -> None:
        """Once per new problem: the baseline file cannot be used (its findings show as new)."""
        problem = folder.baseline_problem
        if problem != self._baseline_problems.get(folder.uri) and problem and folder.baseline_path:
            rel = folder.relative(folder.baseline_path) or str(folder.baseline_path)
            self.session.show_message(f"archrules: the baseline {rel} is not used: {problem}")
        self._baseline_problems[folder.uri] = problem

    def _announce_breakage(self, folder: Folder, report: RulesReport, path: str, count: int) -> None:
        """One message per breakage of a rule file (not per keystroke)."""
        rel = folder.relative(path) or path
        s = "" if count == 1 else "s"
        if path in report.kept_files:
            tail = "keeping the last good rules for that file"
        elif path in report.kept_rules:
            ids = report.kept_rules[path]
            tail = f"keeping the last good version of {', '.join(ids[:5])}{' ...' if len(ids) > 5 else ''}"
        elif folder.ruleset is not None and any(
                norm(r.location.path) == norm(path) for r in folder.ruleset.rules if r.location):
            tail = "the rules with errors are skipped"
        else:
            tail = "no rules loaded from it"
        self.session.show_message(f"archrules: {rel} has {count} error{s}; {tail}")

    def _rule_links(self, folder: Folder) -> dict[str, dict]:
        """rule id -> its Location in its YAML, columns in the client's encoding."""
        from ..convert import rule_link

        if folder.ruleset is None:
            return {}
        enc = self.session.client.position_encoding
        texts: dict[str, Lines | None] = {}
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

    def _publish_rule_file(self, path: str, errors: list[RuleError]) -> None:
        session = self.session
        uri = path_to_uri(path)
        doc = session.documents.get(uri)
        enc = session.client.position_encoding
        if doc is not None:
            lines = Lines.of_document(doc, enc)
        else:
            try:
                lines = Lines.of_text(self.read_text(path), enc)
            except OSError:
                lines = Lines.of_text("", enc)
        session.diagnostics.publish_file(uri, [rule_error_diagnostic(e, lines) for e in errors],
                                         from_buffer=True)

    def schedule_reload(self, folder: Folder, reason: str, delay: float | None = None) -> None:
        """Reload the folder's rules after `delay` seconds (None: the folder's `debounceMs`, as
        for a source document: typing in a rule file reloads once the typing pauses)."""
        if delay is None:
            delay = folder.settings.debounce_ms / 1000.0
        old = self._tasks.pop(folder.uri, None)
        if old is not None:
            old.cancel()
        self._tasks[folder.uri] = asyncio.ensure_future(self._reload_later(folder, reason, delay))

    async def _reload_later(self, folder: Folder, reason: str, delay: float) -> None:
        session = self.session
        try:
            await session.wait_ready()
            if delay:
                await asyncio.sleep(delay)
            if self._tasks.get(folder.uri) is asyncio.current_task():
                self._tasks.pop(folder.uri, None)
            if session.folders.get(folder.uri) is folder:
                session.refresh([folder], reason)
        except asyncio.CancelledError:
            pass
        except Exception:  # noqa: BLE001
            log.exception("reloading rules failed")

    async def settled(self, path: str) -> None:
        """Wait for the pending reloads of the folders that load `path`, and their glob hints
        (a pull for a rule file must show the errors of the text it was asked for, not of
        the one before)."""
        await self.reloaded(path)
        await self.glob_hints.settled(self._rule_folders(path))

    async def reloaded(self, path: str) -> None:
        """Wait for the pending reloads of the folders that load `path`."""
        for _ in range(10):  # a reload replaced by a newer one while we waited: wait for that
            pending = [task for f in self._rule_folders(path) if (task := self._tasks.get(f.uri))]
            if not pending:
                return
            await asyncio.wait(pending)

    def cancel_all(self) -> None:
        for task in self._tasks.values():
            task.cancel()
        self._tasks.clear()
        self.glob_hints.cancel_all()

    # ------------------------------------------------------------ events

    def _rule_folders(self, path: str) -> list[Folder]:
        """The folders that load `path` as a rule file (or would: named like one)."""
        out = [f for f in self.session.folders if f.loads_rule_file(path)]
        if not out and looks_like_rule_file(path):
            folder = self.session.folders.for_path(path)
            if folder is not None:
                out = [folder]
        return out

    def on_document_event(self, doc: Document, event: str) -> bool:
        """didOpen/didChange of a document: True when it is a rule file (handled here)."""
        if not doc.path:
            return False
        folders = self._rule_folders(doc.path)
        if not folders:
            return False
        if event == "open":
            self.session.diagnostics.release_disk_result(doc)  # pull (or the client's spelling) takes over
        for folder in folders:
            # the buffer is what the loader reads now; on open it equals the disk
            # unless the editor restored unsaved text, so reload on open too
            self.schedule_reload(folder, f"{os.path.basename(doc.path)} {event}",
                                 0 if event == "open" else None)
        return True

    def on_save(self, path: str) -> None:
        folders = self._rule_folders(path)
        source_folder = self.session.folders.for_path(path)
        if not folders and source_folder is not None:
            self.session.import_graphs.on_disk_change(source_folder, path)
        for folder in self.session.folders:
            if folder.is_config_file(path) and folder not in folders:
                self.session.configuration.apply_settings(folder)
                folders.append(folder)
            elif folder.is_baseline_file(path) and folder not in folders:
                folders.append(folder)
        for folder in folders:
            self.schedule_reload(folder, f"{os.path.basename(path)} saved", 0)

    def on_close(self, path: str) -> bool:
        """didClose of a rule file: back to the file on disk (True when it is one)."""
        folders = self._rule_folders(path)
        for folder in folders:
            self.schedule_reload(folder, f"{os.path.basename(path)} closed", 0)
        return bool(folders)

    def on_watched_files(self, params: t.DidChangeWatchedFilesParams) -> None:
        session = self.session
        reload: dict[str, Folder] = {}
        for change in params.changes:
            path = to_fs_path(change.uri)
            if not path:
                continue
            touched = self._rule_or_config_folders(path)
            if touched:
                reload.update((f.uri, f) for f in touched)
                continue
            folder = session.folders.for_path(path)
            if folder is not None:
                session.diagnostics.on_disk_change(folder, change.uri, path,
                                                   deleted=change.type == t.FileChangeType.Deleted)
                session.import_graphs.on_disk_change(folder, path, deleted=change.type == t.FileChangeType.Deleted)
                if change.type != t.FileChangeType.Changed or os.path.basename(path) == ".gitignore":
                    self.glob_hints.files_changed(folder)  # which files exist (or are selected) changed
        for folder in reload.values():
            self.schedule_reload(folder, "rule files changed on disk", 0)

    def _rule_or_config_folders(self, path: str) -> list[Folder]:
        """The folders whose rules or settings a change to `path` affects."""
        out = []
        for folder in self.session.folders:
            if not folder.contains(path):
                continue
            if folder.is_config_file(path):
                self.session.configuration.apply_settings(folder)
                out.append(folder)
            elif folder.is_rule_file(path) or folder.in_configured_rules(path) or folder.is_baseline_file(path):
                out.append(folder)
        return out

    async def register_watchers(self) -> None:
        if self._register_lock is None:
            self._register_lock = asyncio.Lock()
        async with self._register_lock:  # initialized and a settings change may race
            await self._register_watchers()

    def _watch_globs(self) -> tuple[str, ...]:
        globs = list(RULE_WATCH_GLOBS)
        for folder in self.session.folders:
            globs.extend(folder.rule_watch_globs())
            globs.extend(self.glob_hints.watch_globs(folder))
            globs.extend(self.session.import_graphs.watch_globs(folder))
            if folder.baseline_path is not None:
                globs.append(f"**/{folder.baseline_path.name}")
            if folder.settings.workspace_mode:
                globs.append("**/*")
        return tuple(dict.fromkeys(globs))

    async def _register_watchers(self) -> None:
        server = self.session.server
        if not self.session.client.dynamic_watched_files:
            log.debug("client cannot register file watchers; relying on didSave")
            return
        globs = self._watch_globs()
        if globs == self._globs:
            return  # registered already, same patterns
        if self._registration is not None:  # settings changed the patterns: replace ours
            unregistration = t.Unregistration(id=self._registration, method=t.WORKSPACE_DID_CHANGE_WATCHED_FILES)
            try:
                await asyncio.wait_for(server.client_unregister_capability_async(
                    t.UnregistrationParams(unregisterations=[unregistration])), 10)
            except Exception as e:  # noqa: BLE001
                log.debug("could not unregister the old file watchers: %s", e)
            self._registration = None
        registration = t.Registration(
            id=str(uuid.uuid4()), method=t.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            register_options=t.DidChangeWatchedFilesRegistrationOptions(
                watchers=[t.FileSystemWatcher(glob_pattern=g) for g in globs]))
        try:
            await asyncio.wait_for(server.client_register_capability_async(
                t.RegistrationParams(registrations=[registration])), 10)
            self._registration = registration.id
            self._globs = globs
        except Exception as e:  # noqa: BLE001
            log.warning("could not register file watchers: %s", e)


def _stale_ignore_warnings(session: Session, folder: Folder) -> dict[str, list[RuleError]]:
    """rule file -> a warning at each import-contract `ignore` entry that matches no import of
    the folder's workspace graph (none until the graph is built: import_graph.py)."""
    if not folder.settings.enable:
        return {}
    return session.import_graphs.stale_ignores(folder)


def _failing_examples(outcomes: list[ExampleOutcome]) -> dict[str, list[RuleError]]:
    """The rules' examples that fail, as problems on their first line (the rule still runs)."""
    from ...engine.model import RuleError, Severity, Span
    from ...engine.rule_tests import PASSED

    out: dict[str, list[RuleError]] = {}
    for o in outcomes:
        location = o.example.location
        if o.outcome == PASSED or location is None:
            continue
        start = location.span
        # to the end of the example's first line (columns past a line's end are clamped)
        span = Span(start.line, start.column, start.line, start.column + 10_000)
        out.setdefault(location.path, []).append(RuleError(
            location.path, span, f"example fails ({o.outcome}): {o.detail}", o.rule.id, Severity.ERROR))
    return out


def register(server: ArchrulesServer) -> None:
    session = server.session

    @server.feature(t.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    async def on_watched(params: t.DidChangeWatchedFilesParams) -> None:
        await session.wait_ready()
        session.rule_files.on_watched_files(params)

    @server.feature(t.TEXT_DOCUMENT_DID_SAVE, t.SaveOptions(include_text=False))
    async def on_save(params: t.DidSaveTextDocumentParams) -> None:
        await session.wait_ready()
        path = to_fs_path(params.text_document.uri)
        if path:
            session.rule_files.on_save(path)
