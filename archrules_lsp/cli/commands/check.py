"""`archrules check [PATH ...]`: find the rule violations in a project's files.

Files named on the command line are checked even when .gitignore or `exclude`
would skip them (like ruff), unless --force-exclude; folders are walked with all
exclusions. Paths must lie under the project root.

Exit status: 2 for usage errors, for any rule-file or configuration error (the valid
rules still run and their findings are printed) and for fixes that could not be
written, else 1 when a finding is at or above --fail-on (hints, unused suppressions
included, never count), else 0. --exit-zero turns 1 into 0.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from ...project.conventions import resolve_selection, resolves_inside
from .. import baselines
from ..console import Painter, display_path, err, error, printable, wants_color
from ..exit_codes import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from ..file_report import NO_BASELINE, BaselineUse, FileReport
from ..project_setup import (
    LoadProblem,
    Project,
    UsageError,
    add_coverage_problems,
    add_selection_problems,
    load_project,
    print_load_problems,
)
from ..report import FixProblem, Format, RunState

if TYPE_CHECKING:  # pragma: no cover
    from ...engine import Checker, CheckOptions
    from ...engine.model import Rule
    from ...project.baseline import Baseline, Entry
    from ...project.files import FileSelector

SKIPPED_LISTED = 20  # the skipped-file line names this many, then counts the rest


def run(args: argparse.Namespace) -> int:
    stderr_paint = Painter(wants_color(sys.stderr, args.color))
    try:
        project = load_project(args)
        checker, options, unmatched = build_checker(args, project)
        add_selection_problems(project, unmatched, split_ids([*args.select, *args.ignore]))
        from ...project.files import FileSelector

        # the baseline file, like the rule files, is never checked as source
        never = [*project.rule_paths, baselines.locate(args, project)[0]]
        selector = FileSelector(project.root, project.config, never)
        rels = collect_paths(args, selector, project.root)
        if not args.paths:  # named files say nothing about the rest of the project
            add_coverage_problems(project, checker.rules, rels)
        texts = attach_import_graph(args, project, checker, rels) if checker.has_import_contracts else None
        baseline, baseline_path = baselines.for_check(args, project)
        at_ref = None
        if args.new_since is not None:
            rels, at_ref = baselines.at_revision(args, project, checker, rels)
    except UsageError as e:
        error(stderr_paint, str(e))
        return EXIT_USAGE

    state = RunState(project=project, cwd=os.getcwd(), fail_on=args.fail_on, fixing=args.fix,
                     baseline_name=display_path(str(baseline_path)) if baseline_path else None)
    from ..formats import get as get_format

    fmt = get_format(args.format)(state, sys.stdout, args)
    if fmt.load_problems_on_stderr:
        print_load_problems(project, stderr_paint)
    show = baseline is not None and (args.show_baselined or fmt.shows_baselined)
    run_scan(args, project, checker, options, rels, state, fmt, BaselineUse(baseline, at_ref, show), texts)
    report_after_scan(args, state, fmt, stderr_paint)
    stale = fixed_entries(args, project, checker, baseline, state) if args.strict_baseline else []
    report_fixed_entries(stale, stderr_paint)
    return exit_status(args, project, state, bool(stale))


def fixed_entries(args: argparse.Namespace, project: Project, checker: Checker, baseline: Baseline | None,
                  state: RunState) -> list[Entry]:
    """--strict-baseline: the baseline's entries this run checked and did not find."""
    if baseline is None:
        return []
    active = baselines.active_rules(checker)
    fixed = [e for e in state.fixed_entries if e.rule in active]
    if args.new_since is None:  # new-code mode checks only the changed files
        fixed += baselines.unmatched_elsewhere(baseline, baselines.scopes_of(args, project), active, state.visited)
    return sorted(set(fixed))


def report_fixed_entries(fixed: list[Entry], paint: Painter) -> None:
    if not fixed:
        return
    n = len(fixed)
    err(f"archrules: {paint('error', 'bold_red')}: {n} baseline entr{'y is' if n == 1 else 'ies are'} fixed "
        "(--strict-baseline); remove them with `archrules baseline --prune` and commit the baseline:")
    for e in fixed[:SKIPPED_LISTED]:
        err(f"  {printable(e.path)}: {printable(e.rule)} {e.kind} {printable(e.what)!r} (#{e.occurrence})")
    if n > SKIPPED_LISTED:
        err(f"  and {n - SKIPPED_LISTED} more")


def attach_import_graph(args: argparse.Namespace, project: Project, checker: Checker, rels: list[str],
                        stale: bool = True) -> dict[str, str] | None:
    """The import graph for the contracts' indirect chains: of the whole project, even when
    only some files are checked (a chain runs through files not named). A whole-project run
    also warns about `ignore` entries that match no import (`stale`; a partial run cannot tell).

    Returns the texts the graph was read from when they are the files to check (a whole-project
    run that does not fix): the scan checks them without reading them again."""
    from ...engine.imports.contracts import stale_ignores, unmatched_names
    from ...project.files import FileSelector
    from ...project.import_graph import import_context

    whole = not args.paths and getattr(args, "new_since", None) is None
    everything = rels if whole else list(FileSelector(project.root, project.config, project.rule_paths).walk())
    texts: dict[str, str] | None = {} if whole and not getattr(args, "fix", False) else None
    context = import_context(project.root, everything, project.config,
                             max_file_size=args.max_file_size, jobs=args.jobs or 0, keep_texts=texts)
    checker.use_imports(context)
    if whole and stale:
        for e in [*stale_ignores(checker.rules, context.graph), *unmatched_names(checker.rules, context.graph)]:
            project.run_problems.append(LoadProblem(e.message, e.severity.value, e.path, e.span.line + 1,
                                                    e.span.column + 1, e.rule_id))
        add_unread_source_notes(project, checker.rules, everything)
    return texts


def add_unread_source_notes(project: Project, rules: Iterable[Rule], rels: list[str]) -> None:
    """A warning per folder a contract names holding files of a language it cannot read
    (check and validate)."""
    from ...project.import_graph import unread_sources

    for gap in unread_sources(rules, rels):
        loc = gap.rule.imports.location if gap.rule.imports else None
        files = f"{gap.count} file{'' if gap.count == 1 else 's'}"
        project.run_problems.append(LoadProblem(
            f'"{gap.name}" holds {files} import contracts do not read ({", ".join(gap.suffixes)}): only Python '
            "and JavaScript/TypeScript imports are checked", "warning", loc.path if loc else None,
            loc.span.line + 1 if loc else None, loc.span.column + 1 if loc else None, gap.rule.id, about="coverage"))


def split_ids(values: Iterable[str]) -> list[str]:
    """['BG-001,BG-002', 'BG-1'] -> ['BG-001', 'BG-002', 'BG-1']"""
    return [t.strip() for v in values for t in v.split(",") if t.strip()]


def build_checker(args: argparse.Namespace, project: Project) -> tuple[Checker, CheckOptions, tuple[str, ...]]:
    """The Checker for this run, its options, and the --select / --ignore tokens that matched no rule.
    --select replaces the config's `select`; --ignore adds to its `ignore`."""
    from ...engine import UNUSED_SUPPRESSION, Checker, CheckOptions
    from ..formats import WITH_FIXES

    config = project.config
    selection = resolve_selection(split_ids(args.select) or config.select,
                                  [*config.ignore, *split_ids(args.ignore)],
                                  [r.id for r in project.ruleset.rules])
    options = CheckOptions(
        select=selection.select,
        ignore=selection.ignore,
        severity_overrides=dict(config.severity_overrides),
        unused_suppressions=not args.no_unused_suppressions and UNUSED_SUPPRESSION not in selection.ignore,
        suppression_fixes=False,  # editor quick fixes; no output format carries them
        # a fix's safety costs a parse of the file: only when it is applied or printed
        fixes=bool(args.fix) or args.format in WITH_FIXES,
    )
    checker = Checker(project.ruleset, options)
    # Start-up is over (main turned collections off for it). What it made lives to the end:
    # frozen, later collections skip it instead of scanning it once more.
    gc.freeze()
    gc.enable()
    return checker, options, selection.unmatched


def collect_paths(args: argparse.Namespace, selector: FileSelector, root: Path) -> list[str]:
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


def run_scan(args: argparse.Namespace, project: Project, checker: Checker, options: CheckOptions,
             rels: list[str], state: RunState, fmt: Format, use: BaselineUse = NO_BASELINE,
             texts: dict[str, str] | None = None) -> None:
    """Check (or fix) the files, feeding each file's report to the format and the counters.
    `texts`: files read already for the import graph (see attach_import_graph)."""
    from ...project.scan import CheckerSpec, scan, scan_and_fix
    from ..file_report import ReportTransform

    _survive_undecodable_names()
    if checker.has_import_contracts and not len(checker.imports.graph):  # `baseline` comes here directly
        texts = attach_import_graph(args, project, checker, rels, stale=False)
    imports = checker.imports if checker.has_import_contracts else None
    jobs = args.jobs
    if imports is not None and not jobs and all(not r.patterns and not r.anti_patterns for r in checker.rules):
        # import contracts alone cost a file less than sending its report back from a worker
        # (bench/imports: -j 2 took more wall time than -j 1, and 30% more CPU)
        jobs = 1
    if imports is not None and uses_workers(jobs, len(rels)):
        imports.chains.search_all(imports.graph, checker.rules)  # once here, not in every worker
    spec = CheckerSpec(tuple(str(p) for p in project.rule_paths), options, imports)  # for spawned workers only
    fmt.begin()
    size = args.max_file_size or project.config.max_file_size
    transform = ReportTransform(fmt.renderer(), use)
    if args.fix:
        reports = scan_and_fix(project.root, rels, checker, jobs=jobs, max_file_size=size,
                               transform=transform, spec=spec)
    else:
        reports = scan(project.root, rels, checker, jobs=jobs, max_file_size=size, transform=transform,
                       spec=spec, texts=texts)
    for rel, report in reports:
        if use.baseline is not None:
            state.visited.add(rel)
        if not isinstance(report, FileReport):  # a SkipReport
            state.skipped.append((rel, report.reason))
            continue
        if report.unwritten:
            state.fix_problems.append(FixProblem(rel, report.unwritten, report.write_failed))
        if report.fixes_applied:
            state.fixed += report.fixes_applied
            state.files_fixed += 1
        state.record(report)
        fmt.file(rel, report.payload)
    fmt.end()
    sys.stdout.flush()


def uses_workers(jobs: int | None, files: int) -> bool:
    """Will `scan` check these files in worker processes?"""
    from ...project.scan import IN_PROCESS_BELOW, default_jobs

    return (jobs or default_jobs()) > 1 and files >= IN_PROCESS_BELOW


def report_after_scan(args: argparse.Namespace, state: RunState, fmt: Format, paint: Painter) -> None:
    """On stderr: fixes not written (errors even with --quiet), skipped files, the fix count."""
    for problem in state.fix_problems:
        if problem.is_error or not args.quiet:
            level = paint("error", "bold_red") if problem.is_error else paint("warning", "yellow")
            err(f"{display_path(str(state.project.root / problem.rel))}: {level}: {printable(problem.message)}")
    if args.quiet:
        return
    if state.skipped and fmt.skipped_on_stderr:
        n = len(state.skipped)
        listed = ", ".join(f"{display_path(str(state.project.root / rel), state.cwd)} ({printable(reason)})"
                           for rel, reason in state.skipped[:SKIPPED_LISTED])
        more = f", and {n - SKIPPED_LISTED} more" if n > SKIPPED_LISTED else ""
        err(f"skipped {n} file{'' if n == 1 else 's'}: {listed}{more}")
    if args.fix and args.format != "text":  # text prints it on stdout, above its summary
        err(state.fixed_line())
    baselined = state.baselined_line()
    if baselined is not None and not fmt.baselined_in_output:
        err(printable(baselined))


def exit_status(args: argparse.Namespace, project: Project, state: RunState, stale_baseline: bool = False) -> int:
    if project.has_errors or any(p.is_error for p in state.fix_problems):
        return EXIT_USAGE
    if (state.failing or stale_baseline) and not args.exit_zero:
        return EXIT_FINDINGS
    return EXIT_OK


def _survive_undecodable_names() -> None:
    """Text and github escape what they print; the JSON formats encode names as valid
    text themselves. Should anything unencodable be left, replace it rather than crash."""
    with contextlib.suppress(AttributeError, ValueError):  # not a TextIOWrapper (tests, wrappers)
        sys.stdout.reconfigure(errors="replace")  # type: ignore[union-attr]
