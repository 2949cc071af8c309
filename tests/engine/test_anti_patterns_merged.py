"""`anti_patterns` (every anti-pattern of a file, their lines found in one walk over the text)
says exactly what `anti_pattern` says rule by rule, in the same order."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archrules_lsp.engine.checks.anti_patterns import anti_pattern, anti_patterns
from archrules_lsp.engine.checks.context import FileContext
from archrules_lsp.engine.model import AntiPattern, Rule
from archrules_lsp.engine.regex import LineRegex
from archrules_lsp.engine.text import SourceText

# patterns with groups and fixes, empty matches, line anchors, \A (searched line by line),
# non-ASCII and several matches on one line
PATTERNS = [
    ("status.*=.*processing", None), ("(a+)(b)?", "<\\1\\2>"), ("x*", "y"), ("^", None), ("$", "!"),
    ("é+", "e"), ("\\Aclass", None), ("def (?P<name>\\w+)", "fn \\g<name>"), ("[^x]", None), ("\\s+$", ""),
    ("😋", None), ("b", None),
]
pieces = st.sampled_from(["\r\n", "\r", "\n", "status = processing", "aab", "ab", "é", "😋", "class A:",
                          "def f(x):", "x", "  ", "\x0c", "\u2028", "b"])
texts = st.lists(st.text(max_size=6) | pieces, max_size=40).map("".join)
choices = st.lists(st.sampled_from(range(len(PATTERNS))), max_size=8)


def _items(indexes):
    items = []
    for n, i in enumerate(indexes):
        pattern, fix = PATTERNS[i]
        rule = Rule(f"R{n % 3}", "r")
        items.append((rule, AntiPattern(LineRegex(pattern), f"matches {pattern}", fix=fix)))
    return items


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, indexes=choices, fixes=st.booleans())
def test_merged_pass_equals_each_pattern_on_its_own(text, indexes, fixes):
    items = _items(indexes)
    ctx = FileContext("a.py", SourceText(text), fixes)
    one_by_one = [f for rule, anti in items for f in anti_pattern(ctx, rule, anti)]
    merged = anti_patterns(FileContext("a.py", SourceText(text), fixes), items)
    assert merged == one_by_one


def test_lines_and_columns_on_a_known_text():
    text = "a = 1\r\nstatus = processing é\n\nx é status = processing\n"
    (rule, anti), = _items([0])
    found = anti_patterns(FileContext("a.py", SourceText(text), True), [(rule, anti)])
    assert [(f.span.line, f.span.column, f.span.end_column) for f in found] == [(1, 0, 19), (3, 4, 23)]
