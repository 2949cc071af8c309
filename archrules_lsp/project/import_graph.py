"""The import graph of a project's files (for the import contracts' indirect chains).

    context = import_context(root, rels, config, max_file_size=..., jobs=0)
    checker = Checker(ruleset, options, imports=context)

Each file is read once and its imports parsed (engine/imports); files that are not
Python or JavaScript/TypeScript are not read. The graph keeps each file's text digest,
so the check of the same text takes its imports from the graph instead of parsing again.

In-process unless there are many files and cores: on the 5,000-module bench corpus
the parse takes ~0.6 s and moving the results between processes ~0.4 s (pickling them,
unpickling them in this process), so a pool gains nothing below 4 workers.
Files that cannot be read (too large, binary, unreadable) have no imports; a Python
file that does not parse has none either (its check says so in a note).
"""

from __future__ import annotations

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
POOL_FROM_JOBS = 4  # workers; with fewer, unpickling the results in this process eats the gain
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
    for found in _read_all(os.path.abspath(root), modules, namer, size, jobs, keep_texts):
        found.add_to(context.graph)
    return context


KEPT_TEXT_CHARS = 64 << 20  # a larger project's files are read again by its check


def _read_one(root: str, rel: str, namer: ModuleNamer, max_file_size: int) -> tuple[FileImports | None, str | None]:
    from ..engine.imports.context import read_imports

    text = read_source(os.path.join(root, rel), max_file_size, root)
    return (None, None) if isinstance(text, Skip) else (read_imports(rel, text, namer), text)


def _read_all(root: str, rels: list[str], namer: ModuleNamer, max_file_size: int,
              jobs: int, keep_texts: dict[str, str] | None = None) -> Iterator[FileImports]:
    jobs = default_jobs() if jobs < 1 else jobs
    if jobs < POOL_FROM_JOBS or len(rels) < IN_PROCESS_BELOW or not _can_fork():
        room = KEPT_TEXT_CHARS if keep_texts is not None else 0
        for rel in rels:
            found, text = _read_one(root, rel, namer, max_file_size)
            if keep_texts is not None and text is not None and len(text) <= room:
                keep_texts[rel] = text
                room -= len(text)
            if found is not None:
                yield found
        return
    import multiprocessing

    global _worker_args
    _worker_args = (root, namer, max_file_size)  # inherited by the forked workers
    chunks = [rels[i:i + CHUNK_SIZE] for i in range(0, len(rels), CHUNK_SIZE)]
    with multiprocessing.get_context("fork").Pool(min(jobs, len(chunks))) as pool:
        for found_in_chunk in pool.imap(_read_chunk, chunks):
            yield from found_in_chunk


def _read_chunk(rels: Sequence[str]) -> list[FileImports]:
    root, namer, size = _worker_args
    assert namer is not None
    found = (_read_one(root, rel, namer, size)[0] for rel in rels)
    return [f for f in found if f is not None]



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
