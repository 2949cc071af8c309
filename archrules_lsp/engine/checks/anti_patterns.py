"""`anti_patterns`: a regex searched on each line; every matching line is a finding on the match."""

from __future__ import annotations

from collections.abc import Iterator

from ..fixes import replacement_fix
from ..model import AntiPattern, Rule, Span
from .context import FileContext, RawFinding


def anti_pattern(ctx: FileContext, rule: Rule, anti: AntiPattern) -> Iterator[RawFinding]:
    for m in anti.regex.finditer(ctx.src):
        end = m.end_column
        if end == m.column:  # an empty match still marks one character where there is one
            end = min(m.column + 1, len(ctx.src.lines[m.line]))
        span = Span(m.line, m.column, m.line, end)
        fix = None
        if anti.fix is not None and ctx.fixes:
            fix = replacement_fix(Span(m.line, m.column, m.line, m.end_column), m.expand(anti.fix), ctx.src.newline)
        yield RawFinding(rule, span, anti.message, fix)
