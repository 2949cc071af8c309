"""Small cases against import-linter, one contract each (tests/imports/edge_cases.py):
where the two tools agree, and the documented differences asserted as such."""

from __future__ import annotations

import json

import pytest

from .conftest import tools
from .edge_cases import CASES, EXCLUDED_NAME_CASES, TYPE_CHECKING_CASES, Case, layers, write_project


def run_both(root, cases: list[Case], exist_ok: bool = False):
    root.mkdir(exist_ok=exist_ok)
    write_project(root, cases)
    return tools.lint_imports(root), tools.archrules(root)


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    return run_both(tmp_path_factory.mktemp("edge") / "project", CASES)


@pytest.fixture(scope="module")
def type_checking_reports(tmp_path_factory):
    return run_both(tmp_path_factory.mktemp("edge") / "type_checking", TYPE_CHECKING_CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.contract.name)
def test_broken_or_kept(case: Case, reports):
    lint, ours = reports
    assert (case.contract.id in lint.broken, case.contract.id in ours.broken) == (case.lint_broken, case.ours_broken)


@pytest.mark.parametrize("case", TYPE_CHECKING_CASES, ids=lambda c: c.contract.name)
def test_type_checking_true_counts_them_in_both(case: Case, type_checking_reports):
    lint, ours = type_checking_reports
    assert (case.contract.id in lint.broken, case.contract.id in ours.broken) == (case.lint_broken, case.ours_broken)


@pytest.mark.parametrize("case", [c for c in CASES if c.lint_broken and c.ours_broken], ids=lambda c: c.contract.name)
def test_the_same_violations_but_the_documented_chains(case: Case, reports):
    lint, ours = reports
    cid = case.contract.id
    lint_direct = {d[1:] for d in lint.direct if d[0] == cid}
    ours_direct = {d[1:] for d in ours.direct if d[0] == cid}
    assert (lint_direct - ours_direct, ours_direct - lint_direct) == (case.direct_only_lint, case.direct_only_ours)
    lint_starts = {(i, n) for c, i, n in lint.indirect if c == cid}
    ours_starts = {(i, n) for c, i, n in ours.indirect if c == cid}
    assert ours_starts == lint_starts - case.indirect_only_lint
    assert case.indirect_only_lint <= lint_starts
    for importer, line in ours_starts:  # the same hops
        assert ours.chains[(cid, importer, line)] == lint.chains[(cid, importer, line)]


def test_an_ignore_entry_naming_packages_matches_in_archrules_only(reports):
    """archrules: a name covers its submodules, in `ignore` too; import-linter matches
    the exact modules (its wildcards, `pkg.**`, would be needed), so it warns and the
    contract stays broken."""
    lint, ours = reports
    assert lint.stale_ignores == {"edge.ignore_package.src -> edge.ignore_package.dst"}
    assert not ours.stale_ignores


def test_packages_named_like_skipped_folders_are_modules_too(tmp_path):
    """`build`, `dist` and `_build` folders are skipped as build output unless they are packages
    (hold an `__init__.py`): a violation in low/build/step.py and a chain through kernel/dist/pack.py count."""
    lint, ours = run_both(tmp_path / "project", EXCLUDED_NAME_CASES)
    assert lint.broken == {"SKIPPED_NAMES"}
    assert (ours.direct, ours.indirect) == (lint.direct, lint.indirect)


def test_a_contract_naming_no_module_is_refused_there_and_warned_about_here(tmp_path):
    case = Case(layers("typo", "high", "middle", "low"), {"low/a.py": "", "high/h.py": ""}, False, False)
    root = tmp_path / "project"
    root.mkdir()
    write_project(root, [case])
    lint = tools.run([str(tools.BIN / "lint-imports"), "--no-cache", "--no-logo"], root)
    assert lint.returncode == 1 and "Missing layer 'edge.typo.middle'" in lint.stdout + lint.stderr
    ours = tools.run([str(tools.BIN / "archrules"), "check", "--format", "json"], root)
    assert ours.returncode == 0
    assert [e["message"] for e in json.loads(ours.stdout)["errors"]] == [
        '"edge.typo.middle" names no module of the project: the contract checks nothing there (a typo?)']


def test_a_gitignored_module_is_read_there_not_here(tmp_path):
    """The graph holds the files a check reads: a chain through a gitignored module is
    import-linter's finding only (docs/rule-format.md)."""
    case = Case(layers("ignored_file", "high", "low"),
                {"low/a.py": "import edge.ignored_file.kernel.generated\n",
                 "kernel/generated.py": "import edge.ignored_file.high.h\n", "high/h.py": ""}, True, False)
    root = tmp_path / "project"
    root.mkdir()
    (root / ".git").mkdir()
    (root / ".gitignore").write_text("edge/ignored_file/kernel/generated.py\n", encoding="utf-8")
    lint, ours = run_both(root, [case], exist_ok=True)
    assert lint.indirect == {("IGNORED_FILE", "edge.ignored_file.low.a", 1)}
    assert not ours.broken
