"""Help text wraps at $COLUMNS, as argparse does (cli/main.py finds the width itself)."""

from .conftest import run


def test_help_wraps_at_the_columns_asked_for(tmp_path):
    narrow = run(["check", "--help"], tmp_path, env={"COLUMNS": "60"})
    wide = run(["check", "--help"], tmp_path, env={"COLUMNS": "120"})
    assert narrow.returncode == wide.returncode == 0
    assert len(narrow.stdout.splitlines()) > len(wide.stdout.splitlines())
    assert narrow.stdout.split() == wide.stdout.split()  # the same words, wrapped otherwise
    assert max(map(len, wide.stdout.splitlines())) > 60
    # without $COLUMNS and without a terminal: 80 columns, as shutil would say
    default = run(["check", "--help"], tmp_path, env={"COLUMNS": ""})
    assert default.stdout == run(["check", "--help"], tmp_path, env={"COLUMNS": "80"}).stdout
