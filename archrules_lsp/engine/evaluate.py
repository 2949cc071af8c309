"""Evaluating a rule set on one file: `Checker(ruleset, options).check(path, text)`.

The Checker compiles what it can once (which rules are active, their severities,
one RE2 set of every anti-pattern) and caches, per path, which pattern entries
and anti-patterns apply, so the per-keystroke cost is the checks themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from .checks.anti_patterns import anti_patterns
from .checks.context import FileContext, RawFinding
from .checks.endpoints import endpoint_returns
from .checks.presence import (
    class_scoped,
    gate_open,
    must_contain,
    must_contain_one_of,
    must_reference,
    should_match,
)
from .finding_runs import FindingsView, finding_order
from .fixes import ignore_file_fix, ignore_line_fix, python_breaking_fixes
from .globs import Glob
from .model import (
    UNUSED_SUPPRESSION,
    AntiPattern,
    CheckResult,
    Finding,
    Fix,
    Note,
    PatternEntry,
    Rule,
    RuleSet,
    Severity,
    excluded,
)
from .python_source import PythonSource
from .record import field, record, replace
from .regex import RegexSet
from .suppressions import ALL, Suppression, SuppressionIndex, find_suppressions
from .text import SourceText

if TYPE_CHECKING:  # import contracts are imported when a rule has them (CLI start-up)
    from .imports.context import ImportContext
    from .imports.contracts import Barrier
    from .imports.graph import ImportGraph

OFF = "off"
_PLAN_CACHE_SIZE = 8192


@record
class CheckOptions:
    """Which rules run and how loud they are.

    select/ignore: rule ids or id prefixes (`BG-0`); empty select = every rule; `ALL` selects all.
    severity_overrides: rule id -> "error" | "warning" | "info" | "hint" | "off".
    fixes: compute fixes at all; False leaves `Finding.fixes` empty (and skips their
    cost: the safety parse of a Python file); `Checker.fixes_for` computes them on demand.
    suppression_fixes: attach "ignore on this line / in this file" fixes to findings
    (editors offer them; a CI run has no use for them and skips their cost).
    """

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity_overrides: Mapping[str, str] = field(default_factory=dict)
    unused_suppressions: bool = True
    suppression_fixes: bool = True
    fixes: bool = True

    def is_active(self, rule_id: str) -> bool:
        def hit(ids: tuple[str, ...]) -> bool:
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


# Where a check applies: a `file` glob less its entry's `exclude` globs.
_Scope = tuple[Glob, tuple[Glob, ...]]


def _in_scope(path: str, scope: _Scope) -> bool:
    glob, exclude = scope
    return glob.matches(path) and not excluded(path, exclude)


@record(frozen=False, slots=True, eq=False)  # identity: fewer methods
class _Scoped:
    """An anti-pattern with the files it checks and its place in the Checker's RegexSet."""

    rule: Rule
    anti: AntiPattern
    # (scopes, the item's own exclusions); scopes None: every checked file
    scopes: tuple[tuple[_Scope, ...] | None, tuple[Glob, ...]]
    index: int  # position in the RegexSet


class Checker:
    def __init__(self, ruleset: RuleSet, options: CheckOptions = CheckOptions(),
                 imports: ImportContext | None = None):
        self.ruleset = ruleset
        self.options = options
        # import contracts: the module names and the other files' imports (engine/imports/context.py)
        self._imports = imports
        self.rules: tuple[Rule, ...] = tuple(r for r in ruleset.rules if r.enabled and options.is_active(r.id))
        self._severity = {r.id: options.severity_of(r) for r in self.rules}
        self._known_ids = {r.id for r in ruleset.rules}
        self._active = {r.id: r for r in self.rules}  # the active rules by id
        self._entries: list[tuple[Rule, PatternEntry]] = [(r, p) for r in self.rules for p in r.patterns]
        scoped: list[_Scoped] = []
        for r in self.rules:
            # an anti-pattern without its own `file` checks the files the rule's entries check
            rule_scopes = tuple((p.file, p.exclude) for p in r.patterns) or None
            for a in r.anti_patterns:
                scopes = ((a.file, ()),) if a.file is not None else rule_scopes
                scoped.append(_Scoped(r, a, (scopes, a.exclude), len(scoped)))
        self._antis = scoped
        self._regex_set = RegexSet([s.anti.regex for s in scoped]) if scoped else None
        # Rule sets repeat their globs (`**/*.py` in most rules): group the checks by
        # glob so a path is matched against each distinct glob once.
        entry_groups: dict[_Scope, list[int]] = {}
        for i, (_, p) in enumerate(self._entries):
            entry_groups.setdefault((p.file, p.exclude), []).append(i)
        anti_groups: dict[tuple[tuple[_Scope, ...] | None, tuple[Glob, ...]], list[int]] = {}
        for s in scoped:
            anti_groups.setdefault(s.scopes, []).append(s.index)
        self._entry_groups = list(entry_groups.items())
        self._anti_groups = list(anti_groups.items())
        self._plans: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {}
        self._fixed: tuple[str, str, CheckResult] | None = None  # check_with_fixes' last (path, text, result)
        self._import_rules = tuple(r for r in self.rules if r.imports is not None)
        self._import_plans: dict[str, tuple[tuple[Rule, tuple[Barrier, ...]], ...]] = {}

    # ------------------------------------------------------------ which checks apply

    def _plan(self, path: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
        plan = self._plans.get(path)
        if plan is None:
            entries: list[int] = []
            antis: list[int] = []
            for scope, members in self._entry_groups:
                if _in_scope(path, scope):
                    entries.extend(members)
            for (scopes, exclude), members in self._anti_groups:
                if (scopes is None or any(_in_scope(path, s) for s in scopes)) and not excluded(path, exclude):
                    antis.extend(members)
            plan = (tuple(sorted(entries)), tuple(sorted(antis)))
            if len(self._plans) >= _PLAN_CACHE_SIZE:
                self._plans.clear()
            self._plans[path] = plan
        return plan

    def applies_to(self, path: str) -> bool:
        """Can any active rule report anything on this path?"""
        entries, antis = self._plan(path)
        return bool(entries or antis or self._import_plan(path))

    @property
    def imports(self) -> ImportContext:
        """The import contracts' context; an empty one (direct imports only) unless one was given."""
        if self._imports is None:
            from .imports.context import ImportContext

            self._imports = ImportContext()
        return self._imports

    def use_imports(self, imports: ImportContext) -> None:
        """Check import contracts with another context (a graph built after the Checker, other source roots)."""
        self._imports = imports
        self._import_plans.clear()

    @property
    def has_import_contracts(self) -> bool:
        return bool(self._import_rules)

    def _import_plan(self, path: str) -> tuple[tuple[Rule, tuple[Barrier, ...]], ...]:
        """The rules whose import contracts restrict the module at `path`, with their barriers."""
        if not self._import_rules:
            return ()
        plan = self._import_plans.get(path)
        if plan is None:
            from .imports.contracts import barriers

            module = self.imports.namer.module_of(path)
            around = [] if module is None else [
                (r, barriers(r.imports, module.name)) for r in self._import_rules if r.imports is not None]
            plan = tuple((r, b) for r, b in around if b)
            if len(self._import_plans) >= _PLAN_CACHE_SIZE:
                self._import_plans.clear()
            self._import_plans[path] = plan
        return plan

    def _import_findings(self, ctx: FileContext) -> list[RawFinding]:
        """The import contracts' findings: from the file's own imports (read from its text,
        so a check is exact), chains through the other files from the context's graph."""
        plan = self._import_plan(ctx.path)
        module = self.imports.namer.module_of(ctx.path) if plan else None
        if module is None:
            return []
        from .imports.contracts import file_findings
        from .imports.javascript import js_imports
        from .imports.modules import PYTHON

        graph, chains = self.imports.graph, self.imports.chains
        known = graph.imports_read_from(module.name, ctx.path, ctx.src.text)
        if known is not None:  # this very text's imports, read when the graph was built
            statements = list(known)
        elif module.language == PYTHON:
            found = ctx.python_imports(module)
            if found is None:
                for rule, _ in plan:
                    ctx.skipped_unparsed("import contracts", rule)
                return []
            statements = found
        else:
            statements = js_imports(ctx.src, module)
        self._note_unsearched_chains(ctx, plan, graph)
        return [f for rule, around in plan
                for f in file_findings(rule, ctx.path, module.name, statements, graph, chains, around)]

    @staticmethod
    def _note_unsearched_chains(ctx: FileContext, plan: tuple, graph: ImportGraph) -> None:
        from .imports.contracts import SEARCH_BUDGET, chains_affordable, search_count

        for rule, _ in plan:
            if not chains_affordable(rule.imports, graph):
                ctx.notes.append(Note(
                    f"rule {rule.id}: indirect import chains not checked (direct imports are): "
                    f"{search_count(rule.imports):,} forbidden targets x {graph.size:,} modules and imports "
                    f"is over the budget of {SEARCH_BUDGET:,} per rule", ctx.line_span(0), rule.id))

    # ------------------------------------------------------------ checking

    def check(self, path: str, text: str) -> CheckResult:
        """Findings for one file. `path` is relative to the project root with `/` separators.

        Linear in the file's size: a Python file is parsed at most once for the
        checks, and once more (all fixes together) to tell which fixes are safe."""
        return self._check(path, text, self.options.fixes)

    def check_with_fixes(self, path: str, text: str) -> CheckResult:
        """`check` with every fix computed, whatever the options say (fixAll, code actions).
        The last file's result is kept: asking again for the same text costs nothing."""
        cached = self._fixed
        if cached is None or cached[0] != path or cached[1] != text:
            cached = (path, text, self._check(path, text, True))
            self._fixed = cached
        return cached[2]

    def fixes_for(self, path: str, text: str, finding: Finding) -> tuple[Fix, ...]:
        """The fixes of one finding of `check(path, text)`, for a Checker whose options
        leave fixes out (the server asks when the user opens the quick-fix menu)."""
        for f in self.check_with_fixes(path, text).findings:
            if f.rule_id == finding.rule_id and f.span == finding.span and f.message == finding.message:
                return f.fixes
        return ()

    def _check(self, path: str, text: str, fixes: bool) -> CheckResult:
        entries, antis = self._plan(path)
        src = SourceText(text)
        ctx = FileContext(path, src, fixes)
        raw = self._entry_findings(ctx, entries)
        if antis and self._regex_set is not None:  # antis come from the set's members: it is there
            matching = self._regex_set.matching_ranges(src)  # member -> where it may match
            scanned = [(s.rule, s.anti, matching[s.index]) for s in (self._antis[i] for i in antis if i in matching)
                       if ctx.affordable(s.rule, s.anti.regex)]
            raw.extend(anti_patterns(ctx, scanned))  # one walk over the text finds their lines
        return self._result(ctx, raw, find_suppressions(src), fixes)

    def _entry_findings(self, ctx: FileContext, entries: tuple[int, ...]) -> list[RawFinding]:
        """The file-level checks' raw findings (pattern entries), in plan order."""
        raw: list[RawFinding] = []
        for i in entries:
            rule, entry = self._entries[i]
            if entry.in_class is not None:
                raw.extend(class_scoped(ctx, rule, entry))  # its `when_contains` gates each class
                continue
            if not gate_open(ctx, entry):
                continue
            raw.extend(must_contain(ctx, rule, entry))
            raw.extend(must_contain_one_of(ctx, rule, entry))
            raw.extend(must_reference(ctx, rule, entry))
            raw.extend(should_match(ctx, rule, entry))
            raw.extend(endpoint_returns(ctx, rule, entry))
        raw.extend(self._import_findings(ctx))
        return raw

    def _result(self, ctx: FileContext, raw: list[RawFinding], suppressions: list[Suppression],
                fixes: bool, made: FindingsView | None = None) -> CheckResult:
        """Raw findings -> the result: suppressions applied, severities, fixes, order, notes
        (shared by `check` and the incremental check, so both say exactly the same). `made`:
        findings made already, in order (the incremental check's, when nothing is suppressed)."""
        kept = _unsuppressed(raw, suppressions) if suppressions else raw
        if ctx.python is not None:
            ctx.python.drop_tree()  # the checks are done with it: not two trees alive at once
            if fixes:
                kept = _guard_python_fixes(ctx.python, kept)
        findings = self._findings(ctx, kept, suppressions, fixes and self.options.suppression_fixes)
        if suppressions and self.options.unused_suppressions:
            findings.extend(self._unused(suppressions))
        findings.sort(key=finding_order)
        note = ctx.unparsed_note()
        notes = tuple(ctx.notes + ([note] if note else []))
        if made is not None:  # the few findings made here put into the many made already
            return CheckResult(made.with_findings(findings), notes)
        return CheckResult(tuple(findings), notes)

    def _findings(self, ctx: FileContext, raw: list[RawFinding], suppressions: list[Suppression],
                  suppression_fixes: bool) -> list[Finding]:
        out = []
        file_fixes: dict = {}  # rule id -> its "ignore in this file" fix, the same for every finding
        for r in raw:
            rule = r.rule
            fixes = [r.fix] if r.fix is not None else []
            if suppression_fixes:
                if rule.id not in file_fixes:
                    file_fixes[rule.id] = ignore_file_fix(ctx.src, ctx.path, rule.id, suppressions)
                line_fix = ignore_line_fix(ctx.src, ctx.path, r.span.line, rule.id, suppressions)
                fixes += [f for f in (line_fix, file_fixes[rule.id]) if f is not None]
            out.append(Finding(rule.id, self._severity[rule.id], r.message, r.span, rule.suggestion, tuple(fixes),
                               r.related))
        return out

    def _unused(self, suppressions: list[Suppression]) -> list[Finding]:
        out = []
        for s in suppressions:
            where = "in this file" if s.file_wide else "here"
            if s.ids == (ALL,):
                if not s.used:
                    out.append(Finding(UNUSED_SUPPRESSION, Severity.HINT,
                                       f"unused suppression: no finding to ignore {where}", s.span))
                continue
            for rule_id, span in zip(s.ids, s.id_spans, strict=True):
                if rule_id in s.used or (rule_id in self._known_ids and rule_id not in self._active):
                    continue
                msg = (f"unused suppression: {rule_id} reports nothing {where}" if rule_id in self._known_ids
                       else f"unknown rule id `{rule_id}` in suppression")
                out.append(Finding(UNUSED_SUPPRESSION, Severity.HINT, msg, span))
        return out


def _unsuppressed(raw: list[RawFinding], suppressions: list[Suppression]) -> list[RawFinding]:
    """The findings no suppression comment covers; the comments that covered one are marked used."""
    index = SuppressionIndex(suppressions)
    kept = []
    for r in raw:
        hit = index.find(r.rule.id, r.span.line)
        if hit is None:
            kept.append(r)
        else:
            hit.used.add(r.rule.id)
    return kept


def _guard_python_fixes(py: PythonSource, raw: list[RawFinding]) -> list[RawFinding]:
    """A fix that makes a parsing Python file stop parsing is never safe: found with one
    parse of the file with all such fixes applied (see python_breaking_fixes). A class
    insertion that breaks it is not offered at all; an anti-pattern `fix` is still
    offered as a quick fix, but not applied by --fix and fixAll."""
    if all(r.fix is None for r in raw):  # most files: nothing to guard
        return raw
    order = sorted(range(len(raw)), key=lambda i: (raw[i].span.line, raw[i].span.column, raw[i].rule.id))
    candidates: list[tuple[int, Fix]] = []
    for i in order:
        fix = raw[i].fix
        if fix is not None and (fix.safe or raw[i].inserts_into_class):
            candidates.append((i, fix))
    breaking = python_breaking_fixes(py, [fix for _, fix in candidates])
    if not breaking:
        return raw
    out = list(raw)
    for k in breaking:
        i, fix = candidates[k]
        out[i] = replace(raw[i], fix=None if raw[i].inserts_into_class else replace(fix, safe=False))
    return out
