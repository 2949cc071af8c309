"""File names and rule files are untrusted: what they hold never reaches a terminal or a
CI log raw. Control characters are escaped in every human-readable output; the github
format also escapes per GitHub's workflow-command rules, so nothing can forge a command."""

from __future__ import annotations

import json
import re
import sys

import pytest

from .conftest import make_project, run

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="needs a file system that takes any name")

FORGED = "::error file=forged.py,line=1::forged"
NEWLINE_NAME = f"a.py\n{FORGED}"
ESC_NAME = "b\x1b]0;pwned\x07\x1b[31m.py"
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]")  # tab and newline are our own


def _project(tmp_path, rules=None):
    files = {f"app/{NEWLINE_NAME}": "processing\n", f"app/{ESC_NAME}": "processing\n",
             "app/bin\x1b[2J.dat": b"\0\x1b[2J"}
    root = make_project(tmp_path, files, rules=rules or (
        "rules:\n  - id: E-1\n    name: \"name \\e[31m\\a\"\n    anti_patterns:\n"
        "      - pattern: 'processing'\n        message: \"msg \\e]8;;http://x\\a\\u202e\"\n"))
    return root


def _no_raw_controls(*outputs: str) -> None:
    for out in outputs:
        assert not RAW_CONTROL.search(out), repr(out)


def test_text_output_escapes_file_names_and_rule_messages(tmp_path):
    root = _project(tmp_path)
    proc = run(["check", "--color", "never"], root)
    _no_raw_controls(proc.stdout, proc.stderr)
    assert not any(line.startswith("::") for line in proc.stdout.splitlines())
    assert f"app/a.py\\n{FORGED}:1:1: E-1 [warning] msg \\x1b]8;;http://x\\x07\\u202e" in proc.stdout
    assert "app/b\\x1b]0;pwned\\x07\\x1b[31m.py:1:1: E-1" in proc.stdout
    assert "app/bin\\x1b[2J.dat (binary)" in proc.stderr
    assert proc.stdout.count("\n") == 3  # two findings and the summary: no line was split


def test_github_output_cannot_forge_a_workflow_command(tmp_path):
    root = _project(tmp_path)
    proc = run(["check", "--format", "github"], root)
    _no_raw_controls(proc.stdout, proc.stderr)
    lines = proc.stdout.splitlines()
    assert len(lines) == 2 and all(line.startswith("::warning file=app/") for line in lines)
    assert not any(line.startswith("::error") for line in lines)
    # `:` and `,` escaped in properties, line breaks as %0A, controls shown as escapes
    assert "file=app/a.py\\n%3A%3Aerror file=forged.py%2Cline=1%3A%3Aforged,line=1" in proc.stdout


def test_github_escapes_percent_and_line_breaks_in_messages(tmp_path):
    rules = ("rules:\n  - id: P-1\n    name: p\n    anti_patterns:\n      - pattern: 'processing'\n"
             "        message: \"100% wrong\\nsecond line ::warning::x\"\n")
    root = make_project(tmp_path, {"a.py": "processing\n"}, rules=rules)
    proc = run(["check", "--format", "github"], root)
    assert proc.stdout == ("::warning file=a.py,line=1,col=1,endLine=1,endColumn=11,title=P-1::"
                           "100%25 wrong%0Asecond line ::warning::x\n")


def test_rules_explain_and_validate_escape_rule_text(tmp_path):
    root = _project(tmp_path, rules=(
        "rules:\n  - id: E-1\n    name: \"name \\e[31m\"\n    description: \"d \\e[2J\"\n"
        "    suggestion: \"s \\a\"\n    files_typo: 1\n    \"bad\\ekey\": 2\n    anti_patterns:\n"
        "      - pattern: 'processing'\n        message: \"msg \\e[0m\"\n"))
    for command in (["rules"], ["rules", "--format", "json"], ["explain", "E-1"], ["validate"],
                    ["validate", "--format", "github"], ["explain", "E-\x1b[1"]):
        proc = run(command, root)
        _no_raw_controls(proc.stdout, proc.stderr)
        assert "Traceback" not in proc.stderr
    assert "name \\x1b[31m" in run(["explain", "E-1"], root).stdout
    assert "bad\\x1bkey" in run(["validate"], root).stderr
    assert json.loads(run(["rules", "--format", "json"], root).stdout)["rules"][0]["name"] == "name \x1b[31m"


def test_command_line_arguments_are_escaped_in_errors(tmp_path):
    root = make_project(tmp_path, {"a.py": "x = 1\n"})
    for args in (["check", "no\x1b[2Jsuch.py"], ["check", "--select", "X\x1b[2J"], ["check", "--bogus\x1b[2J"],
                 ["check", "--root", "no\x1b[2Jdir"]):
        proc = run(args, root)
        _no_raw_controls(proc.stdout, proc.stderr)
        assert "\\x1b[2J" in proc.stderr, args
