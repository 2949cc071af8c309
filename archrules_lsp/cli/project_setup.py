"""What every subcommand starts with: the root, [tool.archrules], the rule files, the rules.

Problems found here (bad config, missing rule paths, rule files skipped or with errors)
are collected, not raised: `check` still runs the valid rules and exits 2 at the end.
Every output format shows them from the one list `Project.load_problems`.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

from ..engine.record import field, record
from ..project.config import ProjectConfig, read_project_config
from ..project.discovery import DiscoveryWarning, discover_rules, find_root

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import RuleSet
    from .console import Painter

NO_RULES = "no rule files found: create .architecture-rules/ or pass --rules"


class UsageError(Exception):
    """Bad command-line input: message on stderr, exit status 2."""


@record
class LoadProblem:
    """A problem found before any file is checked, in the form every output format shows."""

    message: str
    severity: str  # "error" (exit status 2) or "warning"
    path: str | None = None  # absolute: a rule file, pyproject.toml
    line: int | None = None  # 1-based, with column
    column: int | None = None
    rule_id: str | None = None
    about: str = "rule file"  # or "configuration", "selection", "coverage": what it is in, for titles


@record(frozen=False)
class Project:
    """A project as a command sees it: root, configuration, rule files, loaded rules, problems found."""

    root: Path
    config: ProjectConfig
    config_problems: list[str]
    rule_paths: list[Path]
    ruleset: RuleSet
    missing_rule_paths: list[Path] = field(default_factory=list)
    discovery_warnings: list[DiscoveryWarning] = field(default_factory=list)
    # found after loading: --select / --ignore naming no rule, rule globs matching no file
    run_problems: list[LoadProblem] = field(default_factory=list)

    @property
    def load_problems(self) -> list[LoadProblem]:
        pyproject = str(self.root / "pyproject.toml")
        out = [LoadProblem(_without_prefix(p, pyproject), "error", pyproject, about="configuration")
               for p in self.config_problems]
        out += [LoadProblem("rule file not found", "error", str(p)) for p in self.missing_rule_paths]
        out += [LoadProblem(w.message, "warning", str(w.path)) for w in self.discovery_warnings]
        out += [LoadProblem(e.message, e.severity.value, e.path, e.span.line + 1, e.span.column + 1, e.rule_id)
                for e in self.ruleset.errors]
        return out + self.run_problems

    @property
    def error_count(self) -> int:
        """Load problems of severity error (warnings do not fail a run)."""
        return sum(1 for p in self.load_problems if p.severity == "error")

    @property
    def warning_count(self) -> int:
        return sum(1 for p in self.load_problems if p.severity == "warning")

    @property
    def has_errors(self) -> bool:
        return self.error_count > 0

    def failure_line(self) -> str | None:
        """Why a run with no findings did not pass (None: nothing failed before the scan)."""
        if not self.has_errors:
            return None
        about = {p.about for p in self.run_problems if p.severity == "error"}
        if "selection" in about:
            return "A rule selection names no rule (error above)."
        if "coverage" in about:
            return "No rule applies to any file checked (error above)."
        return self.not_loaded_line() or "The configuration has errors (above)."

    def not_loaded_line(self) -> str | None:
        """`3 of 4 rules not loaded (errors above).` when rule files have errors, for the
        summary that would otherwise say `All checks passed.`; None when they have none.

        The loader gives no count of what it dropped: a rule is counted as dropped when an
        error names its id and no loaded rule of that file, at that line, has it (a rule
        that loaded with an error in one of its checks still runs). Errors naming no rule
        (a YAML syntax error, a rule without `id`) may hide more: then it says so."""
        errors = [e for e in self.ruleset.errors if e.severity.value == "error"]
        if not errors:
            return None
        loaded = [(r.location.path, r.id, r.location.span) for r in self.ruleset.rules if r.location is not None]
        dropped = {(e.path, e.rule_id) for e in errors if e.rule_id is not None
                   and not any(path == e.path and rid == e.rule_id and span.line <= e.span.line <= span.end_line
                               for path, rid, span in loaded)}
        total = len(self.ruleset.rules) + len(dropped)
        unnamed = any(e.rule_id is None for e in errors)
        if not dropped:
            return ("The rule files have errors (above): some rules may not be loaded." if unnamed
                    else "The rule files have errors (above).")
        perhaps = ", perhaps more" if unnamed else ""
        return f"{len(dropped)} of {total} rules not loaded{perhaps} (errors above)."


def _without_prefix(problem: str, path: str) -> str:
    """read_project_config's problems start with the file's path; the formats place the path themselves."""
    return problem[len(path) + 2:] if problem.startswith(path + ": ") else problem


def resolve_root(args: argparse.Namespace) -> Path:
    if args.root:
        root = Path(os.path.abspath(args.root))
        if not root.is_dir():
            raise UsageError(f"--root {args.root}: not a folder")
        return root
    return find_root(Path.cwd())


def load_project(args: argparse.Namespace) -> Project:
    """Raises UsageError when there is nothing to load at all."""
    root = resolve_root(args)
    config, problems = read_project_config(root)
    configured = [os.path.abspath(p) for p in args.rules]
    found = discover_rules(root, configured, config)
    if not found.paths:
        from .console import display_path

        skipped = "".join(f"; {display_path(str(w.path))}: {w.message}" for w in found.warnings)
        raise UsageError((NO_RULES if not configured else f"no rule files (*.yaml, *.yml) in {', '.join(args.rules)}")
                         + skipped)
    missing = [p for p in found.paths if not p.exists()]
    present = [p for p in found.paths if p.exists()]
    if not present:
        raise UsageError("; ".join(f"rule file not found: {p}" for p in missing))
    from ..engine import load_rule_files

    ruleset = load_rule_files([str(p) for p in present])
    if config.docs_url:  # rules without `url:` link to their `archrules docs` page (SARIF helpUri, json)
        from ..engine.record import replace
        from ..project.config import with_docs_urls

        ruleset = replace(ruleset, rules=with_docs_urls(ruleset.rules, config.docs_url))
    return Project(root, config, problems, present, ruleset, missing, found.warnings)


def load_and_report(args: argparse.Namespace) -> Project | None:
    """The project, its load problems printed on stderr; None (said why) when nothing loads."""
    import sys

    from .console import Painter, error, wants_color

    paint = Painter(wants_color(sys.stderr))
    try:
        project = load_project(args)
    except UsageError as e:
        error(paint, str(e))
        return None
    print_load_problems(project, paint)
    return project


def print_load_problems(project: Project, paint: Painter) -> None:
    """Every load problem on stderr, as `path:line:col: error: [RULE] message`."""
    from .console import err

    for problem in project.load_problems:
        err(format_load_problem(problem, paint))


def format_load_problem(problem: LoadProblem, paint: Painter) -> str:
    from .console import display_path, printable

    where = display_path(problem.path) if problem.path else "archrules"
    if problem.line is not None:
        where += f":{problem.line}:{problem.column}"
    level = paint(problem.severity, "bold_red" if problem.severity == "error" else "yellow")
    rule = f" [{printable(problem.rule_id)}]" if problem.rule_id else ""
    return f"{where}: {level}:{rule} {printable(problem.message)}"


def config_options(project: Project):
    """CheckOptions from [tool.archrules] alone (select, ignore, severity overrides), and
    the select/ignore tokens that named no rule."""
    from ..engine import CheckOptions
    from ..project.conventions import resolve_selection

    config = project.config
    selection = resolve_selection(config.select, config.ignore, [r.id for r in project.ruleset.rules])
    options = CheckOptions(select=selection.select, ignore=selection.ignore,
                           severity_overrides=dict(config.severity_overrides))
    return options, selection.unmatched


def add_coverage_problems(project: Project, rules, rels: list[str]) -> None:
    """A warning per rule glob that matches none of `rels` (the whole project's files), and
    an error when no rule applies to any of them (rules written for another layout)."""
    from ..project.coverage import glob_coverage
    from .console import display_path

    rules = list(rules)
    coverage = glob_coverage(rules, rels)
    for g in coverage.unmatched:
        loc = g.location
        project.run_problems.append(LoadProblem(
            f'"{g.pattern}" matches no file', "warning", loc.path if loc else None,
            loc.span.line + 1 if loc else None, loc.span.column + 1 if loc else None, g.rule_id, about="coverage"))
    if not coverage.matches_nothing:
        return
    root = display_path(str(project.root))
    if not rels:
        message = f"no files to check under {root}: is this the project's root (--root)?"
    else:
        shown = ", ".join(f'"{g.pattern}"' for g in coverage.unmatched[:3])
        files = f"the {len(rels)} files" if len(rels) > 1 else "the one file"
        message = (f"no rule applies to any of {files} under {root}: the rules' globs ({shown}) look "
                   "written for a different layout; fix their `file:` globs, or check from the "
                   "project's root (--root)")
    project.run_problems.append(LoadProblem(message, "error", about="coverage"))


def add_selection_problems(project: Project, unmatched, typed: list[str]) -> None:
    """An error per select/ignore token naming no rule: a typo must not turn the gate off.
    `typed`: the tokens given on the command line (the others come from [tool.archrules])."""
    for token in unmatched:
        if token in typed:
            problem = LoadProblem(f"no rule matches '{token}' (--select / --ignore)", "error", about="selection")
        else:
            problem = LoadProblem(f"[tool.archrules]: no rule matches '{token}' (select / ignore)", "error",
                                  str(project.root / "pyproject.toml"), about="selection")
        project.run_problems.append(problem)
