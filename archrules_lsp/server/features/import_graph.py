"""The workspace import graph: the import contracts' indirect chains in the editor.

Each folder whose active rules hold an `imports:` contract keeps one `ImportContext`
(engine/imports/context.py), attached to the folder's Checker:

- built once after the rules load (`sync`, from `Session.refresh`), off the event loop:
  the folder's files walked in a thread and parsed by `project.import_graph` (forked
  workers for many files), with work-done progress when the client supports it. Until
  it lands, open documents are checked with their direct imports (an empty graph);
  they are re-checked when it does. It is built again only when what it is made of
  changes (root, source roots, which files are checked); a rules reload reuses it;
- kept current one module at a time (`ImportGraph.set_module`): an open document's
  buffer a moment after its last edit (its own check always reads its imports from
  the text, so this only serves the chains of other files through it); a saved,
  created, changed or deleted file from disk (didSave, didChangeWatchedFiles), in a
  debounced batch, after which the open documents are re-checked (their chains may
  pass through the changed modules) and the stale `ignore` entries computed again.

Never rebuilt per keystroke. Closed files' results in workspace mode are refreshed
by the scan started when the graph lands.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lsprotocol import types as t

if TYPE_CHECKING:
    from ...engine.imports.context import ImportContext
    from ...engine.model import RuleError
    from ..documents import Document
    from ..session.folders import Folder
    from ..session.session import Session

log = logging.getLogger("archrules_lsp.server")

PROGRESS_TITLE = "Building the import graph"
# seconds after the last edit of an open document before its imports go into the graph
EDIT_DEBOUNCE = 0.4
# seconds: files saved or changed on disk in a burst (a checkout) are applied at once
DISK_DEBOUNCE = 0.2
# Seconds to wait before a built graph lands: a seam for tests (a real build of a small folder is too quick).
_LANDING_DELAY = float(os.environ.get("ARCHRULES_LSP_GRAPH_DELAY") or 0)


@dataclass
class FolderGraph:
    key: Any  # what the graph is made of (root and the folder's project config)
    context: ImportContext
    ready: bool = False
    task: asyncio.Task | None = None  # the build
    pending: dict[str, bool] = field(default_factory=dict)  # root-relative path -> deleted
    flush: asyncio.Task | None = None  # the debounced application of `pending`
    stale: tuple[Any, list[RuleError]] | None = None  # ((checker, graph version), warnings)


class ImportGraphs:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._graphs: dict[str, FolderGraph] = {}  # folder uri -> its graph
        self._edits: dict[str, asyncio.Task] = {}  # document uri -> its pending graph update
        self._stale_shown: dict[str, dict[str, list[RuleError]]] = {}  # folder uri -> the last answer

    # ------------------------------------------------------------ lifecycle

    def sync(self, folder: Folder) -> None:
        """After a rules load: the folder's checker gets the folder's import context
        (built when there is none yet, or when what it is made of changed)."""
        from ...engine.imports.context import ImportContext
        from ...engine.imports.modules import ModuleNamer

        checker = folder.checker
        if checker is None or not checker.has_import_contracts or not folder.settings.enable:
            self.forget(folder)
            return
        key = (folder.root, folder.config)
        graph = self._graphs.get(folder.uri)
        if graph is None or graph.key != key:
            self.forget(folder)
            graph = FolderGraph(key, ImportContext(namer=ModuleNamer(tuple(folder.config.source_roots))))
            self._graphs[folder.uri] = graph
            graph.task = asyncio.ensure_future(self._build(folder, graph))
            log.info("%s: building the import graph; until it is ready, open documents are checked "
                     "with their direct imports only", folder.name)
        checker.use_imports(graph.context)

    def forget(self, folder: Folder) -> None:
        self._stale_shown.pop(folder.uri, None)
        graph = self._graphs.pop(folder.uri, None)
        if graph is not None:
            for task in (graph.task, graph.flush):
                if task is not None and task is not asyncio.current_task():
                    task.cancel()

    def watch_globs(self, folder: Folder) -> list[str]:
        """File-watcher globs for the modules of a folder with a graph (workspace mode watches
        every file already)."""
        from ...engine.imports.modules import JS_SUFFIXES, PYTHON_SUFFIXES

        if folder.uri not in self._graphs or folder.settings.workspace_mode:
            return []
        return [f"**/*{suffix}" for suffix in (*PYTHON_SUFFIXES, *JS_SUFFIXES)]

    # ------------------------------------------------------------ building

    async def _build(self, folder: Folder, graph: FolderGraph) -> None:
        from ...project.import_graph import import_context

        session = self.session
        token = None
        try:
            await session.wait_ready()
            selector, config, namer = folder.selector, folder.config, graph.context.namer
            if selector is None:
                return
            started = time.monotonic()
            loop = asyncio.get_running_loop()
            rels = await loop.run_in_executor(
                None, lambda: [rel for rel in selector.walk() if namer.module_of(rel) is not None])
            # in this thread only (jobs=1): no process forked from a thread of the server
            building = loop.run_in_executor(None, lambda: import_context(folder.root, rels, config, jobs=1))
            token = await self._begin_progress(f"{len(rels)} files")
            built = await building
            if _LANDING_DELAY:
                await asyncio.sleep(_LANDING_DELAY)
            if self._graphs.get(folder.uri) is not graph:
                return  # forgotten or replaced meanwhile
            # in place: the folder's checker holds this context (a reload meanwhile attached it too)
            graph.context.graph, graph.context.chains = built.graph, built.chains
            graph.ready = True
            log.info("%s: import graph of %d modules built in %.2f s", folder.name, len(built.graph),
                     time.monotonic() - started)
            for doc in session.documents:  # the open buffers win over the files read
                if doc.path and folder.contains(doc.path):
                    self._apply_buffer(folder, graph, doc)
            if graph.pending:
                self._schedule_flush(folder, graph, 0)
            self._changed(folder)
            if folder.settings.workspace_mode and folder.settings.enable:
                session.scanner.start(folder)  # closed files' chains: the scan before had none
        except asyncio.CancelledError:
            pass
        except Exception:  # noqa: BLE001 - without the graph, direct imports are still checked
            log.exception("building the import graph of %s failed", folder.name)
            if self._graphs.get(folder.uri) is graph:
                self.forget(folder)  # the next rules load tries again
        finally:
            if token is not None:
                session.server.work_done_progress.end(token, t.WorkDoneProgressEnd(
                    message=f"{len(graph.context.graph)} modules"))

    async def _begin_progress(self, message: str) -> str | None:
        token = await self.session.create_progress("archrules-imports")
        if token is not None:
            self.session.server.work_done_progress.begin(
                token, t.WorkDoneProgressBegin(title=PROGRESS_TITLE, message=message))
        return token

    # ------------------------------------------------------------ updates

    def on_edit(self, doc: Document) -> None:
        """didOpen/didChange: the buffer's imports go into the graph once the typing pauses."""
        folder = self.session.folders.for_path(doc.path) if doc.path else None
        graph = self._graphs.get(folder.uri) if folder is not None else None
        if folder is None or graph is None or not graph.ready:
            return  # no contracts; or the build reads the open buffers when it lands
        old = self._edits.pop(doc.uri, None)
        if old is not None:
            old.cancel()
        self._edits[doc.uri] = asyncio.ensure_future(self._edit_later(folder, graph, doc))

    async def _edit_later(self, folder: Folder, graph: FolderGraph, doc: Document) -> None:
        try:
            await asyncio.sleep(EDIT_DEBOUNCE)
            if self._edits.get(doc.uri) is asyncio.current_task():
                del self._edits[doc.uri]
            if self._graphs.get(folder.uri) is graph and self.session.documents.get(doc.uri) is doc:
                self._apply_buffer(folder, graph, doc)
        except asyncio.CancelledError:
            pass
        except Exception:  # noqa: BLE001
            log.exception("updating the import graph from %s failed", doc.uri)

    def _apply_buffer(self, folder: Folder, graph: FolderGraph, doc: Document) -> None:
        """An open document's imports into the graph (a buffer that does not parse keeps the
        imports known before: a half-typed line must not cut the chains through it)."""
        from ...engine.imports.context import read_imports

        rel = folder.relative(doc.path) if doc.path and not doc.lost else None
        if rel is None or not self._selected(folder, graph, rel):
            return
        found = read_imports(rel, doc.text, graph.context.namer)
        if found is not None and found.parses:
            found.add_to(graph.context.graph)

    def on_disk_change(self, folder: Folder, path: str, deleted: bool = False) -> None:
        """A file saved, created, changed or deleted (or an open one closed): its imports as
        on disk, in a batch a moment later; then the open documents are re-checked."""
        graph = self._graphs.get(folder.uri)
        rel = folder.relative(path)
        if graph is None or rel is None or graph.context.namer.module_of(rel) is None:
            return
        graph.pending[rel] = deleted
        if graph.ready:
            self._schedule_flush(folder, graph, DISK_DEBOUNCE)

    def _schedule_flush(self, folder: Folder, graph: FolderGraph, delay: float) -> None:
        if graph.flush is not None:
            graph.flush.cancel()
        graph.flush = asyncio.ensure_future(self._flush(folder, graph, delay))

    async def _flush(self, folder: Folder, graph: FolderGraph, delay: float) -> None:
        try:
            await asyncio.sleep(delay)
            pending, graph.pending = graph.pending, {}
            graph.flush = None
            before = graph.context.graph.version
            on_disk = {}
            for rel, deleted in pending.items():
                doc = None if deleted else self.session.documents.by_path(os.path.join(folder.root, rel))
                if doc is not None and not doc.lost:
                    self._apply_buffer(folder, graph, doc)
                else:
                    on_disk[rel] = deleted
            read = await asyncio.to_thread(_read_from_disk, folder, graph, on_disk)
            if self._graphs.get(folder.uri) is not graph:
                return
            for rel, found in read.items():
                _apply_found(graph, rel, found)
            if graph.context.graph.version != before:
                self._changed(folder)
        except asyncio.CancelledError:
            pass
        except Exception:  # noqa: BLE001
            log.exception("updating the import graph of %s failed", folder.name)

    def _selected(self, folder: Folder, graph: FolderGraph, rel: str) -> bool:
        """Would the build have read this file (a module of the folder's selection)?"""
        return graph.context.namer.module_of(rel) is not None and (
            folder.selector is None or not folder.selector.is_excluded(rel))

    def _changed(self, folder: Folder) -> None:
        """The graph changed: the stale ignore entries, then every open document again (a
        cached result holds the chains of the graph before: a new epoch drops it)."""
        session = self.session
        before = self._stale_shown.get(folder.uri)
        if self.stale_ignores(folder) != before:
            session.rule_files.show_problems(folder)
        session.epoch += 1
        session.diagnostics.recheck_open_documents()

    # ------------------------------------------------------------ stale ignore entries

    def stale_ignores(self, folder: Folder) -> dict[str, list[RuleError]]:
        """rule file path -> a warning per `ignore` entry no import of the graph matches
        (nothing until the graph is built)."""
        from ...engine.imports.contracts import stale_ignores

        graph = self._graphs.get(folder.uri)
        checker = folder.checker
        if graph is None or not graph.ready or checker is None or not any(
                r.imports is not None and r.imports.ignore for r in checker.rules):
            out: dict[str, list[RuleError]] = {}  # (walking every edge costs ~20 ms on 5,000 modules)
        else:
            key = (checker, graph.context.graph.version)
            if graph.stale is None or graph.stale[0] != key:
                graph.stale = (key, stale_ignores(checker.rules, graph.context.graph))
            out = {}
            for warning in graph.stale[1]:
                out.setdefault(warning.path, []).append(warning)
        self._stale_shown[folder.uri] = out
        return out


def _read_from_disk(folder: Folder, graph: FolderGraph, changes: dict[str, bool]) -> dict[str, Any]:
    """In a thread: rel -> the file's imports read from disk (None: gone, skipped or no longer
    selected: out of the graph, as a build would leave it)."""
    from ...engine.imports.context import read_imports
    from ...project.conventions import Skip
    from ...project.files import read_source

    out: dict[str, Any] = {}
    for rel, deleted in changes.items():
        text = None
        if not deleted and (folder.selector is None or not folder.selector.is_excluded(rel)):
            text = read_source(os.path.join(folder.root, rel), folder.config.max_file_size, folder.root)
        out[rel] = None if text is None or isinstance(text, Skip) else read_imports(rel, text, graph.context.namer)
    return out


def _apply_found(graph: FolderGraph, rel: str, found: Any) -> None:
    imports = graph.context.graph
    if found is not None:
        found.add_to(imports)
        return
    module = graph.context.namer.module_of(rel)
    if module is not None and imports.path_of(module.name) == rel:  # not a namesake (x.pyi for x.py)
        imports.remove_module(module.name)
