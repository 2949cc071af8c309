"""The import graph of a project's files (for the import contracts' indirect chains).

    context = import_context(root, rels, config, max_file_size=..., jobs=0)
    checker = Checker(ruleset, options, imports=context)

Each file is read once and its imports parsed (engine/imports); files that are not
Python or JavaScript/TypeScript are not read. The graph keeps each file's text digest,
so the check of the same text takes its imports from the graph instead of parsing again.

With many files (IN_PROCESS_BELOW) and `jobs` > 1 (0: one per core), this process reads a
share of the files itself while jobs - 1 forked workers read the rest and send back their
imports as plain tuples (`FileImports.pack`: dataclasses cost several times more to pickle).
On the 5,000-module bench corpus with 2 cores: 0.33 s instead of 0.45 s in-process, for
0.12 s more CPU (bench/README.md, Import contracts). The parse is most of it: a file's
imports count only if the whole file parses, so every file is parsed.
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

from .conventions import DEFAULT_MAX_FILE_SIZE, Skip
from .files import read_source
from .scan import _can_fork, default_jobs

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import Rule
    from ..engine.imports.context import FileImports, ImportContext
    from ..engine.imports.modules import ModuleNamer
    from .config import ProjectConfig

IN_PROCESS_BELOW = 1000  # files; a pool costs more than parsing fewer
POOL_FROM_JOBS = 2  # jobs: this process and jobs - 1 workers
CHUNK_SIZE = 64

_worker_args: tuple[str, ModuleNamer | None, int] = ("", None, DEFAULT_MAX_FILE_SIZE)


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
OWN_SHARE = 0.75  # of a worker's: this process also unpacks the workers' results


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
    pooled = jobs >= POOL_FROM_JOBS and len(rels) >= IN_PROCESS_BELOW and _can_fork()
    own = int(len(rels) * OWN_SHARE / jobs) if pooled else len(rels)  # the files this process reads
    if not pooled:
        yield from _read_here(root, rels, namer, max_file_size, keeper)
        return
    import multiprocessing

    from ..engine.imports.context import FileImports, read_imports  # noqa: F401  (before the fork: once)

    global _worker_args
    _worker_args = (root, namer, max_file_size)  # inherited by the forked workers
    chunks = [rels[i:i + CHUNK_SIZE] for i in range(own, len(rels), CHUNK_SIZE)]
    with multiprocessing.get_context("fork").Pool(min(jobs - 1, len(chunks))) as pool:
        theirs = pool.imap(_read_chunk, chunks)  # under way while this process reads its share
        yield from _read_here(root, rels[:own], namer, max_file_size, keeper)
        for found_in_chunk in theirs:
            for rel, packed, text in found_in_chunk:
                keeper.keep(rel, text)
                if packed is not None:
                    yield FileImports.unpack(namer, packed)


def _read_here(root: str, rels: list[str], namer: ModuleNamer, max_file_size: int,
               keeper: _TextKeeper) -> Iterator[FileImports]:
    for rel in rels:
        found, text = _read_one(root, rel, namer, max_file_size)
        keeper.keep(rel, text)
        if found is not None:
            yield found


def _read_chunk(rels: Sequence[str]) -> list[tuple[str, tuple | None, str | None]]:
    """In a worker: each file's imports packed in plain tuples (dataclasses cost several times
    more to pickle and unpickle), with its text (a copy of a string costs next to nothing)."""
    root, namer, size = _worker_args
    assert namer is not None
    out = []
    for rel in rels:
        found, text = _read_one(root, rel, namer, size)
        out.append((rel, None if found is None else found.pack(), text))
    return out


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
