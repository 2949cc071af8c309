"""`ImportGraph`: every module's imports, kept one module at a time, and shortest chains.

    graph = ImportGraph()
    graph.set_module("app.api.jobs", "app/api/jobs.py", statements)  # add or replace
    graph.remove_module("app.api.jobs")
    graph.imports_of("app.api.jobs")   # [(resolved name, ImportStatement), ...]
    hops = graph.first_hops(reached, passable, follow)   # every module's shortest chain to a target
    chain_from("app.services.jobs", hops)

A statement's target is resolved against the modules the graph holds: `from app import
jobs` is `app.jobs` when that module exists, else `app` (a name defined in `app`). Each
change bumps `version`, so callers can cache what they derived from the graph.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..model import Span
from .modules import Cover, ancestors


@dataclass(frozen=True, slots=True)
class ImportStatement:
    """One imported name: its possible module names (most specific first), where its name is."""

    candidates: tuple[str, ...]
    span: Span
    type_checking: bool = False  # under `if TYPE_CHECKING:`, or a TypeScript `import type`


@dataclass(frozen=True, slots=True)
class Hop:
    """One import of a chain: `importer` (in the file `path`) imports `imported` at `span`."""

    importer: str
    imported: str
    path: str
    span: Span


Edge = tuple[str, ImportStatement]  # (resolved target, the statement)


TextDigest = tuple[int, int]  # (length, hash) of a text


def text_digest(text: str) -> TextDigest:
    """What tells two texts apart for the graph: their length, then their hash."""
    return len(text), hash(text)


class ImportGraph:
    def __init__(self) -> None:
        self._statements: dict[str, tuple[str, tuple[ImportStatement, ...]]] = {}  # module -> (path, imports)
        self._resolved: dict[str, list[Edge]] = {}
        self._importers: dict[str, list[tuple[str, ImportStatement]]] | None = None  # reversed edges
        self._under: dict[str, list[str]] | None = None  # a name -> the imported names it covers
        self._digests: dict[str, TextDigest] = {}  # module -> text_digest of the text its imports were read from
        self._import_count = 0  # statements of all modules
        self.version = 0

    def __contains__(self, module: str) -> bool:
        return module in self._statements

    def __len__(self) -> int:
        return len(self._statements)

    @property
    def size(self) -> int:
        """Modules and imports: what one chain search visits at most (kept up to date)."""
        return len(self._statements) + self._import_count

    def modules(self) -> list[str]:
        return sorted(self._statements)

    def path_of(self, module: str) -> str | None:
        entry = self._statements.get(module)
        return entry[0] if entry else None

    def set_module(self, module: str, path: str, statements: tuple[ImportStatement, ...] | list,
                   digest: TextDigest | None = None) -> None:
        """Add a module, or replace its imports (the server: a file changed). `digest`: the
        `text_digest` of the text they were read from, so a check of that very text can take
        them from here."""
        statements = tuple(statements)
        if digest is None:
            self._digests.pop(module, None)
        else:
            self._digests[module] = digest
        old = self._statements.get(module)
        if old == (path, statements):
            return
        self._statements[module] = (path, statements)
        self._import_count += len(statements) - (len(old[1]) if old is not None else 0)
        if old is None:
            self._resolved.clear()  # a new module can change how others' `from x import y` resolve
        else:
            self._resolved.pop(module, None)
        self._importers = self._under = None
        self.version += 1

    def remove_module(self, module: str) -> None:
        self._digests.pop(module, None)
        old = self._statements.pop(module, None)
        if old is not None:
            self._import_count -= len(old[1])
            self._resolved.clear()
            self._importers = self._under = None
            self.version += 1

    def imports_read_from(self, module: str, path: str, text: str) -> tuple[ImportStatement, ...] | None:
        """The module's statements if they were read from the file `path` with this text
        (None: read them from the text: it differs, or nothing is known)."""
        entry = self._statements.get(module)
        digest = self._digests.get(module)
        # the length first: hashing a big file's text each keystroke would cost what the file does
        if entry is None or entry[0] != path or digest is None or digest[0] != len(text) or \
                digest != text_digest(text):
            return None
        return entry[1]

    def resolve(self, statement: ImportStatement) -> str:
        """The module a statement imports: its first candidate the graph holds, else its last."""
        for name in statement.candidates:
            if name in self._statements:
                return name
        return statement.candidates[-1]

    def imports_of(self, module: str) -> list[Edge]:
        edges = self._resolved.get(module)
        if edges is None:
            entry = self._statements.get(module)
            edges = [(self.resolve(s), s) for s in entry[1]] if entry else []
            self._resolved[module] = edges
        return edges

    def importers_of(self, module: str) -> list[tuple[str, ImportStatement]]:
        """Who imports `module`: (importer, statement), importers in name order."""
        return self._reversed().get(module, [])

    def _reversed(self) -> dict[str, list[tuple[str, ImportStatement]]]:
        """Every imported name (project module or not) -> its importers; built once per version."""
        # The server changes the graph on its event loop while a check in a thread may be reading
        # it: every read here works on a local reference, and a module gone meanwhile has no edges.
        importers = self._importers
        if importers is None:
            importers = {}
            for importer in sorted(self._statements):
                for target, statement in self.imports_of(importer):
                    importers.setdefault(target, []).append((importer, statement))
            self._importers = importers
        return importers

    def imported_under(self, names: Iterable[str]) -> set[str]:
        """The imported names (project modules or not) that one of `names` covers."""
        under = self._under
        if under is None:  # built once per version, like the reversed edges
            under = {}
            for imported in self._reversed():
                for name in ancestors(imported):
                    under.setdefault(name, []).append(imported)
            self._under = under
        return {imported for name in names for imported in under.get(name, ())}

    def first_hops(self, reached: Cover | Callable[[str], bool], passable: Callable[[str], bool],
                   follow: Callable[[str, str, ImportStatement], bool]) -> dict[str, Hop]:
        """For every module with a chain of imports to a module `reached` covers (through modules
        `passable` accepts, along imports `follow(importer, imported, statement)` accepts): the
        first hop of its shortest chain; among equally short ones, each module's import
        written first. Follow the hops from a module to read its chain (`chain_from`).

        One breadth-first search backwards from the targets: linear in the graph's size, and
        then a chain from any module costs its length."""
        hops: dict[str, Hop] = {}
        # the last hop: an import of a target (a project module or an external one)
        targets = self.imported_under(reached.names) if isinstance(reached, Cover) else \
            [target for target in self._reversed() if reached(target)]
        frontier = self._step(targets, reached, passable, follow, hops)
        while frontier:
            frontier = self._step(frontier, frontier.__contains__, passable, follow, hops)
        return hops

    def _step(self, modules: list[str] | set[str], into: Callable[[str], bool], passable: Callable[[str], bool],
              follow: Callable[[str, str, ImportStatement], bool], hops: dict[str, Hop]) -> set[str]:
        """One level of the backward search: the importers of `modules` not reached yet, each
        with its first import into them (`follow` may refuse the one that made it a candidate)."""
        candidates = {importer for module in modules for importer, _ in self.importers_of(module)
                      if importer not in hops and passable(importer) and not into(importer)}
        found = set()
        for importer in candidates:
            hop = self._first_edge(importer, into, follow)
            if hop is not None:
                hops[importer] = hop
                found.add(importer)
        return found

    def _first_edge(self, module: str, into: Callable[[str], bool],
                    follow: Callable[[str, str, ImportStatement], bool]) -> Hop | None:
        entry = self._statements.get(module)
        if entry is None:  # removed while the search ran (see _reversed)
            return None
        path = entry[0]
        for target, statement in self.imports_of(module):
            if target != module and into(target) and follow(module, target, statement):
                return Hop(module, target, path, statement.span)
        return None


def chain_from(start: str, hops: dict[str, Hop]) -> list[Hop] | None:
    """The chain `first_hops` found from `start` (None: there is none)."""
    chain = []
    module = start
    while module in hops:
        hop = hops[module]
        chain.append(hop)
        module = hop.imported
    return chain or None
