"""The rule format's key tables, and the "did you mean" for unknown keys."""

from __future__ import annotations

from . import keys

# Derived from the one declaration of every key (keys.py).
RULE_KEYS = keys.RULE.names()
PATTERN_KEYS = keys.PATTERN_ENTRY.names()
ANTI_PATTERN_KEYS = keys.ANTI_PATTERN_ENTRY.names()
EXAMPLE_KEYS = keys.EXAMPLE_ENTRY.names()
IMPORTS_KEYS = keys.IMPORTS.names()

# What a value is, for "YAML read this regex as a flow sequence" messages.
REGEX_KEYS = frozenset(k.name for place in keys.PLACES for k in place.keys if k.value == keys.REGEX)
GLOB_KEYS = frozenset(k.name for place in keys.PLACES for k in place.keys if k.value == keys.GLOB)

SEVERITIES = keys.SEVERITIES

# The places a key can be written, as loader messages name them, with the keys each accepts.
RULE = keys.RULE.label
PATTERN_ENTRY = keys.PATTERN_ENTRY.label
ANTI_PATTERN_ENTRY = keys.ANTI_PATTERN_ENTRY.label
EXAMPLE_ENTRY = keys.EXAMPLE_ENTRY.label
IMPORTS = keys.IMPORTS.label
IMPORTS_FORBIDDEN = keys.IMPORTS_FORBIDDEN.label
IMPORTS_PROTECTED = keys.IMPORTS_PROTECTED.label
KEYS_OF = {place.label: place.names() for place in keys.PLACES + keys.CONTRACT_PLACES}


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
    import difflib  # only for a misspelt key (CLI start-up)

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
