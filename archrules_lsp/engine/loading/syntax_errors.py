"""A YAML syntax error -> one RuleError at the problem, in words that say what to do.

The parser's own messages ("did not find expected key") describe the grammar,
not the mistake. The usual mistakes in rule files are values that YAML reads
as syntax: a regex starting with `[` (a flow sequence), a glob starting with `*`
(an alias), `@decorator` (reserved), `\\d` in double quotes (an escape). For
those the message names the fix; the parser's text follows for context.
"""

from __future__ import annotations

import re

import yaml

from ..model import RuleError, Span
from .schema import value_kind
from .yaml_nodes import Positions

# `  - key: value` or `  - value` (a list item); the key is a plain name. Compiled on an
# error only (re caches it): a clean load does not pay for it.
_LINE = r"^(?P<lead>[ \t]*(?:-[ \t]+)*)(?:(?P<key>[A-Za-z_][\w.-]*)[ \t]*:[ \t]+)?(?P<value>\S.*?)\s*$"
_RESERVED_START = "*&!@`%|>"


def syntax_error(err: Exception, pos: Positions, path: str) -> RuleError:
    if isinstance(err, RecursionError):
        return RuleError(path, Span.point(0), "the YAML is nested too deeply to load")
    problem = str(getattr(err, "problem", "") or "").strip()
    mark = getattr(err, "problem_mark", None)
    context = str(getattr(err, "context", "") or "").strip()
    context_mark = getattr(err, "context_mark", None)
    if isinstance(err, yaml.reader.ReaderError):
        # A character YAML refuses (control characters, often a binary file).
        line, col = pos.at(err.position)
        what = f"#x{err.character:04x}" if isinstance(err.character, int) else repr(err.character)
        message = f"invalid character {what} in the rule file: {err.reason}"
        return RuleError(path, pos.line_span(line, col, col + 1), message)
    if mark is None:
        return RuleError(path, Span.point(0), f"invalid YAML: {problem or err}")
    p_line, p_col = pos.at(mark.index)
    c_line = pos.at(context_mark.index)[0] if context_mark is not None else None

    found = _flow_collection(pos, p_line, c_line if "flow" in context else None)
    if found is not None:
        span, message = found
        return RuleError(path, span, f"{message} (YAML: {problem})")
    hinted = _hint(pos, p_line, p_col, problem, context, context_mark)
    if hinted is not None:
        span, message = hinted
        return RuleError(path, span, f"{message} (YAML: {problem})")
    msg = f"invalid YAML: {problem}"
    if context and c_line is not None and c_line != p_line:
        msg += f" ({context} at line {c_line + 1})"
    return RuleError(path, pos.line_span(p_line, p_col), msg)


def _quoted(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _flow_end(value: str) -> int | None:
    """Index of the bracket closing value[0], or None when it is never closed."""
    depth, quote = 0, ""
    for i, ch in enumerate(value):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
            if depth == 0:
                return i
    return None


def _flow_collection(pos: Positions, p_line: int, flow_line: int | None) -> tuple[Span, str] | None:
    """A `key: [...]` value that YAML could not read as one value: the usual unquoted regex."""
    # Only the line where the flow collection opened (the parser's context) and the
    # problem line: a line further up that YAML did read is not the culprit.
    candidates = [flow_line] if flow_line is not None else []
    for line in candidates + [p_line]:
        m = re.match(_LINE, pos.line_text(line))
        if m is None or (m.group("key") is None and "-" not in m.group("lead")):
            continue
        value = m.group("value")
        if value[0] not in "[{":
            continue
        end = _flow_end(value)
        rest = "" if end is None else value[end + 1 :].strip()
        if end is not None and (not rest or rest.startswith("#")):
            continue  # a complete `[a, b]` list: a legitimate value, not the problem
        key = m.group("key")
        what = value_kind(key) if key else "value"
        shape = "flow sequence" if value[0] == "[" else "flow mapping"
        fix = f"{key}: {_quoted(value)}" if key else f"- {_quoted(value)}"
        span = pos.line_span(line, m.start("value"), m.end("value"))
        return span, f"YAML read this {what} as a {shape}; quote it: `{fix}`"
    return None


def _hint(
    pos: Positions, p_line: int, p_col: int, problem: str, context: str, context_mark: yaml.error.Mark | None
) -> tuple[Span, str] | None:
    text = pos.line_text(p_line)
    m = re.match(_LINE, text)
    key = m.group("key") if m else None
    value = m.group("value") if m else ""
    if "\t" in text[: p_col + 1] and ("token" in problem or "tab" in problem.lower()):
        col = text.index("\t")
        return pos.line_span(p_line, col, col + 1), "YAML does not allow tabs for indentation; use spaces"
    if m and value and value[0] in _RESERVED_START and m.start("value") <= p_col:
        what = value_kind(key) if key else "value"
        fix = f"{key}: {_quoted(value)}" if key else f"- {_quoted(value)}"
        span = pos.line_span(p_line, m.start("value"), m.end("value"))
        return span, f"a YAML {what} starting with `{value[0]}` must be quoted: `{fix}`"
    if "escape" in problem and context_mark is not None:
        line, col = pos.at(context_mark.index)
        return (
            pos.line_span(line, col),
            "in double quotes YAML reads a backslash as an escape: "
            "write regexes in single quotes ('\\d+'), or double every backslash (\"\\\\d+\")",
        )
    if "mapping values are not allowed" in problem:
        return (
            pos.line_span(p_line, m.start("value") if m and key else p_col),
            "this value contains `: `, which YAML reads as a nested key; quote the whole value",
        )
    if "end of stream" in problem and "quoted scalar" in context and context_mark is not None:
        line, col = pos.at(context_mark.index)
        return pos.line_span(line, col), "this quoted string is never closed"
    return None
