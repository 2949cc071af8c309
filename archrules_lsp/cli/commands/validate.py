"""`archrules validate`: load the rule files and report their problems; check no code.

Also matches the active rules' `file:` globs against the files `check` would check: a
glob matching no file is a warning, rules matching no file at all an error; and warns
when a folder an import contract names holds files of a language contracts cannot read.
Exit 0 when clean (warnings allowed), 2 with any error."""

from __future__ import annotations

import argparse
import json
import os
import sys

from ..console import Painter, err, error, wants_color
from ..exit_codes import EXIT_OK, EXIT_USAGE
from ..project_setup import (
    Project,
    UsageError,
    add_coverage_problems,
    add_selection_problems,
    config_options,
    load_project,
    print_load_problems,
)


def run(args: argparse.Namespace) -> int:
    paint = Painter(wants_color(sys.stderr))
    try:
        project = load_project(args)
    except UsageError as e:
        error(paint, str(e))
        return EXIT_USAGE
    check_coverage(project)
    n_rules, n_files = len(project.ruleset.rules), len(project.rule_paths)
    if args.format == "json":
        from ..formats.json_doc import json_path, load_problem_records

        json.dump({"version": 1, "rule_files": [json_path(str(p), project.root) for p in project.rule_paths],
                   "rules": n_rules, "errors": load_problem_records(project)}, sys.stdout, indent=2)
        sys.stdout.write("\n")
    elif args.format == "github":
        from ..formats.github import GithubFormat
        from ..report import RunState

        GithubFormat(RunState(project=project, cwd=os.getcwd()), sys.stdout, args).begin()
    else:
        print_load_problems(project, paint)
        summary = f"{n_rules} rule{'' if n_rules == 1 else 's'} in {n_files} file{'' if n_files == 1 else 's'}"
        errors, warnings = project.error_count, project.warning_count
        counts = f"{_count(errors, 'error') if errors else 'no errors'}" + (
            f", {_count(warnings, 'warning')}" if warnings else "")
        if errors:
            err(f"{summary}: {counts}.")
        else:
            sys.stdout.write(f"{summary}: {counts}.\n")
    return EXIT_USAGE if project.has_errors else EXIT_OK


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def check_coverage(project: Project) -> None:
    """The rules active under [tool.archrules] against the files `check` would check:
    a warning per glob matching no file, an error when no rule applies to any, a warning
    per folder an import contract names that holds files of a language it cannot read."""
    from ...project.files import FileSelector
    from .check import add_unread_source_notes

    options, unmatched = config_options(project)
    add_selection_problems(project, unmatched, [])
    rules = [r for r in project.ruleset.rules if r.enabled and options.is_active(r.id)]
    rels = list(FileSelector(project.root, project.config, project.rule_paths).walk())
    add_coverage_problems(project, rules, rels)
    add_unread_source_notes(project, rules, rels)
