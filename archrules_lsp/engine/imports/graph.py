"""`ImportGraph`: every module's imports, kept one module at a time, and shortest chains.

    graph = ImportGraph()
    graph.set_module("app.api.jobs", "app/api/jobs.py", statements)  # add or replace
    graph.remove_module("app.api.jobs")
    graph.imports_of("app.api.jobs")   # [(resolved name, ImportStatement), ...]
    graph.shortest_chain("app.services.jobs", reached, passable, follow)

A statement's target is resolved against the modules the graph holds: `from app import
jobs` is `app.jobs` when that module exists, else `app` (a name defined in `app`). Each
change bumps `version`, so callers can cache what they derived from the graph.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from ..model import Span


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


class ImportGraph:
    def __init__(self) -> None:
        self._statements: dict[str, tuple[str, tuple[ImportStatement, ...]]] = {}  # module -> (path, imports)
        self._resolved: dict[str, list[Edge]] = {}
        self._digests: dict[str, int] = {}  # module -> hash of the text its imports were read from
        self.version = 0

    def __contains__(self, module: str) -> bool:
        return module in self._statements

    def __len__(self) -> int:
        return len(self._statements)

    def modules(self) -> list[str]:
        return sorted(self._statements)

    def path_of(self, module: str) -> str | None:
        entry = self._statements.get(module)
        return entry[0] if entry else None

    def set_module(self, module: str, path: str, statements: tuple[ImportStatement, ...] | list,
                   digest: int | None = None) -> None:
        """Add a module, or replace its imports (the server: a file changed). `digest`: `hash()`
        of the text they were read from, so a check of that very text can take them from here."""
        statements = tuple(statements)
        if digest is None:
            self._digests.pop(module, None)
        else:
            self._digests[module] = digest
        old = self._statements.get(module)
        if old == (path, statements):
            return
        self._statements[module] = (path, statements)
        if old is None:
            self._resolved.clear()  # a new module can change how others' `from x import y` resolve
        else:
            self._resolved.pop(module, None)
        self.version += 1

    def remove_module(self, module: str) -> None:
        self._digests.pop(module, None)
        if self._statements.pop(module, None) is not None:
            self._resolved.clear()
            self.version += 1

    def imports_read_from(self, module: str, path: str, digest: int) -> tuple[ImportStatement, ...] | None:
        """The module's statements if they were read from the file `path` with a text of this
        digest (None: read them from the text: it differs, or nothing is known)."""
        entry = self._statements.get(module)
        if entry is None or entry[0] != path or self._digests.get(module) != digest:
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

    def shortest_chain(self, start: str, reached: Callable[[str], bool], passable: Callable[[str], bool],
                       follow: Callable[[str, str, ImportStatement], bool]) -> list[Hop] | None:
        """The shortest chain of imports from `start` to a module `reached` accepts, through
        modules `passable` accepts, along the imports `follow(importer, imported, statement)`
        accepts (breadth first; ties go to the import written first). None: no chain."""
        if start not in self._statements:
            return None
        came_from: dict[str, Hop | None] = {start: None}
        queue = deque([start])
        while queue:
            module = queue.popleft()
            path = self._statements[module][0]
            for target, statement in self.imports_of(module):
                if target in came_from or not follow(module, target, statement):
                    continue
                hop = Hop(module, target, path, statement.span)
                if reached(target):
                    return self._chain(came_from, hop)
                if target in self._statements and passable(target):
                    came_from[target] = hop
                    queue.append(target)
        return None

    @staticmethod
    def _chain(came_from: dict[str, Hop | None], last: Hop) -> list[Hop]:
        hops = [last]
        previous = came_from[last.importer]
        while previous is not None:
            hops.append(previous)
            previous = came_from[previous.importer]
        return hops[::-1]
