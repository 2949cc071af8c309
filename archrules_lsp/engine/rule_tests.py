"""Running the rules' own tests: each `examples:` case checked as the file it pretends
to be, with every rule of the set active (the project's select/ignore do not apply:
an example tests the rule as written)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .evaluate import Checker, CheckOptions
from .fixes import apply_safe_fixes
from .model import Example, Finding, Rule, RuleSet
from .record import replace

PASSED = "passed"
FALSE_POSITIVE = "false positive"  # a valid example got a finding
FALSE_NEGATIVE = "false negative"  # an invalid example got none (or not the count / message asked)
FIX_MISMATCH = "fix mismatch"  # the safe fixes do not give `fixed`
OUTCOMES = (PASSED, FALSE_POSITIVE, FALSE_NEGATIVE, FIX_MISMATCH)


@dataclass(frozen=True)
class ExampleOutcome:
    rule: Rule
    example: Example
    outcome: str  # one of OUTCOMES
    detail: str = ""  # what went wrong, with the actual findings
    fixed: str | None = None  # the code after the safe fixes (when the example has `fixed`)


def run_examples(ruleset: RuleSet) -> Iterator[ExampleOutcome]:
    """The outcome of every example of every rule, in rule-file order."""
    rules = tuple(replace(r, enabled=True) for r in ruleset.rules)
    checker = Checker(RuleSet(rules=rules), CheckOptions(unused_suppressions=False, suppression_fixes=False))
    for rule in rules:
        for example in rule.examples:
            yield run_example(checker, rule, example)


def run_rule_examples(rule: Rule) -> tuple[ExampleOutcome, ...]:
    """One rule's examples, checked with that rule alone: an example's outcome depends on
    its own rule only (findings of other rules are never counted), so a caller may keep
    the outcomes per rule and run again only the rules that changed."""
    if not rule.examples:
        return ()
    rule = replace(rule, enabled=True)
    checker = Checker(RuleSet(rules=(rule,)), CheckOptions(unused_suppressions=False, suppression_fixes=False))
    return tuple(run_example(checker, rule, example) for example in rule.examples)


def run_example(checker: Checker, rule: Rule, example: Example) -> ExampleOutcome:
    findings = [f for f in checker.check(example.path, example.code).findings if f.rule_id == rule.id]
    if example.valid and findings:
        return ExampleOutcome(rule, example, FALSE_POSITIVE, f"expected no finding, got {_listed(findings)}")
    if not example.valid:
        problem = _invalid_problem(example, findings)
        if problem:
            return ExampleOutcome(rule, example, FALSE_NEGATIVE, problem)
    if example.fixed is None:
        return ExampleOutcome(rule, example, PASSED)
    fixed, _ = apply_safe_fixes(example.code, findings)
    if fixed != example.fixed:
        return ExampleOutcome(rule, example, FIX_MISMATCH, f"the safe fixes give {fixed!r}", fixed)
    return ExampleOutcome(rule, example, PASSED, fixed=fixed)


def _invalid_problem(example: Example, findings: list[Finding]) -> str:
    if not findings:
        return "expected a finding, got none"
    if example.count is not None and len(findings) != example.count:
        return f"expected {example.count} finding(s), got {_listed(findings)}"
    if example.message is not None and not any(example.message in f.message for f in findings):
        return f"expected a message containing {example.message!r}, got {_listed(findings)}"
    return ""


def _listed(findings: list[Finding]) -> str:
    shown = "; ".join(f"line {f.span.line + 1}: {f.message}" for f in findings[:5])
    more = f"; and {len(findings) - 5} more" if len(findings) > 5 else ""
    return f"{len(findings)}: {shown}{more}"
