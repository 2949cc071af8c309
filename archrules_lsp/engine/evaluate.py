"""Evaluating a rule set on one file: `Checker(ruleset, options).check(path, text)`.

The Checker compiles what it can once (which rules are active, their severities,
one RE2 set of every anti-pattern) and caches, per path, which pattern entries
and anti-patterns apply, so the per-keystroke cost is the checks themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional

from .checks.anti_patterns import anti_pattern
from .checks.context import FileContext, RawFinding
from .checks.endpoints import endpoint_returns
from .checks.presence import gate_open, must_contain, must_contain_one_of, must_reference, should_match
from .fixes import ignore_file_fix, ignore_line_fix
from .globs import Glob
from .model import (
    UNUSED_SUPPRESSION,
    AntiPattern,
    CheckResult,
    Finding,
    PatternEntry,
    Rule,
    RuleSet,
    Severity,
)
from .regex import RegexSet
from .suppressions import ALL, Suppression, find_suppressions, suppressing
from .text import SourceText

OFF = "off"
_PLAN_CACHE_SIZE = 8192


@dataclass(frozen=True)
class CheckOptions:
    """Which rules run and how loud they are.

    select/ignore: rule ids or id prefixes (`BG-0`); empty select = every rule; `ALL` selects all.
    severity_overrides: rule id -> "error" | "warning" | "info" | "hint" | "off".
    suppression_fixes: attach "ignore on this line / in this file" fixes to findings
    (editors offer them; a CI run has no use for them and skips their cost).
    """

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity_overrides: Mapping[str, str] = field(default_factory=dict)
    unused_suppressions: bool = True
    suppression_fixes: bool = True

    def is_active(self, rule_id: str) -> bool:
        def hit(ids) -> bool:
            return any(s == "ALL" or rule_id == s or rule_id.startswith(s) for s in ids)

        if self.select and not hit(self.select):
            return False
        if self.ignore and hit(self.ignore):
            return False
        return str(self.severity_overrides.get(rule_id, "")).lower() != OFF

    def severity_of(self, rule: Rule) -> Severity:
        override = self.severity_overrides.get(rule.id)
        if override:
            try:
                return Severity(str(override).lower())
            except ValueError:
                pass
        return rule.severity


@dataclass(frozen=True, slots=True)
class _Scoped:
    rule: Rule
    anti: AntiPattern
    globs: Optional[tuple[Glob, ...]]  # None: every checked file
    index: int  # position in the RegexSet


class Checker:
    def __init__(self, ruleset: RuleSet, options: CheckOptions = CheckOptions()):
        self.ruleset = ruleset
        self.options = options
        self.rules: tuple[Rule, ...] = tuple(r for r in ruleset.rules if r.enabled and options.is_active(r.id))
        self._severity = {r.id: options.severity_of(r) for r in self.rules}
        self._known_ids = {r.id for r in ruleset.rules}
        self._active_ids = {r.id for r in self.rules}
        self._entries: list[tuple[Rule, PatternEntry]] = [(r, p) for r in self.rules for p in r.patterns]
        scoped: list[_Scoped] = []
        for r in self.rules:
            rule_globs = tuple(p.file for p in r.patterns) or None
            for a in r.anti_patterns:
                globs = (a.file,) if a.file is not None else rule_globs
                scoped.append(_Scoped(r, a, globs, len(scoped)))
        self._antis = scoped
        self._regex_set = RegexSet([s.anti.regex for s in scoped]) if scoped else None
        # Rule sets repeat their globs (`**/*.py` in most rules): group the checks by
        # glob so a path is matched against each distinct glob once.
        entry_groups: dict[Glob, list[int]] = {}
        for i, (_, p) in enumerate(self._entries):
            entry_groups.setdefault(p.file, []).append(i)
        anti_groups: dict[Optional[tuple[Glob, ...]], list[int]] = {}
        for s in scoped:
            anti_groups.setdefault(s.globs, []).append(s.index)
        self._entry_groups = list(entry_groups.items())
        self._anti_groups = list(anti_groups.items())
        self._plans: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {}

    # ------------------------------------------------------------ which checks apply

    def _plan(self, path: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
        plan = self._plans.get(path)
        if plan is None:
            entries: list[int] = []
            antis: list[int] = []
            for glob, members in self._entry_groups:
                if glob.matches(path):
                    entries.extend(members)
            for globs, members in self._anti_groups:
                if globs is None or any(g.matches(path) for g in globs):
                    antis.extend(members)
            plan = (tuple(sorted(entries)), tuple(sorted(antis)))
            if len(self._plans) >= _PLAN_CACHE_SIZE:
                self._plans.clear()
            self._plans[path] = plan
        return plan

    def applies_to(self, path: str) -> bool:
        """Can any active rule report anything on this path?"""
        entries, antis = self._plan(path)
        return bool(entries or antis)

    # ------------------------------------------------------------ checking

    def check(self, path: str, text: str) -> CheckResult:
        """Findings for one file. `path` is relative to the project root with `/` separators."""
        entries, antis = self._plan(path)
        src = SourceText(text)
        ctx = FileContext(path, src)
        raw: list[RawFinding] = []
        for i in entries:
            rule, entry = self._entries[i]
            if not gate_open(ctx, entry):
                continue
            raw.extend(must_contain(ctx, rule, entry))
            raw.extend(must_contain_one_of(ctx, rule, entry))
            raw.extend(must_reference(ctx, rule, entry))
            raw.extend(should_match(ctx, rule, entry))
            raw.extend(endpoint_returns(ctx, rule, entry))
        if antis:
            matching = self._regex_set.matching(src)
            for i in antis:
                s = self._antis[i]
                if i in matching and ctx.affordable(s.rule, s.anti.regex):
                    raw.extend(anti_pattern(ctx, s.rule, s.anti))

        suppressions = find_suppressions(src)
        file_fixes: dict = {}  # rule id -> its "ignore in this file" fix, the same for every finding
        findings = [f for f in (self._finding(ctx, r, suppressions, file_fixes) for r in raw) if f is not None]
        if suppressions and self.options.unused_suppressions:
            findings.extend(self._unused(suppressions))
        findings.sort(key=lambda f: (f.span.line, f.span.column, f.rule_id, f.message))
        return CheckResult(tuple(findings), tuple(ctx.notes))

    def _finding(self, ctx: FileContext, raw: RawFinding, suppressions: list[Suppression],
                 file_fixes: dict) -> Optional[Finding]:
        rule = raw.rule
        hit = suppressing(suppressions, rule.id, raw.span.line)
        if hit is not None:
            hit.used.add(rule.id)
            return None
        fixes = [raw.fix] if raw.fix is not None else []
        if not self.options.suppression_fixes:
            return Finding(rule.id, self._severity[rule.id], raw.message, raw.span, rule.suggestion, tuple(fixes))
        if rule.id not in file_fixes:
            file_fixes[rule.id] = ignore_file_fix(ctx.src, ctx.path, rule.id, suppressions)
        for fix in (ignore_line_fix(ctx.src, ctx.path, raw.span.line, rule.id, suppressions), file_fixes[rule.id]):
            if fix is not None:
                fixes.append(fix)
        return Finding(rule.id, self._severity[rule.id], raw.message, raw.span, rule.suggestion, tuple(fixes))

    def _unused(self, suppressions: list[Suppression]) -> list[Finding]:
        out = []
        for s in suppressions:
            where = "in this file" if s.file_wide else "here"
            if s.ids == (ALL,):
                if not s.used:
                    out.append(Finding(UNUSED_SUPPRESSION, Severity.HINT,
                                       f"unused suppression: no finding to ignore {where}", s.span))
                continue
            for rule_id, span in zip(s.ids, s.id_spans):
                if rule_id in s.used or (rule_id in self._known_ids and rule_id not in self._active_ids):
                    continue
                msg = (f"unused suppression: {rule_id} reports nothing {where}" if rule_id in self._known_ids
                       else f"unknown rule id `{rule_id}` in suppression")
                out.append(Finding(UNUSED_SUPPRESSION, Severity.HINT, msg, span))
        return out
