"""`anti_patterns`: a regex searched on each line; every matching line is a finding on the match."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ..fixes import replacement_fix
from ..model import AntiPattern, Rule, Span
from ..regex import LineMatch
from .context import FileContext, RawFinding


def anti_pattern(ctx: FileContext, rule: Rule, anti: AntiPattern) -> Iterator[RawFinding]:
    for m in anti.regex.finditer(ctx.src):
        yield _finding(ctx, rule, anti, m.line, m.column, m.end_column, m)


def _finding(ctx: FileContext, rule: Rule, anti: AntiPattern, line: int, column: int, end_column: int,
             m: LineMatch | None) -> RawFinding:
    """The finding of a match (`m`: the match itself, for a fix's groups; None when there is no fix)."""
    end = end_column
    if end == column:  # an empty match still marks one character where there is one
        end = min(column + 1, len(ctx.src.lines[line]))
    fix = None
    if m is not None and anti.fix is not None and ctx.fixes:
        fix = replacement_fix(Span(line, column, line, end_column), m.expand(anti.fix), ctx.src.newline)
    return RawFinding(rule, Span(line, column, line, end), anti.message, fix)


Ranges = Sequence[tuple[int, int]] | None  # where a pattern may match (RegexSet.matching_ranges)


def anti_patterns(ctx: FileContext, items: Sequence[tuple[Rule, AntiPattern, Ranges]]) -> list[RawFinding]:
    """`anti_pattern` of each (rule, anti-pattern) in turn, concatenated: the same findings in
    the same order, each pattern searched only in its byte ranges (None: everywhere; see
    RegexSet.matching_ranges). The lines of all their matches are found in one walk over the
    text in offset order (a table of every line's start cost more than the matches' own work)."""
    src = ctx.src
    data = src.data
    found = [None if anti.regex.per_line else list(anti.regex.first_match_spans(data, ranges))
             for _, anti, ranges in items]
    where = _lines_at(data, sorted({spans[0][0] for matches in found if matches for spans in matches}))
    out: list[RawFinding] = []
    for (rule, anti, _), matches in zip(items, found, strict=True):
        if matches is None:
            out.extend(anti_pattern(ctx, rule, anti))
        elif (anti.fix is not None and ctx.fixes) or not src.is_ascii:
            for spans in matches:
                start, end = spans[0]
                line, line_start = where[start]
                column, end_column = src.column_at(line, line_start, start), src.column_at(line, line_start, end)
                m = LineMatch(line, column, end_column, data, spans, anti.regex.names)
                out.append(_finding(ctx, rule, anti, line, column, end_column, m))
        else:  # the usual case, inline: no fix to compute, columns are byte offsets
            message = anti.message
            for spans in matches:
                start, end = spans[0]
                line, line_start = where[start]
                if end == start:  # an empty match still marks one character where there is one
                    end = min(start + 1, line_start + len(src.lines[line]))
                out.append(RawFinding(rule, Span(line, start - line_start, line, end - line_start), message))
    return out


def _lines_at(data: bytes, offsets: list[int]) -> dict[int, tuple[int, int]]:
    """offset -> (its 0-based line, the offset where that line starts), for ascending `offsets`."""
    count, rfind = data.count, data.rfind
    out = {}
    line = line_start = pos = 0
    for offset in offsets:
        breaks = count(b"\n", pos, offset)
        if breaks:
            line += breaks
            line_start = rfind(b"\n", pos, offset) + 1
        out[offset] = (line, line_start)
        pos = offset
    return out
