"""`archrules`: check a project against its architecture rules from the command line.

Only argparse is imported up front; each subcommand imports what it needs, so a
check of one small file starts fast. The language server (pygls) is imported
only by `archrules lsp`.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence

from .. import __version__
from .exit_codes import EXIT_FINDINGS, EXIT_INTERRUPTED, EXIT_USAGE

FORMATS = ("text", "json", "jsonl", "sarif", "github", "gitlab", "junit", "rdjson")
FAIL_ON = ("error", "warning", "info")  # the engine's severities that can fail a run (hints never do)


class _Formatter(argparse.HelpFormatter):
    """argparse's formatter, as wide as argparse makes it, without importing shutil for that:
    a parser makes one per option, and shutil (with its compression modules) costs ~2 ms."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None):
        super().__init__(prog, indent_increment, max_help_position, _columns() - 2 if width is None else width)


def _columns() -> int:
    """shutil.get_terminal_size().columns: $COLUMNS, else the terminal's width, else 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0 and sys.__stdout__ is not None:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str):  # argparse exits 2 as well; keep its message short
        from .console import printable

        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {printable(message)}\n")


def _common_project_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--rules", action="append", default=[], metavar="PATH",
                   help="rule file or folder (repeatable; relative to the current folder). "
                        "Default: [tool.archrules] rules, else .architecture-rules/, else .architecture-rules.yaml")
    p.add_argument("--root", metavar="DIR",
                   help="project root (default: the nearest folder up from here with rules, "
                        "a [tool.archrules] pyproject.toml or .git)")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; with `command`, that subcommand's only: what a run of it parses, and each
    subcommand costs ~0.2 ms to build (start-up time). None: every subcommand (help, errors)."""
    parser = _Parser(prog="archrules", description="Architecture rules in YAML, checked against your code.")
    parser.add_argument("--version", action="version", version=f"archrules {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, add in _SUBCOMMANDS.items():
        if command is None or name == command:
            add(sub)
    return parser


def _add_check_command(sub) -> None:
    check = sub.add_parser("check", help="check files against the rules (the default command)",
                           description="Check files against the rules. Exit status: 0 no findings at or above "
                                       "--fail-on, 1 findings, 2 usage or rule-file errors.")
    check.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to check (default: the project root)")
    _common_project_options(check)
    check.add_argument("--select", action="append", default=[], metavar="IDS",
                       help="only these rules: comma-separated ids or id prefixes (BG-0), ALL for every rule")
    check.add_argument("--ignore", action="append", default=[], metavar="IDS",
                       help="skip these rules: comma-separated ids or id prefixes")
    check.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    check.add_argument("--fix", action="store_true", help="apply the rules' safe fixes, then report what remains")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings (not with errors)")
    check.add_argument("--fail-on", choices=FAIL_ON, default="error",
                       help="lowest severity that makes the exit status 1 (default: error)")
    check.add_argument("-q", "--quiet", action="store_true", help="print findings only: no summary, no skipped files")
    check.add_argument("--statistics", action="store_true",
                       help="print the number of findings per rule instead of each finding")
    check.add_argument("--show-suggestions", action="store_true",
                       help="print each rule's suggestion under its findings (text)")
    check.add_argument("--max-file-size", metavar="BYTES", type=_size, default=None,
                       help="skip larger files (default: [tool.archrules] max-file-size, else 1MB; accepts 500KB, 2MB)")
    check.add_argument("-j", "--jobs", type=int, default=0, metavar="N",
                       help="worker processes (default: one per core; 1 = in-process)")
    check.add_argument("--force-exclude", action="store_true",
                       help="apply exclusions (.gitignore, exclude) to files named on the command line too")
    check.add_argument("--no-unused-suppressions", action="store_true",
                       help="do not report `archrules: ignore` comments that suppress nothing")
    check.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                       help="colour text output (default: auto = on a terminal, honouring NO_COLOR / FORCE_COLOR)")
    _baseline_check_options(check)


def _add_rules_command(sub) -> None:
    rules = sub.add_parser("rules", help="list the loaded rules")
    _common_project_options(rules)
    rules.add_argument("--format", choices=("text", "json"), default="text")


def _add_explain_command(sub) -> None:
    explain = sub.add_parser("explain", help="show everything about one rule")
    explain.add_argument("rule_id", metavar="RULE_ID")
    _common_project_options(explain)


def _add_validate_command(sub) -> None:
    validate = sub.add_parser("validate", help="check the rule files only")
    _common_project_options(validate)
    validate.add_argument("--format", choices=("text", "json", "github"), default="text")


def _add_lsp_command(sub) -> None:
    lsp = sub.add_parser("lsp", help="run the language server (stdio by default)", add_help=False)
    lsp.add_argument("server_args", nargs=argparse.REMAINDER)


def _baseline_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--baseline", metavar="FILE",
                   help="the baseline file (relative to the current folder). Default: [tool.archrules] "
                        "baseline, else .archrules-baseline.json at the project root")


def _baseline_check_options(check: argparse.ArgumentParser) -> None:
    _baseline_option(check)
    check.add_argument("--no-baseline", action="store_true", help="ignore the baseline file: report every finding")
    check.add_argument("--show-baselined", action="store_true",
                       help="list the baselined findings too, marked (json: \"baselined\": true)")
    check.add_argument("--strict-baseline", action="store_true",
                       help="exit 1 also when the baseline holds findings that are fixed (prune it)")
    check.add_argument("--new-since", metavar="REF",
                       help="report only findings the working tree has and the git revision REF does not")


def _add_baseline_command(sub) -> None:
    baseline = sub.add_parser("baseline", help="freeze today's findings: check then fails only on new ones",
                              description="Write every current finding to the baseline file "
                                          "(default .archrules-baseline.json at the root); `check` leaves them out.")
    baseline.add_argument("paths", nargs="*", metavar="PATH",
                          help="files or folders (default: the project root); entries elsewhere are kept")
    _common_project_options(baseline)
    _baseline_option(baseline)
    baseline.add_argument("--prune", action="store_true",
                          help="only remove the entries that are no longer found (never adds)")
    baseline.add_argument("--max-file-size", metavar="BYTES", type=_size, default=None,
                          help="skip larger files (as for check)")
    baseline.add_argument("-j", "--jobs", type=int, default=0, metavar="N", help="worker processes")
    baseline.add_argument("--force-exclude", action="store_true",
                          help="apply exclusions to files named on the command line too")
    # what `check`'s helpers read, fixed for a baseline run
    baseline.set_defaults(select=[], ignore=[], fix=False, format="baseline", no_unused_suppressions=False,
                          no_baseline=False, quiet=False, color="auto")


def _add_test_command(sub) -> None:
    test = sub.add_parser("test", help="run the rules' own tests: their examples and the fixture folder",
                          description="Run every rule's examples and the fixture folder; print a matrix per rule. "
                                      "Exit status: 0 all passed, 1 a failure, 2 rule-file errors.")
    test.add_argument("paths", nargs="*", metavar="RULE_FILE_OR_DIR",
                      help="rule files or folders (default: the project's rule files, as check finds them)")
    test.add_argument("--root", metavar="DIR", help="project root (default: as for check)")
    test.add_argument("--fixtures", metavar="DIR",
                      help="the fixture folder (default: .architecture-rules/tests/ at the root, when it exists)")
    test.add_argument("--update", action="store_true",
                      help="rewrite the `fixed:` of examples whose fixes give other code, and say what changed")
    test.add_argument("--format", choices=("text", "json"), default="text")


def _add_graph_command(sub) -> None:
    graph = sub.add_parser("graph", help="print the import graph reduced to the contracts' modules",
                           description="Print the module graph reduced to the import contracts' modules (mermaid "
                                       "or dot), violating edges marked.")
    _common_project_options(graph)
    graph.add_argument("--format", choices=("mermaid", "dot"), default="mermaid")
    graph.add_argument("--rule", action="append", default=[], metavar="ID",
                       help="only this rule's contracts (repeatable; default: every rule with `imports:`)")
    graph.add_argument("-j", "--jobs", type=int, default=0, metavar="N", help="worker processes")


def _add_init_command(sub) -> None:
    init = sub.add_parser("init", help="write starter rules fitted to this project (never overwrites)",
                          description="Write .architecture-rules/starter.yaml: one commented rule per check kind, "
                                      "with examples, scoped to the folders that exist. Exit 2 if a file exists.")
    init.add_argument("--root", metavar="DIR", help="the project's root (default: the current folder)")
    init.add_argument("--pyproject", action="store_true",
                      help="also append a commented [tool.archrules] table to the existing pyproject.toml")


def _add_docs_command(sub) -> None:
    docs = sub.add_parser("docs", help="write a Markdown page per rule and an index",
                          description="Write DIR/<ID>.md for every loaded rule and DIR/index.md.")
    docs.add_argument("--out", required=True, metavar="DIR", help="the folder to write (created if missing)")
    _common_project_options(docs)


def _size(value: str) -> int:
    from ..project.conventions import SizeError, parse_size

    try:
        return parse_size(value)
    except SizeError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and args_list[0] == "lsp":  # everything after `lsp` belongs to the server
        from ..server.main import main as server_main

        return _exit(server_main(args_list[1:]))
    if not args_list or args_list[0].startswith("-") and args_list[0] not in ("-h", "--help", "--version"):
        args_list.insert(0, "check")
    elif args_list[0] not in _SUBCOMMANDS and _is_path(args_list[0]):
        args_list.insert(0, "check")  # `archrules app/`: check is the default command
    command = args_list[0] if args_list and args_list[0] in _SUBCOMMANDS else None
    parser = build_parser(command)
    args = parser.parse_args(args_list)
    if args.command in ("check", "baseline"):
        # Start-up (imports, rule loading) makes many objects and frees few: collections then,
        # and of those objects later, are wasted work. build_checker freezes them and turns
        # collections back on (with the final collection at exit: ~13 ms of a small check).
        gc.disable()
    try:
        if args.command == "check":
            from .commands.check import run
        elif args.command == "rules":
            from .commands.rules import run_list as run
        elif args.command == "explain":
            from .commands.rules import run_explain as run
        elif args.command == "validate":
            from .commands.validate import run
        elif args.command == "baseline":
            from .commands.baseline import run
        elif args.command == "test":
            from .commands.test import run
        elif args.command == "init":
            from .commands.init import run
        elif args.command == "docs":
            from .commands.docs import run
        elif args.command == "graph":
            from .commands.graph import run
        else:  # pragma: no cover - argparse rejects unknown commands
            parser.print_help()
            return _exit(EXIT_USAGE)
        return _exit(run(args))
    except KeyboardInterrupt:
        sys.stderr.write("archrules: interrupted\n")
        return _exit(EXIT_INTERRUPTED)
    except FileNotFoundError as e:
        if e.filename is not None:
            raise
        # os.getcwd() of a folder deleted under the shell: say so instead of a traceback
        sys.stderr.write("archrules: error: the current folder no longer exists\n")
        return _exit(EXIT_USAGE)
    except BrokenPipeError:  # `archrules check | head`
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except OSError:
            pass
        return _exit(EXIT_FINDINGS)
    finally:
        gc.enable()  # whatever ended the command (main is also called in-process)


# Each subcommand and what adds its parser, in the order `archrules --help` lists them.
_SUBCOMMANDS = {
    "check": _add_check_command, "baseline": _add_baseline_command, "rules": _add_rules_command,
    "explain": _add_explain_command, "test": _add_test_command, "init": _add_init_command,
    "docs": _add_docs_command, "validate": _add_validate_command, "graph": _add_graph_command,
    "lsp": _add_lsp_command,
}


def _is_path(arg: str) -> bool:
    return os.path.lexists(arg)


def _exit(code: int | None) -> int:
    """Exit with `code` (the console script's entry point returns nothing)."""
    raise SystemExit(code or 0)


if __name__ == "__main__":  # pragma: no cover
    main()
