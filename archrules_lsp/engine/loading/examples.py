"""A rule's `examples:` (its own tests), each problem reported where it is written.

    examples:
      - path: app/api/jobs.py      # the file the case pretends to be (globs apply)
        invalid: |                 # code the rule must flag (or `valid:`: must not)
          time.sleep(1)
        count: 1                   # invalid only: exactly this many findings
        message: blocking          # invalid only: a substring of a finding's message
        fixed: |                   # the code after the rule's safe fixes
          await asyncio.sleep(1)

A broken example is dropped with an error at it; the rule still loads.
"""

from __future__ import annotations

from yaml.nodes import MappingNode, Node, ScalarNode

from ..model import Example, Location
from . import schema
from .values import Context, mapping_pairs, read_text
from .yaml_nodes import kind_of


def build_examples(ctx: Context, items: list[Node]) -> tuple[Example, ...]:
    built = (build_example(ctx, item) for item in items)
    return tuple(e for e in built if e is not None)


def build_example(ctx: Context, node: Node) -> Example | None:
    ctx.spend()
    if not ctx.usable(node):
        return None
    if not isinstance(node, MappingNode):
        ctx.report(node, f"each `examples` item must be a mapping (`- path: ...`), not {kind_of(node)}")
        return None
    values: dict[str, str] = {}
    written: dict[str, Node] = {}
    for key, key_node, value in mapping_pairs(ctx, node):
        if key not in schema.EXAMPLE_KEYS:
            ctx.warn(key_node, schema.unknown_key_message(key, schema.EXAMPLE_ENTRY))
            continue
        written[key] = value
        text = read_text(ctx, key, value, required=key != "valid" and key != "invalid")
        if text is not None:
            values[key] = text
    return _example(ctx, node, values, written)


def _example(ctx: Context, node: Node, values: dict[str, str], written: dict[str, Node]) -> Example | None:
    kinds = [k for k in ("valid", "invalid") if k in written]
    if "path" not in values or len(kinds) != 1:
        problem = ("needs a `path`" if "path" not in values
                   else "needs exactly one of `valid` and `invalid`")
        ctx.report(ctx.pos.node_span(node), f"this example {problem}; it is not run")
        return None
    valid = kinds[0] == "valid"
    for key in ("count", "message"):
        if valid and key in written:
            ctx.report(written[key], f"`{key}` only applies to an `invalid` example; it is ignored")
            values.pop(key, None)
    count = _count(ctx, written.get("count"), values.get("count"))
    return Example(
        path=values["path"].strip().lstrip("/"),
        code=values.get(kinds[0], ""),
        valid=valid,
        count=count,
        message=values.get("message"),
        fixed=values.get("fixed"),
        location=Location(ctx.path, ctx.pos.node_span(node)),
    )


def _count(ctx: Context, node: Node | None, text: str | None) -> int | None:
    if node is None or text is None:
        return None
    if isinstance(node, ScalarNode) and text.isdigit() and int(text) > 0:
        return int(text)
    ctx.report(node, f"`count` must be a positive whole number, not {text!r}; it is ignored")
    return None
