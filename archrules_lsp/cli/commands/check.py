"""`archrules check [PATH ...]`: find the rule violations in a project's files.

Files named on the command line are checked even when .gitignore or `exclude`
would skip them (like ruff), unless --force-exclude; folders are walked with all
exclusions. Paths must lie under the project root.

Exit status: 2 for usage errors and for any rule-file or configuration error (the
valid rules still run and their findings are printed), else 1 when a finding is at
or above --fail-on (hints, unused suppressions included, never count), else 0.
--exit-zero turns 1 into 0.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..console import Painter, display_path, err, wants_color
from ..main import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from ..project_setup import UsageError, load_project, print_load_problems
from ..report import RunState
from ..selection import resolve, split_ids
from ...project.files import resolves_inside


def collect_paths(args, selector, root: Path) -> list[str]:
    """Root-relative files to check, sorted and unique. Raises UsageError for bad paths."""
    if not args.paths:
        return list(selector.walk())
    rels: set[str] = set()
    for raw in args.paths:
        absolute = os.path.abspath(raw)
        rel = selector.relative(absolute)
        if rel is None:
            raise UsageError(f"{raw}: outside the project root {display_path(str(root))} (use --root)")
        if not os.path.exists(absolute):
            raise UsageError(f"{raw}: no such file or folder")
        through = absolute if os.path.isdir(absolute) or not os.path.islink(absolute) else os.path.dirname(absolute)
        if not resolves_inside(through, root):
            # a symlinked file itself is skipped when read (reported); a folder is not entered
            raise UsageError(f"{raw}: resolves (through a symlink) to outside the project root "
                             f"{display_path(str(root))}")
        if selector.is_rule_file(rel):
            continue  # rule files are never checked as source, even when named
        if os.path.isdir(absolute):
            rels.update(selector.walk(rel))
        elif not (args.force_exclude and selector.is_excluded(rel)):
            rels.add(rel)
    return sorted(rels)


def run(args: argparse.Namespace) -> int:
    stderr_paint = Painter(wants_color(sys.stderr, args.color))
    try:
        project = load_project(args)
    except UsageError as e:
        err(f"archrules: {stderr_paint('error', 'bold_red')}: {e}")
        return EXIT_USAGE

    from ...engine import UNUSED_SUPPRESSION, CheckOptions, Checker
    from ...project.files import FileSelector
    from ...project.scan import CheckerSpec, scan, scan_and_fix
    from ..formats import get as get_format
    from ..file_report import ReportTransform, SkipReport

    config = project.config
    rule_ids = [r.id for r in project.ruleset.rules]
    select_tokens = split_ids(args.select) or list(config.select)
    ignore_tokens = list(config.ignore) + split_ids(args.ignore)
    select, ignore, unmatched = resolve(select_tokens, ignore_tokens, rule_ids)
    options = CheckOptions(
        select=select,
        ignore=ignore,
        severity_overrides=dict(config.severity_overrides),
        unused_suppressions=not args.no_unused_suppressions and UNUSED_SUPPRESSION not in ignore,
        suppression_fixes=False,  # editor quick fixes; no output format carries them
    )
    checker = Checker(project.ruleset, options)
    selector = FileSelector(project.root, config, project.rule_paths)
    try:
        rels = collect_paths(args, selector, project.root)
    except UsageError as e:
        err(f"archrules: {stderr_paint('error', 'bold_red')}: {e}")
        return EXIT_USAGE

    state = RunState(project=project, cwd=os.getcwd(), fail_on=args.fail_on, fixing=args.fix)
    _survive_undecodable_names(args.format)
    fmt = get_format(args.format)(state, sys.stdout, args)
    if fmt.load_problems_on_stderr:
        print_load_problems(project, stderr_paint)
    for token in unmatched:
        err(f"archrules: {stderr_paint('warning', 'yellow')}: no rule matches {token!r} (--select / --ignore)")

    max_size = args.max_file_size or config.max_file_size
    run_scan = scan_and_fix if args.fix else scan
    fmt.begin()
    transform = ReportTransform(fmt.renderer())
    spec = CheckerSpec(tuple(str(p) for p in project.rule_paths), options)  # for spawned workers only
    for rel, report in run_scan(project.root, rels, checker, jobs=args.jobs, max_file_size=max_size,
                                transform=transform, spec=spec):
        if report.fix_error:
            state.fix_errors.append((rel, report.fix_error))
        if report.fixes_applied:
            state.fixed += report.fixes_applied
            state.files_fixed += 1
        if isinstance(report, SkipReport):
            state.skipped.append((rel, report.reason))
        else:
            state.record(report)
            fmt.file(rel, report.payload)
    fmt.end()
    sys.stdout.flush()

    if not args.quiet:
        _report_skipped(state, fmt)
        for rel, problem in state.fix_errors:
            err(f"{display_path(str(project.root / rel))}: {stderr_paint('warning', 'yellow')}: {problem}")
        if args.fix and args.format != "text":
            err(f"Fixed {state.fixed} finding{'' if state.fixed == 1 else 's'} in "
                f"{state.files_fixed} file{'' if state.files_fixed == 1 else 's'}.")

    if project.has_errors:
        return EXIT_USAGE
    if state.failing and not args.exit_zero:
        return EXIT_FINDINGS
    return EXIT_OK


def _survive_undecodable_names(fmt: str) -> None:
    """A file name that is not valid UTF-8 must not crash the output: text and github
    print the name's own bytes; the JSON formats (which encode names as valid text
    themselves) replace anything left rather than write invalid UTF-8."""
    try:
        sys.stdout.reconfigure(errors="surrogateescape" if fmt in ("text", "github") else "replace")
    except (AttributeError, ValueError):  # not a TextIOWrapper (tests, wrappers)
        pass


def _report_skipped(state: RunState, fmt) -> None:
    if not state.skipped or not fmt.skipped_on_stderr:
        return
    n = len(state.skipped)
    listed = ", ".join(f"{display_path(str(state.project.root / rel), state.cwd)} ({reason})"
                       for rel, reason in state.skipped[:20])
    more = f", and {n - 20} more" if n > 20 else ""
    err(f"skipped {n} file{'' if n == 1 else 's'}: {listed}{more}")
