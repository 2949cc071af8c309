"""The rule engine: pure functions from (rules, path, text) to findings.

It knows nothing of LSP or of the command line; both shells call it.

    ruleset = load_rule_files(["rules/background-tasks.yaml"])
    result = Checker(ruleset).check("app/tasks/scan.py", text)

The names below load on first use (PEP 562), so that importing one light module
(`engine.text`, `engine.model`) does not pull in YAML and RE2: the server answers
`initialize` before the engine is needed, and `archrules --version` stays quick.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_WHERE = {
    "CheckOptions": "evaluate", "Checker": "evaluate",
    "apply_edits": "fixes", "apply_safe_fixes": "fixes",
    "load_rule_files": "loading", "load_rule_text": "loading",
    **{name: "model" for name in (
        "UNUSED_SUPPRESSION", "AntiPattern", "CheckResult", "Finding", "Fix", "FixKind", "Location", "Note",
        "PatternEntry", "Rule", "RuleError", "RuleSet", "Severity", "Span", "TextEdit")},
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


# Re-exports listed in __all__; ruff cannot read a computed __all__, hence the noqa.
if TYPE_CHECKING:  # for type checkers and readers: the same names, imported eagerly
    from .evaluate import Checker, CheckOptions  # noqa: F401
    from .fixes import apply_edits, apply_safe_fixes  # noqa: F401
    from .loading import load_rule_files, load_rule_text  # noqa: F401
    from .model import (  # noqa: F401
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
