"""The module graph reduced to what contracts name: for `archrules graph` (and any summary).

Every module is collapsed into the most specific module name the contracts write
(`app.api.v1.jobs` into `app.api`); imports between two different named modules become
one edge each way, marked with the rules they violate (directly or through a chain).
Modules no contract names drop out; type-only imports too, unless a rule has
`type_checking: true`. Order is deterministic: nodes as the rules name
them, edges by their nodes' order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..model import Rule
from .contracts import ChainCache, named_modules, violations
from .graph import ImportGraph
from .modules import longest_cover


@dataclass
class Edge:
    source: str
    target: str
    rules: set[str] = field(default_factory=set)  # rules an import of this edge violates directly
    indirect: set[str] = field(default_factory=set)  # ... or by starting a chain

    @property
    def violating(self) -> bool:
        return bool(self.rules or self.indirect)


@dataclass
class Overview:
    nodes: list[str]
    edges: list[Edge]


def overview(rules: Iterable[Rule], graph: ImportGraph) -> Overview:
    rules = [r for r in rules if r.imports is not None]
    nodes = list(dict.fromkeys(name for r in rules if r.imports for name in named_modules(r.imports)))
    edges: dict[tuple[str, str], Edge] = {}

    def edge(importer: str, imported: str) -> Edge | None:
        source, target = longest_cover(nodes, importer), longest_cover(nodes, imported)
        if source is None or target is None or source == target:
            return None
        return edges.setdefault((source, target), Edge(source, target))

    cache = ChainCache()
    type_only = any(r.imports is not None and r.imports.type_checking for r in rules)
    for module in graph.modules():
        for target, statement in graph.imports_of(module):
            if type_only or not statement.type_checking:  # what the contracts see
                edge(module, target)
        path = graph.path_of(module) or ""
        statements = [s for _, s in graph.imports_of(module)]
        for rule in rules:
            assert rule.imports is not None
            for v in violations(rule.imports, rule.id, path, module, statements, graph, cache):
                found = edge(module, v.target)
                if found is not None:
                    (found.indirect if v.chain else found.rules).add(rule.id)
    order = {name: i for i, name in enumerate(nodes)}
    ordered = sorted(edges.values(), key=lambda e: (order[e.source], order[e.target]))
    return Overview(nodes, ordered)
