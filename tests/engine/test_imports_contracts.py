"""Import contracts through the Checker: direct and indirect violations of the four kinds."""

from __future__ import annotations

import textwrap

from archrules_lsp.engine import Checker, CheckOptions
from archrules_lsp.engine.imports.context import ImportContext, read_imports
from archrules_lsp.engine.incremental import IncrementalCheck
from archrules_lsp.engine.model import RelatedLocation, Span

from .conftest import ruleset_from_yaml

RULES = """
architecture_rules:
  - id: ARCH-001
    name: Layers
    imports:
      layers: [app.api, app.services, app.tasks]
  - id: ARCH-002
    name: No processes or tasks in the API
    imports:
      forbidden:
        from: [app.api]
        to: [app.tasks, subprocess]
      ignore: ["app.api.deps -> app.tasks.registry"]
  - id: ARCH-003
    name: Pipelines stay independent
    imports:
      independent: [app.tasks.exports, app.tasks.imports]
  - id: ARCH-004
    name: Billing only through its API
    imports:
      protected:
        modules: [app.services.billing]
        allowed: [app.api.v1.billing]
"""

PROJECT = {
    "app/api/deps.py": "from app.tasks import registry\n",
    "app/api/jobs.py": "import subprocess\nfrom app.core import helpers\n",
    "app/api/v1/billing.py": "from app.services import billing\n",
    "app/core/helpers.py": "from app.tasks import scan\n",
    "app/core/spawn.py": "import subprocess\n",
    "app/services/jobs.py": "from app.core import spawn\n",
    "app/services/billing/__init__.py": "",
    "app/services/billing/invoices.py": "",
    "app/tasks/scan.py": "from ..core import helpers\nfrom app.api import deps\n",
    "app/tasks/registry.py": "",
    "app/tasks/exports/run.py": "from app.tasks.imports import parse\n",
    "app/tasks/imports/parse.py": "",
    "app/tasks/imports/reader.py": "from app.core import bridge\n",
    "app/core/bridge.py": "import app.tasks.exports.run\n",
    "app/reports.py": "from app.services.billing import invoices\n",
}


def checker_for(files: dict[str, str], rules: str = RULES, **options) -> Checker:
    context = ImportContext()
    for path, text in files.items():
        read_imports(path, text, context.namer).add_to(context.graph)  # with its digest: reused by check
    return Checker(ruleset_from_yaml(rules), CheckOptions(**options), imports=context)


def messages(checker: Checker, path: str, text: str | None = None) -> list[tuple[str, int, str]]:
    result = checker.check(path, PROJECT[path] if text is None else text)
    return [(f.rule_id, f.span.line, f.message) for f in result.findings]


def test_a_lower_layer_importing_a_higher_one_is_reported_on_the_imported_name():
    checker = checker_for(PROJECT)
    assert messages(checker, "app/tasks/scan.py") == [
        ("ARCH-001", 1, "app.tasks.scan imports app.api.deps (layer app.tasks is below app.api)")]
    finding = checker.check("app/tasks/scan.py", PROJECT["app/tasks/scan.py"]).findings[0]
    assert finding.span == Span(1, 20, 1, 24)


def test_forbidden_direct_and_indirect_through_modules_of_neither_side():
    checker = checker_for(PROJECT)
    found = checker.check("app/api/jobs.py", PROJECT["app/api/jobs.py"]).findings
    assert [(f.rule_id, f.span.line, f.message) for f in found] == [
        ("ARCH-002", 0, "app.api.jobs imports subprocess (app.api must not import subprocess)"),
        ("ARCH-002", 1, "app.api.jobs imports app.tasks.scan indirectly: app.api.jobs -> app.core.helpers -> "
                        "app.tasks.scan (app.api must not import app.tasks)"),
    ]
    assert found[1].related == (
        RelatedLocation("app/api/jobs.py", Span(1, 21, 1, 28), "app.api.jobs imports app.core.helpers"),
        RelatedLocation("app/core/helpers.py", Span(0, 22, 0, 26), "app.core.helpers imports app.tasks.scan"),
    )


def test_an_ignore_entry_allows_the_import_and_its_submodules():
    assert messages(checker_for(PROJECT), "app/api/deps.py") == []


def test_layers_chains_do_not_pass_through_other_layers_and_outside_modules_are_free():
    checker = checker_for(PROJECT)
    assert messages(checker, "app/services/jobs.py") == []  # services -> core -> subprocess: no contract
    assert messages(checker, "app/core/helpers.py") == []  # in no layer


def test_independent_modules_directly_and_through_a_chain():
    checker = checker_for(PROJECT)
    assert messages(checker, "app/tasks/exports/run.py") == [
        ("ARCH-003", 0, "app.tasks.exports.run imports app.tasks.imports.parse "
                        "(app.tasks.exports and app.tasks.imports are independent)")]
    assert messages(checker, "app/tasks/imports/reader.py") == [
        ("ARCH-003", 0, "app.tasks.imports.reader imports app.tasks.exports.run indirectly: app.tasks.imports.reader "
                        "-> app.core.bridge -> app.tasks.exports.run (app.tasks.imports and app.tasks.exports are "
                        "independent)")]


def test_protected_modules_may_be_imported_only_by_the_allowed_ones_directly():
    checker = checker_for(PROJECT)
    assert messages(checker, "app/api/v1/billing.py") == []
    assert messages(checker, "app/reports.py") == [
        ("ARCH-004", 0, "app.reports imports app.services.billing.invoices (app.services.billing is protected: "
                        "only app.api.v1.billing may import it)")]


def test_from_package_import_name_is_the_package_when_no_such_module_exists():
    checker = checker_for({**PROJECT, "app/reports.py": "from app.services.billing import total\n"})
    assert messages(checker, "app/reports.py", "from app.services.billing import total\n")[0][2].startswith(
        "app.reports imports app.services.billing (")


def test_type_checking_imports_count_only_when_the_rule_says_so():
    text = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from app.api import deps\n"
    rules = RULES.replace("layers: [app.api, app.services, app.tasks]",
                          "layers: [app.api, app.services, app.tasks]\n      type_checking: true")
    assert messages(checker_for(PROJECT), "app/tasks/scan.py", text) == []
    assert [m[0] for m in messages(checker_for(PROJECT, rules), "app/tasks/scan.py", text)] == ["ARCH-001"]


def test_suppression_comments_work_on_import_findings():
    text = "from app.api import deps  # archrules: ignore[ARCH-001]\n"
    assert messages(checker_for(PROJECT), "app/tasks/scan.py", text) == []


def test_a_file_that_does_not_parse_gets_a_note_not_a_finding():
    result = checker_for(PROJECT).check("app/tasks/scan.py", "from app.api import deps\ndef f(:\n")
    assert result.findings == ()
    assert [n.message for n in result.notes] == [
        "this Python file does not parse (invalid syntax, line 2); skipped until it does: "
        "import contracts of ARCH-001, ARCH-004"]


def test_the_graph_is_updated_one_module_at_a_time():
    checker = checker_for(PROJECT)
    graph = checker.imports.graph
    assert len(messages(checker, "app/api/jobs.py")) == 2
    graph.set_module("app.core.helpers", "app/core/helpers.py", ())
    assert len(messages(checker, "app/api/jobs.py")) == 1  # the chain is gone
    found = read_imports("app/core/helpers.py", PROJECT["app/core/helpers.py"], checker.imports.namer)
    graph.set_module("app.core.helpers", "app/core/helpers.py", found.statements)
    assert len(messages(checker, "app/api/jobs.py")) == 2
    graph.remove_module("app.core.helpers")
    assert len(messages(checker, "app/api/jobs.py")) == 1


def test_without_a_graph_only_direct_imports_are_reported():
    checker = Checker(ruleset_from_yaml(RULES))
    assert [m[0] for m in messages(checker, "app/api/jobs.py")] == ["ARCH-002"]


def test_applies_to_the_modules_a_contract_restricts_only():
    checker = checker_for(PROJECT)
    assert checker.applies_to("app/api/jobs.py")
    assert checker.applies_to("app/reports.py")  # protected: every module outside `allowed`
    assert not checker.applies_to("docs/readme.md")


def test_typescript_contracts_name_modules_by_path():
    rules = """
    r:
      - id: TS-1
        name: Components do not call the API
        imports:
          forbidden: {from: [web/components], to: [web/api]}
    """
    files = {"web/components/list.tsx": 'import { get } from "../api/client";\n', "web/api/client.ts": ""}
    checker = checker_for(files, textwrap.dedent(rules))
    assert [f.message for f in checker.check("web/components/list.tsx", files["web/components/list.tsx"]).findings] == [
        "web/components/list imports web/api/client (web/components must not import web/api)"]


def test_the_incremental_check_equals_the_full_check_on_import_findings():
    checker = checker_for(PROJECT, fixes=False)
    doc = IncrementalCheck(checker, "app/tasks/scan.py")
    text = PROJECT["app/tasks/scan.py"]
    doc.check(text)
    new_text = text + "import app.api.jobs\n"
    assert doc.update(new_text, [(len(text), len(text), "import app.api.jobs\n")]) == checker.check(
        "app/tasks/scan.py", new_text)


def test_a_text_other_than_the_one_the_graph_read_is_parsed_anew():
    checker = checker_for(PROJECT)
    assert messages(checker, "app/tasks/scan.py") == [
        ("ARCH-001", 1, "app.tasks.scan imports app.api.deps (layer app.tasks is below app.api)")]
    assert messages(checker, "app/tasks/scan.py", "import app.core.helpers\n") == []
    assert messages(checker, "app/tasks/scan.py", "\nimport app.api.jobs\n") == [
        ("ARCH-001", 1, "app.tasks.scan imports app.api.jobs (layer app.tasks is below app.api)")]


FORBIDDEN = """
r:
  - id: F-1
    name: api does not reach tasks
    imports:
      forbidden: {from: [app.api], to: [app.tasks]}
      ignore: ["app.core.b -> app.tasks.z"]
"""


def test_chains_avoid_the_contracts_own_modules_and_ignored_imports():
    files = {
        "app/api/x.py": "import app.core.a\nimport app.core.b\n",
        "app/core/a.py": "import app.api.y\n",  # back into app.api: not a chain of app.api.x
        "app/api/y.py": "import app.tasks.z\n",
        "app/core/b.py": "import app.tasks.z\n",  # ignored: breaks no contract, starts no chain
        "app/tasks/z.py": "",
    }
    checker = checker_for(files, FORBIDDEN)
    assert messages(checker, "app/api/x.py", files["app/api/x.py"]) == []
    assert [m[2] for m in messages(checker, "app/api/y.py", files["app/api/y.py"])] == [
        "app.api.y imports app.tasks.z (app.api must not import app.tasks)"]


def test_the_first_import_starting_a_chain_reports_its_shortest_chain():
    files = {
        "app/api/x.py": "import app.core.b\nimport app.core.a\n",
        "app/core/a.py": "import app.tasks.z\n",
        "app/core/b.py": "import app.util.m\nimport app.util.n\n",
        "app/util/m.py": "import app.tasks.z\n",
        "app/util/n.py": "import app.tasks.z\n",
        "app/tasks/z.py": "",
    }
    checker = checker_for(files, FORBIDDEN.replace('      ignore: ["app.core.b -> app.tasks.z"]\n', ""))
    found = checker.check("app/api/x.py", files["app/api/x.py"]).findings
    # the file's first import starting a chain (not the one with the shortest); from app.core.b
    # two chains are as short: each module takes its import written first (m, not n)
    assert [(f.span.line, f.message) for f in found] == [
        (0, "app.api.x imports app.tasks.z indirectly: app.api.x -> app.core.b -> app.util.m -> app.tasks.z "
            "(app.api must not import app.tasks)")]


def test_another_graph_in_the_same_context_is_searched_afresh():
    checker = checker_for(PROJECT)
    assert len(messages(checker, "app/api/jobs.py")) == 2
    other = checker_for({**PROJECT, "app/core/helpers.py": ""}).imports.graph  # the same version number
    checker.imports.graph = other
    assert len(messages(checker, "app/api/jobs.py")) == 1


def test_contract_names_of_the_project_that_name_no_module_are_warned_about():
    from archrules_lsp.engine.imports.contracts import unmatched_names

    rules = """
    r:
      - id: N-1
        name: names
        imports:
          forbidden: {from: [app.api, app.apii, web/compnents], to: [subprocess, requests.adapters, web]}
    """
    checker = checker_for({**PROJECT, "web/x.ts": ""}, textwrap.dedent(rules))
    found = unmatched_names(checker.rules, checker.imports.graph)
    assert [(e.rule_id, e.severity.value, e.message) for e in found] == [
        ("N-1", "warning", '"app.apii" names no module of the project: the contract checks nothing there (a typo?)'),
        ("N-1", "warning", '"web/compnents" names no module of the project: the contract checks nothing there '
                           "(a typo?)")]


def test_a_module_removed_while_a_chain_search_runs_has_no_edges():
    """The server changes the graph on its event loop while a check thread searches it."""
    from archrules_lsp.engine.imports.graph import ImportGraph, ImportStatement

    graph = ImportGraph()
    span = Span(0, 7, 0, 8)
    for importer in ("x", "y"):
        graph.set_module(importer, f"{importer}.py", [ImportStatement(("c",), span)])
    graph.set_module("c", "c.py", [])

    def follow(importer: str, imported: str, statement: ImportStatement) -> bool:
        for other in ("x", "y"):  # the other importer goes away mid-search
            if other != importer and other in graph:
                graph.remove_module(other)
        return True

    hops = graph.first_hops(lambda m: m == "c", lambda m: True, follow)
    assert len(hops) == 1 and next(iter(hops.values())).imported == "c"


def test_searching_every_chain_first_finds_what_a_check_searches_for_itself(monkeypatch):
    # a CLI run searches all chains before its workers fork, so they inherit them
    from archrules_lsp.engine.imports import contracts

    lazy = {path: messages(checker_for(PROJECT), path) for path in PROJECT}
    checker = checker_for(PROJECT)
    checker.imports.chains.search_all(checker.imports.graph, checker.rules)
    monkeypatch.setattr(contracts, "_first_hops", lambda *a: (_ for _ in ()).throw(AssertionError("searched")))
    assert {path: messages(checker, path) for path in PROJECT} == lazy
    assert any("indirectly" in m for found in lazy.values() for _, _, m in found)


def test_a_rule_whose_chain_searches_are_over_the_budget_keeps_its_direct_findings_with_a_note(monkeypatch):
    """Hundreds of layers or independent modules in an untrusted rule file must not hang a
    check: each forbidden target costs a search of the graph."""
    from archrules_lsp.engine.imports import contracts

    checker = checker_for(PROJECT)
    searches = contracts.search_count(checker.rules[2].imports)  # ARCH-003: two independent modules
    monkeypatch.setattr(contracts, "SEARCH_BUDGET", searches * checker.imports.graph.size - 1)
    result = checker.check("app/tasks/imports/reader.py", PROJECT["app/tasks/imports/reader.py"])
    assert [f.rule_id for f in result.findings] == []  # its finding was the indirect chain through app.core.bridge
    size, budget = checker.imports.graph.size, contracts.SEARCH_BUDGET
    assert [(n.rule_id, n.message) for n in result.notes if n.rule_id == "ARCH-003"] == [(
        "ARCH-003", "rule ARCH-003: indirect import chains not checked (direct imports are): 2 forbidden targets x "
        f"{size:,} modules and imports is over the budget of {budget:,} per rule")]
    direct = checker.check("app/tasks/exports/run.py", PROJECT["app/tasks/exports/run.py"])
    assert [f.rule_id for f in direct.findings] == ["ARCH-003"]


def test_the_graph_size_follows_added_replaced_and_removed_modules():
    from archrules_lsp.engine.imports.graph import ImportGraph, ImportStatement

    graph, span = ImportGraph(), Span(0, 0, 0, 1)
    graph.set_module("a", "a.py", [ImportStatement(("b",), span), ImportStatement(("c",), span)])
    graph.set_module("b", "b.py", [ImportStatement(("c",), span)])
    assert graph.size == 2 + 3
    graph.set_module("a", "a.py", [ImportStatement(("c",), span)])
    assert graph.size == 2 + 2
    graph.remove_module("b")
    assert graph.size == 1 + 1
