"""The top-level help, each subcommand's help and the unknown-command error, as the installed
script prints them. main builds only the parser of the subcommand it runs (start-up time):
what a user reads must be what the parser of every subcommand says."""

import contextlib
import io

import pytest

from archrules_lsp.cli.main import build_parser

from .conftest import run

COMMANDS = ["check", "baseline", "rules", "explain", "test", "init", "docs", "validate", "graph", "lsp"]


def test_the_top_level_help_lists_every_command_in_order(tmp_path):
    done = run(["--help"], tmp_path)
    assert done.returncode == 0
    listed = [line.split()[0] for line in done.stdout.splitlines() if line.startswith("    ") and line.split()]
    assert listed == COMMANDS


@pytest.mark.parametrize("command", [c for c in COMMANDS if c != "lsp"])  # lsp hands --help to the server
def test_a_commands_help_is_what_the_whole_parser_says(tmp_path, command, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    shown = run([command, "--help"], tmp_path, env={"COLUMNS": "100"})
    whole = io.StringIO()
    with contextlib.redirect_stdout(whole), pytest.raises(SystemExit):
        build_parser().parse_args([command, "--help"])
    assert shown.returncode == 0
    assert shown.stdout.startswith(f"usage: archrules {command} ")
    assert shown.stdout == whole.getvalue()


def test_an_unknown_command_names_every_command(tmp_path):
    done = run(["no-such-command"], tmp_path)
    assert done.returncode == 2
    assert "invalid choice: 'no-such-command'" in done.stderr
    assert "(choose from " + ", ".join(f"'{c}'" for c in COMMANDS) + ")" in done.stderr


def test_a_bad_value_of_a_commands_option_shows_that_commands_usage(tmp_path):
    done = run(["rules", "--format", "xml"], tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("usage: archrules rules ")
    assert "argument --format: invalid choice: 'xml'" in done.stderr
