"""Typed values from YAML nodes, every problem reported at the node.

Each reader returns the value, or None when the node cannot be used (the
problem is already recorded in the `Context`). Nothing here raises on odd
input: a wrong type is a RuleError, never a TypeError.
"""

from __future__ import annotations

import re
from functools import lru_cache

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..globs import Glob, GlobError
from ..model import RuleError, Severity, Span
from ..record import field, record
from ..regex import LineRegex, RegexError
from .schema import value_kind
from .yaml_nodes import MERGE, NULL, SCALAR_TAGS, Positions, display_tag, is_null, kind_of


class TooManyValues(Exception):
    """The file expands (through aliases) to more values than it has characters."""


@record(frozen=False)
class Context:
    """One file being loaded: where errors go, and the state they need."""

    path: str
    pos: Positions
    errors: list[RuleError] = field(default_factory=list)
    rule_id: str | None = None  # the rule being built, for RuleError.rule_id
    bad_nodes: set[int] = field(default_factory=set)  # tag errors, already reported
    budget: int = 0

    def report(self, where: Node | Span, message: str, severity: Severity = Severity.ERROR) -> None:
        span = where if isinstance(where, Span) else self.pos.node_span(where)
        self.errors.append(RuleError(self.path, span, message, self.rule_id, severity))

    def warn(self, where: Node | Span, message: str) -> None:
        self.report(where, message, Severity.WARNING)

    def spend(self, n: int = 1) -> None:
        # Aliases can make a small file stand for a huge tree (`*a` repeated, nested);
        # without aliases a file never holds more values than characters.
        self.budget -= n
        if self.budget < 0:
            raise TooManyValues()

    def usable(self, node: Node) -> bool:
        return id(node) not in self.bad_nodes


# ---------------------------------------------------------------- mappings


def mapping_pairs(ctx: Context, node: MappingNode, keep_duplicates: bool = False) -> list[tuple[str, Node, Node]]:
    """(key, key node, value node) in order: odd keys reported, merges (`<<`) applied.

    A repeated key is reported at the repeat. Inside a rule the first value is
    kept (the repeat is an error); for rule groups (`keep_duplicates`) both are
    kept, since each holds whole rules, and the repeat is a warning."""
    out: list[tuple[str, Node, Node]] = []
    first: dict[str, Node] = {}
    merged: list[tuple[str, Node, Node]] = []
    for key_node, value_node in node.value:
        ctx.spend()
        if key_node.tag == MERGE:
            merged += _merged_pairs(ctx, value_node)
            continue
        if not ctx.usable(key_node):
            continue
        if not isinstance(key_node, ScalarNode) or is_null(key_node):
            ctx.report(key_node, f"a key must be a plain name, not {kind_of(key_node)}")
            continue
        key = key_node.value
        if key in first:
            line = ctx.pos.node_span(first[key]).line + 1
            if keep_duplicates:
                ctx.warn(key_node, f"group `{key}` is written twice (first at line {line}); the rules of both load")
                out.append((key, key_node, value_node))
            else:
                ctx.report(key_node, f"duplicate key `{key}` (first at line {line}); this one is ignored")
            continue
        first[key] = key_node
        out.append((key, key_node, value_node))
    # Explicit keys win over merged ones; the first merged source wins among merges.
    for key, key_node, value_node in merged:
        if key not in first:
            first[key] = key_node
            out.append((key, key_node, value_node))
    return out


def _merged_pairs(ctx: Context, value: Node, depth: int = 0) -> list[tuple[str, Node, Node]]:
    sources = value.value if isinstance(value, SequenceNode) else [value]
    out = []
    for src in sources:
        if not isinstance(src, MappingNode) or depth > 8:
            ctx.report(src, "`<<` merges a mapping: write `<<: *name` where `&name` marks a mapping")
            continue
        for key_node, value_node in src.value:
            ctx.spend()
            if key_node.tag == MERGE:
                out += _merged_pairs(ctx, value_node, depth + 1)
            elif isinstance(key_node, ScalarNode) and not is_null(key_node):
                out.append((key_node.value, key_node, value_node))
    return out


# ---------------------------------------------------------------- scalars


def read_text(ctx: Context, key: str, node: Node, *, required: bool = True) -> str | None:
    """A string. Numbers, booleans and dates count as the text written (`id: 123` -> "123")."""
    if not ctx.usable(node):
        return None
    if isinstance(node, ScalarNode):
        if node.tag == NULL:
            if required:
                ctx.report(node, f"`{key}` is empty")
            return None
        if node.tag in SCALAR_TAGS:
            return node.value
        return None  # a disallowed tag, reported by the tag scan
    if isinstance(node, (SequenceNode, MappingNode)) and node.flow_style and value_kind(key) != "value":
        ctx.report(node, flow_message(ctx, key, node))
        return None
    ctx.report(node, f"`{key}` must be a string, not {kind_of(node)}" + _quote_hint(node))
    return None


def read_strings(ctx: Context, key: str, node: Node) -> tuple[str, ...] | None:
    """A string or a list of strings (non-empty ones)."""
    if isinstance(node, ScalarNode):
        items = [node]
    elif isinstance(node, SequenceNode):
        items = node.value
    else:
        ctx.report(node, f"`{key}` must be a string or a list of strings, not {kind_of(node)}")
        return None
    out = []
    for item in items:
        ctx.spend()
        if isinstance(item, ScalarNode) and item.tag == NULL and item is node:
            ctx.report(node, f"`{key}` is empty")
            return None
        if not isinstance(item, ScalarNode):
            if ctx.usable(item):
                ctx.report(item, f"each item of `{key}` must be a string, not {kind_of(item)}" + _quote_hint(item))
            continue
        text = read_text(ctx, key, item, required=False)
        if text is None:
            if ctx.usable(item):
                ctx.report(item, f"empty item in `{key}`; it is ignored", Severity.WARNING)
            continue
        if text == "":
            ctx.warn(item, f"empty string in `{key}` checks nothing; it is ignored")
            continue
        out.append(text)
    return tuple(out)


def read_bool(ctx: Context, key: str, node: Node) -> bool | None:
    if isinstance(node, ScalarNode) and node.tag.endswith(":bool"):
        return node.value.lower() in ("true", "yes", "on", "y")
    if ctx.usable(node):
        ctx.report(node, f"`{key}` must be true or false, not {kind_of(node)}")
    return None


def read_regex(ctx: Context, key: str, node: Node) -> LineRegex | None:
    source = read_text(ctx, key, node)
    if source is None:
        return None
    if "\n" in source or "\r" in source:
        ctx.report(
            node,
            f"`{key}` contains a line break, but rule regexes match within one line: "
            "write it on one line (or use `|-` / `>-` to drop the final line break)",
        )
        return None
    rx, problem = _compile_regex(source)
    if rx is None:
        ctx.report(node, f"`{key}`: {problem}")
        return None
    if rx.matches_empty():
        ctx.warn(node, f"`{key}` regex {source!r} matches the empty string, so {_EVERY_LINE[key]}")
    return rx


_EVERY_LINE = {
    "pattern": "every line in scope is a finding",
    "should_match": "every file satisfies it",
    "endpoint_pattern": "every line counts as an endpoint decorator",
}


def read_glob(ctx: Context, key: str, node: Node) -> Glob | None:
    pattern = read_text(ctx, key, node)
    if pattern is None:
        return None
    if "\n" in pattern or "\r" in pattern:
        ctx.report(node, f"`{key}` glob contains a line break, so it matches no path")
        return None
    glob, problem = _compile_glob(pattern)
    if glob is None:
        ctx.report(node, f"`{key}`: {problem}")
    return glob


def flow_message(ctx: Context, key: str, node: Node) -> str:
    """`pattern: [A-Z]` is a list holding 'A-Z' to YAML: say so, with the quoted fix."""
    shape = "flow sequence" if isinstance(node, SequenceNode) else "flow mapping"
    text = ctx.pos.text[node.start_mark.index : node.end_mark.index]
    fix = ""
    if text and "\n" not in text and "\r" not in text:
        fix = ": `" + key + ": '" + text.replace("'", "''") + "'`"
    return f"YAML read this {value_kind(key)} as a {shape}; quote it{fix}"


def _quote_hint(node: Node) -> str:
    if isinstance(node, (SequenceNode, MappingNode)) and node.flow_style:
        shape = "flow sequence" if isinstance(node, SequenceNode) else "flow mapping"
        return f" (YAML read `[...]`/`{{...}}` as a {shape}; quote it if it is text)"
    if isinstance(node, MappingNode):
        return " (a `: ` inside a value makes YAML read a nested key; quote the value)"
    return ""


def describe_tag(node: Node) -> str:
    return (
        f"YAML tag `{display_tag(node.tag)}` is not allowed in rule files (only strings, numbers, "
        "booleans, lists and mappings); the value is ignored"
    )


# ---------------------------------------------------------------- compile caches

# Rule files are reloaded on every edit in the editor; most regexes and globs are
# unchanged between reloads. Both types are immutable and compare by source.


@lru_cache(maxsize=4096)
def _compile_regex(source: str) -> tuple[LineRegex | None, str]:
    try:
        return LineRegex(source), ""
    except RegexError as e:
        return None, str(e)
    except Exception as e:  # RE2 may refuse odd input (e.g. lone surrogates) in other ways
        return None, f"invalid regex {source!r}: {e}"


@lru_cache(maxsize=4096)
def _compile_glob(pattern: str) -> tuple[Glob | None, str]:
    try:
        return Glob(pattern), ""
    except GlobError as e:
        return None, str(e)
    except Exception as e:
        return None, f"invalid file glob {pattern!r}: {e}"


_GROUP_REF = re.compile(r"\\(\d{1,2})|\\g<([^>]*)>")


def fix_group_problem(rx: LineRegex, template: str) -> str:
    """Why `template` cannot be expanded for `rx`'s matches ('' when it can)."""
    groups = rx.group_count
    names = rx.group_names
    for m in _GROUP_REF.finditer(template):
        ref = m.group(1) or m.group(2)
        if ref.isdigit():
            if int(ref) > groups:
                return f"`fix` uses group {ref}, but the pattern has {groups} group(s)"
        elif ref not in names:
            known = ", ".join(sorted(names)) or "none"
            return f"`fix` uses group `{ref}`, which the pattern does not name (named groups: {known})"
    return ""
