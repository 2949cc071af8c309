"""Rule sets and regexes at RE2's limits: many rules, huge patterns, slow patterns.

Each is a rule file an attacker (or a generator gone wrong) can write; none may
crash a check, and none may silently drop findings."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

from archrules_lsp.engine import Checker, RuleSet, load_rule_text
from archrules_lsp.engine.regex import SCAN_BUDGET

ARCHRULES = Path(sys.executable).parent / "archrules"


def many_rules(count: int, length: int = 100, alphabet: str = "éàüöß") -> tuple[str, list[str]]:
    """`count` anti-pattern rules of `length`-character literal patterns (non-ASCII: two
    RE2 instructions a character, so 800 of them overflow one RE2 set at 8 MiB)."""
    rng = random.Random(7)
    patterns = ["".join(rng.choice(alphabet) for _ in range(length)) for _ in range(count)]
    rules = "".join(f"  - id: R{i}\n    name: rule {i}\n    anti_patterns:\n"
                    f"      - pattern: '{p}'\n        message: found {i}\n" for i, p in enumerate(patterns))
    return "g:\n" + rules, patterns


def check(yaml_text: str, path: str, text: str):
    rules, errors = load_rule_text(yaml_text, "rules.yaml")
    return Checker(RuleSet(tuple(rules), tuple(errors))).check(path, text), errors


def test_800_long_rules_all_find_their_matches():
    yaml_text, patterns = many_rules(800)
    text = "".join(f"x = 1  # {p}\n" for p in patterns)
    result, errors = check(yaml_text, "a.py", text)
    assert errors == []
    assert sorted((f.rule_id, f.span.line) for f in result.findings) == sorted((f"R{i}", i) for i in range(800))
    assert result.notes == ()


def test_one_100k_pattern_is_a_located_rule_error_and_its_neighbours_still_work():
    huge = "." * 100_000
    yaml_text = ("g:\n  - id: OK\n    name: ok\n    anti_patterns:\n      - pattern: 'foo'\n        message: foo\n"
                 f"  - id: HUGE\n    name: huge\n    anti_patterns:\n      - pattern: '{huge}'\n        message: m\n")
    result, errors = check(yaml_text, "a.py", "foo\n")
    (error,) = errors
    assert error.span.line == 9 and error.severity.value == "error"
    assert "too large" in error.message and "100,000 characters" in error.message
    assert len(error.message) < 400  # the pattern is not pasted whole into the message
    assert [f.rule_id for f in result.findings] == ["OK"]


SLOW = ("g:\n  - id: SLOW\n    name: slow\n    anti_patterns:\n      - pattern: '[ab]*a[ab]{200}c'\n"
        "        message: m\n  - id: CHEAP\n    name: cheap\n    anti_patterns:\n"
        "      - pattern: 'needle'\n        message: m\n")


def test_a_slow_rule_is_skipped_on_a_large_file_with_a_note_naming_it():
    text = "ab" * 500_000 + "ac\nneedle\n"
    result, _ = check(SLOW, "a.py", text)
    assert [f.rule_id for f in result.findings] == ["CHEAP"]
    (note,) = result.notes
    assert note.rule_id == "SLOW" and note.message.startswith("rule SLOW skipped: too slow on this file")
    assert f"{SCAN_BUDGET:,}" in note.message


def test_ordinary_rules_run_on_a_file_over_a_mebibyte():
    # a raised size limit must not turn usual rules off: the budget stops big patterns only
    rule = ("g:\n  - id: SLEEP\n    name: s\n    anti_patterns:\n"
            "      - pattern: 'time\\.sleep\\((\\d+|[a-z_]+)\\)\\s*(#.*)?$'\n        message: m\n")
    text = "x = 1\n" * 1_500_000 + "time.sleep(1)\n"  # 9 MB
    result, errors = check(rule, "a.py", text)
    assert errors == [] and result.notes == ()
    assert [(f.rule_id, f.span.line) for f in result.findings] == [("SLEEP", 1_500_000)]


def test_the_same_slow_rule_still_runs_on_a_small_file():
    text = "b" + "a" * 201 + "c\n"
    result, _ = check(SLOW, "a.py", text)
    assert [f.rule_id for f in result.findings] == ["SLOW"] and result.notes == ()


def test_a_slow_should_match_is_skipped_with_a_note_not_reported_as_missing():
    rules = ("g:\n  - id: SM\n    name: sm\n    patterns:\n      - file: '*.py'\n"
             "        should_match: '[ab]*a[ab]{200}c'\n")
    result, _ = check(rules, "a.py", "ab" * 500_000 + "\n")
    assert result.findings == ()
    assert [n.rule_id for n in result.notes] == ["SM"]


# ------------------------------------------------------------------ through the console script


def archrules_check(root: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "CLICOLOR_FORCE")}
    return subprocess.run([str(ARCHRULES), "check"], cwd=root, capture_output=True, text=True,
                          encoding="utf-8", timeout=300, env=env)


def project(root: Path, rules: str, files: dict[str, str]) -> Path:
    (root / ".git").mkdir(parents=True)
    (root / ".architecture-rules.yaml").write_text(rules, encoding="utf-8")
    for rel, text in files.items():
        (root / rel).write_text(text, encoding="utf-8")
    return root


def test_cli_800_long_rules_report_every_match_without_a_traceback(tmp_path):
    yaml_text, patterns = many_rules(800)
    root = project(tmp_path, yaml_text, {"a.py": "".join(f"x = 1  # {p}\n" for p in patterns)})
    proc = archrules_check(root)
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 0  # warnings only (they do not fail the run), and no rule error
    assert sum(1 for line in proc.stdout.splitlines() if line.startswith("a.py:")) == 800


def test_cli_one_100k_pattern_is_a_rule_error_exit_2_and_the_other_rules_run(tmp_path):
    huge = "." * 100_000
    rules = ("g:\n  - id: OK\n    name: ok\n    anti_patterns:\n      - pattern: 'foo'\n        message: foo\n"
             f"  - id: HUGE\n    name: huge\n    anti_patterns:\n      - pattern: '{huge}'\n        message: m\n")
    root = project(tmp_path, rules, {"a.py": "foo\n"})
    proc = archrules_check(root)
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    assert proc.returncode == 2
    assert ":10:" in proc.stdout + proc.stderr and "too large" in proc.stdout + proc.stderr
    assert "a.py:1:1" in proc.stdout
