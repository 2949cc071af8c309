"""Import contracts against import-linter (`lint-imports`, pinned in the test extra), both
run as installed console scripts on the same project with the same contracts.

On a generated 300-module corpus (bench/imports/make_corpus.py; the bench runs 5,000):
the same contracts are broken, by the same direct imports (importer, imported, line),
and indirect chains start at the same import; the documented differences
(docs/rule-format.md, "Differences from import-linter") are asserted as such, so a
change on either side shows here.
"""

from __future__ import annotations

import pytest

from .conftest import tools

IMPORTLIB = "forbidden: importlib.import_module"  # the plant import-linter cannot see


@pytest.fixture(scope="module")
def reports(corpus):
    root, _ = corpus
    return tools.lint_imports(root), tools.archrules(root)


def planted(manifest: dict, *, direct: bool, importlib: bool = False) -> list[dict]:
    return [p for p in manifest["plants"] if p["contract"] and p["direct"] == direct
            and p["kind"].startswith(IMPORTLIB) == importlib]


def test_lint_imports_finds_exactly_what_was_planted(corpus, reports):
    """The reference is right about the corpus: it finds every plant and nothing else."""
    _, manifest = corpus
    lint, _ = reports
    assert {(c, i, t) for c, i, t, _ in lint.direct} == {
        (p["contract"], p["chain"][0], p["chain"][-1]) for p in planted(manifest, direct=True)}
    assert {(c, i) for c, i, _ in lint.indirect} == {
        (p["contract"], p["chain"][0]) for p in planted(manifest, direct=False)}


def test_the_same_contracts_are_broken(corpus, reports):
    lint, ours = reports
    assert lint.broken == {"CORP-001", "CORP-002", "CORP-003", "CORP-004", "CORP-005"}
    # CORP-007's only violation is importlib.import_module("literal"), which grimp does not read
    assert ours.broken == lint.broken | {"CORP-007"}


def test_the_same_direct_imports_violate_them(corpus, reports):
    """Every direct violation, to the line: relative imports, `from pkg import module`,
    imports inside functions, external modules."""
    _, manifest = corpus
    lint, ours = reports
    importlib_plants = {(p["contract"], p["chain"][0], p["chain"][-1]) for p in planted(
        manifest, direct=True, importlib=True)}
    assert {(c, i, t) for c, i, t, _ in ours.direct} - {(c, i, t) for c, i, t, _ in lint.direct} == importlib_plants
    assert {d for d in ours.direct if d[:3] not in importlib_plants} == lint.direct


def test_indirect_chains_start_at_the_same_import(reports):
    lint, ours = reports
    assert ours.indirect == lint.indirect
    for key in lint.indirect:  # and go the same way (the corpus has one chain per plant)
        assert ours.chains[key] == lint.chains[key]


def test_type_checking_and_allowed_imports_are_no_violation_for_either(corpus, reports):
    _, manifest = corpus
    innocent = {p["chain"][0] for p in manifest["plants"] if p["contract"] is None}
    assert innocent
    for report in reports:
        importers = {d[1] for d in report.direct} | {i[1] for i in report.indirect}
        assert not innocent & importers


def test_both_warn_about_an_ignore_entry_that_matches_no_import(reports):
    lint, ours = reports
    assert lint.stale_ignores == {"corp.plugins.alpha.m000 -> corp.api.pkg00.m000"}
    assert ours.stale_ignores == lint.stale_ignores
