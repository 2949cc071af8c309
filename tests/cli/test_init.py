"""`archrules init`: starter rules fitted to the project's layout, through the installed console script."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from archrules_lsp.project.config import load_toml

from .conftest import run, write_files

REPO = Path(__file__).resolve().parents[2]
STARTER = ".architecture-rules/starter.yaml"
KINDS = ("must_contain:", "must_contain_one_of:", "must_reference:", "when_contains:", "should_match:",
         "endpoint_pattern:", "must_return:", "anti_patterns:", "fix:", "examples:")


def _example_copy(tmp_path: Path) -> Path:
    root = tmp_path / "background-tasks"
    shutil.copytree(REPO / "examples" / "background-tasks", root)
    (root / ".git").mkdir()
    return root


def _src_layout(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    write_files(root, {
        ".git/HEAD": "ref: refs/heads/main\n",
        "pyproject.toml": '[project]\nname = "shop"\n',
        "src/shop/__init__.py": "",
        "src/shop/api.py": '"""The API."""\nimport subprocess\n\nsubprocess.run(["ls"], timeout=5)\n',
        "tests/test_api.py": "def test_x():\n    assert True\n",
    })
    return root


def _rule_tests(root: Path) -> dict:
    proc = run(["test", "--format", "json"], root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads(proc.stdout)


def test_init_on_the_example_project_passes_validate_and_test(tmp_path):
    root = _example_copy(tmp_path)
    proc = run(["init"], root)
    assert proc.returncode == 0, proc.stderr
    assert f"wrote {STARTER}" in proc.stdout
    assert "scoped to app/**/*.py" in proc.stdout and "scoped to static/**/*.js" in proc.stdout
    for command in ("archrules validate", "archrules test", "archrules check"):
        assert command in proc.stdout
    text = (root / STARTER).read_text(encoding="utf-8")
    assert all(kind in text for kind in KINDS)
    assert '"app/**/*.py"' in text and '"static/**/*.js"' in text
    validate = run(["validate"], root)
    assert validate.returncode == 0, validate.stdout + validate.stderr
    assert "matches no file" not in validate.stderr
    document = _rule_tests(root)
    starter = {r["id"]: r for r in document["rules"] if r["id"].startswith("ST-")}
    assert sorted(starter) == [f"ST-00{n}" for n in range(1, 9)]
    assert all(r["passed"] == 2 and r["false_positives"] == r["false_negatives"] == 0 for r in starter.values())
    assert document["failures"] == []


def test_init_fits_a_src_package_layout_and_says_what_it_left_out(tmp_path):
    root = _src_layout(tmp_path)
    proc = run(["init"], root)
    assert proc.returncode == 0, proc.stderr
    assert "Python rules: scoped to src/shop/**/*.py" in proc.stdout
    assert "JavaScript rule: left out (no static/ with .js files)" in proc.stdout
    text = (root / STARTER).read_text(encoding="utf-8")
    assert '"src/shop/**/*.py"' in text and "path: src/shop/example.py" in text
    assert "ST-008" not in text and "static/" not in text
    validate = run(["validate"], root)
    assert validate.returncode == 0 and "matches no file" not in validate.stderr, validate.stderr
    assert {r["id"] for r in _rule_tests(root)["rules"]} == {f"ST-00{n}" for n in range(1, 8)}
    assert run(["check"], root).returncode == 0  # the starter rules report at info/warning


def test_init_covers_every_python_root_present(tmp_path):
    root = tmp_path / "mono"
    write_files(root, {".git/HEAD": "", "backend/app/main.py": "x = 1\n", "app/main.py": "y = 2\n"})
    assert run(["init"], root).returncode == 0
    assert '"{backend/app,app}/**/*.py"' in (root / STARTER).read_text(encoding="utf-8")
    assert run(["validate"], root).returncode == 0
    _rule_tests(root)


def test_init_never_overwrites(tmp_path):
    root = _src_layout(tmp_path)
    assert run(["init"], root).returncode == 0
    (root / STARTER).write_text("# mine\n", encoding="utf-8")
    proc = run(["init"], root)
    assert proc.returncode == 2
    assert f"{STARTER} already exists; not overwritten" in proc.stderr
    assert (root / STARTER).read_text(encoding="utf-8") == "# mine\n"


def test_init_refuses_a_symlink_in_place_of_the_starter_file(tmp_path):
    root = _src_layout(tmp_path)
    (root / ".architecture-rules").mkdir()
    (root / STARTER).symlink_to(root / "elsewhere.yaml")  # dangling: writing through it would create a file
    assert run(["init"], root).returncode == 2
    assert not (root / "elsewhere.yaml").exists()


def test_init_does_not_write_through_a_rules_folder_linked_outside(tmp_path):
    root = _src_layout(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / ".architecture-rules").symlink_to(outside)
    proc = run(["init"], root)
    assert proc.returncode == 2 and "symlink to outside the project" in proc.stderr
    assert list(outside.iterdir()) == []


def test_init_pyproject_appends_a_commented_table(tmp_path):
    root = _src_layout(tmp_path)
    proc = run(["init", "--pyproject"], root)
    assert proc.returncode == 0, proc.stderr
    assert "wrote pyproject.toml" in proc.stdout
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    assert text.startswith('[project]\nname = "shop"\n\n[tool.archrules]\n')
    assert "# docs-url = " in text
    assert load_toml(text)["tool"]["archrules"] == {}  # every key commented out: the defaults
    assert run(["validate"], root).returncode == 0


def test_init_pyproject_refuses_an_existing_table_and_writes_nothing(tmp_path):
    root = _src_layout(tmp_path)
    original = '[project]\nname = "shop"\n\n[tool.archrules]\nexclude = ["x/**"]\n'
    (root / "pyproject.toml").write_text(original, encoding="utf-8")
    proc = run(["init", "--pyproject"], root)
    assert proc.returncode == 2
    assert "pyproject.toml already has a [tool.archrules] table" in proc.stderr
    assert (root / "pyproject.toml").read_text(encoding="utf-8") == original
    assert not (root / STARTER).exists()


def test_init_pyproject_needs_an_existing_pyproject(tmp_path):
    root = _src_layout(tmp_path)
    (root / "pyproject.toml").unlink()
    proc = run(["init", "--pyproject"], root)
    assert proc.returncode == 2 and "does not exist" in proc.stderr
    assert not (root / "pyproject.toml").exists() and not (root / STARTER).exists()


def test_init_without_source_files_writes_nothing(tmp_path):
    root = tmp_path / "empty"
    write_files(root, {"README.md": "hello\n"})
    proc = run(["init"], root)
    assert proc.returncode == 2 and "no Python or JavaScript files" in proc.stderr
    assert not (root / ".architecture-rules").exists()


def test_init_pyproject_keeps_crlf_line_endings(tmp_path):
    root = _src_layout(tmp_path)
    (root / "pyproject.toml").write_bytes(b'[project]\r\nname = "shop"')  # no final line break
    assert run(["init", "--pyproject"], root).returncode == 0
    data = (root / "pyproject.toml").read_bytes()
    assert data.startswith(b'[project]\r\nname = "shop"\r\n\r\n[tool.archrules]\r\n')
    assert b"\n" not in data.replace(b"\r\n", b"")
