"""Nothing outside the project is read, and rule files are never checked as source."""

from __future__ import annotations

import json

from .conftest import make_project, run

LEAK = 'status = "processing"\n'


def _project_with_links(tmp_path):
    root = make_project(tmp_path / "proj", {"app/ok.py": "x = 1\n"})
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "s.py").write_text(LEAK)
    (root / "app" / "leak.py").symlink_to(secret / "s.py")
    (root / "app" / "leakdir").symlink_to(secret, target_is_directory=True)
    return root


def test_symlinked_file_outside_the_root_is_skipped_not_read(tmp_path):
    root = _project_with_links(tmp_path)
    proc = run(["check", "--format", "json"], root)
    doc = json.loads(proc.stdout)
    assert doc["findings"] == []
    assert {"path": "app/leak.py", "reason": "a symlink to a file outside the project"} in doc["skipped"]
    named = run(["check", "app/leak.py"], root)
    assert "processing" not in named.stdout and named.returncode == 0
    assert "app/leak.py (a symlink to a file outside the project)" in named.stderr


def test_named_symlinked_folder_outside_the_root_is_a_usage_error(tmp_path):
    root = _project_with_links(tmp_path)
    for path in ("app/leakdir", "app/leakdir/s.py"):
        proc = run(["check", path], root)
        assert proc.returncode == 2, path
        assert "outside the project root" in proc.stderr and "processing" not in proc.stdout


def test_named_rule_file_is_not_checked_as_source(tmp_path):
    rules = (
        "rules:\n  - id: Y-1\n    name: no TODO\n    anti_patterns:\n"
        "      - pattern: 'TODO'\n        message: no TODO here\n"
    )
    root = make_project(tmp_path, {"a.py": "x = 1\n"}, rules=rules)
    proc = run(["check", ".architecture-rules.yaml", "a.py"], root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Y-1" not in proc.stdout


EVIL = ("rules:\n  - id: EVIL-1\n    name: from outside\n    anti_patterns:\n"
        "      - pattern: 'x'\n        message: loaded from outside the repository\n")


def _repo_with_outside_rules(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "evil.yaml").write_text(EVIL)
    root = make_project(tmp_path / "repo", {"a.py": "x = 1\n"}, rules=None)
    return root, outside


def test_a_rules_folder_symlinked_outside_the_root_is_not_loaded(tmp_path):
    root, outside = _repo_with_outside_rules(tmp_path)
    (root / ".architecture-rules").symlink_to(outside, target_is_directory=True)
    proc = run(["check"], root)
    assert "EVIL-1" not in proc.stdout
    assert proc.returncode == 2  # nothing else to load: no rule files
    assert ("no rule files found: create .architecture-rules/ or pass --rules; .architecture-rules: "
            "a symlink to outside the project: not loaded") in proc.stderr


def test_a_rule_file_symlinked_outside_is_skipped_with_a_warning(tmp_path):
    root, outside = _repo_with_outside_rules(tmp_path)
    (root / ".architecture-rules").mkdir()
    (root / ".architecture-rules" / "evil.yaml").symlink_to(outside / "evil.yaml")
    (root / ".architecture-rules" / "own.yaml").write_text(EVIL.replace("EVIL-1", "OWN-1").replace("'x'", "'y'"))
    proc = run(["check"], root)
    assert "EVIL-1" not in proc.stdout and proc.returncode == 0
    assert (".architecture-rules/evil.yaml: warning: a symlink to outside the project: not loaded "
            "(name its target in --rules or [tool.archrules] rules to load it)") in proc.stderr
    doc = json.loads(run(["check", "--format", "json"], root).stdout)
    assert [(e["path"], e["severity"]) for e in doc["errors"]] == [(".architecture-rules/evil.yaml", "warning")]
    sarif = json.loads(run(["check", "--format", "sarif"], root).stdout)
    invocation = sarif["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is True
    assert invocation["toolConfigurationNotifications"][0]["level"] == "warning"


def test_rule_paths_configured_explicitly_load_from_anywhere(tmp_path):
    root, outside = _repo_with_outside_rules(tmp_path)
    proc = run(["check", "--rules", outside / "evil.yaml"], root)
    assert "a.py:1:1: EVIL-1" in proc.stdout
    (root / "pyproject.toml").write_text(f'[tool.archrules]\nrules = ["{outside / "evil.yaml"}"]\n')
    assert "a.py:1:1: EVIL-1" in run(["check"], root).stdout
