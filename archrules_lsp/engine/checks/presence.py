"""`must_contain`, `must_contain_one_of`, `must_reference`, `should_match`: what a file must hold."""

from __future__ import annotations

from collections.abc import Iterator

from ..fixes import class_insertion_fix, suggested_line
from ..model import Fix, PatternEntry, Rule
from .context import FileContext, RawFinding


def _label(rule: Rule) -> str:
    return f"({rule.id}: {rule.name})"


def _quote(s: str) -> str:
    return f"`{s}`" if "`" not in s else repr(s)


def gate_open(ctx: FileContext, entry: PatternEntry) -> bool:
    """`when_contains`: the entry applies only to files holding at least one of its strings."""
    return not entry.when_contains or any(ctx.contains(s) for s in entry.when_contains)


def must_contain(ctx: FileContext, rule: Rule, entry: PatternEntry) -> Iterator[RawFinding]:
    for needle in entry.must_contain:
        if ctx.contains(needle):
            continue
        span = ctx.anchor_span(rule)
        fix = _insertion_fix(ctx, rule, needle)
        yield RawFinding(rule, span, f"missing {_quote(needle)} {_label(rule)}", fix, fix is not None)


def must_contain_one_of(ctx: FileContext, rule: Rule, entry: PatternEntry) -> Iterator[RawFinding]:
    options = entry.must_contain_one_of
    if not options or any(ctx.contains(s) for s in options):
        return
    span = ctx.anchor_span(rule)
    fix = None
    for needle in options:
        fix = _insertion_fix(ctx, rule, needle)
        if fix is not None:
            break
    listed = ", ".join(_quote(s) for s in options)
    yield RawFinding(rule, span, f"missing one of {listed} {_label(rule)}", fix, fix is not None)


def must_reference(ctx: FileContext, rule: Rule, entry: PatternEntry) -> Iterator[RawFinding]:
    for name in entry.must_reference:
        if ctx.references(name):
            continue
        span = ctx.anchor_span(rule)
        yield RawFinding(rule, span, f"{_quote(name)} is never referenced {_label(rule)}")


def should_match(ctx: FileContext, rule: Rule, entry: PatternEntry) -> Iterator[RawFinding]:
    rx = entry.should_match
    if rx is None or not ctx.affordable(rule, rx):
        return
    if ctx.any_line_matches(rx):
        return
    found = [ln for ln in (ctx.first_line_of(s) for s in entry.when_contains) if ln >= 0]
    line = min(found) if found else 0
    yield RawFinding(rule, ctx.line_span(line), f"no line matches {_quote(rx.source)} {_label(rule)}")


def _insertion_fix(ctx: FileContext, rule: Rule, needle: str) -> Fix | None:
    """The suggested line that supplies `needle`, inserted at the end of the first Python class."""
    py = ctx.python
    if py is None or not rule.suggestion or not ctx.fixes:
        return None
    code = suggested_line(rule.suggestion, needle, python=True)
    if code is None:
        return None
    if not py.parses:
        ctx.skipped_unparsed("the fixes adding a line to the class", rule)
        return None
    return class_insertion_fix(py, code)
