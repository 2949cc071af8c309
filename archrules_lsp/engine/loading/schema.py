"""The rule format's key tables, and the "did you mean" for unknown keys."""

from __future__ import annotations

import difflib

from ..model import Severity

RULE_KEYS = (
    "id",
    "name",
    "description",
    "severity",
    "patterns",
    "anti_patterns",
    "suggestion",
    "enabled",
    "url",
    "examples",
)
PATTERN_KEYS = (
    "file",
    "must_contain",
    "must_contain_one_of",
    "must_reference",
    "when_contains",
    "should_match",
    "endpoint_pattern",
    "must_return",
)
ANTI_PATTERN_KEYS = ("pattern", "message", "file", "fix")
EXAMPLE_KEYS = ("path", "valid", "invalid", "count", "message", "fixed")

# What a value is, for "YAML read this regex as a flow sequence" messages.
REGEX_KEYS = frozenset({"pattern", "should_match", "endpoint_pattern"})
GLOB_KEYS = frozenset({"file"})

SEVERITIES = tuple(s.value for s in Severity)

# The three places a key can be written, with the keys each accepts.
RULE = "rule"
PATTERN_ENTRY = "`patterns` entry"
ANTI_PATTERN_ENTRY = "`anti_patterns` entry"
EXAMPLE_ENTRY = "`examples` entry"
KEYS_OF = {RULE: RULE_KEYS, PATTERN_ENTRY: PATTERN_KEYS, ANTI_PATTERN_ENTRY: ANTI_PATTERN_KEYS,
           EXAMPLE_ENTRY: EXAMPLE_KEYS}


def value_kind(key: str) -> str:
    if key in REGEX_KEYS:
        return "regex"
    if key in GLOB_KEYS:
        return "glob"
    return "value"


def unknown_key_message(key: str, where: str) -> str:
    """'unknown rule key `severtiy`: did you mean `severity`?', or where the key belongs."""
    allowed = KEYS_OF[where]
    msg = f"unknown {where} key `{key}` (ignored)"
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if not close:
        # Case and separator slips (`Must-Contain`) are near misses too.
        norm = key.lower().replace("-", "_").replace(" ", "_")
        close = [k for k in allowed if k == norm]
    elsewhere = _belongs_elsewhere(key, where)
    if close:
        msg += f": did you mean `{close[0]}`?"
        if elsewhere:
            msg += f" ({elsewhere})"
    elif elsewhere:
        msg += f": {elsewhere}"
    else:
        msg += ": expected one of " + ", ".join(f"`{k}`" for k in allowed)
    return msg


def _belongs_elsewhere(key: str, where: str) -> str:
    # A right key at the wrong level is the usual indentation mistake.
    if where != PATTERN_ENTRY and key in PATTERN_KEYS and key not in ANTI_PATTERN_KEYS:
        return f"`{key}` belongs in a `patterns` entry (`- file: ...`)"
    if where != ANTI_PATTERN_ENTRY and key in ANTI_PATTERN_KEYS and key not in PATTERN_KEYS:
        return f"`{key}` belongs in an `anti_patterns` entry (`- pattern: ...`)"
    if where != RULE and key in RULE_KEYS:
        return f"`{key}` is a rule key: indent it at the level of the rule's `id`"
    return ""
