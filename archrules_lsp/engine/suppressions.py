"""`archrules: ignore[...]` comments.

- `archrules: ignore[BG-010, BG-022]` on a finding's line or the line above suppresses those rules there;
- `archrules: ignore` without ids suppresses every rule there;
- `archrules: ignore-file[BG-022]` anywhere suppresses the rule in the whole file (without ids: all rules).

They count only where they start a comment: right after a comment opener (`#`, `//`, `/*`,
`<!--`, `--`, `;`, `%`, or the `*` of a block comment's line), spaces allowed, also after
another comment on the line (a `noqa` comment, then a second opener and the directive). A
string, or a comment mentioning the syntax in its prose, is not one.
"""

from __future__ import annotations

import re

from .model import Span
from .record import field, record
from .text import SourceText

# ids: anything but "]" and ","; a bare `archrules: ignore` ends at a word boundary
DIRECTIVE = re.compile(r"archrules:\s*(ignore-file|ignore)\b(?:[ \t]*\[([^\]\n]*)\])?")
_COMMENT_OPENERS = ("#", "//", "/*", "<!--", "--", ";", "%", "*")
ALL = "*"


@record(frozen=False, slots=True)
class Suppression:
    """One `archrules: ignore` comment: the rules it names, where, and which it suppressed."""

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
            if not line[:m.start()].rstrip().endswith(_COMMENT_OPENERS):
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


class SuppressionIndex:
    """Which directive silences a finding: only the directives of the finding's line and the
    line above, and the first file-wide one per id, are looked at (a file can hold thousands)."""

    def __init__(self, suppressions: list[Suppression]):
        self._order = {id(s): i for i, s in enumerate(suppressions)}
        self._file_wide: dict[str, Suppression] = {}  # rule id (or ALL) -> the first directive naming it
        self._by_line: dict[int, list[Suppression]] = {}
        for s in suppressions:
            if s.file_wide:
                for rule_id in s.ids:
                    self._file_wide.setdefault(rule_id, s)
            else:
                self._by_line.setdefault(s.line, []).append(s)

    def find(self, rule_id: str, line: int) -> Suppression | None:
        """The suppression that silences `rule_id` at `line` (the first in the file), or None."""
        candidates = self._by_line.get(line - 1, []) + self._by_line.get(line, [])
        candidates += [s for s in (self._file_wide.get(rule_id), self._file_wide.get(ALL)) if s is not None]
        hits = [s for s in candidates if s.covers(rule_id)]
        return min(hits, key=lambda s: self._order[id(s)]) if hits else None
