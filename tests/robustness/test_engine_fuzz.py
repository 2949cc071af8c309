"""Engine fuzzing: arbitrary text and schema-shaped rule files through the engine API.

The engine must never raise, and what it reports must stay inside the text it was
given (lines, columns, edits), whatever the bytes, line endings or rules."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archrules_lsp.engine import (
    Checker,
    CheckOptions,
    RuleSet,
    apply_edits,
    apply_safe_fixes,
    load_rule_files,
    load_rule_text,
)
from archrules_lsp.engine.model import Span, TextEdit
from archrules_lsp.engine.text import (
    UTF8,
    UTF16,
    UTF32,
    decode,
    from_client_column,
    line_starts,
    split_lines,
    to_client_column,
)

SEED = Path(__file__).resolve().parents[2] / "examples/background-tasks/.architecture-rules/background-tasks.yaml"
FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])

EXTRA_RULES = r"""
fuzz:
  - id: FZ-1
    name: indented print
    anti_patterns:
      - pattern: '^\s*print\((.*)\)$'
        message: use logging
        fix: 'log.info(\1)'
  - id: FZ-2
    name: split imports
    anti_patterns:
      - pattern: 'import (\w+), (\w+)'
        message: one a line
        fix: |-
          import \1
          import \2
  - id: FZ-3
    name: slow on big files
    anti_patterns:
      - pattern: '[ab]*a[ab]{200}c'
        message: slow
  - id: FZ-4
    name: anchored
    anti_patterns:
      - pattern: '\Aclass\b'
        message: anchored
      - pattern: ''
        file: '*.md'
        message: every line
"""

PIECES = st.sampled_from([
    "\r\n", "\r", "\n", "\x0c", "\x85", "\u2028", "\x00", "\ufeff", "😋", "é", "\ud800", "#", "\\",
    "archrules: ignore[", "archrules: ignore-file[FZ-1]", "]", "BG-010", "FZ-1", "    print(x)\n",
    "import os, sys\n", "class A(Base):\n    x = 1\n", "@router.post('/import')\n",
    "def f():\n    return {'job_id': 1}\n", 'status = "processing"', "(", ")", "ab" * 150 + "c",
    "a" * 100_000, "x = 1\r\n" * 200,
])
TEXTS = st.lists(st.text(max_size=16) | PIECES, max_size=30).map("".join)
BYTES = st.lists(st.binary(max_size=24) | PIECES.map(lambda p: p.encode("utf-8", "surrogatepass")),
                 max_size=20).map(b"".join)
PATHS = st.sampled_from(["models/database/test_run.py", "app/api/v1/marketplace.py", "app/tasks/a.py",
                         "static/admin/js/a.js", "docs/x.md", "a.py", "x", "Makefile"])


def _checkers() -> tuple[Checker, Checker]:
    seed = load_rule_files([str(SEED)])
    extra, errors = load_rule_text(EXTRA_RULES, "fuzz.yaml")
    assert not [e for e in errors if e.severity.value == "error"], errors
    ruleset = RuleSet(seed.rules + tuple(extra), seed.errors)
    return Checker(ruleset), Checker(ruleset, CheckOptions(fixes=False))


EAGER, LAZY = _checkers()


def assert_inside(text: str, span: Span) -> None:
    lines = split_lines(text)
    assert 0 <= span.line <= span.end_line < len(lines)
    assert 0 <= span.column <= len(lines[span.line])
    assert 0 <= span.end_column <= len(lines[span.end_line])
    assert (span.line, span.column) <= (span.end_line, span.end_column)


def check_everything(path: str, text: str) -> None:
    result = EAGER.check(path, text)
    for f in result.findings:
        assert_inside(text, f.span)
        for fix in f.fixes:
            for edit in fix.edits:
                assert_inside(text, edit.span)
    for note in result.notes:
        assert_inside(text, note.span)
        assert note.message.isprintable()
    assert len(result.notes) <= len(EAGER.rules) + 1
    fixed, count = apply_safe_fixes(text, result.findings)
    assert isinstance(fixed, str) and 0 <= count <= len(result.findings)
    lazy = LAZY.check(path, text)
    assert [(f.rule_id, f.span) for f in lazy.findings] == [(f.rule_id, f.span) for f in result.findings]
    for f, eager in list(zip(lazy.findings, result.findings, strict=True))[:5]:
        assert LAZY.fixes_for(path, text, f) == eager.fixes


@FUZZ
@given(text=TEXTS, path=PATHS)
def test_arbitrary_text_never_raises_and_stays_in_bounds(text, path):
    check_everything(path, text)


@FUZZ
@given(data=BYTES, path=PATHS)
def test_arbitrary_bytes_decoded_never_raise_and_stay_in_bounds(data, path):
    text = decode(data)
    assert isinstance(text, str)
    check_everything(path, text)


@FUZZ
@given(text=TEXTS)
def test_lines_line_starts_and_columns_agree(text):
    lines, starts = split_lines(text), line_starts(text)
    assert len(lines) == len(starts)
    assert all(text[s:s + len(line)] == line for s, line in zip(starts, lines, strict=True))
    for line in lines[:3]:
        for enc in (UTF8, UTF16, UTF32):
            for column in range(0, len(line) + 1, max(1, len(line) // 20)):
                assert from_client_column(line, to_client_column(line, column, enc), enc) == column


@FUZZ
@given(text=TEXTS, edits=st.lists(st.tuples(st.integers(-2, 40), st.integers(-2, 40), st.integers(0, 3),
                                            st.integers(0, 40), st.text(max_size=5)), max_size=12))
def test_apply_edits_never_raises_on_any_positions(text, edits):
    out = apply_edits(text, [TextEdit(Span(a, b, a + c, d), new) for a, b, c, d, new in edits])
    assert isinstance(out, str)


# ------------------------------------------------------------------ rule files

REGEX_PIECES = st.sampled_from(["a", ".", "*", "+", "?", "|", "(", ")", "[", "]", "[ab]", "{200}", "{2,}",
                                "(?i)", "(?P<n>", "\\pL", "\\d", "\\s", "\\b", "^", "$", "\\A", "\\z", "\\1",
                                "(?=", "é", "😋", "\\", "print\\(", "x" * 300])
REGEXES = st.lists(REGEX_PIECES, max_size=12).map("".join)
GLOBS = st.sampled_from(["**/*.py", "*.py", "app/**", "docs/*.md", "[", "{a,b}/*", "", "./x", "/abs/*.py"])
STRINGS = st.text(max_size=12) | st.sampled_from(["status = Column", "job_id", "class", "@router.post", ""])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), STRINGS)
ENTRY = st.fixed_dictionaries({"file": GLOBS}, optional={
    "must_contain": STRINGS | st.lists(STRINGS, max_size=3),
    "must_contain_one_of": st.lists(STRINGS, max_size=3),
    "must_reference": st.lists(STRINGS, max_size=2),
    "when_contains": STRINGS | st.lists(STRINGS, max_size=2),
    "should_match": REGEXES,
    "endpoint_pattern": REGEXES,
    "must_return": STRINGS | st.lists(STRINGS, max_size=2),
    "surprise": SCALARS,
})
ANTI = st.fixed_dictionaries({"pattern": REGEXES}, optional={
    "message": STRINGS, "file": GLOBS, "fix": st.sampled_from(["x", "\\1", "\\g<n>", "a\nb", "", "\\9"]),
})
RULE = st.fixed_dictionaries({"id": st.sampled_from(["R-1", "R-2", "R-1", "", "x,y", "1.10"]) | SCALARS}, optional={
    "name": STRINGS, "severity": st.sampled_from(["error", "WARNING", "hint", "fatal", ""]),
    "enabled": st.booleans() | SCALARS, "suggestion": STRINGS, "url": STRINGS,
    "patterns": st.lists(ENTRY, max_size=2) | SCALARS, "anti_patterns": st.lists(ANTI, max_size=3) | SCALARS,
})
RULE_FILES = st.dictionaries(st.sampled_from(["g", "h", "x-defaults", "id"]), st.lists(RULE, max_size=3) | SCALARS,
                             max_size=2).map(lambda doc: yaml.safe_dump(doc, allow_unicode=True))


def assert_errors_inside(text: str, errors) -> None:
    lines = split_lines(text)
    for e in errors:
        assert e.path == "fuzz.yaml"
        assert 0 <= e.span.line <= e.span.end_line <= len(lines)
        assert len(e.message) < 2_000


@FUZZ
@given(rule_text=RULE_FILES, text=TEXTS, path=PATHS)
def test_schema_shaped_rule_files_load_and_check_without_raising(rule_text, text, path):
    rules, errors = load_rule_text(rule_text, "fuzz.yaml")
    assert_errors_inside(rule_text, errors)
    result = Checker(RuleSet(tuple(rules), tuple(errors))).check(path, text)
    for f in result.findings:
        assert_inside(text, f.span)


@FUZZ
@given(rule_text=RULE_FILES, cut=st.integers(0, 400),
       insert=PIECES | st.sampled_from(["[", "{", ":", "- ", "*a", "&a ", "\t", "'", '"\\q', "!!python/object "]))
def test_damaged_rule_files_load_without_raising(rule_text, cut, insert):
    damaged = rule_text[:cut] + insert + rule_text[cut:]
    rules, errors = load_rule_text(damaged, "fuzz.yaml")
    assert_errors_inside(damaged, errors)
    Checker(RuleSet(tuple(rules), tuple(errors))).check("a.py", damaged)
