"""YAML as position-keeping nodes: composing safely, and node -> Span.

Rule files are composed, never constructed: `yaml.compose` with the safe loader
gives nodes with marks and runs no tag constructors, so `!!python/object` and
friends are just nodes whose tag we reject (see `disallowed_tags`).

Positions come from each mark's `index` (a code-point offset), converted with
the engine's own line breaks (`\\r\\n`, `\\r`, `\\n` only). PyYAML's `line` would
also break on U+2028 / U+0085 and disagree with the editor and `SourceText`.
"""

from __future__ import annotations

from collections.abc import Iterator

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..model import Span
from ..text import line_of_offset, line_starts

# libyaml is ~10x faster; both give the same nodes and code-point mark indexes.
LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

TAG = "tag:yaml.org,2002:"
STR, NULL, SEQ, MAP, MERGE = TAG + "str", TAG + "null", TAG + "seq", TAG + "map", TAG + "merge"
# Tags a rule file may contain (implicit or written): plain data only.
SCALAR_TAGS = frozenset(TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp"))
ALLOWED_TAGS = SCALAR_TAGS | {SEQ, MAP, MERGE}


def compose_documents(text: str) -> list[Node]:
    """Every document's root node (empty documents left out).

    Raises yaml.YAMLError on a syntax error and RecursionError on absurd nesting
    with the pure-Python loader; the caller turns both into a RuleError."""
    return [n for n in yaml.compose_all(text, Loader=LOADER) if n is not None]


class Positions:
    """Code-point offsets in one text -> 0-based (line, column).

    `text` is what YAML parsed. `first_line_shift` counts characters removed
    before it (a BOM), so that Spans are in the caller's text: only Span
    construction applies it; `at` and `line_text` speak of `text`."""

    __slots__ = ("text", "_starts", "_shift")

    def __init__(self, text: str, first_line_shift: int = 0):
        self.text = text
        self._starts = line_starts(text)
        self._shift = first_line_shift

    @property
    def line_count(self) -> int:
        return len(self._starts)

    def at(self, index: int) -> tuple[int, int]:
        index = max(0, min(index, len(self.text)))
        line = line_of_offset(self._starts, index)
        return line, index - self._starts[line]

    def line_text(self, line: int) -> str:
        if not 0 <= line < len(self._starts):
            return ""
        start = self._starts[line]
        end = self._starts[line + 1] if line + 1 < len(self._starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    def span(self, start: int, end: int) -> Span:
        line, col = self.at(start)
        end_line, end_col = self.at(max(start, end))
        return self._span(line, col, end_line, end_col)

    def line_span(self, line: int, column: int, end_column: int | None = None) -> Span:
        """A span on one line; `end_column` None = to the end of the line's text."""
        text = self.line_text(line)
        end = len(text.rstrip()) if end_column is None else end_column
        return self._span(line, column, line, max(column, end))

    def _span(self, line: int, col: int, end_line: int, end_col: int) -> Span:
        if self._shift:
            col += self._shift if line == 0 else 0
            end_col += self._shift if end_line == 0 else 0
        return Span(line, col, end_line, end_col)

    def node_span(self, node: Node) -> Span:
        return self.span(node.start_mark.index, tight_end(node, self.text))


def tight_end(node: Node, text: str) -> int:
    """End offset of a node's own text.

    PyYAML ends a block collection (and a `|` scalar) at the next token, which
    can be lines further down past blank lines and comments; an editor range
    should stop at the last character that belongs to the node."""
    seen = set()
    # Walk down the last child of block collections; a loop, not recursion, with a
    # visited set because aliases can make the node graph cyclic (`&a [*a]`).
    while isinstance(node, (MappingNode, SequenceNode)) and not node.flow_style and node.value:
        if id(node) in seen:
            break
        seen.add(id(node))
        last = node.value[-1]
        node = last[1] if isinstance(node, MappingNode) else last
    end = node.end_mark.index
    start = node.start_mark.index
    while end > start and end <= len(text) and text[end - 1] in " \t\r\n":
        end -= 1
    return end


def iter_nodes(roots: list[Node]) -> Iterator[Node]:
    """Every node reachable from `roots`, each once (aliases share nodes)."""
    seen: set[int] = set()
    stack = list(reversed(roots))
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        if isinstance(node, MappingNode):
            for k, v in reversed(node.value):
                stack.append(v)
                stack.append(k)
        elif isinstance(node, SequenceNode):
            stack.extend(reversed(node.value))


def disallowed_tags(roots: list[Node]) -> list[Node]:
    """Nodes carrying a tag that is not plain data (`!!python/object:...`, `!custom`)."""
    return [n for n in iter_nodes(roots) if n.tag not in ALLOWED_TAGS]


def display_tag(tag: str) -> str:
    return "!!" + tag[len(TAG):] if tag.startswith(TAG) else tag


def kind_of(node: Node) -> str:
    """How a node's value reads to a person, for 'expected X, got Y' messages."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    tag = node.tag
    if tag == NULL:
        return "nothing (an empty value)"
    if tag == TAG + "bool":
        return f"the boolean {node.value}"
    if tag in (TAG + "int", TAG + "float"):
        return f"the number {node.value}"
    return "a string"


def is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == NULL
