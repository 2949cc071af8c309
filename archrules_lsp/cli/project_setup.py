"""What every subcommand starts with: the root, [tool.archrules], the rule files, the rules.

Problems found here (bad config, missing rule paths, rule files skipped or with errors)
are collected, not raised: `check` still runs the valid rules and exits 2 at the end.
Every output format shows them from the one list `Project.load_problems`.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..project.config import ProjectConfig, read_project_config
from ..project.discovery import DiscoveryWarning, discover_rules, find_root

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import RuleSet
    from .console import Painter

NO_RULES = "no rule files found: create .architecture-rules/ or pass --rules"


class UsageError(Exception):
    """Bad command-line input: message on stderr, exit status 2."""


@dataclass(frozen=True)
class LoadProblem:
    """A problem found before any file is checked, in the form every output format shows."""

    message: str
    severity: str  # "error" (exit status 2) or "warning"
    path: str | None = None  # absolute: a rule file, pyproject.toml
    line: int | None = None  # 1-based, with column
    column: int | None = None
    rule_id: str | None = None
    about: str = "rule file"  # or "configuration": what the problem is in, for titles


@dataclass
class Project:
    root: Path
    config: ProjectConfig
    config_problems: list[str]
    rule_paths: list[Path]
    ruleset: RuleSet
    missing_rule_paths: list[Path] = field(default_factory=list)
    discovery_warnings: list[DiscoveryWarning] = field(default_factory=list)

    @property
    def load_problems(self) -> list[LoadProblem]:
        pyproject = str(self.root / "pyproject.toml")
        out = [LoadProblem(_without_prefix(p, pyproject), "error", pyproject, about="configuration")
               for p in self.config_problems]
        out += [LoadProblem("rule file not found", "error", str(p)) for p in self.missing_rule_paths]
        out += [LoadProblem(w.message, "warning", str(w.path)) for w in self.discovery_warnings]
        out += [LoadProblem(e.message, e.severity.value, e.path, e.span.line + 1, e.span.column + 1, e.rule_id)
                for e in self.ruleset.errors]
        return out

    @property
    def error_count(self) -> int:
        """Load problems of severity error (warnings do not fail a run)."""
        return sum(1 for p in self.load_problems if p.severity == "error")

    @property
    def has_errors(self) -> bool:
        return self.error_count > 0


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
    return Project(root, config, problems, present, ruleset, missing, found.warnings)


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
