"""Workspace folders: each one a project with its own root, settings, rules and checker.

Multi-root: a document belongs to the folder whose root is the longest prefix of
its path. Without workspace folders the initialize `rootUri`/`rootPath` is the
one folder; without that either, a folder is made on demand at `find_root` of
the document (an "implicit" folder).

Rules reload per folder and keep, per rule file, the last good version: when a
reload of file F yields errors and no rules at all (a YAML syntax error), F's
previous rules stay in force until F is fixed; the other files reload normally.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .settings import Settings, build_settings, merge_project_config

log = logging.getLogger(__name__)

RULE_DIR = ".architecture-rules"
RULE_FILE_NAMES = (".architecture-rules.yaml", ".architecture-rules.yml")
YAML_SUFFIXES = (".yaml", ".yml")
SKIP_TOO_BIG = "over the size limit"
SKIP_BINARY = "binary"
BINARY_SNIFF_CHARS = 8192  # project.files sniffs the first 8192 bytes for a NUL


def norm(path: str | os.PathLike) -> str:
    return os.path.normcase(os.path.abspath(path))


def looks_like_rule_file(path: str) -> bool:
    """Named like a rule file wherever it is (never linted as source)."""
    p = Path(path)
    if p.name in RULE_FILE_NAMES:
        return True
    return p.suffix in YAML_SUFFIXES and p.parent.name == RULE_DIR


@dataclass
class RulesReport:
    """What a reload found, for the features that report it."""

    rule_count: int = 0
    error_count: int = 0
    errors_by_file: dict[str, list] = field(default_factory=dict)  # path -> [RuleError]
    cleared_files: list[str] = field(default_factory=list)  # had errors before, none now
    newly_broken: list[tuple[str, int]] = field(default_factory=list)  # (path, error count)
    kept_files: list[str] = field(default_factory=list)  # last good rules kept
    kept_rules: dict[str, list[str]] = field(default_factory=dict)  # path -> ids kept from the last good version
    files: list[str] = field(default_factory=list)


class Folder:
    def __init__(self, uri: str, root: Path, name: str = "", implicit: bool = False):
        from ...project.config import ProjectConfig

        self.uri = uri
        self.root = Path(os.path.abspath(root))
        self.name = name or self.root.name
        self.implicit = implicit
        self.settings = Settings()
        self.project_config = ProjectConfig()
        self.config = ProjectConfig()  # project config with the editor settings on top
        self.rule_paths: list[Path] = []
        self._rule_path_set: set[str] = set()
        self.ruleset = None
        self.checker = None
        self.selector = None
        self._good_rules: dict[str, tuple] = {}
        self._listed_files: set[str] = set()  # files with problems published
        self._broken: set[str] = set()  # files whose breakage was announced already
        self.rule_links: dict = {}  # rule id -> LSP Location JSON (set by the rule files feature)

    # ------------------------------------------------------------ settings

    def apply_settings(self, *editor_layers: Any) -> bool:
        """Recompute settings from the editor's layers and pyproject; True if anything changed."""
        from ...project.config import read_project_config

        settings = build_settings(*editor_layers, where=f"{self.name} settings")
        project_config, problems = read_project_config(self.root)
        for problem in problems:
            log.warning("%s", problem)
        config = merge_project_config(settings, project_config)
        changed = (settings, config) != (self.settings, self.config)
        self.settings, self.project_config, self.config = settings, project_config, config
        return changed

    # ------------------------------------------------------------ paths

    def relative(self, path: str | os.PathLike) -> str | None:
        """Root-relative posix path, or None when outside the folder."""
        try:
            rel = os.path.relpath(os.path.abspath(path), self.root)
        except ValueError:
            return None
        if rel == os.pardir or rel.startswith(os.pardir + os.sep):
            return None
        return rel.replace(os.sep, "/")

    def contains(self, path: str) -> bool:
        return self.relative(path) is not None

    def is_rule_file(self, path: str) -> bool:
        return norm(path) in self._rule_path_set or looks_like_rule_file(path)

    def is_config_file(self, path: str) -> bool:
        return norm(path) == norm(self.root / "pyproject.toml")

    def loads_rule_file(self, path: str) -> bool:
        return norm(path) in self._rule_path_set

    def _configured_rule_entries(self) -> tuple[str, ...]:
        return tuple(self.settings.rules) or tuple(self.project_config.rules)

    def in_configured_rules(self, path: str) -> bool:
        """A new .yaml in a configured rules folder (not loaded yet, so not in rule_paths)."""
        if not path.endswith(YAML_SUFFIXES):
            return False
        parent = norm(os.path.dirname(path))
        return any(norm(os.path.join(self.root, entry)) == parent for entry in self._configured_rule_entries())

    def rule_watch_globs(self) -> list[str]:
        """File-watcher globs for the rule paths configured in settings or pyproject."""
        globs = []
        for entry in self._configured_rule_entries():
            name = os.path.basename(entry.rstrip("/\\"))
            if name.endswith(YAML_SUFFIXES):
                globs.append(f"**/{name}")
            elif name:
                globs.append(f"**/{name}/*.{{yaml,yml}}")
        return globs

    # ------------------------------------------------------------ rules

    def load_rules(self, read_text: Callable[[str], str]) -> RulesReport:
        """Discover and (re)load the rule files; build the checker."""
        from ...engine import Checker, CheckOptions, RuleSet, load_rule_files
        from ...project.discovery import discover_rule_paths
        from ...project.files import FileSelector

        paths = discover_rule_paths(self.root, tuple(self.settings.rules), self.project_config)
        self.rule_paths = [Path(os.path.abspath(p)) for p in paths]
        self._rule_path_set = {norm(p) for p in self.rule_paths}
        names = [str(p) for p in self.rule_paths]
        loaded = load_rule_files(names, read_text=read_text)
        report = RulesReport(files=names)
        rules = self._rules_with_last_good(names, loaded, report)
        self._report_problems(names, loaded.errors, report)

        self.ruleset = RuleSet(rules=tuple(rules), errors=loaded.errors, files=loaded.files)
        cfg = self.config
        self.checker = Checker(self.ruleset, CheckOptions(
            select=tuple(cfg.select),
            ignore=tuple(cfg.ignore),
            severity_overrides=dict(cfg.severity_overrides),
            fixes=False,  # computed when a client asks (code actions), not on every keystroke
        ))
        self.selector = FileSelector(self.root, cfg, self.rule_paths)
        report.rule_count = len(rules)
        report.error_count = len(loaded.errors)
        return report

    def _rules_with_last_good(self, names: list[str], loaded, report: RulesReport) -> list:
        """The loaded rules, with the last good version of what a broken file lost."""
        from ...engine.model import Severity

        rules_by_file: dict[str, list] = {}
        for rule in loaded.rules:
            rules_by_file.setdefault(norm(rule.location.path) if rule.location else "", []).append(rule)
        erring = {norm(e.path) for e in loaded.errors if e.severity is Severity.ERROR}
        rules: list = list(rules_by_file.pop("", []))
        good: dict[str, tuple] = {}
        for name in names:
            key = norm(name)
            fresh = rules_by_file.pop(key, [])
            previous = self._good_rules.get(key)
            broken = key in erring and previous is not None and os.path.exists(name)
            if broken and not fresh:
                good[key] = previous
                report.kept_files.append(name)
            elif fresh:
                if broken:
                    # a broken file that still loads some rules (the loader recovers past a
                    # YAML error): the rules it lost keep their last good version
                    fresh = self._keep_lost_rules(name, list(previous), fresh, report)
                good[key] = tuple(fresh)
            rules.extend(good.get(key, ()))
        for leftover in rules_by_file.values():  # rules located in files we did not name
            rules.extend(leftover)
        self._good_rules = good
        return rules

    @staticmethod
    def _keep_lost_rules(name: str, previous: list, fresh: list, report: RulesReport) -> list:
        fresh_ids = {r.id for r in fresh}
        lost = [r for r in previous if r.id not in fresh_ids]
        if not lost:
            return fresh
        by_id = {r.id: r for r in fresh}
        prev_ids = {r.id for r in previous}
        report.kept_rules[name] = [r.id for r in lost]
        return [by_id.get(r.id, r) for r in previous] + [r for r in fresh if r.id not in prev_ids]

    def _report_problems(self, names: list[str], problems, report: RulesReport) -> None:
        """Problems by file (keyed by the path as we named it, for URIs); which files are newly
        broken (errors, not warnings) and which are clean again."""
        from ...engine.model import Severity

        by_name = {norm(n): n for n in names}
        for problem in problems:
            report.errors_by_file.setdefault(by_name.get(norm(problem.path), problem.path), []).append(problem)
        now_listed = {norm(p) for p in report.errors_by_file}
        report.cleared_files = [by_name.get(k, k) for k in self._listed_files - now_listed]
        now_broken = set()
        for path, errs in report.errors_by_file.items():
            count = sum(1 for e in errs if e.severity is Severity.ERROR)
            if count:
                now_broken.add(norm(path))
                if norm(path) not in self._broken:
                    report.newly_broken.append((path, count))
        self._broken = now_broken
        self._listed_files = now_listed

    def rule(self, rule_id: str):
        return self.ruleset.get(rule_id) if self.ruleset is not None else None

    # ------------------------------------------------------------ checking

    def skip_reason(self, path: str, text: str | None = None) -> str | None:
        """Why this file is not checked (None: it is)."""
        if not self.settings.enable:
            return "disabled"
        if self.checker is None:
            return "no rules loaded"
        rel = self.relative(path)
        if rel is None:
            return "outside the folder"
        if self.is_rule_file(path):
            return "a rule file"
        if self.selector is not None and self.selector.is_excluded(rel):
            return "excluded"
        if text is not None:
            if len(text) > self.config.max_file_size:
                if len(text.encode("utf-8", "surrogatepass")) > self.config.max_file_size:
                    return SKIP_TOO_BIG
            if "\0" in text[:BINARY_SNIFF_CHARS]:  # as the CLI and the workspace scan skip it
                return SKIP_BINARY
        return None


class FolderRegistry:
    """The folders of the session, and which one a path belongs to."""

    def __init__(self) -> None:
        self._folders: dict[str, Folder] = {}

    def add(self, folder: Folder) -> Folder:
        self._folders[folder.uri] = folder
        return folder

    def remove(self, uri: str) -> Folder | None:
        return self._folders.pop(uri, None)

    def get(self, uri: str) -> Folder | None:
        return self._folders.get(uri)

    def __iter__(self):
        return iter(list(self._folders.values()))

    def __len__(self) -> int:
        return len(self._folders)

    def for_path(self, path: str | None) -> Folder | None:
        """The folder with the longest root that holds `path` (explicit folders first)."""
        if not path:
            return None
        best: Folder | None = None
        for folder in self._folders.values():
            if folder.contains(path) and (best is None or (best.implicit and not folder.implicit) or (
                    best.implicit == folder.implicit and len(str(folder.root)) > len(str(best.root)))):
                best = folder
        return best
