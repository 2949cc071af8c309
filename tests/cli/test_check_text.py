"""`archrules check` text output, summary, exit statuses, colour, skipped files."""

import re

from .conftest import FILES, make_project, run, write_files

EXPECTED = [
    "app/tasks/scan.py:2:9: BG-010 [warning] Use 'running' instead of 'processing'",
    "app/tasks/scan.py:3:5: BG-020 [info] Use logging, not print",
]


def test_text_findings_and_summary(project):
    proc = run(["check"], project)
    lines = proc.stdout.splitlines()
    assert lines[:2] == EXPECTED
    assert re.fullmatch(r"models/import_job\.py:4:1: BG-001 \[error\] .*status = Column.*", lines[2])
    assert lines[3] == "Found 3 findings (1 error, 1 warning, 1 info) in 2 files."
    assert len(lines) == 4
    assert proc.stderr == ""
    assert proc.returncode == 1


def test_default_command_is_check(project):
    assert run([], project).stdout == run(["check"], project).stdout


def test_all_checks_passed_exit_0(tmp_path):
    root = make_project(tmp_path, {"app/ok.py": "x = 1\n"})
    proc = run(["check"], root)
    assert proc.stdout == "All checks passed.\n"
    assert proc.returncode == 0


def test_fail_on_thresholds(tmp_path):
    # only a warning and an info: exit 0 at the default threshold (error)
    root = make_project(tmp_path, {"app/tasks/scan.py": FILES["app/tasks/scan.py"]})
    assert run(["check"], root).returncode == 0
    assert run(["check", "--fail-on", "warning"], root).returncode == 1
    assert run(["check", "--fail-on", "info"], root).returncode == 1
    write_files(root, {"app/tasks/scan.py": 'print("only info")\n'})
    assert run(["check", "--fail-on", "warning"], root).returncode == 0
    assert run(["check", "--fail-on", "info"], root).returncode == 1


def test_exit_zero(project):
    proc = run(["check", "--exit-zero"], project)
    assert proc.returncode == 0
    assert "Found 3 findings" in proc.stdout


def test_quiet_prints_findings_only(project):
    proc = run(["check", "--quiet"], project)
    assert proc.stdout.splitlines()[:2] == EXPECTED
    assert "Found" not in proc.stdout
    assert proc.returncode == 1


def test_statistics(project):
    proc = run(["check", "--statistics"], project)
    lines = proc.stdout.splitlines()
    assert not any(":2:9:" in ln for ln in lines)
    assert re.fullmatch(r"1  BG-001  \[error\] Job models must have a status field", lines[0])
    assert {ln.split()[1] for ln in lines[:3]} == {"BG-001", "BG-010", "BG-020"}
    assert lines[-1].startswith("Found 3 findings")


def test_show_suggestions(project):
    proc = run(["check", "--show-suggestions", "models"], project)
    assert '    | Add: status = Column(String(30), nullable=False, default="pending")' in proc.stdout.splitlines()


def test_unused_suppression_hint_never_fails(tmp_path):
    root = make_project(tmp_path, {"app/tasks/clean.py": "x = 1  # archrules: ignore[BG-010]\n"})
    proc = run(["check", "--fail-on", "info"], root)
    assert "unused-suppression [hint]" in proc.stdout
    assert "(1 hint)" in proc.stdout
    assert proc.returncode == 0
    quiet = run(["check", "--no-unused-suppressions"], root)
    assert quiet.stdout == "All checks passed.\n"
    assert run(["check", "--ignore", "unused-suppression"], root).stdout == "All checks passed.\n"


def test_suppression_comment_silences_finding(tmp_path):
    root = make_project(tmp_path, {"app/tasks/scan.py": 'job.status = "processing"  # archrules: ignore[BG-010]\n'})
    proc = run(["check"], root)
    assert proc.stdout == "All checks passed.\n"


def test_columns_are_code_points(tmp_path):
    root = make_project(tmp_path, {"app/tasks/u.py": 'x = "é€😀"; job.status = "processing"\n'})
    proc = run(["check"], root)
    # 15 code points before the match (`x = "é€😀"; job.`), the emoji counting as one
    assert proc.stdout.splitlines()[0].startswith("app/tasks/u.py:1:16: BG-010")


def test_crlf_and_non_utf8_files(tmp_path):
    root = make_project(tmp_path, {
        "app/tasks/crlf.py": b'a = 1\r\nb = 2\r\njob.status = "processing"\r\n',
        "app/tasks/latin.py": 'name = "caf\xe9"\njob.status = "processing"\n'.encode("latin-1"),
    })
    proc = run(["check"], root)
    assert "app/tasks/crlf.py:3:5: BG-010" in proc.stdout
    assert "app/tasks/latin.py:2:5: BG-010" in proc.stdout


def test_skipped_files_reported_on_stderr(tmp_path):
    root = make_project(tmp_path, {
        "app/tasks/big.py": "x = 1\n" * 400,
        "app/tasks/blob.py": b"\x00\x01binary",
        "app/tasks/fine.py": "x = 1\n",
        "models/a_job.py": "status = Column\n",
    })
    proc = run(["check", "--max-file-size", "1KB"], root)
    assert proc.returncode == 0
    assert proc.stderr.strip() == ("skipped 2 files: app/tasks/big.py (over the 1 KB limit), "
                                   "app/tasks/blob.py (binary)")
    assert run(["check", "--max-file-size", "1KB", "--quiet"], root).stderr == ""


def test_max_file_size_from_config(tmp_path):
    root = make_project(tmp_path, {"app/tasks/big.py": "x = 1\n" * 400,
                                   "pyproject.toml": "[tool.archrules]\nmax-file-size = 1000\n"})
    assert "over the 1 KB limit" in run(["check"], root).stderr


def test_bad_max_file_size_is_usage_error(project):
    proc = run(["check", "--max-file-size", "lots"], project)
    assert proc.returncode == 2 and "not a size" in proc.stderr


def test_colour(project):
    plain = run(["check"], project)
    assert "\x1b[" not in plain.stdout
    forced = run(["check"], project, env={"FORCE_COLOR": "1"})
    assert "\x1b[" in forced.stdout
    assert "\x1b[1;31mBG-001\x1b[0m" in forced.stdout
    assert "\x1b[" not in run(["check"], project, env={"NO_COLOR": "1"}).stdout
    assert "\x1b[" in run(["check", "--color", "always"], project).stdout
    assert "\x1b[" not in run(["check", "--color", "never"], project, env={"FORCE_COLOR": "1"}).stdout


def test_paths_are_relative_to_the_current_folder(project):
    proc = run(["check", "--root", project, "."], project / "app")
    assert proc.stdout.splitlines()[0] == "tasks/scan.py:2:9: BG-010 [warning] Use 'running' instead of 'processing'"
    assert "models/" not in proc.stdout  # only the folder named (`.` = app/)


def test_a_message_written_over_several_lines_prints_as_one_line(tmp_path):
    rules = (
        "g:\n  - id: M\n    name: |\n      multi\n      line name\n    anti_patterns:\n"
        "      - pattern: zzz\n        message: |\n          first line\n          second line\n"
    )
    root = make_project(tmp_path, {"b.txt": "zzz\n"}, rules=rules)
    proc = run(["check"], root)
    assert proc.stdout.splitlines()[0] == "b.txt:1:1: M [warning] first line second line"
    assert "M  warning  multi line name" in run(["rules"], root).stdout
