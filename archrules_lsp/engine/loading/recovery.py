"""A YAML syntax error costs the rule it is in, not the whole file.

When a rule file does not parse, the rule (the `- id: ...` item of a group) that
holds the error is blanked out and the file parsed again, so the other rules of
the file keep working: one unquoted `pattern: [a-z]+_job` must not switch off
every rule beside it. Blanking replaces each character of the item's lines by a
space (line breaks kept), so every offset, line and column of the rest of the
file is unchanged and the nodes of the reparsed text point into the original.

Recovery gives up (and the caller loads nothing from the file, as before) when
the error is not inside a rule item (a group key, the top level) or when too
many rules in a row fail.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import yaml
from yaml.nodes import Node

from ..model import RuleError, Span
from ..record import replace
from ..text import line_of_offset, line_starts, split_lines
from .yaml_nodes import compose_documents

MAX_RECOVERIES = 20
_ITEM_START = re.compile(r"^([ \t]*)-(?:[ \t]|$)")


def _blank_line(text: str) -> bool:
    s = text.strip()
    return not s or s.startswith("#")


def _is_top_level_boundary(text: str) -> bool:
    """A group key (`my_rules:`) or a document marker at column 0."""
    if not text or text[0] in " \t#":
        return False
    if text.startswith(("---", "...")):
        return True
    return not _ITEM_START.match(text)


def rule_item_lines(lines: list[str], line: int) -> tuple[int, int, int] | None:
    """(first line, last line, group key line) of the group item holding `line`, or None."""
    if not 0 <= line < len(lines):
        return None
    key = line
    while key >= 0 and not _is_top_level_boundary(lines[key]):
        key -= 1
    if key < 0 or key == line or lines[key].startswith(("---", "...")):
        return None
    end = key + 1
    while end < len(lines) and not _is_top_level_boundary(lines[end]):
        end += 1
    starts = []
    indent = None
    for i in range(key + 1, end):
        if _blank_line(lines[i]):
            continue
        m = _ITEM_START.match(lines[i])
        if indent is None:
            if m is None:
                return None  # the group does not hold a block list of rules
            indent = m.group(1)
        if m is not None and m.group(1) == indent:
            starts.append(i)
    before = [s for s in starts if s <= line]
    if not before:
        return None
    first = before[-1]
    later = [s for s in starts if s > line]
    last = (later[0] if later else end) - 1
    return first, last, key


def recover(
    text: str,
    first_error: RuleError,
    first_exception: Exception,
    error_of: Callable[[Exception, str], RuleError],
) -> tuple[list[Node], str, list[RuleError], set[int]] | None:
    """Parse `text` with the rules holding syntax errors blanked out.

    Returns (roots, the text they were parsed from, every syntax error found, the
    group key lines whose items were blanked), or None when the file cannot be recovered."""
    starts = line_starts(text)
    chars = list(text)
    errors = [first_error]
    blanked: set[int] = set()
    groups: set[int] = set()
    error, exc = first_error, first_exception
    for _ in range(MAX_RECOVERIES):
        lines = split_lines("".join(chars))
        item = rule_item_lines(lines, error.span.line)
        if item is None:
            return None
        # A problem found in one rule but caused by an earlier one (a quote left open
        # there swallows the lines up to the next quote): blank the earlier rule.
        context = _context_line(exc, starts)
        if context is not None and context < item[0]:
            earlier = rule_item_lines(lines, context)
            if earlier is not None and earlier[2] == item[2]:
                item = earlier
                # say so where the broken rule is, not in the innocent one
                errors[-1] = replace(
                    error,
                    span=Span(context, len(lines[context]) - len(lines[context].lstrip()),
                              context, len(lines[context].rstrip())),
                    message=f"this rule is not loaded: the YAML breaks in it, found at line "
                            f"{error.span.line + 1}: {error.message}",
                )
        first, last, key = item
        if first in blanked:
            return None  # blanking did not help
        for ln in range(first, last + 1):
            blanked.add(ln)
            a = starts[ln]
            b = starts[ln + 1] if ln + 1 < len(starts) else len(chars)
            for i in range(a, b):
                if chars[i] not in "\r\n":
                    chars[i] = " "
        groups.add(key)
        current = "".join(chars)
        try:
            return compose_documents(current), current, errors, groups
        except (yaml.YAMLError, RecursionError) as e:
            error, exc = error_of(e, current), e
            if error.span.line in blanked:
                return None
            errors.append(error)
        except Exception:
            return None
    return None


def _context_line(exc: Exception, starts: list[int]) -> int | None:
    mark = getattr(exc, "context_mark", None)
    index = getattr(mark, "index", None)
    if not isinstance(index, int):
        return None
    return line_of_offset(starts, index)
