"""What every subcommand starts with: the root, [tool.archrules], the rule files, the rules.

Problems found here (bad config, missing rule paths, rule-file errors) are collected,
not raised: `check` still runs the valid rules and exits 2 at the end.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..project.config import ProjectConfig, read_project_config
from ..project.discovery import discover_rule_paths, find_root

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import RuleError, RuleSet

NO_RULES = "no rule files found: create .architecture-rules/ or pass --rules"


class UsageError(Exception):
    """Bad command-line input: message on stderr, exit status 2."""


@dataclass
class Project:
    root: Path
    config: ProjectConfig
    config_problems: list[str]
    rule_paths: list[Path]
    ruleset: "RuleSet"
    missing_rule_paths: list[Path] = field(default_factory=list)

    @property
    def rule_errors(self) -> list["RuleError"]:
        """Rule-file problems of severity error (warnings do not fail a run)."""
        return [e for e in self.ruleset.errors if getattr(e.severity, "value", e.severity) == "error"]

    @property
    def has_errors(self) -> bool:
        return bool(self.config_problems or self.rule_errors or self.missing_rule_paths)


def resolve_root(args: argparse.Namespace) -> Path:
    if getattr(args, "root", None):
        root = Path(os.path.abspath(args.root))
        if not root.is_dir():
            raise UsageError(f"--root {args.root}: not a folder")
        return root
    return find_root(Path.cwd())


def load_project(args: argparse.Namespace) -> Project:
    """Raises UsageError when there is nothing to load at all."""
    root = resolve_root(args)
    config, problems = read_project_config(root)
    configured = [os.path.abspath(p) for p in getattr(args, "rules", []) or []]
    rule_paths = discover_rule_paths(root, configured, config)
    if not rule_paths:
        raise UsageError(NO_RULES if not configured else f"no rule files (*.yaml, *.yml) in {', '.join(args.rules)}")
    missing = [p for p in rule_paths if not p.exists()]
    present = [p for p in rule_paths if p.exists()]
    if not present:
        raise UsageError("; ".join(f"rule file not found: {p}" for p in missing))
    from ..engine import load_rule_files

    ruleset = load_rule_files([str(p) for p in present])
    return Project(root, config, problems, present, ruleset, missing)


def print_load_problems(project: Project, painter=None) -> None:
    """Config problems, missing rule files and rule-file errors, on stderr as `path:line:col: error: ...`."""
    from .console import display_path, err

    paint = painter or (lambda text, style: text)
    for problem in project.config_problems:
        err(f"{paint('error', 'bold_red')}: {problem}")
    for p in project.missing_rule_paths:
        err(f"{display_path(str(p))}: {paint('error', 'bold_red')}: rule file not found")
    for e in project.ruleset.errors:
        level = getattr(e.severity, "value", str(e.severity))
        style = "bold_red" if level == "error" else "yellow"
        where = f"{display_path(e.path)}:{e.span.line + 1}:{e.span.column + 1}"
        rule = f" [{e.rule_id}]" if e.rule_id else ""
        err(f"{where}: {paint(level, style)}:{rule} {e.message}")

