"""The CLI never imports the language server stack (pygls, lsprotocol)."""

import subprocess
import sys
import textwrap

from .conftest import make_project


def test_check_does_not_import_pygls_or_lsprotocol(tmp_path):
    root = make_project(tmp_path)
    code = textwrap.dedent("""
        import sys
        from archrules_lsp.cli.main import main
        for argv in (["check"], ["check", "--format", "sarif"], ["check", "--fix"], ["rules"],
                     ["explain", "BG-001"], ["validate"]):
            try:
                main(argv)
            except SystemExit:
                pass
        bad = sorted(m for m in sys.modules if m.split(".")[0] in ("pygls", "lsprotocol", "cattrs")
                     or m.startswith("archrules_lsp.server"))
        print("LOADED:", bad, file=sys.stderr)
        sys.exit(3 if bad else 0)
    """)
    proc = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_check_does_not_import_multiprocessing_for_a_small_run(tmp_path):
    root = make_project(tmp_path)
    code = ("import sys\nfrom archrules_lsp.cli.main import main\n"
            "try:\n    main(['check', '-q'])\nexcept SystemExit:\n    pass\n"
            "sys.exit(3 if 'multiprocessing' in sys.modules else 0)\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


def test_a_check_without_contracts_or_baseline_imports_only_what_it_needs(tmp_path):
    """Start-up cost (issue 9): no wcmatch for the usual globs, no import-contract modules without
    `imports:` rules, no json without a baseline, no difflib without a misspelt key."""
    root = make_project(tmp_path)
    code = textwrap.dedent("""
        import sys
        from archrules_lsp.cli.main import main
        try:
            main(["check", "-q"])
        except SystemExit as e:
            print("EXIT:", e.code, file=sys.stderr)
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("wcmatch", "json", "difflib")
                        or m.startswith("archrules_lsp.engine.imports"))
        print("LOADED:", loaded, file=sys.stderr)
        sys.exit(3 if loaded else 0)
    """)
    proc = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
