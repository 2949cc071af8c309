"""The import graph of a project's files (for the import contracts' indirect chains).

    context = import_context(root, rels, config, max_file_size=..., jobs=0)
    checker = Checker(ruleset, options, imports=context)

Each file is read once and its imports parsed (engine/imports); files that are not
Python or JavaScript/TypeScript are not read. The graph keeps each file's text digest,
so the check of the same text takes its imports from the graph instead of parsing again.

With many files (IN_PROCESS_BELOW) and `jobs` > 1 (0: one per core), this process reads a
share of the files itself while jobs - 1 forked helper processes read the rest and send
back their imports as plain tuples (`FileImports.pack`: dataclasses cost several times more
to pickle). On the 5,000-module bench corpus with 2 cores: ~0.34 s instead of ~0.48 s
in-process, for ~0.08 s more CPU (bench/README.md, Import contracts). The parse is most of
it: a file's imports count only if the whole file parses, so every file is parsed.
Files that cannot be read (too large, binary, unreadable) have no imports; a Python
file that does not parse has none either (its check says so in a note).
"""

from __future__ import annotations

import gc
import os
import posixpath
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .conventions import Skip
from .files import read_source
from .scan import _can_fork, default_jobs

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import Rule
    from ..engine.imports.context import FileImports, ImportContext
    from ..engine.imports.modules import ModuleNamer
    from .config import ProjectConfig

IN_PROCESS_BELOW = 1000  # files; a pool costs more than parsing fewer
POOL_FROM_JOBS = 2  # jobs: this process and jobs - 1 helper processes
CHUNK_SIZE = 64

def import_context(root: str | os.PathLike, rels: Iterable[str], config: ProjectConfig, *,
                   max_file_size: int | None = None, jobs: int = 0,
                   keep_texts: dict[str, str] | None = None) -> ImportContext:
    """An ImportContext whose graph holds the imports of every file of `rels` that is a module.

    `keep_texts`: filled with the texts read (path -> text, up to KEPT_TEXT_CHARS in all), for a
    scan that checks the same files (`scan(..., texts=)`): each file is then read once."""
    from ..engine.imports.context import ImportContext
    from ..engine.imports.modules import ModuleNamer

    namer = ModuleNamer(config.source_roots)
    modules = [rel for rel in rels if namer.module_of(rel) is not None]
    context = ImportContext(namer=namer)
    size = max_file_size or config.max_file_size
    # The build makes no garbage cycles, only many objects: the collector's passes over the growing
    # graph would cost ~7% of it (what `parse_python` does per file, for the whole build; forked
    # workers inherit the pause).
    paused = gc.isenabled()
    gc.disable()
    try:
        for found in _read_all(os.path.abspath(root), modules, namer, size, jobs, keep_texts):
            found.add_to(context.graph)
    finally:
        if paused:
            gc.enable()
    return context


KEPT_TEXT_CHARS = 64 << 20  # a larger project's files are read again by its check
OWN_SHARE = 0.8  # of a helper's: this process also unpacks the helpers' results


def _read_one(root: str, rel: str, namer: ModuleNamer, max_file_size: int) -> tuple[FileImports | None, str | None]:
    from ..engine.imports.context import read_imports

    text = read_source(os.path.join(root, rel), max_file_size, root)
    return (None, None) if isinstance(text, Skip) else (read_imports(rel, text, namer), text)


class _TextKeeper:
    """Keeps the texts read, up to KEPT_TEXT_CHARS in all (see import_context)."""

    def __init__(self, texts: dict[str, str] | None):
        self.texts = texts
        self.room = KEPT_TEXT_CHARS if texts is not None else 0

    def keep(self, rel: str, text: str | None) -> None:
        if self.texts is not None and text is not None and len(text) <= self.room:
            self.texts[rel] = text
            self.room -= len(text)


def _read_all(root: str, rels: list[str], namer: ModuleNamer, max_file_size: int,
              jobs: int, keep_texts: dict[str, str] | None = None) -> Iterator[FileImports]:
    jobs = default_jobs() if jobs < 1 else jobs
    keeper = _TextKeeper(keep_texts)
    if jobs < POOL_FROM_JOBS or len(rels) < IN_PROCESS_BELOW or not _can_fork():
        yield from _read_here(root, rels, namer, max_file_size, keeper)
        return
    from ..engine.imports.context import read_imports  # noqa: F401  (imported before the fork: once)

    own = int(len(rels) * OWN_SHARE / jobs)  # this process's share: the first files
    helpers = [_Helper(root, rels[own + i::jobs - 1], namer, max_file_size, keeper.room // jobs)
               for i in range(jobs - 1)]
    try:
        for start in range(0, own, CHUNK_SIZE):
            yield from _read_here(root, rels[start:min(start + CHUNK_SIZE, own)], namer, max_file_size, keeper)
            for helper in helpers:  # take what is ready: a helper seldom waits on a full pipe
                yield from helper.received(keeper, wait=False)
        for helper in helpers:
            yield from helper.received(keeper, wait=True)
    finally:
        for helper in helpers:
            helper.stop()


def _read_here(root: str, rels: list[str], namer: ModuleNamer, max_file_size: int,
               keeper: _TextKeeper) -> Iterator[FileImports]:
    for rel in rels:
        found, text = _read_one(root, rel, namer, max_file_size)
        keeper.keep(rel, text)
        if found is not None:
            yield found


class _Helper:
    """A forked process reading a share of the files, sending each file's imports back as plain
    tuples (`FileImports.pack`: dataclasses cost several times more to pickle), with its text,
    CHUNK_SIZE files a message. No pool: its threads and queues cost more CPU than the work they
    spread. Should the helper die, this process reads what it did not send."""

    def __init__(self, root: str, rels: list[str], namer: ModuleNamer, max_file_size: int, text_room: int):
        import multiprocessing

        self.root, self.rels, self.namer, self.max_file_size = root, rels, namer, max_file_size
        self.done = 0  # files received
        self.finished = False
        ctx = multiprocessing.get_context("fork")
        self.conn, sending = ctx.Pipe(duplex=False)
        self.process = ctx.Process(target=_send_share, args=(sending, root, rels, namer, max_file_size, text_room),
                                   daemon=True)
        self.process.start()
        sending.close()

    def received(self, keeper: _TextKeeper, wait: bool) -> Iterator[FileImports]:
        from ..engine.imports.context import FileImports

        while not self.finished and (wait or self.conn.poll()):
            try:
                chunk = self.conn.recv()
            except (EOFError, OSError):  # the helper died: read the rest here
                self.finished = True
                yield from _read_here(self.root, self.rels[self.done:], self.namer, self.max_file_size, keeper)
                return
            if chunk is None:
                self.finished = True
                return
            self.done += len(chunk)
            for rel, packed, text in chunk:
                keeper.keep(rel, text)
                if packed is not None:
                    yield FileImports.unpack(self.namer, packed)

    def stop(self) -> None:
        self.conn.close()
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()


def _send_share(conn, root: str, rels: list[str], namer: ModuleNamer, max_file_size: int, text_room: int) -> None:
    """In a helper process: every file of `rels`, CHUNK_SIZE a message, then None."""
    chunk: list[tuple[str, tuple | None, str | None]] = []
    for rel in rels:
        found, text = _read_one(root, rel, namer, max_file_size)
        if text is not None and len(text) <= text_room:
            text_room -= len(text)
        else:
            text = None  # beyond what this process keeps anyway
        chunk.append((rel, None if found is None else found.pack(), text))
        if len(chunk) >= CHUNK_SIZE:
            conn.send(chunk)
            chunk = []
    conn.send(chunk)
    conn.send(None)
    conn.close()


# Source files of languages with imports of their own, which import contracts do not read.
OTHER_SOURCE_SUFFIXES = frozenset({".vue", ".svelte", ".astro", ".coffee", ".elm", ".go", ".rb", ".java", ".kt",
                                   ".rs", ".php", ".cs", ".swift", ".dart", ".scala"})


@dataclass(frozen=True)
class UnreadSources:
    """Files of another language under a folder a contract names by path."""

    rule: Rule
    name: str  # the contract's module name (`web/components`)
    count: int
    suffixes: tuple[str, ...]


def unread_sources(rules: Iterable[Rule], rels: Sequence[str]) -> list[UnreadSources]:
    """For each module a contract names by path (`web/components`), the files under it in a
    language import contracts do not read (`.vue`, `.go`, ...): a note, never a silent gap."""
    from ..engine.imports.contracts import named_modules

    found: list[UnreadSources] = []
    for rule in rules:
        names = dict.fromkeys(n for n in named_modules(rule.imports) if "/" in n) if rule.imports else {}
        for name in names:
            hits = [posixpath.splitext(rel)[1] for rel in rels if rel.startswith(name + "/")]
            others = [s for s in hits if s in OTHER_SOURCE_SUFFIXES]
            if others:
                found.append(UnreadSources(rule, name, len(others), tuple(sorted(set(others)))))
    return found
