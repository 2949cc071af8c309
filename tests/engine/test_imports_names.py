"""Module-name coverage as the contracts use it: the fast forms (`ancestors`, `Cover`,
`barriers` kept per set of covering names, the graph's index of imported names) say
exactly what `covers` says, name by name."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from archrules_lsp.engine.imports.contracts import barriers
from archrules_lsp.engine.imports.graph import ImportGraph, ImportStatement
from archrules_lsp.engine.imports.modules import Cover, ancestors, covered, covers, longest_cover
from archrules_lsp.engine.model import ImportContracts, Span

# short parts and both separators: prefixes, equal names and near misses (`a.b` / `a.bc`) are common
names = st.lists(st.sampled_from(["a", "b", "bc", "", "x"]), min_size=1, max_size=4).flatmap(
    lambda parts: st.sampled_from([".", "/"]).map(lambda sep: sep.join(parts)))


@settings(max_examples=400, deadline=None)
@given(names, st.lists(names, max_size=5))
def test_ancestors_cover_and_longest_cover_agree_with_covers(name, prefixes):
    assert {p for p in prefixes if covers(p, name)} == {p for p in prefixes if p in ancestors(name)}
    assert covered(prefixes, name) == any(covers(p, name) for p in prefixes) == Cover(prefixes)(name)
    by_covers = [p for p in prefixes if covers(p, name)]
    expected = max(by_covers, key=len, default=None)
    found = longest_cover(prefixes, name)
    assert (found is None) == (expected is None) and (found is None or len(found) == len(expected))


contracts = st.builds(
    ImportContracts,
    layers=st.lists(names, max_size=3, unique=True).map(tuple),
    forbidden_from=st.lists(names, max_size=2).map(tuple),
    forbidden_to=st.lists(names, max_size=2).map(tuple),
    independent=st.lists(names, max_size=3, unique=True).map(tuple),
    protected=st.lists(names, max_size=2).map(tuple),
    protected_allowed=st.lists(names, max_size=2).map(tuple),
)


@settings(max_examples=300, deadline=None)
@given(contracts, st.lists(names, min_size=1, max_size=8))
def test_barriers_are_the_same_whichever_module_asked_first(rules, modules):
    first = [barriers(rules, m) for m in modules]
    fresh = ImportContracts(**{f: getattr(rules, f) for f in (
        "layers", "forbidden_from", "forbidden_to", "independent", "protected", "protected_allowed")})
    again = [barriers(fresh, m) for m in reversed(modules)]
    assert first == again[::-1]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(names, names), max_size=8), st.lists(names, max_size=3))
def test_imported_under_is_every_imported_name_a_cover_accepts(edges, targets):
    graph = ImportGraph()
    by_importer: dict[str, list[ImportStatement]] = {}
    for importer, imported in edges:
        by_importer.setdefault(importer, []).append(ImportStatement((imported,), Span.point(0)))
    for importer, statements in by_importer.items():
        graph.set_module(importer, f"{importer}.py", statements)
    imported = {graph.resolve(s) for ss in by_importer.values() for s in ss}
    assert graph.imported_under(targets) == {name for name in imported if Cover(targets)(name)}
