"""What a module may not import under a rule's contracts, and the findings for one file.

Each contract kind becomes, for the importing module, a list of `Barrier`s: the
modules it may not reach, why, and whether chains through other modules count:

- layers (top to bottom): a module of a layer may not import a layer above it,
  directly or through modules of no layer;
- forbidden: a module under `from` may not import one under `to`, directly or
  through modules under neither;
- independent: a module under one entry may not import one under another, directly
  or through modules under none of them;
- protected: a module under `modules` may be imported directly only by a module under
  `allowed` or under `modules` itself (indirect chains are allowed, as in import-linter).

Chains never pass through the contract's own modules: such a hop is a violation of
its own, reported in its own file. A file's direct violations of a barrier are each
reported; when it has none, one indirect chain is: at the file's first import that
starts one, the shortest from there.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..checks.context import RawFinding
from ..model import ImportContracts, RelatedLocation, Rule, RuleError, Severity, Span
from .graph import Hop, ImportGraph, ImportStatement, chain_from
from .modules import Cover, ancestors, covered, covers, longest_cover


@dataclass(frozen=True, slots=True)
class Barrier:
    targets: tuple[str, ...]  # the modules that may not be imported
    reason: str  # the message's parenthesis: `layer app.tasks is below app.api`
    indirect: bool  # chains through other modules count
    closed: tuple[str, ...]  # modules a chain may not pass through


def barriers(contracts: ImportContracts, module: str) -> tuple[Barrier, ...]:
    """Every barrier `contracts` put around `module` as an importer (empty: it is free).

    They depend only on which of the contracts' names cover `module`: computed once per such
    set (a Checker asks for every module of the project under every rule)."""
    names, known = _shape(contracts)
    covering = ancestors(module) & names
    found = known.get(covering)
    if found is None:
        found = known[covering] = (
            *_layer_barriers(contracts.layers, module), *_forbidden_barriers(contracts, module),
            *_independent_barriers(contracts.independent, module), *_protected_barriers(contracts, module))
    return found


_SHAPES_KEPT = 256
_shapes: dict[int, tuple[ImportContracts, frozenset[str], dict[frozenset[str], tuple[Barrier, ...]]]] = {}


def _shape(contracts: ImportContracts) -> tuple[frozenset[str], dict[frozenset[str], tuple[Barrier, ...]]]:
    """Every module name `contracts` write, and their barriers by the names covering a module
    (kept per contracts object, by identity: hashing one means hashing all its fields)."""
    kept = _shapes.get(id(contracts))
    if kept is None or kept[0] is not contracts:
        if len(_shapes) >= _SHAPES_KEPT:  # rules reloaded over and over
            _shapes.clear()
        kept = _shapes[id(contracts)] = (contracts, frozenset(named_modules(contracts)), {})
    return kept[1], kept[2]


def _layer_barriers(layers: tuple[str, ...], module: str) -> Iterator[Barrier]:
    own = longest_cover(layers, module)
    if own is None:
        return
    for higher in layers[: layers.index(own)]:
        if not covers(higher, own):  # a layer nested in a higher one is part of it
            yield Barrier((higher,), f"layer {own} is below {higher}", True, layers)


def _forbidden_barriers(contracts: ImportContracts, module: str) -> Iterator[Barrier]:
    source = longest_cover(contracts.forbidden_from, module)
    if source is None:
        return
    closed = contracts.forbidden_from + contracts.forbidden_to
    for target in contracts.forbidden_to:
        if not covers(target, module):
            yield Barrier((target,), f"{source} must not import {target}", True, closed)


def _independent_barriers(modules: tuple[str, ...], module: str) -> Iterator[Barrier]:
    own = longest_cover(modules, module)
    if own is None:
        return
    for other in modules:
        if other != own and not covers(other, own) and not covers(own, other):
            yield Barrier((other,), f"{own} and {other} are independent", True, modules)


def _protected_barriers(contracts: ImportContracts, module: str) -> Iterator[Barrier]:
    if not contracts.protected or covered(contracts.protected_allowed, module):
        return
    allowed = ", ".join(contracts.protected_allowed) or "its own modules"
    for protected in contracts.protected:
        if not covers(protected, module):
            yield Barrier((protected,), f"{protected} is protected: only {allowed} may import it", False, ())


def ignored(contracts: ImportContracts, importer: str, imported: str) -> bool:
    return any(covers(i.importer, importer) and covers(i.imported, imported) for i in contracts.ignore)


_MAX_SEARCHES = 4096  # kept per graph version: more than SEARCH_BUDGET lets a rule run on a real graph
# The chain searches of one rule, counted in modules and imports visited (a search walks the
# graph once, one search per forbidden target): hundreds of layers or independent modules in
# an untrusted rule file must not hang a check. A rule over it has its direct imports
# checked and its indirect chains left out, with a note (about 4 s of searching).
SEARCH_BUDGET = 1 << 23


def search_count(contracts: ImportContracts) -> int:
    """How many chain searches the contracts can need at most: one per forbidden target."""
    return max(len(contracts.layers) - 1, 0) + len(contracts.forbidden_to) + len(contracts.independent)


def chains_affordable(contracts: ImportContracts, graph: ImportGraph) -> bool:
    """Can the contracts' indirect chains be searched within SEARCH_BUDGET on this graph?"""
    return search_count(contracts) * graph.size <= SEARCH_BUDGET


class ChainCache:
    """Every module's shortest chain to each barrier's targets, per graph version (one
    backward search per barrier: many files reach the same modules, and an editor re-checks
    one file on every keystroke while the graph stays as it is)."""

    def __init__(self) -> None:
        self._graph: ImportGraph | None = None
        self._version = -1
        self._hops: dict[tuple, tuple[ImportContracts, dict[str, Hop]]] = {}

    def chain(self, graph: ImportGraph, rule_id: str, contracts: ImportContracts, barrier: Barrier,
              start: str) -> list[Hop] | None:
        return chain_from(start, self._search(graph, rule_id, contracts, barrier))

    def search_all(self, graph: ImportGraph, rules: Iterable[Rule]) -> None:
        """Every search a check of the graph's modules under `rules` can need, now (before
        worker processes fork: they inherit the answers instead of each searching again)."""
        for rule in rules:
            if rule.imports is None or not chains_affordable(rule.imports, graph):
                continue
            # one search per (targets, closed): the barriers of a pair of layers differ only in their reason
            around = {(b.targets, b.closed): b for module in graph.modules() for b in barriers(rule.imports, module)
                      if b.indirect}
            for barrier in around.values():
                self._search(graph, rule.id, rule.imports, barrier)

    def _search(self, graph: ImportGraph, rule_id: str, contracts: ImportContracts,
                barrier: Barrier) -> dict[str, Hop]:
        if graph is not self._graph or graph.version != self._version:
            self._hops.clear()
            self._graph, self._version = graph, graph.version
        key = (rule_id, barrier.targets, barrier.closed)  # the reason does not change the search
        known = self._hops.get(key)
        if known is None or not (known[0] is contracts or known[0] == contracts):  # rules reloaded
            if len(self._hops) >= _MAX_SEARCHES:  # rules edited over and over: the old ones' go
                self._hops.clear()
            known = self._hops[key] = (contracts, _first_hops(graph, contracts, barrier))
        return known[1]


def _first_hops(graph: ImportGraph, contracts: ImportContracts, barrier: Barrier) -> dict[str, Hop]:
    def follow(importer: str, imported: str, statement: ImportStatement) -> bool:
        return ((contracts.type_checking or not statement.type_checking)
                and not (contracts.ignore and ignored(contracts, importer, imported)))

    closed = Cover(barrier.closed)
    return graph.first_hops(Cover(barrier.targets), lambda m: not closed(m), follow)


@dataclass(frozen=True, slots=True)
class Violation:
    """One import that breaks a barrier: directly (`chain` empty) or starting a chain."""

    statement: ImportStatement
    target: str  # the module the barrier forbids (the chain's end for an indirect one)
    barrier: Barrier
    chain: tuple[Hop, ...] = ()  # indirect: every hop, the file's own import first


def violations(contracts: ImportContracts, rule_id: str, path: str, module: str,
               statements: list[ImportStatement] | tuple[ImportStatement, ...], graph: ImportGraph,
               cache: ChainCache, around: tuple[Barrier, ...] | None = None) -> list[Violation]:
    """The imports of the file `path` (the module `module`) that break `contracts`: each direct
    one, and per barrier with none, the first import starting a chain (its shortest). `around`: the
    module's barriers when known already (`barriers(contracts, module)`)."""
    edges = [(graph.resolve(s), s) for s in statements if contracts.type_checking or not s.type_checking]
    edges = [(target, s) for target, s in edges
             if target != module and not (contracts.ignore and ignored(contracts, module, target))]
    out: list[Violation] = []
    chains = chains_affordable(contracts, graph)
    for barrier in barriers(contracts, module) if around is None else around:
        direct = [Violation(s, target, barrier) for target, s in edges if covered(barrier.targets, target)]
        out.extend(direct)
        if not direct and barrier.indirect and chains:
            found = _indirect(contracts, rule_id, path, module, edges, barrier, graph, cache)
            if found is not None:
                out.append(found)
    return out


def file_findings(rule: Rule, path: str, module: str, statements: list[ImportStatement], graph: ImportGraph,
                  cache: ChainCache, around: tuple[Barrier, ...] | None = None) -> list[RawFinding]:
    """`rule`'s import-contract findings for the file `path` (the module `module`)."""
    assert rule.imports is not None
    out = []
    for v in violations(rule.imports, rule.id, path, module, statements, graph, cache, around):
        if not v.chain:
            out.append(RawFinding(rule, v.statement.span, f"{module} imports {v.target} ({v.barrier.reason})"))
            continue
        names = " -> ".join([module, *(h.imported for h in v.chain)])
        message = f"{module} imports {v.target} indirectly: {names} ({v.barrier.reason})"
        related = tuple(RelatedLocation(h.path, h.span, f"{h.importer} imports {h.imported}") for h in v.chain)
        out.append(RawFinding(rule, v.statement.span, message, related=related))
    return out


def _indirect(contracts: ImportContracts, rule_id: str, path: str, module: str,
              edges: list[tuple[str, ImportStatement]], barrier: Barrier, graph: ImportGraph,
              cache: ChainCache) -> Violation | None:
    for target, statement in edges:
        if covered(barrier.closed, target) or target not in graph:
            continue
        chain = cache.chain(graph, rule_id, contracts, barrier, target)
        if chain is not None:
            hops = (Hop(module, target, path, statement.span), *chain)
            return Violation(statement, hops[-1].imported, barrier, hops)
    return None


def named_modules(contracts: ImportContracts) -> list[str]:
    """Every module name the contracts write, in order (repeats included)."""
    return [*contracts.layers, *contracts.forbidden_from, *contracts.forbidden_to, *contracts.independent,
            *contracts.protected, *contracts.protected_allowed]


def unmatched_names(rules: tuple[Rule, ...] | list[Rule], graph: ImportGraph) -> list[RuleError]:
    """A warning per module name of the project a contract writes that names no module of the
    graph: a typo (`app.servces`) would make its contract check nothing, silently. A name is the
    project's when its first part is a project module's (`app` of `app.api`); the others are
    outside it (`subprocess`) and may name anything."""
    known: set[str] = set()
    for module in graph.modules():
        sep = "/" if "/" in module else "."
        parts = module.split(sep)
        known.update(sep.join(parts[:i]) for i in range(1, len(parts) + 1))
    out = []
    for rule in rules:
        contracts = rule.imports
        if contracts is None:
            continue
        for name in dict.fromkeys(named_modules(contracts)):
            top = name.split("/" if "/" in name else ".")[0]
            if top in known and name not in known:
                where = contracts.location
                out.append(RuleError(where.path if where else "", where.span if where else Span.point(0),
                                     f"\"{name}\" names no module of the project: the contract checks nothing "
                                     "there (a typo?)", rule.id, Severity.WARNING))
    return out


def stale_ignores(rules: tuple[Rule, ...] | list[Rule], graph: ImportGraph) -> list[RuleError]:
    """A warning at each `ignore` entry of `rules` that matches no import the graph holds
    (type-only imports included: an exception written for one is not stale)."""
    edges = [(module, target) for module in graph.modules() for target, _ in graph.imports_of(module)]
    out = []
    for rule in rules:
        if rule.imports is None:
            continue
        for entry in rule.imports.ignore:
            if any(covers(entry.importer, a) and covers(entry.imported, b) for a, b in edges):
                continue
            where = entry.location
            out.append(RuleError(where.path if where else "", where.span if where else Span.point(0),
                                 f"ignore entry \"{entry.importer} -> {entry.imported}\" matches no import: "
                                 "remove it", rule.id, Severity.WARNING))
    return out
