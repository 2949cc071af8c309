"""archrules rules / explain / validate / --version / lsp."""

import json
import re

from .conftest import RULES, make_project, run

BROKEN = RULES + '''
  - id: BG-099
    name: Broken
    severity: loud
    anti_patterns:
      - pattern: "a(("
        message: m
'''


def test_version():
    from archrules_lsp import __version__

    proc = run(["--version"], ".")
    assert proc.stdout.strip() == f"archrules {__version__}"
    assert proc.returncode == 0


def test_rules_text(project):
    proc = run(["rules"], project)
    lines = proc.stdout.splitlines()
    assert re.fullmatch(r"BG-001  error    Job models must have a status field", lines[0])
    assert lines[1].strip() == "files: models/*_job.py"
    assert re.fullmatch(r"BG-010  warning  Use standard status values", lines[2])
    assert lines[-1] == "3 rules from 1 file."
    assert proc.returncode == 0


def test_rules_json(project):
    proc = run(["rules", "--format", "json"], project)
    doc = json.loads(proc.stdout)
    ids = [r["id"] for r in doc["rules"]]
    assert ids == ["BG-001", "BG-010", "BG-020"]
    bg001 = doc["rules"][0]
    assert bg001["severity"] == "error" and bg001["files"] == ["models/*_job.py"]
    assert bg001["line"] == 2 and bg001["path"].endswith(".architecture-rules.yaml")
    assert doc["rules"][2]["files"] == ["app/tasks/**/*.py"]


def test_explain(project):
    proc = run(["explain", "BG-001"], project)
    out = proc.stdout
    assert proc.returncode == 0
    assert out.startswith("BG-001: Job models must have a status field\n")
    assert "severity:   error" in out
    assert "defined at: .architecture-rules.yaml:2" in out
    assert "files:      models/*_job.py" in out
    assert 'models/*_job.py: must contain "status = Column"' in out
    assert "description:\n  Every job model needs a status column." in out
    assert 'suggestion:\n  Add: status = Column(String(30), nullable=False, default="pending")' in out


def test_explain_anti_pattern_and_case_insensitive_id(project):
    proc = run(["explain", "bg-010"], project)
    assert proc.returncode == 0
    assert "must not match /status\\s*=\\s*\"processing\"/: Use 'running' instead of 'processing'" in proc.stdout


def test_explain_unknown_id_did_you_mean(project):
    proc = run(["explain", "BG-01"], project)
    assert proc.returncode == 2
    assert "unknown rule 'BG-01'" in proc.stderr and "did you mean" in proc.stderr and "BG-010" in proc.stderr
    proc = run(["explain", "ZZZ"], project)
    assert proc.returncode == 2 and "did you mean" not in proc.stderr


def test_validate_clean(project):
    proc = run(["validate"], project)
    assert proc.returncode == 0
    assert proc.stdout == "3 rules in 1 file: no errors.\n"


def test_validate_with_errors(tmp_path):
    root = make_project(tmp_path, {"a.py": "x\n"}, rules=BROKEN)
    proc = run(["validate"], root)
    assert proc.returncode == 2
    errors = [ln for ln in proc.stderr.splitlines() if ": error:" in ln]
    assert len(errors) >= 2  # the bad severity and the bad regex, each at its line
    for ln in errors:
        assert re.match(r"\.architecture-rules\.yaml:\d+:\d+: error:", ln)
    assert proc.stdout == ""
    doc = json.loads(run(["validate", "--format", "json"], root).stdout)
    assert len([e for e in doc["errors"] if e["severity"] == "error"]) == len(errors)
    gh = run(["validate", "--format", "github"], root).stdout
    assert gh.startswith("::error file=.architecture-rules.yaml,line=")


def test_rules_with_errors_exit_2_but_list(tmp_path):
    root = make_project(tmp_path, {"a.py": "x\n"}, rules=BROKEN)
    proc = run(["rules"], root)
    assert proc.returncode == 2
    assert "BG-001" in proc.stdout


def test_rules_option_and_folder_discovery(tmp_path):
    root = make_project(tmp_path, {"a.py": "x\n"}, rules=None)
    (root / ".architecture-rules").mkdir()
    (root / ".architecture-rules" / "b.yaml").write_text(
        "rules:\n  - id: B-1\n    name: b\n    anti_patterns:\n      - pattern: x\n        message: m\n")
    (root / ".architecture-rules" / "a.yml").write_text(
        "rules:\n  - id: A-1\n    name: a\n    anti_patterns:\n      - pattern: x\n        message: m\n")
    doc = json.loads(run(["rules", "--format", "json"], root).stdout)
    assert [r["id"] for r in doc["rules"]] == ["A-1", "B-1"]
    doc = json.loads(run(["rules", "--format", "json", "--rules", ".architecture-rules/b.yaml"], root).stdout)
    assert [r["id"] for r in doc["rules"]] == ["B-1"]


def test_lsp_subcommand_hands_over_to_the_server(monkeypatch):
    import sys
    import types

    import pytest

    from archrules_lsp.cli import main as cli_main

    seen = {}
    fake = types.ModuleType("archrules_lsp.server.main")
    fake.main = lambda argv: seen.setdefault("argv", argv) and 0
    monkeypatch.setitem(sys.modules, "archrules_lsp.server.main", fake)
    with pytest.raises(SystemExit) as exc:
        cli_main.main(["lsp", "--stdio", "--log-level", "debug"])
    assert seen["argv"] == ["--stdio", "--log-level", "debug"]
    assert exc.value.code in (0, None)


def test_check_is_the_default_command_for_a_path_too(project):
    # `archrules app/tasks` like `archrules check app/tasks`; an unknown word is still a usage error
    named = run(["app/tasks"], project)
    assert named.returncode == run(["check", "app/tasks"], project).returncode
    assert "app/tasks/scan.py" in named.stdout and "BG-010" in named.stdout
    typo = run(["valiate"], project)
    assert typo.returncode == 2 and "invalid choice" in typo.stderr


SCOPED_AND_CONTRACTS = '''
rules:
  - id: DB-001
    name: Table models have an id
    patterns:
      - file: "models/*.py"
        exclude: "models/__init__.py"
        in_class: "table=True"
        must_contain: "id:"
    anti_patterns:
      - pattern: "print[(]"
        message: no print
        file: "models/*.py"
        exclude: ["models/legacy.py"]
  - id: ARCH-001
    name: Layers and the rest
    imports:
      layers: [app.api, app.services, models]
      forbidden: {from: [app.api], to: [subprocess]}
      independent: [app.a, app.b]
      protected: {modules: [app.billing], allowed: [app.api.billing]}
      ignore: ["app.api.deps -> subprocess"]
'''


def test_explain_and_docs_describe_class_scopes_exclusions_and_contracts(tmp_path):
    root = make_project(tmp_path / "proj", {"models/user.py": "class User:\n    id: int\n"},
                        rules=SCOPED_AND_CONTRACTS)
    out = run(["explain", "DB-001"], root).stdout
    assert ('models/*.py (except "models/__init__.py"): in each class whose header matches /table=True/, '
            'must contain "id:"') in out
    assert 'models/*.py (except "models/legacy.py"): must not match /print[(]/: no print' in out
    out = run(["explain", "ARCH-001"], root).stdout
    assert ('Layers, top to bottom: "app.api", "app.services", "models". A layer never imports a layer above it, '
            "directly or through other modules.") in out
    assert 'Modules under "app.api" never import "subprocess", directly or through other modules.' in out
    assert '"app.a", "app.b" are independent: none imports another, directly or through other modules.' in out
    assert ('Modules under "app.billing" may be imported directly only by modules under "app.api.billing" and by '
            "their own.") in out
    assert 'Allowed exceptions (importer -> imported): "app.api.deps -> subprocess".' in out

    proc = run(["docs", "--out", tmp_path / "docs"], root)
    assert proc.returncode == 0, proc.stderr
    page = (tmp_path / "docs" / "DB-001.md").read_text(encoding="utf-8")
    assert ("In files matching `models/*.py` (except `models/__init__.py`), each Python class whose header "
            "matches the regex `table=True` must contain `id:` (plain text).") in page
    page = (tmp_path / "docs" / "ARCH-001.md").read_text(encoding="utf-8")
    assert "Layers, top to bottom: `app.api`, `app.services`, `models`." in page
    assert "Modules under `app.api` never import `subprocess`, directly or through other modules." in page
    assert "Allowed exceptions (importer -> imported): `app.api.deps -> subprocess`." in page
