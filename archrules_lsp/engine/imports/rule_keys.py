"""A rule's `imports:` key, read from its YAML node with every problem at its line.

What is kept when part of it is wrong: a bad module name, a layer listed twice or a bad
`ignore` entry is reported and left out, the rest loads; a contract kind left with
no modules (or, for `forbidden`, without `from` or `to`) is an error and does not load;
the rule loads with what did.
"""

from __future__ import annotations

import re

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..loading import schema
from ..loading.values import Context, mapping_pairs, read_bool, read_text
from ..loading.yaml_nodes import is_null, kind_of
from ..model import ImportContracts, ImportIgnore, Location
from .modules import JS_SUFFIXES, PYTHON_SUFFIXES

_CONTRACT_KINDS = frozenset({"layers", "forbidden", "independent", "protected"})
_IGNORE = re.compile(r"^\s*(\S+)\s*->\s*(\S+)\s*$")
_NAME = re.compile(r"^[^\s*?\[\]{}<>|,;:\"'\\]+$")
_FILE_SUFFIX = re.compile(r"\.[A-Za-z]{1,5}$")


def build_imports(ctx: Context, key_node: Node, node: Node) -> ImportContracts | None:
    """The contracts of one rule's `imports:`; None when none loads (reported)."""
    if not ctx.usable(node):
        return None
    if not isinstance(node, MappingNode):
        ctx.report(node if not is_null(node) else key_node,
                   f"`imports` must be a mapping (`layers: [...]`, `forbidden: ...`), not {kind_of(node)}")
        return None
    values: dict = {}
    written = set()
    for key, name_node, value in mapping_pairs(ctx, node):
        written.add(key)
        if key not in schema.IMPORTS_KEYS:
            ctx.warn(name_node, schema.unknown_key_message(key, schema.IMPORTS))
        elif key in ("layers", "independent"):
            names = _modules(ctx, key, name_node, value, at_least=2)
            if names:
                values[key] = names
        elif key == "forbidden":
            values.update(_pair(ctx, key, name_node, value, ("from", "to"), schema.IMPORTS_FORBIDDEN))
        elif key == "protected":
            values.update(_pair(ctx, key, name_node, value, ("modules", "allowed"), schema.IMPORTS_PROTECTED))
        elif key == "ignore":
            values["ignore"] = _ignores(ctx, value)
        elif key == "type_checking":
            flag = read_bool(ctx, key, value)
            if flag is not None:
                values["type_checking"] = flag
    contracts = ImportContracts(
        layers=values.get("layers", ()), independent=values.get("independent", ()),
        forbidden_from=values.get("forbidden.from", ()), forbidden_to=values.get("forbidden.to", ()),
        protected=values.get("protected.modules", ()), protected_allowed=values.get("protected.allowed", ()),
        ignore=values.get("ignore", ()), type_checking=values.get("type_checking", False),
        location=Location(ctx.path, ctx.pos.node_span(node)))
    if not (contracts.layers or contracts.independent or contracts.forbidden_from or contracts.protected):
        if not _CONTRACT_KINDS & written:
            ctx.report(key_node, "`imports` holds no contract: write `layers`, `forbidden`, `independent` or "
                                 "`protected`")
        return None  # a contract written but not loaded is reported already
    return contracts


def _pair(ctx: Context, key: str, key_node: Node, node: Node, names: tuple[str, str], place: str) -> dict:
    """`forbidden` (`from` and `to`, both required) or `protected` (`modules`, required, and
    `allowed`): their module lists under `key.sub` names; nothing when the contract cannot load."""
    if not isinstance(node, MappingNode):
        ctx.report(node if not is_null(node) else key_node,
                   f"`{key}` must be a mapping (`{names[0]}: [...]`, `{names[1]}: [...]`), not {kind_of(node)}")
        return {}
    required = names if key == "forbidden" else names[:1]
    found: dict[str, tuple[str, ...] | None] = {}
    for sub, sub_node, value in mapping_pairs(ctx, node):
        if sub not in names:
            ctx.warn(sub_node, schema.unknown_key_message(sub, place))
            continue
        found[sub] = _modules(ctx, f"{key}.{sub}", sub_node, value, at_least=1, required=sub in required)
    for sub in required:
        if sub not in found:
            ctx.report(key_node, f"`{key}` needs `{sub}` (a list of modules); it is not loaded")
    if any(found.get(sub) is None for sub in required):
        return {}
    return {f"{key}.{sub}": found.get(sub) or () for sub in names}


def _modules(ctx: Context, key: str, key_node: Node, node: Node, *, at_least: int,
             required: bool = True) -> tuple[str, ...] | None:
    """A list of module names (one name alone is accepted), each reported where it is wrong."""
    items = node.value if isinstance(node, SequenceNode) else [node] if isinstance(node, ScalarNode) else None
    if items is None:
        ctx.report(node, f"`{key}` must be a list of module names, not {kind_of(node)}")
        return None
    if not items or (len(items) == 1 and is_null(items[0])):
        if required:
            ctx.report(node if not is_null(node) else key_node, f"`{key}` lists no modules; it is not loaded")
        return None if required else ()  # `allowed: []`: no module outside may import it
    names: dict[str, Node] = {}
    for item in items:
        ctx.spend()
        name = _module_name(ctx, key, item)
        if name is None:
            continue
        if name in names:
            first = ctx.pos.node_span(names[name]).line + 1
            ctx.report(item, f"`{name}` is listed twice in `{key}` (first at line {first}); this one is ignored")
            continue
        names[name] = item
    if len(names) < at_least:
        ctx.warn(key_node, f"`{key}` needs at least {at_least} modules to check anything")
    return tuple(names) or None


def _module_name(ctx: Context, key: str, item: Node) -> str | None:
    if not isinstance(item, ScalarNode) or is_null(item):
        ctx.report(item, f"each item of `{key}` must be a module name (`app.api`, `static/js/api`), "
                         f"not {kind_of(item)}")
        return None
    text = read_text(ctx, key, item)
    if text is None:
        return None
    name = text.strip().strip("/")
    if not name or not _NAME.match(name) or name.startswith(".") or "->" in name:
        wildcard = " (wildcards are not supported: a module name already covers its submodules)" if "*" in name else ""
        ctx.report(item, f"`{text}` is not a module name: write a dotted Python name (`app.api`) or a "
                         f"root-relative path without extension (`static/js/api`){wildcard}")
        return None
    if "/" in name and _FILE_SUFFIX.search(name) and not name.endswith(PYTHON_SUFFIXES + JS_SUFFIXES):
        ctx.warn(item, f"`{name}` looks like a file of another language: import contracts apply to Python and "
                       "JavaScript/TypeScript modules only, so it matches nothing")
    return name


def _ignores(ctx: Context, node: Node) -> tuple[ImportIgnore, ...]:
    items = node.value if isinstance(node, SequenceNode) else [node] if isinstance(node, ScalarNode) else []
    if not isinstance(node, (SequenceNode, ScalarNode)):
        ctx.report(node, f"`ignore` must be a list of `importer -> imported` strings, not {kind_of(node)}")
    out = []
    for item in items:
        ctx.spend()
        text = read_text(ctx, "ignore", item, required=False) if isinstance(item, ScalarNode) else None
        m = _IGNORE.match(text or "")
        if m is None or not all(_NAME.match(part) for part in m.groups()):
            ctx.report(item, f"`ignore` entries are written `importer -> imported` (`app.api.deps -> "
                             f"app.tasks.registry`), not {text!r}" if text is not None else
                       f"each `ignore` entry must be a string `importer -> imported`, not {kind_of(item)}")
            continue
        out.append(ImportIgnore(m.group(1).strip("/"), m.group(2).strip("/"),
                                Location(ctx.path, ctx.pos.node_span(item))))
    return tuple(out)
