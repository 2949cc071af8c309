"""`must_contain`, `must_contain_one_of`, `must_reference`, `should_match`: what a file must hold,
or, in an `in_class` entry, what each matching Python class must hold."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from ..fixes import class_insertion_fix, suggested_line
from ..model import Fix, PatternEntry, Rule, Span
from ..python_source import ClassInfo
from ..regex import LineRegex
from .context import FileContext, RawFinding, reference_pattern


def _label(rule: Rule) -> str:
    return f"({rule.id}: {rule.name})"


def _quote(s: str) -> str:
    return f"`{s}`" if "`" not in s else repr(s)


def gate_open(ctx: FileContext, entry: PatternEntry) -> bool:
    """`when_contains`: the entry applies only to files holding at least one of its strings."""
    return not entry.when_contains or any(ctx.contains(s) for s in entry.when_contains)


# The three presence checks look at the whole file (cls None) or at one class's body.


def _contains(ctx: FileContext, cls: ClassInfo | None, needle: str) -> bool:
    return ctx.contains(needle) if cls is None else needle in cls.body


def _references(ctx: FileContext, cls: ClassInfo | None, name: str) -> bool:
    if cls is None:
        return ctx.references(name)
    return name in cls.body and reference_pattern(name).search(cls.body) is not None


def _where(ctx: FileContext, rule: Rule, cls: ClassInfo | None) -> tuple[Span, str]:
    """The finding's span and its message's prefix: the class name, or the file's anchor."""
    return (ctx.anchor_span(rule), "") if cls is None else (cls.name_span, f"{cls.name}: ")


def must_contain(ctx: FileContext, rule: Rule, entry: PatternEntry,
                 cls: ClassInfo | None = None) -> Iterator[RawFinding]:
    for needle in entry.must_contain:
        if _contains(ctx, cls, needle):
            continue
        span, prefix = _where(ctx, rule, cls)
        fix = _insertion_fix(ctx, rule, needle, cls)
        yield RawFinding(rule, span, f"{prefix}missing {_quote(needle)} {_label(rule)}", fix, fix is not None)


def must_contain_one_of(ctx: FileContext, rule: Rule, entry: PatternEntry,
                        cls: ClassInfo | None = None) -> Iterator[RawFinding]:
    options = entry.must_contain_one_of
    if not options or any(_contains(ctx, cls, s) for s in options):
        return
    span, prefix = _where(ctx, rule, cls)
    fix = None
    for needle in options:
        fix = _insertion_fix(ctx, rule, needle, cls)
        if fix is not None:
            break
    listed = ", ".join(_quote(s) for s in options)
    yield RawFinding(rule, span, f"{prefix}missing one of {listed} {_label(rule)}", fix, fix is not None)


def must_reference(ctx: FileContext, rule: Rule, entry: PatternEntry,
                   cls: ClassInfo | None = None) -> Iterator[RawFinding]:
    for name in entry.must_reference:
        if _references(ctx, cls, name):
            continue
        span, prefix = _where(ctx, rule, cls)
        yield RawFinding(rule, span, f"{prefix}{_quote(name)} is never referenced {_label(rule)}")


def class_scoped(ctx: FileContext, rule: Rule, entry: PatternEntry) -> Iterator[RawFinding]:
    """An `in_class` entry: its presence checks on each class whose header matches, and whose
    body holds one of the `when_contains` strings when it has some."""
    rx = entry.in_class
    classes = ctx.classes(rule)
    if rx is None or not classes or not ctx.affordable(rule, rx):
        return
    for cls in classes:
        if not _header_matches(rx, cls.header):
            continue
        if entry.when_contains and not any(s in cls.body for s in entry.when_contains):
            continue
        yield from must_contain(ctx, rule, entry, cls)
        yield from must_contain_one_of(ctx, rule, entry, cls)
        yield from must_reference(ctx, rule, entry, cls)


@lru_cache(maxsize=8192)
def _header_matches(rx: LineRegex, header: str) -> bool:
    """Headers rarely change between keystrokes: each (regex, header) is searched once."""
    return rx.search_string(header)


def should_match(ctx: FileContext, rule: Rule, entry: PatternEntry) -> Iterator[RawFinding]:
    rx = entry.should_match
    if rx is None or not ctx.affordable(rule, rx):
        return
    if ctx.any_line_matches(rx):
        return
    found = [ln for ln in (ctx.first_line_of(s) for s in entry.when_contains) if ln >= 0]
    line = min(found) if found else 0
    yield RawFinding(rule, ctx.line_span(line), f"no line matches {_quote(rx.source)} {_label(rule)}")


def _insertion_fix(ctx: FileContext, rule: Rule, needle: str, cls: ClassInfo | None) -> Fix | None:
    """The suggested line that supplies `needle`, inserted at the end of `cls` (file-level
    checks: the first Python class)."""
    py = ctx.python
    if py is None or not rule.suggestion or not ctx.fixes:
        return None
    code = suggested_line(rule.suggestion, needle, python=True)
    if code is None:
        return None
    if not py.parses:
        ctx.skipped_unparsed("the fixes adding a line to the class", rule)
        return None
    return class_insertion_fix(py, code, None if cls is None else cls.line)
