"""`archrules test`: the rules' examples and fixture folders, through the installed console script."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archrules_lsp.cli.commands.test import update_rule_file
from archrules_lsp.engine import load_rule_text
from archrules_lsp.engine.rule_tests import FIX_MISMATCH, ExampleOutcome

from .conftest import make_project, run, write_files

REPO = Path(__file__).resolve().parents[2]

GOOD = r'''
rules:
  - id: BG-010
    name: Use standard status values
    severity: warning
    anti_patterns:
      - pattern: 'status\s*=\s*"processing"'
        message: "Use 'running' instead of 'processing'"
        fix: 'status = "running"'
    examples:
      - path: app/a.py
        invalid: |
          job.status = "processing"
        count: 1
        fixed: |
          job.status = "running"
      - path: app/b.py
        valid: |
          job.status = "running"
  - id: BG-020
    name: No print in tasks
    anti_patterns:
      - pattern: 'print\('
        file: "app/tasks/**/*.py"
        message: "Use logging, not print"
'''

# one passing example, then one of each kind of failure
PLANTED = r'''
rules:
  - id: BG-010
    name: Use standard status values
    severity: warning
    anti_patterns:
      - pattern: 'status\s*=\s*"processing"'
        message: "Use 'running' instead of 'processing'"
        fix: 'status = "running"'
    examples:
      - path: app/ok.py
        invalid: |
          job.status = "processing"
      - path: app/fp.py
        valid: |
          job.status = "processing"
      - path: app/fn.py
        invalid: |
          job.status = "running"
      - path: app/count.py
        invalid: |
          job.status = "processing"
        count: 2
      - path: app/message.py
        invalid: |
          job.status = "processing"
        message: "\e[31mred"
      - path: app/fix.py
        invalid: |
          job.status = "processing"
        fixed: |
          job.status = "done"
  - id: BG-020
    name: No print in tasks
    anti_patterns:
      - pattern: 'print\('
        file: "app/tasks/**/*.py"
        message: "Use logging, not print"
'''

FIXTURE = ("# archrules-expect: BG-020\n"
           "print(1)\n"
           "# archrules-expect: BG-020\n"
           "log(2)\n"
           'job.status = "processing"  # BG-010 is not mentioned here: ignored\n')


def _project(tmp_path: Path, rules: str, files: dict | None = None) -> Path:
    return make_project(tmp_path / "proj", files=files or {}, rules=rules, rules_name=".architecture-rules/rules.yaml")


def _line_of(text: str, needle: str) -> int:
    return textwrap.dedent(text).lstrip().splitlines().index(needle) + 1


def test_a_good_rule_file_passes_with_a_line_per_rule(tmp_path):
    passing_fixture = "# archrules-expect: BG-020\nprint(1)\n"
    root = _project(tmp_path, GOOD, {".architecture-rules/tests/app/tasks/scan.py": passing_fixture})
    proc = run(["test"], root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.splitlines() == [
        "BG-010  2 passed  0 false positives  0 false negatives  0 fix mismatches",
        "BG-020  1 passed  0 false positives  0 false negatives  0 fix mismatches",
        "All 3 rule tests passed.",
    ]


def test_every_planted_failure_is_reported_at_its_line_and_the_run_fails(tmp_path):
    root = _project(tmp_path, PLANTED, {".architecture-rules/tests/app/tasks/scan.py": FIXTURE})
    proc = run(["test"], root)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    rules = ".architecture-rules/rules.yaml"
    fixture = ".architecture-rules/tests/app/tasks/scan.py"
    line = {name: _line_of(PLANTED, f"      - path: app/{name}.py") for name in ("fp", "fn", "count", "message", "fix")}
    found = "1: line 1: Use 'running' instead of 'processing'"
    assert proc.stdout.splitlines() == [
        "BG-010  1 passed  1 false positives  3 false negatives  1 fix mismatches",
        "BG-020  1 passed  0 false positives  1 false negatives  0 fix mismatches",
        f"{rules}:{line['fp']}: BG-010 example (false positive): expected no finding, got {found}",
        f"{rules}:{line['fn']}: BG-010 example (false negative): expected a finding, got none",
        f"{rules}:{line['count']}: BG-010 example (false negative): expected 2 finding(s), got {found}",
        f"{rules}:{line['message']}: BG-010 example (false negative): expected a message containing "
        f"'\\x1b[31mred', got {found}",
        f"{rules}:{line['fix']}: BG-010 example (fix mismatch): the safe fixes give "
        "'job.status = \"running\"\\n'",
        f"{fixture}:3: BG-020 fixture (false negative): expected a finding on line 4, got none",
        "6 of 8 rule tests failed (1 false positive, 4 false negatives, 1 fix mismatch).",
    ]


def test_paths_in_the_fixture_folder_are_relative_to_it(tmp_path):
    # checked as app/tasks/scan.py, BG-020's scope; elsewhere it is out of scope: a false negative
    fixture = "# archrules-expect: BG-020\nprint(1)\n"
    root = _project(tmp_path, GOOD, {"fixtures/app/tasks/scan.py": fixture, "fixtures/lib/scan.py": fixture})
    proc = run(["test", "--fixtures", "fixtures"], root)
    assert proc.returncode == 1
    assert "fixtures/lib/scan.py:1: BG-020 fixture (false negative): expected a finding on line 2" in proc.stdout
    assert "fixtures/app/tasks/scan.py" not in proc.stdout


def test_a_rule_file_with_errors_exits_2_after_running_what_loaded(tmp_path):
    broken = GOOD + "    examples:\n      - path: app/c.py\n        valid: x\n        invalid: y\n"
    root = _project(tmp_path, broken)
    proc = run(["test"], root)
    assert proc.returncode == 2
    assert "error: [BG-020] this example needs exactly one of `valid` and `invalid`; it is not run" in proc.stderr
    assert "BG-010  2 passed" in proc.stdout


def test_rule_files_named_on_the_command_line_and_json(tmp_path):
    root = _project(tmp_path, GOOD)
    write_files(root, {"other/planted.yaml": textwrap.dedent(PLANTED).lstrip()})
    proc = run(["test", "other/planted.yaml", "--format", "json"], root)
    assert proc.returncode == 1
    doc = json.loads(proc.stdout)
    assert doc["rules"][0] == {"id": "BG-010", "passed": 1, "false_positives": 1, "false_negatives": 3,
                               "fix_mismatches": 1}
    assert [(f["path"], f["outcome"]) for f in doc["failures"]][0] == ("other/planted.yaml", "false positive")
    assert doc["summary"] == {"tests": 6, "failed": 5}


def test_update_rewrites_fixed_and_leaves_the_rest_byte_identical(tmp_path):
    rules = GOOD.replace('          job.status = "running"\n      - path: app/b.py',
                         '          job.status = "done"   \n\n      - path: app/b.py')
    rules = rules.replace("      - path: app/b.py\n        valid: |\n          job.status = \"running\"\n",
                          "      - path: app/b.py\n        invalid: |\n          x.status = \"processing\"\n"
                          "        fixed: \"stale\"   # inline\n")
    root = _project(tmp_path, rules)
    path = root / ".architecture-rules/rules.yaml"
    before = path.read_bytes()
    proc = run(["test", "--update"], root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    after = path.read_bytes()
    expected = before.replace(b'          job.status = "done"   \n', b'          job.status = "running"\n')
    expected = expected.replace(b'        fixed: "stale"   # inline\n',
                                b'        fixed: |   # inline\n          x.status = "running"\n')
    assert after == expected
    first = _line_of(rules, "      - path: app/a.py")
    assert f".architecture-rules/rules.yaml:{first}: BG-010 example: `fixed:` updated" in proc.stdout
    assert '    -job.status = "done"' in proc.stdout and '    +job.status = "running"' in proc.stdout
    assert run(["test"], root).returncode == 0


def test_update_keeps_crlf_line_endings(tmp_path):
    root = _project(tmp_path, GOOD.replace('          job.status = "running"\n      - path: app/b.py',
                                           '          job.status = "done"\n      - path: app/b.py'))
    path = root / ".architecture-rules/rules.yaml"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    before = path.read_bytes()
    assert run(["test", "--update"], root).returncode == 0
    assert path.read_bytes() == before.replace(b'job.status = "done"', b'job.status = "running"')


def test_update_refuses_a_rule_file_with_errors(tmp_path):
    broken = GOOD.replace('          job.status = "running"\n      - path: app/b.py',
                          '          job.status = "done"\n      - path: app/b.py')
    broken += "    examples:\n      - path: app/c.py\n        count: 0\n        invalid: y\n"
    root = _project(tmp_path, broken)
    path = root / ".architecture-rules/rules.yaml"
    before = path.read_bytes()
    proc = run(["test", "--update"], root)
    assert proc.returncode == 2
    assert "not updated: the file has errors" in proc.stdout
    assert path.read_bytes() == before


def test_the_shipped_rules_pass():
    proc = run(["test", "rules/"], REPO)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "BG-041  5 passed" in proc.stdout


def test_a_fixed_written_through_an_alias_is_left_alone_and_still_fails(tmp_path):
    rules = GOOD.replace('        fixed: |\n          job.status = "running"\n', '        fixed: *old\n')
    rules = rules.replace("        invalid: |\n", "        invalid: &old |\n", 1)
    root = _project(tmp_path, rules)
    path = root / ".architecture-rules/rules.yaml"
    before = path.read_bytes()
    proc = run(["test", "--update"], root)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "BG-010 example: `fixed:` not updated: it could not be rewritten in place" in proc.stdout
    assert "BG-010 example (fix mismatch)" in proc.stdout
    assert path.read_bytes() == before


def _quoted(text: str) -> str:
    return yaml.safe_dump(text, default_style='"', width=10**6).removesuffix("\n")


_CODE = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(old=_CODE, new=_CODE)
def test_update_writes_any_fixed_code_so_that_it_loads_back_exactly(tmp_path, old, new):
    text = ("rules:\n  - id: A-1\n    name: a\n    anti_patterns:\n      - pattern: x\n        message: m\n"
            "    examples:\n      - path: a.py\n        invalid: |\n            x\n"
            f"        fixed: {_quoted(old)}   # kept\n        count: 1\n")
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    rules, errors = load_rule_text(text, str(path))
    assert not errors
    outcome = ExampleOutcome(rules[0], rules[0].examples[0], FIX_MISMATCH, "", new)
    result = update_rule_file(str(path), [outcome])
    assert not result.failed and result.rewritten_lines == [8]
    written = path.read_text(encoding="utf-8")
    reloaded, errors = load_rule_text(written, str(path))
    assert not errors
    assert reloaded[0].examples[0].fixed == new and reloaded[0].examples[0].count == 1
    assert "# kept" in written and written.startswith(text.split("        fixed:")[0])


def test_control_characters_in_fixture_names_and_rule_text_are_escaped(tmp_path):
    rules = GOOD.replace('message: "Use logging, not print"', 'message: "print\\e[2J"')
    fixture = {".architecture-rules/tests/app/tasks/a\x1b.py": "# archrules-ok: BG-020\nprint(1)\n"}
    root = _project(tmp_path, rules, fixture)
    proc = run(["test"], root)
    assert proc.returncode == 1
    assert "\x1b" not in proc.stdout + proc.stderr
    assert ("tests/app/tasks/a\\x1b.py:1: BG-020 fixture (false positive): expected no finding on line 2, "
            "got: print\\x1b[2J") in proc.stdout


def test_a_fixture_folder_that_does_not_exist_is_a_usage_error(tmp_path):
    root = _project(tmp_path, GOOD)
    proc = run(["test", "--fixtures", "nowhere"], root)
    assert proc.returncode == 2
    assert "archrules: error: --fixtures nowhere: not a folder" in proc.stderr
