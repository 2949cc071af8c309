"""Composed YAML nodes -> `Rule`s, each problem reported where it is written.

What is kept when part of a rule is wrong (the general idea: load what is
meaningful, and never let an error widen where a check applies):

* no usable `id` -> the rule is not loaded (findings and suppressions need an
  id), but the rest of it is still checked so every error shows at once;
* no `name` -> error, the rule loads with its id as name;
* bad `severity` -> error, the rule loads as `warning`;
* unknown key -> warning, ignored, everything else loads;
* a `patterns` entry without a usable `file` or `when_contains`, or with a bad
  `in_class` or `exclude` -> that entry is dropped (dropping only the gate would
  run its checks on more files); `should_match` / `endpoint_pattern` beside
  `in_class` -> warning, ignored (they are not class-scoped);
* a bad check value in an entry (`must_contain`, `should_match`, ...) -> that
  check is dropped, the entry keeps its other checks; `endpoint_pattern` and
  `must_return` go together;
* an `anti_patterns` item without a usable `pattern` or with a bad `file` or `exclude` ->
  that item is dropped, the other items load; a bad `fix` -> the item loads
  without a fix; no `message` -> warning, `matches <pattern>` is used;
* `patterns` written but none of its entries loaded while an anti-pattern
  relies on the patterns' files for its scope -> the rule is not loaded (its
  anti-patterns would otherwise run on every file).
"""

from __future__ import annotations

import re
from collections import OrderedDict

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..globs import Glob
from ..model import AntiPattern, Example, Location, PatternEntry, Rule, RuleError, Severity, Span
from ..record import field, record
from ..regex import LineRegex
from . import schema
from .examples import build_examples
from .values import (
    Context,
    _compile_regex,
    fix_group_problem,
    mapping_pairs,
    read_bool,
    read_glob,
    read_regex,
    read_strings,
    read_text,
)
from .yaml_nodes import NULL, SCALAR_TAGS, is_null, kind_of

_STRING_LIST_KEYS = ("must_contain", "must_contain_one_of", "must_reference", "when_contains", "must_return")
# Characters that cannot appear in an id inside `archrules: ignore[ID, ID]`.
_BAD_ID_CHARS = re.compile(r"[,\]\r\n]")
EXTENSION_PREFIX = "x-"
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


@record
class BuiltRule:
    """A loaded rule and where its id is written."""

    rule: Rule
    id_span: Span  # where duplicate-id errors point


# ---------------------------------------------------------------- file level


def build_rules(ctx: Context, roots: list[Node]) -> list[BuiltRule]:
    out: list[BuiltRule] = []
    for root in roots:
        if is_null(root) or not ctx.usable(root):
            continue
        if not isinstance(root, MappingNode):
            ctx.report(_first_line(ctx, root), _top_level_message(root))
            continue
        misplaced = False
        for key, key_node, value in mapping_pairs(ctx, root, keep_duplicates=True):
            if key.startswith(EXTENSION_PREFIX):
                continue  # a place for YAML anchors shared by rules (`x-defaults: &defaults`)
            if key in ("id", "name", "patterns", "anti_patterns") and isinstance(value, (ScalarNode, SequenceNode)):
                if not misplaced:  # once per document: the whole file is one unwrapped rule
                    ctx.report(
                        key_node,
                        f"`{key}` is a rule key, but the top level of a rule file holds groups of rules: "
                        "write a group name (e.g. `my_rules:`) and list the rules under it as `- id: ...`",
                    )
                misplaced = True
                continue
            out += _build_group(ctx, key, key_node, value)
    return out


def _top_level_message(root: Node) -> str:
    if isinstance(root, SequenceNode):
        return (
            "a rule file is a mapping of rule groups, not a list: put a group name above the rules "
            "(e.g. `my_rules:`) and indent the `- id: ...` items under it"
        )
    return f"a rule file is a mapping of rule groups (`my_rules:` then `- id: ...` items), not {kind_of(root)}"


def _build_group(ctx: Context, group: str, key_node: Node, value: Node) -> list[BuiltRule]:
    if not ctx.usable(value):
        return []
    if is_null(value):
        ctx.warn(key_node, f"group `{group}` has no rules")
        return []
    if not isinstance(value, SequenceNode):
        hint = ""
        if isinstance(value, MappingNode) and any(getattr(k, "value", None) == "id" for k, _ in value.value):
            hint = ": start each rule with `- ` (`- id: ...`)"
        ctx.report(key_node, f"group `{group}` must be a list of rules (`- id: ...`), not {kind_of(value)}{hint}")
        return []
    out = []
    for item in value.value:
        ctx.spend()
        built = _build_rule_reusing(ctx, item, group)
        if built is not None:
            out.append(built)
    ctx.rule_id = None
    return out


# An edited rule file is loaded again at every pause in the typing: a rule whose lines are
# unchanged, at the same place, is not built again (its problems are replayed).
_BUILT_LIMIT = 4096
_built: OrderedDict[tuple, tuple[BuiltRule | None, tuple[RuleError, ...]]] = OrderedDict()


def _build_rule_reusing(ctx: Context, node: Node, group: str) -> BuiltRule | None:
    key = _reuse_key(ctx, node, group)
    if key is None:
        return build_rule(ctx, node, group)
    hit = _built.get(key)
    if hit is not None:
        _built.move_to_end(key)
        ctx.errors.extend(hit[1])
        return hit[0]
    before = len(ctx.errors)
    built = build_rule(ctx, node, group)
    _built[key] = (built, tuple(ctx.errors[before:]))
    if len(_built) > _BUILT_LIMIT:
        _built.popitem(last=False)
    return built


def _reuse_key(ctx: Context, node: Node, group: str) -> tuple | None:
    """What a rule's build depends on: its file, group, first line and the text of its lines;
    None when it depends on more (an alias or merge key reaching other lines, a bad tag)."""
    start, end = node.start_mark.index, node.end_mark.index
    if ctx.bad_nodes or not _self_contained(node, start, end):
        return None
    pos = ctx.pos
    first, _ = pos.at(start)
    last, _ = pos.at(end)
    lines = "\n".join(pos.line_text(n) for n in range(first, last + 1))
    return ctx.path, group, pos.span(start, start), lines


def _self_contained(node: Node, start: int, end: int) -> bool:
    """Is every node under `node` written between `start` and `end`, each once (no aliases)?"""
    seen: set[int] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if id(n) in seen or not start <= n.start_mark.index <= n.end_mark.index <= end:
            return False
        seen.add(id(n))
        if isinstance(n, MappingNode):
            stack.extend(part for pair in n.value for part in pair)
        elif isinstance(n, SequenceNode):
            stack.extend(n.value)
    return True


def _first_line(ctx: Context, node: Node) -> Span:
    line, col = ctx.pos.at(node.start_mark.index)
    return ctx.pos.line_span(line, col)


# ---------------------------------------------------------------- rule


@record(frozen=False, eq=False)  # identity: fewer methods
class _RuleParts:
    """What a rule mapping's keys gave, before the rule is put together."""

    fields: dict = field(default_factory=dict)
    patterns: list[tuple[PatternEntry, frozenset[str], Node]] = field(default_factory=list)
    anti: list[AntiPattern] = field(default_factory=list)
    patterns_node: Node | None = None
    examples: tuple[Example, ...] = ()


def build_rule(ctx: Context, node: Node, group: str) -> BuiltRule | None:
    ctx.rule_id = None
    if not ctx.usable(node):
        return None
    if not isinstance(node, MappingNode):
        ctx.report(node, f"each item of group `{group}` must be a rule (a mapping: `- id: ...`), not {kind_of(node)}")
        return None
    ctx.rule_id = _peek_id(node)  # so that errors found before `id` is read carry it
    pairs = mapping_pairs(ctx, node)
    keys = {key: (key_node, value) for key, key_node, value in pairs}

    rule_id, id_span = _read_id(ctx, node, keys.get("id"))
    ctx.rule_id = rule_id
    parts = _read_rule_keys(ctx, pairs)
    fields, patterns, anti = parts.fields, parts.patterns, parts.anti
    if "url" in fields and not _URL.match(fields["url"]):
        ctx.warn(keys["url"][1], "`url` should be an absolute link (https://...)")
    name = _rule_name(ctx, fields, keys, rule_id, id_span)
    if not _check_scope(ctx, parts, keys, id_span):
        return None
    if rule_id is None:
        return None
    rule = Rule(
        id=rule_id,
        name=name,
        description=fields.get("description", ""),
        severity=fields.get("severity", Severity.WARNING),
        patterns=tuple(p[0] for p in patterns),
        anti_patterns=tuple(anti),
        suggestion=fields.get("suggestion", ""),
        url=fields.get("url"),
        enabled=fields.get("enabled", True),
        location=Location(ctx.path, ctx.pos.node_span(node)),
        group=group,
        examples=parts.examples,
        imports=fields.get("imports"),
    )
    return BuiltRule(rule, id_span)


def _read_rule_keys(ctx: Context, pairs: list[tuple[str, Node, Node]]) -> _RuleParts:
    parts = _RuleParts()
    for key, key_node, value in pairs:
        if key == "id":
            continue
        if key not in schema.RULE_KEYS:
            ctx.warn(key_node, schema.unknown_key_message(key, schema.RULE))
        elif key in ("name", "description", "suggestion", "url"):
            text = read_text(ctx, key, value, required=key == "name")
            if text is not None:
                parts.fields[key] = text
        elif key == "severity":
            parts.fields["severity"] = _read_severity(ctx, value)
        elif key == "enabled":
            enabled = read_bool(ctx, key, value)
            if enabled is not None:
                parts.fields["enabled"] = enabled
        elif key == "patterns":
            parts.patterns_node = key_node
            built = (build_pattern_entry(ctx, item) for item in _read_list(ctx, key, value, "`- file: ...`"))
            parts.patterns += [b for b in built if b is not None]
        elif key == "anti_patterns":
            built_anti = (build_anti_pattern(ctx, item) for item in _read_list(ctx, key, value, "`- pattern: ...`"))
            parts.anti += [b for b in built_anti if b is not None]
        elif key == "examples":
            parts.examples = build_examples(ctx, _read_list(ctx, key, value, "`- path: ...`"))
        elif key == "imports":
            from ..imports.rule_keys import build_imports  # only when a rule has contracts (CLI start-up)

            contracts = build_imports(ctx, key_node, value)
            if contracts is not None:
                parts.fields["imports"] = contracts
    return parts


def _rule_name(ctx: Context, fields: dict, keys: dict, rule_id: str | None, id_span: Span) -> str:
    """A one-line title: `name: |` (a block keeps its line breaks) is folded onto one line;
    a missing or blank name is reported, and the id stands in."""
    name = " ".join(fields.get("name", "").split())
    if not name.strip():
        if "name" not in keys:
            ctx.report(id_span, "rule has no `name`" + ("; its id is used instead" if rule_id else ""))
        elif "name" in fields:  # blank; a value of the wrong type is reported already
            ctx.report(keys["name"][1], "`name` is empty" + ("; the rule's id is used instead" if rule_id else ""))
        name = rule_id or ""
    return name


def _check_scope(ctx: Context, parts: _RuleParts, keys: dict, id_span: Span) -> bool:
    """Warnings about what the rule checks; False when it must not load (its anti-patterns
    would run on every file, their `patterns` scope having failed)."""
    patterns, anti = parts.patterns, parts.anti
    scoped_by_patterns = any(a.file is None for a in anti)
    if (parts.patterns_node is not None and not patterns and scoped_by_patterns
            and _declares_items(keys["patterns"][1])):
        ctx.report(
            parts.patterns_node,
            "no `patterns` entry loaded, and the `anti_patterns` without their own `file` take their "
            "files from `patterns`: the rule is not loaded until the `patterns` errors are fixed",
        )
        return False
    for _, written, entry_node in patterns:
        if written <= {"file", "when_contains", "in_class", "exclude"} and not scoped_by_patterns:
            ctx.warn(
                entry_node,
                "this `patterns` entry only names files and checks nothing: add `must_contain`, "
                "`should_match`, ... or an `anti_patterns` item without its own `file`",
            )
    if not patterns and not anti and not {"patterns", "anti_patterns", "imports"} & keys.keys():
        ctx.warn(id_span, "rule checks nothing: give it `patterns`, `anti_patterns` or `imports`")
    return True


def _peek_id(node: MappingNode) -> str | None:
    for key, value in node.value:
        if isinstance(key, ScalarNode) and key.value == "id":
            if isinstance(value, ScalarNode) and value.tag in SCALAR_TAGS and value.tag != NULL:
                return value.value.strip() or None
            return None
    return None


def _read_id(ctx: Context, node: MappingNode, pair: tuple[Node, Node] | None) -> tuple[str | None, Span]:
    start_line, start_col = ctx.pos.at(node.start_mark.index)
    head = ctx.pos.line_span(start_line, start_col)
    if pair is None:
        ctx.report(head, "rule has no `id`; it is not loaded (findings and `archrules: ignore[...]` need one)")
        return None, head
    key_node, value = pair
    span = ctx.pos.node_span(key_node if is_null(value) else value)
    rule_id = read_text(ctx, "id", value)
    if rule_id is None:
        ctx.report(span, "the rule is not loaded without a usable `id`")
        return None, span
    rule_id = rule_id.strip()
    if not rule_id:
        ctx.report(span, "`id` is empty; the rule is not loaded")
        return None, span
    if _BAD_ID_CHARS.search(rule_id):
        ctx.warn(
            span, f"rule id {rule_id!r} contains `,`, `]` or a line break, so `archrules: ignore[...]` cannot name it"
        )
    return rule_id, span


def _read_severity(ctx: Context, node: Node) -> Severity:
    text = read_text(ctx, "severity", node)
    if text is None:
        return Severity.WARNING
    try:
        return Severity(text.strip().lower())
    except ValueError:
        valid = ", ".join(schema.SEVERITIES)
        ctx.report(node, f"unknown severity {text!r}: use one of {valid}; the rule is loaded as `warning`")
        return Severity.WARNING


def _read_list(ctx: Context, key: str, node: Node, item_example: str) -> list[Node]:
    if not ctx.usable(node):
        return []
    if isinstance(node, SequenceNode):
        return node.value
    if is_null(node):
        ctx.warn(node, f"`{key}` is empty")
        return []
    hint = f": start each item with `- ` ({item_example})" if isinstance(node, MappingNode) else ""
    ctx.report(node, f"`{key}` must be a list, not {kind_of(node)}{hint}")
    return []


def _declares_items(node: Node) -> bool:
    """Anything but `key:` / `key: []`: the author meant some items (maybe malformed)."""
    return not is_null(node) and not (isinstance(node, SequenceNode) and not node.value)


# ---------------------------------------------------------------- patterns entry


def build_pattern_entry(ctx: Context, node: Node) -> tuple[PatternEntry, frozenset[str], Node] | None:
    """The entry, the keys written in it (for the 'checks nothing' warning), and its node."""
    ctx.spend()
    if not ctx.usable(node):
        return None
    if not isinstance(node, MappingNode):
        ctx.report(node, f"each `patterns` entry must be a mapping (`- file: ...`), not {kind_of(node)}")
        return None
    values: dict = {}
    written: dict[str, Node] = {}  # key -> key node
    usable = True
    for key, key_node, value in mapping_pairs(ctx, node):
        written[key] = key_node  # unknown keys too: a typo'd check is not "checks nothing"
        if key not in schema.PATTERN_KEYS:
            ctx.warn(key_node, schema.unknown_key_message(key, schema.PATTERN_ENTRY))
            continue
        parsed: Glob | tuple[Glob, ...] | tuple[str, ...] | LineRegex | None
        if key == "file":
            parsed = read_glob(ctx, key, value)
        elif key == "exclude":
            parsed = read_globs(ctx, key, value)
        elif key == "in_class":
            parsed = _read_class_regex(ctx, key, value)
        elif key in _STRING_LIST_KEYS:
            parsed = read_strings(ctx, key, value)
        else:  # should_match, endpoint_pattern
            parsed = read_regex(ctx, key, value)
        if key == "when_contains" and parsed == ():
            # An empty gate would not gate: the checks would run on every file of the glob.
            ctx.report(value, "`when_contains` lists no strings; the entry is not loaded")
            parsed = None
        if parsed is None:  # these narrow where the checks apply: without them the entry would widen
            usable = usable and key not in ("file", "when_contains", "exclude", "in_class")
        else:
            values[key] = parsed

    if "file" not in written:
        ctx.report(_first_line(ctx, node), "this `patterns` entry has no `file` glob; it is not loaded")
        usable = False
    _pair_endpoint_keys(ctx, written, values)
    _file_level_keys_beside_in_class(ctx, written, values)
    if not usable:
        return None
    entry = PatternEntry(
        file=values["file"],
        must_contain=values.get("must_contain", ()),
        must_contain_one_of=values.get("must_contain_one_of", ()),
        must_reference=values.get("must_reference", ()),
        when_contains=values.get("when_contains", ()),
        should_match=values.get("should_match"),
        endpoint_pattern=values.get("endpoint_pattern"),
        must_return=values.get("must_return", ()),
        location=Location(ctx.path, ctx.pos.node_span(node)),
        in_class=values.get("in_class"),
        exclude=values.get("exclude", ()),
    )
    return entry, frozenset(written), node


def _read_class_regex(ctx: Context, key: str, node: Node) -> LineRegex | None:
    """`in_class`: a regex searched in each class header (read as one line). Unlike a line
    regex, one matching the empty string is fine: it means every class."""
    source = read_text(ctx, key, node)
    if source is None:
        return None
    if "\n" in source or "\r" in source:
        ctx.report(node, f"`{key}` contains a line break, but a class header is matched as one line; "
                         "the entry is not loaded")
        return None
    rx, problem = _compile_regex(source)
    if rx is None:
        ctx.report(node, f"`{key}`: {problem}; the entry is not loaded")
    return rx


def read_globs(ctx: Context, key: str, node: Node) -> tuple[Glob, ...] | None:
    """`exclude`: a glob or a list of globs. None (the item is not loaded: it would check more
    files than meant) when one of them is unusable; every problem is reported."""
    if is_null(node) or (isinstance(node, SequenceNode) and not node.value):
        ctx.warn(node, f"`{key}` lists no globs: it leaves nothing out")
        return ()
    if isinstance(node, MappingNode):
        ctx.report(node, f"`{key}` must be a glob or a list of globs, not {kind_of(node)}; the item is not loaded")
        return None
    items = node.value if isinstance(node, SequenceNode) else [node]
    globs = []
    for item in items:
        ctx.spend()
        if not isinstance(item, ScalarNode):
            ctx.report(item, f"each item of `{key}` must be a glob, not {kind_of(item)}; the item is not loaded")
            continue
        glob = read_glob(ctx, key, item)
        if glob is not None:
            globs.append(glob)
    return tuple(globs) if len(globs) == len(items) else None


def _file_level_keys_beside_in_class(ctx: Context, written: dict[str, Node], values: dict) -> None:
    """`should_match` and `endpoint_pattern` look at the whole file: beside `in_class` they would
    read as class-scoped, which they are not."""
    if "in_class" not in written:
        return
    for key in ("should_match", "endpoint_pattern"):
        if key in written:
            ctx.warn(written[key], f"`{key}` checks the whole file, not each class: put it in a `patterns` "
                                   "entry without `in_class`; it is ignored here")
            values.pop(key, None)
    if "endpoint_pattern" not in values:
        values.pop("must_return", None)


def _pair_endpoint_keys(ctx: Context, written: dict[str, Node], values: dict) -> None:
    """`endpoint_pattern` and `must_return` only mean something together."""
    has_pattern, has_return = "endpoint_pattern" in written, "must_return" in written
    if has_pattern and not has_return:
        ctx.report(
            written["endpoint_pattern"],
            "`endpoint_pattern` needs `must_return` (the key each matching endpoint must return); it is ignored",
        )
    elif has_return and not has_pattern:
        ctx.report(
            written["must_return"],
            "`must_return` needs `endpoint_pattern` (the decorator regex that marks endpoints); it is ignored",
        )
    elif values.get("must_return") == () and "endpoint_pattern" in values:
        ctx.report(written["must_return"], "`must_return` lists no keys; `endpoint_pattern` is ignored")
    if "endpoint_pattern" not in values or not values.get("must_return"):
        values.pop("endpoint_pattern", None)
        values.pop("must_return", None)


# ---------------------------------------------------------------- anti_patterns item


def build_anti_pattern(ctx: Context, node: Node) -> AntiPattern | None:
    ctx.spend()
    if not ctx.usable(node):
        return None
    if not isinstance(node, MappingNode):
        ctx.report(node, f"each `anti_patterns` item must be a mapping (`- pattern: ...`), not {kind_of(node)}")
        return None
    values: dict = {}
    written: dict[str, tuple[Node, Node]] = {}
    usable = True
    for key, key_node, value in mapping_pairs(ctx, node):
        if key not in schema.ANTI_PATTERN_KEYS:
            ctx.warn(key_node, schema.unknown_key_message(key, schema.ANTI_PATTERN_ENTRY))
            continue
        written[key] = (key_node, value)
        parsed: LineRegex | Glob | tuple[Glob, ...] | str | None
        if key == "pattern":
            parsed = read_regex(ctx, key, value)
        elif key == "file":
            parsed = read_glob(ctx, key, value)
        elif key == "exclude":
            parsed = read_globs(ctx, key, value)
        else:  # message, fix
            parsed = read_text(ctx, key, value, required=key == "fix")
        if parsed is None:
            usable = usable and key not in ("pattern", "file", "exclude")
        else:
            values[key] = parsed

    if "pattern" not in written:
        ctx.report(_first_line(ctx, node), "this `anti_patterns` item has no `pattern`; it is not loaded")
        return None
    if not usable:
        return None
    regex = values["pattern"]
    message = values.get("message", "").strip()  # `message: |` keeps a final line break
    if not message.strip():
        where = written["message"][1] if "message" in written else written["pattern"][0]
        message = f"matches {regex.source}"
        ctx.warn(where, f"anti-pattern has no `message`; findings will say {message!r}")
    fix = values.get("fix")
    if fix is not None:
        problem = fix_group_problem(regex, fix)
        if problem:
            ctx.report(written["fix"][1], problem + "; the fix is ignored")
            fix = None
    return AntiPattern(
        regex=regex,
        message=message,
        file=values.get("file"),
        fix=fix,
        location=Location(ctx.path, ctx.pos.node_span(node)),
        exclude=values.get("exclude", ()),
    )
