"""The rule engine: pure functions from (rules, path, text) to findings.

It knows nothing of LSP or of the command line; both shells call it.

    ruleset = load_rule_files(["rules/background-tasks.yaml"])
    result = Checker(ruleset).check("app/tasks/scan.py", text)
"""

from .evaluate import CheckOptions, Checker
from .fixes import apply_edits, apply_safe_fixes
from .loading import load_rule_files, load_rule_text
from .model import (
    UNUSED_SUPPRESSION,
    AntiPattern,
    CheckResult,
    Finding,
    Fix,
    FixKind,
    Location,
    Note,
    PatternEntry,
    Rule,
    RuleError,
    RuleSet,
    Severity,
    Span,
    TextEdit,
)

__all__ = [
    "UNUSED_SUPPRESSION",
    "AntiPattern",
    "CheckOptions",
    "CheckResult",
    "Checker",
    "Finding",
    "Fix",
    "FixKind",
    "Location",
    "Note",
    "PatternEntry",
    "Rule",
    "RuleError",
    "RuleSet",
    "Severity",
    "Span",
    "TextEdit",
    "apply_edits",
    "apply_safe_fixes",
    "load_rule_files",
    "load_rule_text",
]
