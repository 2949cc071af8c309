"""`archrules baseline [PATH ...]`: freeze today's findings, so that `check` fails only on new ones.

Writes every current finding to the baseline file (see project/baseline.py), replacing
the entries of what this run checked (the PATHs, the active rules) and keeping the rest.
`--prune` only removes entries that are no longer found: a ratchet, it never adds.
Exit status 0, or 2 (usage, rule-file errors: then nothing is written).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ...project.baseline import Baseline, BaselineError, Entry, count_by_rule, read_baseline, write_baseline
from .. import baselines
from ..console import Painter, display_path, err, error, printable, wants_color
from ..exit_codes import EXIT_OK, EXIT_USAGE
from ..file_report import BaselineUse
from ..project_setup import UsageError, add_selection_problems, load_project, print_load_problems
from ..report import Format, RunState
from .check import build_checker, collect_paths, report_after_scan, run_scan


def run(args: argparse.Namespace) -> int:
    paint = Painter(wants_color(sys.stderr, "auto"))
    try:
        project = load_project(args)
        checker, options, unmatched = build_checker(args, project)
        add_selection_problems(project, unmatched, [])  # a typo in the config's select: no baseline for it
        from ...project.files import FileSelector

        path, _ = baselines.locate(args, project)
        selector = FileSelector(project.root, project.config, [*project.rule_paths, path])
        rels = collect_paths(args, selector, project.root)
        old = _previous(path, args.prune, paint)
    except UsageError as e:
        error(paint, str(e))
        return EXIT_USAGE
    print_load_problems(project, paint)
    if project.has_errors:
        err(f"archrules: {paint('error', 'bold_red')}: the baseline was not written: fix the rule-file "
            "and configuration errors first")
        return EXIT_USAGE
    state = RunState(project=project, cwd=os.getcwd())
    use = BaselineUse(baseline=old if args.prune else None, collect=not args.prune)
    silent = Format(state, sys.stdout, args)  # renders nothing: the findings go to the file
    run_scan(args, project, checker, options, rels, state, silent, use)
    report_after_scan(args, state, silent, paint)
    active = baselines.active_rules(checker)
    scopes = baselines.scopes_of(args, project)
    if args.prune:
        fixed = {e for e in state.fixed_entries if e.rule in active}
        fixed.update(baselines.unmatched_elsewhere(old, scopes, active, state.visited))
        entries = [e for e in old.entries() if e not in fixed]
    else:  # what this run checked is replaced; the rest is kept
        entries = [e for e in old.entries() if not baselines.in_scope(e, scopes, active)] + state.entries
    try:
        write_baseline(path, entries)
    except OSError as e:
        err(f"archrules: {paint('error', 'bold_red')}: {printable(display_path(str(path)))}: cannot write: "
            f"{printable(e.strerror or str(e))}")
        return EXIT_USAGE
    _print_summary(path, entries, len(old) - len(entries) if args.prune else None)
    return EXIT_OK


def _previous(path: Path, prune: bool, paint: Painter) -> Baseline:
    """The baseline being replaced (empty when there is none). A broken one is an error
    for --prune (it would lose entries); writing anew replaces it, with a warning."""
    if not prune and not os.path.lexists(path):
        return Baseline()
    try:
        return Baseline(read_baseline(path))
    except BaselineError as e:
        if prune:
            raise UsageError(f"{display_path(str(path))}: invalid baseline: {e}") from None
        err(f"archrules: {paint('warning', 'yellow')}: {printable(display_path(str(path)))}: "
            f"{printable(str(e))}: writing a new baseline")
        return Baseline()


def _print_summary(path: Path, entries: list[Entry], pruned: int | None) -> None:
    name = printable(display_path(str(path)))
    n = len(entries)
    noun = "finding" if n == 1 else "findings"
    if pruned is not None:
        print(f"Pruned {pruned} fixed entr{'y' if pruned == 1 else 'ies'} from {name}; {n} {noun} remain baselined.")
    else:
        print(f"Baselined {n} {noun} in {name}{':' if n else '.'}")
    counts = count_by_rule(entries)
    width = max((len(str(c)) for c in counts.values()), default=1)
    for rule, count in counts.items():
        print(f"  {count:>{width}}  {printable(rule)}")
