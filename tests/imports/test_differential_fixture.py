"""The fixture project of the import contracts (tests/fixtures/contracts: `app/` at the
root, `models` under `src/`), its Python contracts ARCH-001..004 checked by archrules and
by import-linter (tests/imports/fixture.importlinter, the same contracts): the same
contracts broken by the same imports, but for the one import import-linter cannot see."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .conftest import REPO, tools

FIXTURE = REPO / "tests" / "fixtures" / "contracts"
PYTHON_CONTRACTS = {"ARCH-001", "ARCH-002", "ARCH-003", "ARCH-004"}
# src/models/job.py: importlib.import_module("app.services.jobs"), models below app.services
IMPORTLIB = ("ARCH-001", "models.job", "app.services.jobs", 3)


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    root = tmp_path_factory.mktemp("fixture") / "project"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("web"))  # the Python part
    shutil.copy(Path(__file__).with_name("fixture.importlinter"), root / ".importlinter")
    return tools.lint_imports(root, pythonpath=str(root / "src")), tools.archrules(root)


def test_the_same_contracts_are_broken(reports):
    lint, ours = reports
    assert lint.broken == PYTHON_CONTRACTS
    assert ours.broken == PYTHON_CONTRACTS


def test_the_same_direct_imports_but_importlib(reports):
    lint, ours = reports
    assert ours.direct - lint.direct == {IMPORTLIB}
    assert lint.direct <= ours.direct


def test_indirect_chains_start_at_the_same_import_and_go_the_same_way(reports):
    lint, ours = reports
    assert ours.indirect == lint.indirect
    for key in lint.indirect:
        assert ours.chains[key] == lint.chains[key]


def test_both_warn_about_the_stale_ignore_entry(reports):
    lint, ours = reports
    assert lint.stale_ignores == ours.stale_ignores == {"app.api.legacy -> app.tasks"}
