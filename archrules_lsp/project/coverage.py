"""Which rule globs match no file of a project: a rule written for another layout
(`models/database/*.py` in a project that keeps its models in `app/models/`) checks
nothing and must not pass silently.

Pure: given the root-relative paths a walk found and the rules, no I/O. Shared by the
CLI (`check`, `validate`) and the language server.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from ..engine.model import Location, Rule


@dataclass(frozen=True)
class UnmatchedGlob:
    """One `file:` entry of a rule that matches none of the paths."""

    rule_id: str
    pattern: str
    location: Location | None  # the pattern entry or anti-pattern in its rule file


@dataclass(frozen=True)
class Coverage:
    unmatched: tuple[UnmatchedGlob, ...]  # in rule order, then entry order
    any_rule_applies: bool  # some rule applies to at least one of the paths
    matches_nothing: bool  # some rule could apply to a file, and none applies to any of the paths


def glob_coverage(rules: Iterable[Rule], paths: Sequence[str]) -> Coverage:
    """Every `file:` glob of `rules` that matches none of `paths`, and whether any rule
    applies to any path at all (a rule without globs applies to every file).

    Each distinct glob is tried on the paths until its first match, so the cost is at
    most what checking those paths costs (the checker matches every glob per path)."""
    rules = list(rules)
    entries = [(r, g, loc) for r in rules for g, loc in _globs_of(r)]
    pending = {g for _, g, _ in entries}
    matched = set()
    for path in paths:
        if not pending:
            break
        hits = {g for g in pending if g.matches(path)}
        matched |= hits
        pending -= hits
    unmatched = tuple(UnmatchedGlob(r.id, g.pattern, loc) for r, g, loc in entries if g not in matched)
    unglobbed = any(_applies_everywhere(r) for r in rules)
    applies = bool(matched) or (unglobbed and bool(paths))
    # a rule with no check left (its only anti-pattern failed to load) applies to nothing anywhere
    could_apply = bool(entries) or unglobbed
    return Coverage(unmatched, applies, could_apply and not applies)


def _globs_of(rule: Rule):
    for p in rule.patterns:
        yield p.file, p.location
    for a in rule.anti_patterns:
        if a.file is not None:
            yield a.file, a.location


def _applies_everywhere(rule: Rule) -> bool:
    """An anti-pattern without its own `file:` in a rule without patterns checks every file."""
    return not rule.patterns and any(a.file is None for a in rule.anti_patterns)
