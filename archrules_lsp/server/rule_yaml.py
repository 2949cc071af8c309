"""Where the cursor is in a rule file, read from its lines (no YAML parse: the text
being typed is often not valid YAML yet), and what each key means.

A key's place follows from indentation: the nearest line above with a smaller key
column is its parent. Keys under a top-level group are rule keys, under `patterns:`
pattern-entry keys, under `anti_patterns:` anti-pattern keys, under `imports:` (and its
`forbidden:` and `protected:`) contract keys. The documentation of
every key comes from the format's one declaration of its keys (engine/loading/keys.py),
as the loader's key tables and the JSON schema do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..engine.loading import keys

RULE = keys.RULE.definition
PATTERN_ENTRY = keys.PATTERN_ENTRY.definition
ANTI_PATTERN_ENTRY = keys.ANTI_PATTERN_ENTRY.definition
EXAMPLE = keys.EXAMPLE_ENTRY.definition
_PARENT_PLACE = {"patterns": PATTERN_ENTRY, "anti_patterns": ANTI_PATTERN_ENTRY, "examples": EXAMPLE,
                 "imports": keys.IMPORTS.definition, "forbidden": keys.IMPORTS_FORBIDDEN.definition,
                 "protected": keys.IMPORTS_PROTECTED.definition}

# `  - key: value` / `    key:` : (indent, dash, key, the rest)
_KEY_LINE = re.compile(r"^(\s*)(-\s+)?([A-Za-z_][\w-]*)\s*:(.*)$")
_PARTIAL_KEY = re.compile(r"^(\s*)(-\s+)?([A-Za-z_][\w-]*)?$")


@dataclass(frozen=True)
class KeySpot:
    place: str  # RULE, PATTERN_ENTRY, ANTI_PATTERN_ENTRY, EXAMPLE or an `imports:` place (keys.PLACE_OF)
    key: str  # the key written there ('' while it is being typed)
    column: int  # where the key starts
    siblings: frozenset[str]  # keys already in the same mapping (above the cursor)


def _key_column(match: re.Match[str]) -> int:
    return len(match.group(1)) + len(match.group(2) or "")


def _is_content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _parent_place(lines: list[str], line: int, column: int) -> tuple[str | None, frozenset[str]]:
    """The place of the mapping whose keys sit at `column` on `line`, and the keys above
    the cursor in it."""
    siblings: set[str] = set()
    for i in range(line - 1, -1, -1):
        text = lines[i]
        if not _is_content(text):
            continue
        m = _KEY_LINE.match(text)
        indent = len(text) - len(text.lstrip())
        if m is None:
            if indent < column:
                return None, frozenset(siblings)
            continue
        key_column = _key_column(m)
        if key_column == column:
            siblings.add(m.group(3))
            if m.group(2):  # the `- ` that starts this mapping: its parent is above
                column = len(m.group(1))
            continue
        if key_column < column:
            if key_column == 0:
                return RULE, frozenset(siblings)
            return _PARENT_PLACE.get(m.group(3)), frozenset(siblings)
    return None, frozenset(siblings)


def key_being_typed(lines: list[str], line: int, character: int) -> KeySpot | None:
    """The cursor is where a key goes (`    sev|`, `  - |`): its place, or None."""
    if line >= len(lines):
        return None
    m = _PARTIAL_KEY.match(lines[line][:character])
    if m is None:
        return None
    column = _key_column(m)
    if column == 0:
        return None  # a group name: any word
    place, siblings = _parent_place(lines, line, column)
    return KeySpot(place, m.group(3) or "", column, siblings) if place else None


def key_at(lines: list[str], line: int, character: int) -> KeySpot | None:
    """The key under the cursor (`severity` in `    severity: error`), or None."""
    if line >= len(lines):
        return None
    m = _KEY_LINE.match(lines[line])
    if m is None:
        return None
    column = _key_column(m)
    if not column <= character <= column + len(m.group(3)):
        return None
    place, siblings = _parent_place(lines, line, column)
    return KeySpot(place, m.group(3), column, siblings) if place else None


def value_key(lines: list[str], line: int, character: int) -> str | None:
    """The key whose value the cursor is in (`severity` in `severity: err|`)."""
    if line >= len(lines):
        return None
    m = _KEY_LINE.match(lines[line][:character])
    return m.group(3) if m is not None else None


def keys_of(place: str) -> dict[str, str]:
    """The keys valid in `place`, each with its documentation (Markdown)."""
    return {key.name: keys.hover_markdown(key) for key in keys.PLACE_OF[place].keys}
