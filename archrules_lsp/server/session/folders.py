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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...project.conventions import (
    RULE_SUFFIXES,
    Skip,
    content_skip,
    looks_like_rule_file,
    resolve_selection,
    root_relative,
    rule_watch_globs,
)
from .settings import Settings, build_settings, merge_project_config

if TYPE_CHECKING:
    from ...engine import Checker, CheckResult, Finding, Fix, Rule, RuleError, RuleSet
    from ...project.baseline import Baseline
    from ...project.discovery import DiscoveryWarning
    from ...project.files import FileSelector

log = logging.getLogger(__name__)

# why a file is not checked, besides its content (conventions.content_skip)
DISABLED = Skip("archrules is disabled for this folder", "disabled")
NO_RULES = Skip("no rules loaded", "no rules")
OUTSIDE = Skip("outside the folder", "outside")
RULE_FILE = Skip("a rule file", "rule file")
EXCLUDED = Skip("excluded by the settings", "excluded")


def norm(path: str | os.PathLike) -> str:
    return os.path.normcase(os.path.abspath(path))


@dataclass
class RulesReport:
    """What a reload found, for the features that report it."""

    rule_count: int = 0
    error_count: int = 0
    errors_by_file: dict[str, list[RuleError]] = field(default_factory=dict)  # path -> its problems
    cleared_files: list[str] = field(default_factory=list)  # had errors before, none now
    newly_broken: list[tuple[str, int]] = field(default_factory=list)  # (path, error count)
    kept_files: list[str] = field(default_factory=list)  # last good rules kept
    kept_rules: dict[str, list[str]] = field(default_factory=dict)  # path -> ids kept from the last good version
    files: list[str] = field(default_factory=list)


class Folder:
    def __init__(self, uri: str, root: Path, name: str = "", implicit: bool = False) -> None:
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
        self.ruleset: RuleSet | None = None
        self.checker: Checker | None = None
        self.selector: FileSelector | None = None
        self._good_rules: dict[str, tuple[Rule, ...]] = {}
        self._listed_files: set[str] = set()  # files with problems published
        self._broken: set[str] = set()  # files whose breakage was announced already
        self.rule_links: dict[str, dict] = {}  # rule id -> LSP Location JSON (set by the rule files feature)
        self.baseline: Baseline | None = None  # findings frozen by `archrules baseline`
        self.baseline_path: Path | None = None  # where the baseline is (or would be)
        self.baseline_problem: str | None = None  # why the baseline file could not be used

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
        """Root-relative posix path ("" for the root), or None when outside the folder."""
        return root_relative(path, self.root)

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
        if not path.endswith(RULE_SUFFIXES):
            return False
        parent = norm(os.path.dirname(path))
        return any(norm(os.path.join(self.root, entry)) == parent for entry in self._configured_rule_entries())

    def rule_watch_globs(self) -> list[str]:
        """File-watcher globs for this folder's rule files (conventional and configured)."""
        return rule_watch_globs(self._configured_rule_entries())

    # ------------------------------------------------------------ rules

    def load_rules(self, read_text: Callable[[str], str]) -> RulesReport:
        """Discover and (re)load the rule files; build the checker."""
        from ...engine import Checker, CheckOptions, RuleSet, load_rule_files
        from ...project.config import with_docs_urls
        from ...project.discovery import discover_rules
        from ...project.files import FileSelector

        found = discover_rules(self.root, tuple(self.settings.rules), self.project_config)
        self.rule_paths = [Path(os.path.abspath(p)) for p in found.paths]
        self._rule_path_set = {norm(p) for p in self.rule_paths}
        names = [str(p) for p in self.rule_paths]
        loaded = load_rule_files(names, read_text=read_text)
        problems = (*loaded.errors, *_discovery_problems(found.warnings))
        report = RulesReport(files=names)
        rules = list(with_docs_urls(self._rules_with_last_good(names, loaded, report), self.project_config.docs_url))
        self._report_problems(names, problems, report)

        self.ruleset = RuleSet(rules=tuple(rules), errors=problems, files=loaded.files)
        cfg = self.config
        selection = resolve_selection(cfg.select, cfg.ignore, [r.id for r in rules])
        if selection.unmatched:
            log.warning("%s: select/ignore name no rule: %s", self.name, ", ".join(selection.unmatched))
        self.checker = Checker(self.ruleset, CheckOptions(
            select=selection.select,
            ignore=selection.ignore,
            severity_overrides=dict(cfg.severity_overrides),
            fixes=False,  # computed when a client asks (code actions), not on every keystroke
        ))
        self.selector = FileSelector(self.root, cfg, self.rule_paths)
        report.rule_count = len(rules)
        report.error_count = len(problems)
        self.load_baseline()
        return report

    def load_baseline(self) -> None:
        """(Re)read the baseline file: `[tool.archrules] baseline`, else the conventional one."""
        from ...project.baseline import Baseline, BaselineError, locate_baseline, read_baseline
        from ...project.conventions import resolves_inside

        path, named = locate_baseline(self.root, self.project_config.baseline)
        self.baseline_path, self.baseline, self.baseline_problem = path, None, None
        if not named and not os.path.lexists(path):
            return
        if not named and not resolves_inside(path, self.root):
            self.baseline_problem = "a symlink to outside the project: not read"
            return
        try:
            self.baseline = Baseline(read_baseline(path))
        except BaselineError as e:
            self.baseline_problem = str(e)

    def is_baseline_file(self, path: str) -> bool:
        return self.baseline_path is not None and norm(path) == norm(self.baseline_path)

    def _rules_with_last_good(self, names: list[str], loaded: RuleSet, report: RulesReport) -> list[Rule]:
        """The loaded rules, with the last good version of what a broken file lost."""
        from ...engine.model import Severity

        rules_by_file: dict[str, list[Rule]] = {}
        for rule in loaded.rules:
            rules_by_file.setdefault(norm(rule.location.path) if rule.location else "", []).append(rule)
        erring = {norm(e.path) for e in loaded.errors if e.severity is Severity.ERROR}
        rules: list[Rule] = list(rules_by_file.pop("", []))
        good: dict[str, tuple[Rule, ...]] = {}
        for name in names:
            key = norm(name)
            fresh = rules_by_file.pop(key, [])
            previous = self._good_rules.get(key)
            if previous is not None and key in erring and os.path.exists(name):
                if not fresh:
                    good[key] = previous
                    report.kept_files.append(name)
                else:
                    # a broken file that still loads some rules (the loader recovers past a
                    # YAML error): the rules it lost keep their last good version
                    good[key] = tuple(self._keep_lost_rules(name, list(previous), fresh, report))
            elif fresh:
                good[key] = tuple(fresh)
            rules.extend(good.get(key, ()))
        for leftover in rules_by_file.values():  # rules located in files we did not name
            rules.extend(leftover)
        self._good_rules = good
        return rules

    @staticmethod
    def _keep_lost_rules(name: str, previous: list[Rule], fresh: list[Rule], report: RulesReport) -> list[Rule]:
        fresh_ids = {r.id for r in fresh}
        lost = [r for r in previous if r.id not in fresh_ids]
        if not lost:
            return fresh
        by_id = {r.id: r for r in fresh}
        prev_ids = {r.id for r in previous}
        report.kept_rules[name] = [r.id for r in lost]
        return [by_id.get(r.id, r) for r in previous] + [r for r in fresh if r.id not in prev_ids]

    def _report_problems(self, names: list[str], problems: Sequence[RuleError], report: RulesReport) -> None:
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

    def rule(self, rule_id: str) -> Rule | None:
        return self.ruleset.get(rule_id) if self.ruleset is not None else None

    # ------------------------------------------------------------ checking

    def skip_reason(self, path: str, text: str | None = None) -> Skip | None:
        """Why this file is not checked (None: it is); `text`: an editor buffer's."""
        if not self.settings.enable:
            return DISABLED
        if self.checker is None:
            return NO_RULES
        rel = self.relative(path)
        if rel is None:
            return OUTSIDE
        if self.is_rule_file(path):
            return RULE_FILE
        if self.selector is not None and self.selector.is_excluded(rel):
            return EXCLUDED
        return content_skip(text, self.config.max_file_size) if text is not None else None

    def check(self, path: str, text: str) -> CheckResult:
        """Check a file of this folder (one `skip_reason` lets through), fixes left out."""
        return self._checked(path, text, lambda checker, rel: checker.check(rel, text))

    def check_with_fixes(self, path: str, text: str) -> CheckResult:
        """`check` with every fix (the engine keeps the last result: asking again is free)."""
        return self._checked(path, text, lambda checker, rel: checker.check_with_fixes(rel, text))

    def fixes_for(self, path: str, text: str, finding: Finding) -> tuple[Fix, ...]:
        rel = self.relative(path)
        if self.checker is None or rel is None:
            return ()
        return self.checker.fixes_for(rel, text, finding)

    def _checked(self, path: str, text: str, run: Callable[[Checker, str], CheckResult]) -> CheckResult:
        from ...engine import CheckResult

        rel = self.relative(path)
        if self.checker is None or rel is None:
            return CheckResult((), ())
        return run(self.checker, rel)


def _discovery_problems(warnings: Sequence[DiscoveryWarning]) -> list[RuleError]:
    """Rule files discovery skipped (a symlink out of the project), as warnings on them."""
    from ...engine import RuleError, Severity, Span

    return [RuleError(str(w.path), Span(0, 0, 0, 0), w.message, None, Severity.WARNING) for w in warnings]


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

    def __iter__(self) -> Iterator[Folder]:
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
