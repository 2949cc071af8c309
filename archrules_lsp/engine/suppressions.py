"""`archrules: ignore[...]` comments.

- `archrules: ignore[BG-010, BG-022]` on a finding's line or the line above suppresses those rules there;
- `archrules: ignore` without ids suppresses every rule there;
- `archrules: ignore-file[BG-022]` anywhere suppresses the rule in the whole file (without ids: all rules).

They count only inside a comment: some comment opener (`#`, `//`, `/*`, `<!--`, `--`, `;`, `%`)
must stand before them on the line, so a string mentioning the syntax is not a suppression.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .model import Span
from .text import SourceText

# ids: anything but "]" and ","; a bare `archrules: ignore` ends at a word boundary
DIRECTIVE = re.compile(r"archrules:\s*(ignore-file|ignore)\b(?:[ \t]*\[([^\]\n]*)\])?")
_COMMENT_OPENER = re.compile(r"#|//|/\*|<!--|--|;|%|\*")
ALL = "*"


@dataclass(slots=True)
class Suppression:
    line: int
    file_wide: bool
    ids: tuple[str, ...]  # (ALL,) when no ids are given
    span: Span  # the directive's text
    id_spans: tuple[Span, ...] = ()  # each id's text, parallel to ids
    used: set = field(default_factory=set)

    def covers(self, rule_id: str) -> bool:
        return ALL in self.ids or rule_id in self.ids


def find_suppressions(src: SourceText) -> list[Suppression]:
    text = src.normalized
    if "archrules:" not in text:  # the common case: one C-speed scan
        return []
    out: list[Suppression] = []
    for line_no, line in enumerate(src.lines):
        if "archrules:" not in line:
            continue
        for m in DIRECTIVE.finditer(line):
            if not _COMMENT_OPENER.search(line, 0, m.start()):
                continue
            raw = m.group(2)
            ids: list[str] = []
            id_spans: list[Span] = []
            if raw is not None:
                base = m.start(2)
                for im in re.finditer(r"[^,\s]+", raw):
                    ids.append(im.group())
                    id_spans.append(Span(line_no, base + im.start(), line_no, base + im.end()))
            out.append(
                Suppression(
                    line=line_no,
                    file_wide=m.group(1) == "ignore-file",
                    ids=tuple(ids) if ids else (ALL,),
                    span=Span(line_no, m.start(), line_no, m.end()),
                    id_spans=tuple(id_spans),
                )
            )
    return out


def suppressing(suppressions: list[Suppression], rule_id: str, line: int):
    """The suppression that silences `rule_id` at `line`, or None."""
    for s in suppressions:
        if s.covers(rule_id) and (s.file_wide or s.line == line or s.line == line - 1):
            return s
    return None
