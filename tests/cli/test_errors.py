"""Bad input never crashes: rule-file errors, missing paths, no rules, bad config."""

from .conftest import RULES, make_project, run

BROKEN_REGEX_RULES = RULES + r'''
  - id: BG-099
    name: Broken regex
    anti_patterns:
      - pattern: "status(("
        message: never reported
'''


def test_broken_regex_still_runs_the_other_rules_and_exits_2(tmp_path):
    root = make_project(tmp_path, rules=BROKEN_REGEX_RULES)
    proc = run(["check"], root)
    assert proc.returncode == 2
    first_err = proc.stderr.splitlines()[0]
    assert first_err.startswith(".architecture-rules.yaml:29:")
    assert ": error:" in first_err
    assert "app/tasks/scan.py:2:9: BG-010" in proc.stdout
    assert "Found 3 findings" in proc.stdout
    assert "BG-099" not in proc.stdout


def test_rule_file_errors_exit_2_even_with_exit_zero(tmp_path):
    root = make_project(tmp_path, rules=BROKEN_REGEX_RULES)
    assert run(["check", "--exit-zero"], root).returncode == 2


def test_yaml_syntax_error(tmp_path):
    root = make_project(tmp_path, rules="rules:\n  - id: X\n    name: [unclosed\n")
    proc = run(["check"], root)
    assert proc.returncode == 2
    assert proc.stderr.startswith(".architecture-rules.yaml:")


def test_no_rule_files(tmp_path):
    root = make_project(tmp_path, {"a.py": "x\n"}, rules=None)
    proc = run(["check"], root)
    assert proc.returncode == 2
    assert "no rule files found: create .architecture-rules/ or pass --rules" in proc.stderr
    assert proc.stdout == ""
    for command in (["rules"], ["validate"], ["explain", "X"]):
        assert run(command, root).returncode == 2


def test_missing_rules_path(project):
    proc = run(["check", "--rules", "nope.yaml"], project)
    assert proc.returncode == 2
    assert "nope.yaml" in proc.stderr and "not found" in proc.stderr


def test_missing_rules_path_next_to_a_good_one(project):
    proc = run(["check", "--rules", "nope.yaml", "--rules", ".architecture-rules.yaml"], project)
    assert proc.returncode == 2
    assert "nope.yaml: error: rule file not found" in proc.stderr
    assert "BG-010" in proc.stdout


def test_rules_folder_without_yaml(project):
    (project / "empty").mkdir()
    proc = run(["check", "--rules", "empty"], project)
    assert proc.returncode == 2 and "no rule files" in proc.stderr


def test_missing_path(project):
    proc = run(["check", "does/not/exist.py"], project)
    assert proc.returncode == 2
    assert "does/not/exist.py: no such file or folder" in proc.stderr


def test_path_outside_the_root(project, tmp_path):
    outside = tmp_path / "elsewhere.py"
    outside.write_text("x\n")
    proc = run(["check", outside], project)
    assert proc.returncode == 2
    assert "outside the project root" in proc.stderr


def test_bad_root(project):
    proc = run(["check", "--root", "no-such-dir"], project)
    assert proc.returncode == 2 and "not a folder" in proc.stderr


def test_unknown_option_and_format(project):
    assert run(["check", "--frobnicate"], project).returncode == 2
    assert run(["check", "--format", "xml"], project).returncode == 2
    assert run(["check", "--fail-on", "hint"], project).returncode == 2


def test_bad_pyproject_is_reported_and_exits_2(project):
    (project / "pyproject.toml").write_text("[tool.archrules]\nexclude = [\n")
    proc = run(["check"], project)
    assert proc.returncode == 2
    assert "invalid TOML" in proc.stderr
    assert "Found 3 findings" in proc.stdout  # the check still ran


def test_unreadable_file_is_skipped(project):
    import os

    p = project / "app" / "tasks" / "secret.py"
    p.write_text("x\n")
    p.chmod(0)
    if os.access(p, os.R_OK):  # root reads anything
        p.unlink()
        os.mkfifo(p)  # named explicitly, a FIFO must be skipped, not read (that would block)
        proc = run(["check", "app/tasks/secret.py"], project, timeout=20)
        assert "secret.py (not a regular file)" in proc.stderr
    else:
        proc = run(["check"], project)
        assert "secret.py (unreadable" in proc.stderr
    assert proc.returncode in (0, 1)


def test_a_deleted_current_folder_is_a_clear_error(tmp_path):
    import subprocess

    from .conftest import ARCHRULES

    script = f'mkdir gone && cd gone && rmdir ../gone && exec "{ARCHRULES}" check'
    proc = subprocess.run(["sh", "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "the current folder no longer exists" in proc.stderr


def test_an_overflowing_max_file_size_option_is_a_usage_error(project):
    for size in ("1e400", "inf", "nan", "5TB"):
        proc = run(["check", "--max-file-size", size], project)
        assert proc.returncode == 2, size
        assert "Traceback" not in proc.stderr
        assert "argument --max-file-size:" in proc.stderr and ("not a size" in proc.stderr or "largest" in proc.stderr)


def test_an_overflowing_max_file_size_setting_is_a_configuration_error(project):
    (project / "pyproject.toml").write_text("[tool.archrules]\nmax-file-size = 100000000000000000000\n")
    proc = run(["check"], project)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert ("pyproject.toml: error: [tool.archrules]: 'max-file-size': 100000000000000000000 is over the "
            "largest size allowed, 1 GB") in proc.stderr
    assert "Found 3 findings" in proc.stdout  # checked with the default size instead
