"""--select / --ignore (ids, prefixes, ALL) and [tool.archrules] select / ignore / severity-overrides."""

import json

from .conftest import run


def rules_reported(proc):
    return sorted({line.split()[1] for line in proc.stdout.splitlines() if ": BG-" in line})


def test_select_exact_and_prefix(project):
    assert rules_reported(run(["check", "--select", "BG-010"], project)) == ["BG-010"]
    assert rules_reported(run(["check", "--select", "BG-0"], project)) == ["BG-001", "BG-010", "BG-020"]
    assert rules_reported(run(["check", "--select", "BG-01,BG-02"], project)) == ["BG-010", "BG-020"]
    assert rules_reported(run(["check", "--select", "BG-001", "--select", "BG-020"], project)) == ["BG-001", "BG-020"]
    assert rules_reported(run(["check", "--select", "ALL"], project)) == ["BG-001", "BG-010", "BG-020"]
    assert rules_reported(run(["check", "--select", "bg-010"], project)) == ["BG-010"]


def test_ignore(project):
    assert rules_reported(run(["check", "--ignore", "BG-001"], project)) == ["BG-010", "BG-020"]
    assert rules_reported(run(["check", "--ignore", "BG-0"], project)) == []
    proc = run(["check", "--select", "BG-0", "--ignore", "BG-02"], project)
    assert rules_reported(proc) == ["BG-001", "BG-010"]


def test_exit_status_follows_the_selection(project):
    assert run(["check", "--ignore", "BG-001"], project).returncode == 0
    assert run(["check", "--select", "BG-001"], project).returncode == 1


def test_a_selector_naming_no_rule_is_an_error(project):
    """A typo in --select must not turn the gate off: exit 2, never "All checks passed."."""
    proc = run(["check", "--select", "XX-9"], project)
    assert proc.stderr == "archrules: error: no rule matches 'XX-9' (--select / --ignore)\n"
    assert proc.stdout == "A rule selection names no rule (error above).\n"
    assert proc.returncode == 2
    # one good token does not excuse a bad one, in --ignore either; the good rules still run
    proc = run(["check", "--select", "BG-010,BG-01O"], project)
    assert proc.returncode == 2 and rules_reported(proc) == ["BG-010"]
    assert "no rule matches 'BG-01O'" in run(["check", "--ignore", "BG-01O"], project).stderr
    assert run(["check", "--ignore", "BG-01O"], project).returncode == 2


def test_a_config_selector_naming_no_rule_is_an_error(project):
    (project / "pyproject.toml").write_text('[tool.archrules]\nignore = ["BG-0100"]\n')
    proc = run(["check"], project)
    assert proc.returncode == 2
    assert "pyproject.toml: error: [tool.archrules]: no rule matches 'BG-0100' (select / ignore)" in proc.stderr
    doc = json.loads(run(["check", "--format", "json"], project).stdout)
    assert [e["message"] for e in doc["errors"]] == ["[tool.archrules]: no rule matches 'BG-0100' (select / ignore)"]
    assert run(["validate"], project).returncode == 2


def test_config_select_ignore_and_overrides(project):
    (project / "pyproject.toml").write_text(
        '[tool.archrules]\nselect = ["BG-0"]\nignore = ["BG-020"]\n'
        'severity-overrides = { "BG-010" = "error", "BG-001" = "off" }\n')
    proc = run(["check"], project)
    assert rules_reported(proc) == ["BG-010"]
    assert "BG-010 [error]" in proc.stdout
    assert proc.returncode == 1
    # the command line's --select replaces the config's; its --ignore adds to it
    assert rules_reported(run(["check", "--select", "BG-020"], project)) == []
    assert rules_reported(run(["check", "--ignore", "BG-010"], project)) == []
