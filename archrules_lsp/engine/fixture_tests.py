"""Fixture files: larger test cases for rules, with their expectations in comments.

    # archrules-expect: BG-021          a finding of BG-021 on the next code line
    # archrules-ok: BG-021              no finding of BG-021 on the next code line
    # archrules-expect-file: BG-001     a finding of BG-001 anywhere in the file

"The next code line" is the next line that is neither blank nor only a comment, so
directives can be stacked. A finding of a rule the file mentions that no directive
expects is a false positive; findings of rules the file does not mention are ignored.
Pure: text and findings in, outcomes out (the CLI walks the fixture folder).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .comments import comment_style
from .evaluate import Checker, CheckOptions
from .model import Finding, RuleSet
from .record import replace
from .rule_tests import FALSE_NEGATIVE, FALSE_POSITIVE, PASSED
from .text import split_lines

DIRECTIVE = re.compile(r"archrules-(expect-file|expect|ok)[ \t]*:[ \t]*([^\s,]+(?:[ \t]*,[ \t]*[^\s,]+)*)?")
EXPECT, OK, EXPECT_FILE = "expect", "ok", "expect-file"
ERROR = "error"  # a directive that cannot be checked (no ids, an unknown rule, no line after it)
_OPENERS = ("#", "//", "/*", "<!--", "--", ";", "%")
_CLOSERS = ("*/", "-->")


@dataclass(frozen=True)
class Expectation:
    kind: str  # EXPECT, OK or EXPECT_FILE
    rule_id: str
    line: int  # 0-based: the directive's line
    target: int | None  # 0-based: the code line it speaks of (None: file-wide, or no line after it)


@dataclass(frozen=True)
class FixtureOutcome:
    rule_id: str  # "" for an ERROR that names no rule
    line: int  # 0-based: the directive's line, or an unexpected finding's line
    outcome: str  # PASSED, FALSE_POSITIVE, FALSE_NEGATIVE or ERROR
    detail: str = ""


def parse_expectations(path: str, text: str) -> tuple[list[Expectation], list[FixtureOutcome]]:
    """The file's directives, and the ones that are malformed (as ERROR outcomes)."""
    lines = split_lines(text)
    style = comment_style(path)
    openers = (style.open,) if style else _OPENERS
    expectations: list[Expectation] = []
    errors: list[FixtureOutcome] = []
    for number, line in enumerate(lines):
        if "archrules-" not in line:
            continue
        for m in DIRECTIVE.finditer(line):
            ids = _ids(m.group(2))
            if not ids:
                errors.append(FixtureOutcome("", number, ERROR, f"`archrules-{m.group(1)}:` names no rule id"))
                continue
            target = None if m.group(1) == EXPECT_FILE else _next_code_line(lines, number + 1, openers)
            expectations += [Expectation(m.group(1), rule_id, number, target) for rule_id in ids]
    return expectations, errors


def _ids(written: str | None) -> list[str]:
    out = []
    for token in (written or "").split(","):
        token = token.strip()
        for closer in _CLOSERS:
            token = token.removesuffix(closer)
        if token:
            out.append(token)
    return out


def _next_code_line(lines: Sequence[str], start: int, openers: tuple[str, ...]) -> int | None:
    for number in range(start, len(lines)):
        stripped = lines[number].strip()
        if stripped and not stripped.startswith(openers):
            return number
    return None


def judge_fixture(expectations: Iterable[Expectation], findings: Iterable[Finding],
                  known_ids: Iterable[str]) -> list[FixtureOutcome]:
    """One outcome per (directive, rule id), plus a false positive per line with an
    unexpected finding of a rule the file mentions; in line order."""
    expectations = list(expectations)
    known = set(known_ids)
    mentioned = {e.rule_id for e in expectations}
    by_line: dict[tuple[str, int], list[Finding]] = {}
    for f in findings:
        if f.rule_id in mentioned:
            by_line.setdefault((f.rule_id, f.span.line), []).append(f)
    file_wide = {e.rule_id for e in expectations if e.kind == EXPECT_FILE}
    outcomes = [_judge(e, by_line, known) for e in expectations]
    claimed = {(e.rule_id, e.target) for e in expectations if e.target is not None}
    for (rule_id, line), found in by_line.items():
        if rule_id not in file_wide and (rule_id, line) not in claimed:
            outcomes.append(FixtureOutcome(rule_id, line, FALSE_POSITIVE, f"unexpected finding: {found[0].message}"))
    return sorted(outcomes, key=lambda o: (o.line, o.rule_id))


def _judge(e: Expectation, by_line: dict[tuple[str, int], list[Finding]], known: set[str]) -> FixtureOutcome:
    if e.rule_id not in known:
        return FixtureOutcome(e.rule_id, e.line, ERROR, f"`archrules-{e.kind}:` names no loaded rule")
    if e.kind == EXPECT_FILE:
        if any(rule_id == e.rule_id for rule_id, _ in by_line):
            return FixtureOutcome(e.rule_id, e.line, PASSED)
        return FixtureOutcome(e.rule_id, e.line, FALSE_NEGATIVE, "expected a finding in this file, got none")
    if e.target is None:
        return FixtureOutcome(e.rule_id, e.line, ERROR, f"`archrules-{e.kind}:` has no code line after it")
    found = by_line.get((e.rule_id, e.target), [])
    if e.kind == EXPECT and not found:
        return FixtureOutcome(e.rule_id, e.line, FALSE_NEGATIVE, f"expected a finding on line {e.target + 1}, got none")
    if e.kind == OK and found:
        return FixtureOutcome(e.rule_id, e.line, FALSE_POSITIVE,
                              f"expected no finding on line {e.target + 1}, got: {found[0].message}")
    return FixtureOutcome(e.rule_id, e.line, PASSED)


def fixture_checker(ruleset: RuleSet) -> Checker:
    """A checker with every rule of the set active, as for the rules' examples."""
    rules = tuple(replace(r, enabled=True) for r in ruleset.rules)
    return Checker(RuleSet(rules=rules), CheckOptions(unused_suppressions=False, suppression_fixes=False, fixes=False))


def run_fixture(checker: Checker, path: str, text: str) -> list[FixtureOutcome]:
    """Every outcome of one fixture file checked as `path` (relative to the fixture folder)."""
    expectations, errors = parse_expectations(path, text)
    if not expectations and not errors:
        return []
    findings = checker.check(path, text).findings
    known = [r.id for r in checker.ruleset.rules]
    return sorted(errors + judge_fixture(expectations, findings, known), key=lambda o: (o.line, o.rule_id))
