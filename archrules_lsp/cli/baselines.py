"""The baseline and new-code mode as `check` and `baseline` use them: where the file is,
which findings it leaves out, which of its entries are fixed, and the findings files
had at a git revision (`--new-since`)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

from ..project.conventions import locate_baseline, resolves_inside
from .console import display_path
from .project_setup import Project, UsageError

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import Checker
    from ..project.baseline import Baseline, Entry


def locate(args: argparse.Namespace, project: Project) -> tuple[Path, bool]:
    """(the baseline file, whether it was named): `--baseline FILE` (relative to the
    current folder), else `[tool.archrules] baseline` (relative to the root), else
    `.archrules-baseline.json` at the root."""
    if getattr(args, "baseline", None):
        return Path(os.path.abspath(args.baseline)), True
    return locate_baseline(project.root, project.config.baseline)


def read(path: Path) -> Baseline:
    """The baseline at `path`; UsageError (exit 2) naming the file when it is broken."""
    from ..project.baseline import Baseline, BaselineError, read_baseline  # when there is one: start-up time

    try:
        return Baseline(read_baseline(path))
    except BaselineError as e:
        raise UsageError(f"{display_path(str(path))}: invalid baseline: {e}") from None


def for_check(args: argparse.Namespace, project: Project) -> tuple[Baseline | None, Path | None]:
    """The baseline `check` uses, and its file: none with --no-baseline, or when no file
    was named and the conventional one does not exist."""
    if args.no_baseline:
        return None, None
    path, named = locate(args, project)
    if not named and not os.path.lexists(path):
        return None, None
    if not named and not resolves_inside(path, project.root):
        # found by convention, like a rule file: a checkout never reads from elsewhere by itself
        raise UsageError(f"{display_path(str(path))}: a symlink to outside the project: not read "
                         "(name it with --baseline or [tool.archrules] baseline to use it)")
    return read(path), path


def in_scope(entry: Entry, scopes: list[str], active: frozenset[str]) -> bool:
    """Whether a run over `scopes` (root-relative folders or files; "" is the root) with
    the `active` rules checks what `entry` is about."""
    if entry.rule not in active:
        return False
    return any(not s or entry.path == s or entry.path.startswith(s + "/") for s in scopes)


def active_rules(checker: Checker) -> frozenset[str]:
    from ..engine import UNUSED_SUPPRESSION

    ids = {r.id for r in checker.rules}
    if checker.options.unused_suppressions:
        ids.add(UNUSED_SUPPRESSION)
    return frozenset(ids)


def scopes_of(args: argparse.Namespace, project: Project) -> list[str]:
    """The PATHs as root-relative paths ([""]: the whole root)."""
    from ..project.conventions import root_relative

    if not args.paths:
        return [""]
    return [rel for rel in (root_relative(os.path.abspath(p), project.root) for p in args.paths) if rel is not None]


def unmatched_elsewhere(baseline: Baseline, scopes: list[str], active: frozenset[str],
                        visited: set[str]) -> list[Entry]:
    """Fixed entries of files the scan did not report on: files in scope that no longer
    exist, or that no active rule applies to any more. (A file that was read reports its
    own fixed entries; a skipped one is `visited` and says nothing.)"""
    out = []
    for path, entries in baseline.by_path.items():
        if path in visited:
            continue
        for e in entries:
            if in_scope(e, scopes, active):
                out.append(e)
    return sorted(out)


def at_revision(args: argparse.Namespace, project: Project, checker: Checker,
                rels: list[str]) -> tuple[list[str], Baseline]:
    """--new-since REF: the files of `rels` changed since REF, and the findings they had
    at REF (checked with the same rules, under their current path)."""
    from ..engine.text import decode
    from ..project.baseline import Baseline
    from ..project.gitdiff import GitError, changed_since, repo_toplevel, resolve_revision, text_at

    try:
        top = repo_toplevel(project.root)
        commit = resolve_revision(top, args.new_since)
        changed = changed_since(top, commit)
    except GitError as e:
        raise UsageError(str(e)) from None
    prefix = os.path.relpath(os.path.realpath(project.root), os.path.realpath(top)).replace(os.sep, "/")
    prefix = "" if prefix == "." else prefix + "/"
    kept, old_entries = [], []
    for rel in rels:
        repo_path = prefix + rel
        if repo_path not in changed:
            continue
        kept.append(rel)
        old_path = changed[repo_path]
        if old_path is None or not checker.applies_to(rel):
            continue
        try:
            old_text = decode(text_at(top, commit, old_path))
        except GitError as e:
            raise UsageError(f"{rel}: cannot read it at {args.new_since}: {e}") from None
        old_entries += _entries_of(checker, rel, old_text)
    return kept, Baseline(old_entries)


def _entries_of(checker: Checker, rel: str, text: str) -> list[Entry]:
    from ..project.baseline import finding_entries

    findings = sorted(checker.check(rel, text).findings, key=lambda f: (f.span.line, f.span.column, f.rule_id))
    return finding_entries(rel, text, findings)
