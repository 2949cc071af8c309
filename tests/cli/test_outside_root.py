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
