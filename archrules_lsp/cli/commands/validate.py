"""`archrules validate`: load the rule files and report their problems; check no code.

Exit 0 when clean (warnings allowed), 2 with any error."""

from __future__ import annotations

import argparse
import json
import os
import sys

from ..console import Painter, err, printable, wants_color
from ..exit_codes import EXIT_OK, EXIT_USAGE
from ..project_setup import UsageError, load_project, print_load_problems


def run(args: argparse.Namespace) -> int:
    paint = Painter(wants_color(sys.stderr))
    try:
        project = load_project(args)
    except UsageError as e:
        err(f"archrules: {paint('error', 'bold_red')}: {printable(str(e))}")
        return EXIT_USAGE
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
        problems = project.error_count
        if problems:
            err(f"{summary}: found {problems} problem{'' if problems == 1 else 's'}.")
        else:
            sys.stdout.write(f"{summary}: no errors.\n")
    return EXIT_USAGE if project.has_errors else EXIT_OK
