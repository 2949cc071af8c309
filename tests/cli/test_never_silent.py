""""Never pass silently": what made a new user's check pass while it checked nothing
(rules written for another layout, rules that failed to load, a --select typo) or what
they could not see (the effective state of a rule, rule-file warnings)."""

from __future__ import annotations

import json

from .conftest import make_project, run

LAYOUT_RULES = r'''
rules:
  - id: BG-001
    name: Job models have a status
    severity: error
    patterns:
      - file: "models/database/letzshop.py"
        must_contain: "status = Column"
  - id: BG-020
    name: No print in tasks
    anti_patterns:
      - pattern: 'print\('
        file: "app/tasks/**/*.py"
        message: "Use logging"
'''


def test_a_glob_matching_no_file_is_a_warning_in_check_and_validate(tmp_path):
    root = make_project(tmp_path, {"app/tasks/scan.py": "x = 1\n"}, rules=LAYOUT_RULES)
    warning = '.architecture-rules.yaml:6:9: warning: [BG-001] "models/database/letzshop.py" matches no file\n'
    proc = run(["check"], root)
    assert proc.stderr == warning
    assert proc.stdout == "All checks passed.\n" and proc.returncode == 0
    proc = run(["validate"], root)
    assert proc.stderr == warning
    assert proc.stdout == "2 rules in 1 file: no errors, 1 warning.\n" and proc.returncode == 0
    doc = json.loads(run(["check", "--format", "json"], root).stdout)
    assert doc["errors"] == [{"path": ".architecture-rules.yaml", "line": 6, "column": 9, "rule": "BG-001",
                              "message": '"models/database/letzshop.py" matches no file', "severity": "warning"}]
    assert doc["summary"]["rule_warnings"] == 1 and doc["summary"]["rule_errors"] == 0


def test_globs_are_matched_against_the_checked_files_only(tmp_path):
    """An excluded file does not count: the rule would never check it."""
    root = make_project(tmp_path, {"app/tasks/scan.py": "x = 1\n", "models/database/letzshop.py": "x\n",
                                   "pyproject.toml": '[tool.archrules]\nexclude = ["models/"]\n'},
                        rules=LAYOUT_RULES)
    assert '"models/database/letzshop.py" matches no file' in run(["check"], root).stderr
    (root / "pyproject.toml").unlink()
    assert run(["check"], root).stderr == ""


def test_files_named_on_the_command_line_say_nothing_about_globs(tmp_path):
    root = make_project(tmp_path, {"app/tasks/scan.py": "x = 1\n", "app/other.py": "x\n"}, rules=LAYOUT_RULES)
    proc = run(["check", "app/tasks/scan.py"], root)
    assert proc.stderr == "" and proc.stdout == "All checks passed.\n" and proc.returncode == 0
    # a file no rule applies to, named on purpose: checked, nothing to say
    assert run(["check", "app/other.py"], root).returncode == 0


def test_rules_for_a_different_layout_exit_2(tmp_path):
    root = make_project(tmp_path, {"src/shop/models.py": "x = 1\n", "src/shop/tasks.py": "print(1)\n"},
                        rules=LAYOUT_RULES)
    proc = run(["check"], root)
    assert proc.returncode == 2
    assert proc.stdout == "No rule applies to any file checked (error above).\n"
    lines = proc.stderr.splitlines()
    assert lines[:2] == [
        '.architecture-rules.yaml:6:9: warning: [BG-001] "models/database/letzshop.py" matches no file',
        '.architecture-rules.yaml:11:9: warning: [BG-020] "app/tasks/**/*.py" matches no file',
    ]
    assert lines[2] == ('archrules: error: no rule applies to any of the 2 files under .: the rules\' globs '
                        '("models/database/letzshop.py", "app/tasks/**/*.py") look written for a different '
                        'layout; fix their `file:` globs, or check from the project\'s root (--root)')
    assert run(["validate"], root).returncode == 2
    # the same project checked from its own src/ root (where app/tasks/ would be) is another story
    doc = json.loads(run(["check", "--format", "json"], root).stdout)
    assert doc["errors"][-1]["severity"] == "error" and doc["errors"][-1]["path"] is None


def test_rules_that_failed_to_load_never_pass(tmp_path):
    rules = r'''
    rules:
      - id: A-1
        name: fine
        anti_patterns:
          - pattern: 'processing'
            message: m
      - id: A-2
        name: its patterns are broken, so its anti-patterns would run everywhere
        patterns:
          - must_contain: x
        anti_patterns:
          - pattern: 'x'
            message: m
      - id: A-1
        name: a duplicate
        anti_patterns:
          - pattern: 'y'
            message: m
    '''
    root = make_project(tmp_path, {"a.py": "ok = 1\n"}, rules=rules)
    proc = run(["check"], root)
    assert proc.returncode == 2
    assert proc.stdout == "2 of 3 rules not loaded (errors above).\n"
    assert "All checks passed." not in proc.stdout
    # with findings from the rules that did load, the summary says both
    (root / "a.py").write_text('status = "processing"\n')
    proc = run(["check"], root)
    assert proc.stdout.splitlines()[-2:] == ["Found 1 finding (1 warning) in 1 file.",
                                             "2 of 3 rules not loaded (errors above)."]


def test_validate_counts_warnings(tmp_path):
    rules = '''
    rules:
      - id: W-1
        name: w
        url: not-a-link
        anti_patterns:
          - pattern: 'p'
            message: m
      - id: W-2
        name: checks nothing
    '''
    root = make_project(tmp_path, {"a.py": "x\n"}, rules=rules)
    proc = run(["validate"], root)
    assert proc.returncode == 0
    assert proc.stdout == "2 rules in 1 file: no errors, 2 warnings.\n"
    assert [ln.split(": ")[1] for ln in proc.stderr.splitlines()] == ["warning", "warning"]
    assert run(["rules"], root).stdout.splitlines()[-1] == "2 rules from 1 file (2 warnings, above)."


OVERRIDDEN = '''[tool.archrules]
ignore = ["BG-020"]
severity-overrides = { "BG-010" = "error", "BG-001" = "off" }
'''


def test_rules_and_explain_show_the_effective_state(project):
    (project / "pyproject.toml").write_text(OVERRIDDEN)
    lines = run(["rules"], project).stdout.splitlines()
    assert lines[0].split() == ["BG-001", "off", "Job", "models", "must", "have", "a", "status", "field",
                                "([tool.archrules]", "severity-overrides)"]
    assert lines[2].endswith("error    Use standard status values "
                             "([tool.archrules] severity-overrides; warning in the rule file)")
    assert lines[3].endswith("off      No print in tasks ([tool.archrules] ignore)")
    records = {r["id"]: r for r in json.loads(run(["rules", "--format", "json"], project).stdout)["rules"]}
    assert (records["BG-010"]["severity"], records["BG-010"]["effective_severity"]) == ("warning", "error")
    assert records["BG-020"]["effective_severity"] == "off"
    assert records["BG-020"]["effective_reason"] == "[tool.archrules] ignore"
    out = run(["explain", "BG-001"], project).stdout
    assert "severity:   off ([tool.archrules] severity-overrides)\n" in out
    (project / "pyproject.toml").write_text('[tool.archrules]\nselect = ["BG-01"]\n')
    assert "severity:   off (not in [tool.archrules] select)\n" in run(["explain", "BG-020"], project).stdout
    assert "severity:   warning\n" in run(["explain", "BG-010"], project).stdout
