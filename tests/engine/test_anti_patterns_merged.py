"""`anti_patterns` (every anti-pattern of a file, each searched where the RegexSet prefilter
says it may match, their lines found in one walk over the text) says exactly what the plain
way says: each pattern searched on each line on its own, rule by rule, in the same order."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archrules_lsp.engine import regex
from archrules_lsp.engine.checks.anti_patterns import _finding, anti_patterns
from archrules_lsp.engine.checks.context import FileContext
from archrules_lsp.engine.model import AntiPattern, Rule
from archrules_lsp.engine.regex import LineRegex, RegexSet
from archrules_lsp.engine.text import SourceText

# patterns with groups and fixes, empty matches, line anchors and word boundaries (a block's
# edges), \A (searched line by line, never prefiltered), non-ASCII, several matches on a line
PATTERNS = [
    ("status.*=.*processing", None), ("(a+)(b)?", "<\\1\\2>"), ("x*", "y"), ("^", None), ("$", "!"),
    ("é+", "e"), ("\\Aclass", None), ("def (?P<name>\\w+)", "fn \\g<name>"), ("[^x]", None), ("\\s+$", ""),
    ("😋", None), ("b", None), ("\\bb", None), ("\\B", None), ("^$", None), ("a$", None), ("^b", None),
]
pieces = st.sampled_from(["\r\n", "\r", "\n", "status = processing", "aab", "ab", "é", "😋", "class A:",
                          "def f(x):", "x", "  ", "\x0c", "\u2028", "b", "\n\n", "a\n", "\nb"])
texts = st.lists(st.text(max_size=6) | pieces, max_size=40).map("".join)
choices = st.lists(st.sampled_from(range(len(PATTERNS))), max_size=8)


def _items(indexes):
    items = []
    for n, i in enumerate(indexes):
        pattern, fix = PATTERNS[i]
        rule = Rule(f"R{n % 3}", "r")
        items.append((rule, AntiPattern(LineRegex(pattern), f"matches {pattern}", fix=fix)))
    return items


def plain(ctx, items):
    """Each pattern's first match on each line, the line searched on its own."""
    return [_finding(ctx, rule, anti, m.line, m.column, m.end_column, m)
            for rule, anti in items for m in map(anti.regex.search_line, [ctx.src] * len(ctx.src.lines),
                                                 range(len(ctx.src.lines))) if m is not None]


@pytest.mark.parametrize("block", [1, 3, 8, 2048])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(text=texts, indexes=choices, fixes=st.booleans())
def test_prefiltered_merged_pass_equals_each_pattern_on_the_whole_text(monkeypatch, block, text, indexes, fixes):
    monkeypatch.setattr(regex, "SET_BLOCK", block)  # blocks of a few bytes: many block edges
    items = _items(indexes)
    ctx = FileContext("a.py", SourceText(text), fixes)
    one_by_one = plain(ctx, items)
    where = RegexSet([anti.regex for _, anti in items]).matching_ranges(SourceText(text))
    scanned = [(rule, anti, where[i]) for i, (rule, anti) in enumerate(items) if i in where]
    assert anti_patterns(FileContext("a.py", SourceText(text), fixes), scanned) == one_by_one


@pytest.mark.parametrize("block", [1, 5, 2048])
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=texts, indexes=choices)
def test_ranges_name_at_least_the_members_matching_names(monkeypatch, block, text, indexes):
    monkeypatch.setattr(regex, "SET_BLOCK", block)
    rset = RegexSet([anti.regex for _, anti in _items(indexes)])
    src = SourceText(text)
    ranges = rset.matching_ranges(src)
    # a block searched on its own may add a member (`\\B` at its end), never miss one: an added
    # member's search then finds nothing (the test above); its set is within the work budget,
    # so it is never noted as skipped either
    assert set(ranges) >= rset.matching(src)
    for where in ranges.values():
        if where is not None:  # ascending, disjoint, whole lines
            assert all(a < b or a == b == len(src.data) for a, b in where)
            assert all(b1 < a2 for (_, b1), (a2, _) in zip(where, where[1:], strict=False))
            assert all(a == 0 or src.data[a - 1:a] == b"\n" for a, _ in where)


def test_lines_and_columns_on_a_known_text():
    text = "a = 1\r\nstatus = processing é\n\nx é status = processing\n"
    (rule, anti), = _items([0])
    found = anti_patterns(FileContext("a.py", SourceText(text), True), [(rule, anti, None)])
    assert [(f.span.line, f.span.column, f.span.end_column) for f in found] == [(1, 0, 19), (3, 4, 23)]
