"""Import contracts through the installed console script, on the fixture project
tests/fixtures/contracts (a FastAPI-ish app with a src/ part and a TypeScript folder,
planted direct and indirect violations of the four contract kinds, a stale ignore)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from .conftest import run, write_files
from .test_new_since import commit_all, git

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "contracts"

EXPECTED = [
    "app/api/jobs.py:2:8: ARCH-002 [error] app.api.jobs imports subprocess (app.api must not import subprocess)",
    "app/api/jobs.py:4:22: ARCH-002 [error] app.api.jobs imports app.tasks.scan indirectly: app.api.jobs -> "
    "app.core.helpers -> app.tasks.scan (app.api must not import app.tasks)",
    "app/services/jobs.py:1:20: ARCH-001 [error] app.services.jobs imports app.api.deps indirectly: "
    "app.services.jobs -> app.core.audit -> app.api.deps (layer app.services is below app.api)",
    "app/services/reports.py:1:34: ARCH-004 [error] app.services.reports imports app.services.billing.invoices "
    "(app.services.billing is protected: only app.api.v1.billing may import it)",
    "app/tasks/exports/run.py:1:31: ARCH-003 [warning] app.tasks.exports.run imports app.tasks.imports.parse "
    "(app.tasks.exports and app.tasks.imports are independent)",
    "app/tasks/imports/reader.py:1:22: ARCH-003 [warning] app.tasks.imports.reader imports app.tasks.exports.run "
    "indirectly: app.tasks.imports.reader -> app.core.bridge -> app.tasks.exports.run (app.tasks.imports and "
    "app.tasks.exports are independent)",
    "app/tasks/scan.py:3:21: ARCH-001 [error] app.tasks.scan imports app.api.deps (layer app.tasks is below app.api)",
    "src/models/job.py:3:33: ARCH-001 [error] models.job imports app.services.jobs "
    "(layer models is below app.services)",
    "web/components/Badge.tsx:1:26: TS-001 [warning] web/components/Badge imports web/api/client indirectly: "
    "web/components/Badge -> web/hooks/useJobs -> web/api/client (web/components must not import web/api)",
    "web/components/JobList.tsx:1:28: TS-001 [warning] web/components/JobList imports web/api/client "
    "(web/components must not import web/api)",
]
STALE = ('.architecture-rules/contracts.yaml:17:11: warning: [ARCH-002] ignore entry "app.api.legacy -> '
         'app.tasks" matches no import: remove it')


@pytest.fixture
def fixture(tmp_path) -> Path:
    root = tmp_path / "contracts"
    shutil.copytree(FIXTURE, root)
    (root / ".git").mkdir()
    return root


def findings(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if ": ARCH-" in line or ": TS-" in line]


def test_the_fixture_findings_exactly_with_the_stale_ignore_warned(fixture):
    proc = run(["check"], fixture)
    assert findings(proc.stdout) == EXPECTED
    assert STALE in proc.stderr.splitlines()
    assert proc.returncode == 1


def test_in_worker_processes_the_findings_are_the_same(fixture):
    # enough files for the scan's pool (50) and the graph's (1,000 files, 4 workers)
    write_files(fixture, {f"app/core/filler_{i}.py": f"import app.core.filler_{i + 1}\n" for i in range(1000)})
    proc = run(["check", "-j", "4"], fixture)
    assert findings(proc.stdout) == EXPECTED


def test_a_named_file_still_sees_chains_through_the_files_not_named(fixture):
    proc = run(["check", "app/api/jobs.py"], fixture)
    assert findings(proc.stdout) == EXPECTED[:2]
    assert "matches no import" not in proc.stderr  # a partial run cannot tell a stale entry


def test_json_and_sarif_carry_the_import_findings(fixture):
    doc = json.loads(run(["check", "--format", "json"], fixture).stdout)
    assert [(f["path"], f["line"], f["rule"]) for f in doc["findings"]][:3] == [
        ("app/api/jobs.py", 2, "ARCH-002"), ("app/api/jobs.py", 4, "ARCH-002"), ("app/services/jobs.py", 1, "ARCH-001")]
    assert doc["summary"]["rule_warnings"] == 1  # the stale ignore entry
    hops = [("app/api/jobs.py", 4, 22, "app.api.jobs imports app.core.helpers"),
            ("app/core/helpers.py", 1, 23, "app.core.helpers imports app.tasks.scan")]
    indirect = doc["findings"][1]
    assert [(r["path"], r["line"], r["column"], r["message"]) for r in indirect["related"]] == hops
    assert "related" not in doc["findings"][0]  # a direct import has no other place
    sarif = json.loads(run(["check", "--format", "sarif"], fixture).stdout)
    results = sarif["runs"][0]["results"]
    assert len(results) == len(EXPECTED)
    related = results[1]["relatedLocations"]
    assert [(r["id"], r["physicalLocation"]["artifactLocation"]["uri"], r["physicalLocation"]["region"]["startLine"],
             r["message"]["text"]) for r in related] == [(n, p, line, m) for n, (p, line, _, m) in enumerate(hops)]
    assert "relatedLocations" not in results[0]


def test_type_checking_imports_are_reported_when_the_rule_says_so(fixture):
    rules = fixture / ".architecture-rules" / "contracts.yaml"
    rules.write_text(rules.read_text().replace("layers: [app.api, app.services, app.tasks, models]",
                                               "layers: [app.api, app.services, app.tasks, models]\n"
                                               "      type_checking: true"))
    assert "app/tasks/scan.py:6:28: ARCH-001 [error] app.tasks.scan imports app.api.v1.billing (layer app.tasks is " \
           "below app.api)" in findings(run(["check"], fixture).stdout)


def test_a_suppression_comment_on_the_import_line(fixture):
    path = fixture / "app/tasks/scan.py"
    path.write_text(path.read_text().replace("from app.api import deps\n",
                                             "from app.api import deps  # archrules: ignore[ARCH-001]\n"))
    assert not [f for f in findings(run(["check"], fixture).stdout) if f.startswith("app/tasks/scan.py")]


def test_the_baseline_keys_import_findings_by_module_not_line(fixture):
    assert run(["baseline"], fixture).returncode == 0
    entries = json.loads((fixture / ".archrules-baseline.json").read_text())["findings"]
    assert {"path": "app/api/jobs.py", "rule": "ARCH-002", "kind": "import",
            "what": "app.api.jobs -> app.tasks.scan", "occurrence": 1} in entries
    assert len(entries) == len(EXPECTED)  # the indirect ones too: `baseline` builds the graph
    path = fixture / "app/api/jobs.py"
    path.write_text("\n\n" + path.read_text())  # the imports move down
    assert findings(run(["check"], fixture).stdout) == []
    path.write_text(path.read_text() + "from app.tasks import registry\n")
    assert findings(run(["check"], fixture).stdout) == [
        "app/api/jobs.py:12:23: ARCH-002 [error] app.api.jobs imports app.tasks.registry "
        "(app.api must not import app.tasks)"]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_new_since_reports_only_the_new_import_violation(fixture):
    shutil.rmtree(fixture / ".git")
    git(fixture, "init", "-q", "-b", "main")
    commit_all(fixture, "first")
    path = fixture / "app/services/reports.py"
    path.write_text("import app.api.jobs\n" + path.read_text())
    assert findings(run(["check", "--new-since", "HEAD"], fixture).stdout) == [
        "app/services/reports.py:1:8: ARCH-001 [error] app.services.reports imports app.api.jobs "
        "(layer app.services is below app.api)"]


GRAPH_MERMAID = """\
flowchart TD
    m0["app.api"]
    m1["app.services"]
    m2["app.tasks"]
    m3["models"]
    m4["subprocess"]
    m5["app.tasks.exports"]
    m6["app.tasks.imports"]
    m7["app.services.billing"]
    m8["app.api.v1.billing"]
    m9["web/components"]
    m10["web/api"]
    m0 -.->|"ARCH-002 (indirect)"| m2
    m0 -->|"ARCH-002"| m4
    m1 -.->|"ARCH-001 (indirect)"| m0
    m1 -->|"ARCH-004"| m7
    m2 -->|"ARCH-001"| m0
    m3 -->|"ARCH-001"| m1
    m5 -->|"ARCH-003"| m6
    m6 -.->|"ARCH-003 (indirect)"| m5
    m8 --> m7
    m9 -->|"TS-001"| m10
    linkStyle 0,1,2,3,4,5,6,7,9 stroke:#d00,color:#d00
"""

GRAPH_DOT_ARCH_001 = """\
digraph imports {
    rankdir=TB;
    node [shape=box];
    "app.api";
    "app.services";
    "app.tasks";
    "models";
    "app.api" -> "app.services";
    "app.api" -> "app.tasks";
    "app.services" -> "app.api" [color=red, fontcolor=red, style=dashed, label="ARCH-001 (indirect)"];
    "app.tasks" -> "app.api" [color=red, fontcolor=red, label="ARCH-001"];
    "models" -> "app.services" [color=red, fontcolor=red, label="ARCH-001"];
}
"""


def test_graph_prints_the_contracts_modules_with_violating_edges_marked(fixture):
    proc = run(["graph"], fixture)
    assert (proc.returncode, proc.stdout) == (0, GRAPH_MERMAID)


def test_graph_in_dot_for_one_rule(fixture):
    proc = run(["graph", "--format", "dot", "--rule", "ARCH-001"], fixture)
    assert (proc.returncode, proc.stdout) == (0, GRAPH_DOT_ARCH_001)


def test_graph_without_import_contracts_is_a_usage_error(fixture):
    proc = run(["graph", "--rule", "NOPE-1"], fixture)
    assert proc.returncode == 2
    assert "no rule with `imports:` among NOPE-1: nothing to draw" in proc.stderr


def test_files_of_another_language_under_a_contract_folder_get_a_warning(fixture):
    write_files(fixture, {"web/components/Row.vue": '<script>import { f } from "../api/client";</script>\n',
                          "web/components/row.css": ".row {}\n"})
    warning = ('.architecture-rules/contracts.yaml:34:7: warning: [TS-001] "web/components" holds 1 file import '
               "contracts do not read (.vue): only Python and JavaScript/TypeScript imports are checked")
    proc = run(["check"], fixture)
    assert warning in proc.stderr.splitlines()
    assert findings(proc.stdout) == EXPECTED
    proc = run(["validate"], fixture)  # before any check: validate says so too
    assert warning in proc.stderr.splitlines() + proc.stdout.splitlines()
    assert proc.returncode == 0


def test_a_contract_module_of_the_project_that_names_no_module_gets_a_warning(fixture):
    rules = fixture / ".architecture-rules" / "contracts.yaml"
    rules.write_text(rules.read_text().replace("allowed: [app.api.v1.billing]", "allowed: [app.api.v1.biling]"))
    proc = run(["check"], fixture)
    assert ('.architecture-rules/contracts.yaml:27:7: warning: [ARCH-004] "app.api.v1.biling" names no module of '
            "the project: the contract checks nothing there (a typo?)") in proc.stderr.splitlines()
    assert "subprocess" not in proc.stderr  # outside the project: any name may be meant
