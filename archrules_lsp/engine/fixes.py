"""Fixes: computing them for findings, and applying edits to a text.

Three kinds (model.FixKind): the rule's own fix (a missing line inserted from the
rule's `suggestion`, or an anti-pattern's `fix` replacement), and the two
suppression comments. Edits are in the checked text's (line, column) terms and
their new text already uses the file's line terminator.
"""

from __future__ import annotations

import ast
import re
from bisect import bisect_left, insort
from collections.abc import Iterable, Sequence

from .comments import HASH, comment_style
from .model import Finding, Fix, FixKind, Span, TextEdit
from .python_source import PARSE_ERRORS, PythonSource, parse_python
from .suppressions import Suppression
from .text import LINE_BREAK, SourceText, line_starts, split_lines

# "Add: x = 1", "Use BackgroundTasks: ...": a short capitalised prose label before the code.
# Pattern texts: `re` compiles (and caches) them when a fix is first made, not at import.
_LABEL = r"^[A-Z][A-Za-z ]{0,40}:\s+(?=\S)"
_BULLET = r"^(?:[-*+\u2022]|\d{1,2}[.)])\s+"
_BACKTICKS = r"`([^`]+)`"


def suggested_line(suggestion: str, needle: str, python: bool) -> str | None:
    """The line of a rule's suggestion that supplies `needle`, as code (labels like `Add:` stripped).

    Prose lines ("Format: ...", "Add timestamp fields:") are never returned: for
    Python the candidate must parse as a statement."""
    for raw in split_lines(suggestion):
        line = raw.strip()
        if needle not in line:
            continue
        # `code` in backticks first ("Add `x = 1` to the model"), then the line without
        # its label and list bullet ("- Add: x = 1"), then the line as written
        candidates = [c.strip() for c in re.findall(_BACKTICKS, line) if needle in c]
        unbulleted = re.sub(_BULLET, "", line, count=1)
        unlabelled = re.sub(_LABEL, "", unbulleted, count=1)
        candidates += [c for c in (unlabelled, unbulleted, line) if needle in c]
        for code in candidates:
            if not python or _is_statement(code):
                return code
    return None


def _is_statement(code: str) -> bool:
    """Code a class body can take: it parses, and is not a bare name or value (prose
    like "created_at" or "created_at, updated_at" parses as an expression too)."""
    try:
        body = parse_python(code).body
    except PARSE_ERRORS:
        return False
    return bool(body) and not any(isinstance(n, ast.Expr) and not isinstance(n.value, (ast.Call, ast.Await))
                                  for n in body)


def _parses(code: str) -> bool:
    try:
        parse_python(code)
        return True
    except PARSE_ERRORS:
        return False


def class_insertion_fix(py: PythonSource, code: str, line: int | None = None) -> Fix | None:
    """Insert `code` as the last statement of the class whose `class` keyword is on `line`
    (None: the file's first class); None when no place is known.

    Whether the edited file still parses is checked once per file for all its fixes
    (`python_breaking_fixes`), not here per fix."""
    cls = py.first_class() if line is None else py.class_at(line)
    if cls is None:
        return None
    src = py.src
    end, indent = py.class_body_end(cls)
    if indent == "" or end >= len(src.lines):
        return None
    nl = src.newline
    if end + 1 < len(src.lines):
        edit = TextEdit(Span.point(end + 1, 0), f"{indent}{code}{nl}")
    else:  # the class body ends the file
        edit = TextEdit(Span.point(end, len(src.lines[end])), f"{nl}{indent}{code}")
    # Applied unattended (--fix, fixAll) only when the class is surely the one meant (the
    # file's only class, or the one an `in_class` entry chose) and the line declares a field
    # like its others (`status = Column(...)` beside `id = Column(...)`): a line like
    # `job.status = "running"` or `db = SessionLocal()` from a suggestion would run at
    # import. Otherwise offered by hand.
    surely = line is not None or len(py.top_level_classes()) == 1
    safe = surely and _declares_like(cls, code)
    return Fix(f"Add `{code}` to class {cls.name}", (edit,), FixKind.RULE, safe=safe)


def _declared_with(node: ast.stmt) -> str | None:
    """`Column` for `name = Column(...)` / `name: T = Column(...)` (plain names only), else None."""
    plain_assign = isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) for t in node.targets)
    plain_annotated = isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
    value = node.value if plain_assign or plain_annotated else None  # type: ignore[attr-defined]
    if not isinstance(value, ast.Call):
        return None
    func = value.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _declares_like(cls: ast.ClassDef, code: str) -> bool:
    try:
        body = parse_python(code).body
    except PARSE_ERRORS:
        return False
    callee = _declared_with(body[0]) if len(body) == 1 else None
    return callee is not None and any(_declared_with(n) == callee for n in cls.body)


# Parses of the whole file one check may spend finding which fixes break it.
MAX_SAFETY_PARSES = 16


def python_breaking_fixes(py: PythonSource, fixes: Sequence[Fix]) -> set[int]:
    """Indexes of the `fixes` that make a parsing Python file stop parsing, when applied
    together the way --fix and fixAll apply them (`select_fixes`, in this order).

    One parse when none breaks it; else halves are parsed to find the culprits, at
    most MAX_SAFETY_PARSES parses in all (what is still undecided then counts as
    breaking). A file that does not parse as it is: no fix can break it."""
    if not fixes or not py.parses:
        return set()
    text = py.src.text
    budget = MAX_SAFETY_PARSES

    def parses(indexes: list[int]) -> bool:
        nonlocal budget
        budget -= 1
        edits, _ = select_fixes(fixes[i] for i in indexes)
        return _parses(apply_edits(text, edits))

    breaking: set[int] = set()
    pending = [list(range(len(fixes)))]
    while pending:
        group = pending.pop()
        if budget <= 0:
            breaking.update(group)
        elif not parses(group):
            if len(group) == 1:
                breaking.update(group)
            else:  # the first half is tried first
                pending += [group[len(group) // 2:], group[: len(group) // 2]]
    kept = [i for i in range(len(fixes)) if i not in breaking]
    # fixes that parse in separate halves may still break the file together
    if breaking and kept and (budget <= 0 or not parses(kept)):
        breaking.update(kept)
    return breaking


def replacement_fix(span: Span, new_text: str, newline: str) -> Fix:
    """An anti-pattern's `fix`: the match replaced; its line breaks written as the file's (`newline`)."""
    title = f"Replace with `{new_text}`" if new_text else "Remove the match"
    if "\n" in new_text or "\r" in new_text:
        new_text = LINE_BREAK.sub(newline, new_text)
    return Fix(title, (TextEdit(span, new_text),), FixKind.RULE, safe=True)


def _add_to_directive(s: Suppression, rule_id: str, title: str, kind: FixKind) -> Fix:
    """`, ID` appended to the ids of a directive already in the file."""
    last = s.id_spans[-1]
    return Fix(title, (TextEdit(Span.point(last.line, last.end_column), f", {rule_id}"),), kind, safe=False)


def ignore_line_fix(src: SourceText, path: str, line: int, rule_id: str,
                    existing: Sequence[Suppression]) -> Fix | None:
    """`archrules: ignore[ID]` for `line`: added to a directive already there, else a comment at its end."""
    title = f"Ignore {rule_id} on this line"
    for s in existing:
        if not s.file_wide and s.line in (line, line - 1) and s.id_spans:
            return _add_to_directive(s, rule_id, title, FixKind.IGNORE_LINE)
    style = comment_style(path)
    if style is None:
        return None
    text = src.lines[line]
    body = text.rstrip()
    comment = style.wrap(f"archrules: ignore[{rule_id}]")
    if body.endswith("\\") and not style.close:
        # A line comment after a continuation backslash breaks the code (Python, C macros,
        # shell): the comment goes on a line of its own above, which covers this line too.
        if line > 0 and src.lines[line - 1].rstrip().endswith("\\"):
            return None  # inside a continued statement: no line to put it on
        indent = text[: len(text) - len(text.lstrip())]
        return Fix(title, (TextEdit(Span.point(line, 0), f"{indent}{comment}{src.newline}"),),
                   FixKind.IGNORE_LINE, safe=False)
    edit = TextEdit(Span(line, len(body), line, len(text)), f"  {comment}")
    if not body:
        edit = TextEdit(Span(line, 0, line, len(text)), comment)
    return Fix(title, (edit,), FixKind.IGNORE_LINE, safe=False)


def ignore_file_fix(src: SourceText, path: str, rule_id: str,
                    existing: Sequence[Suppression]) -> Fix | None:
    """`archrules: ignore-file[ID]`: added to a directive already there, else a new first line
    (after a shebang or a Python encoding line)."""
    title = f"Ignore {rule_id} in this file"
    for s in existing:
        if s.file_wide and s.id_spans:
            return _add_to_directive(s, rule_id, title, FixKind.IGNORE_FILE)
    style = comment_style(path)
    if style is None:
        return None
    line = 0
    lines = src.lines
    while line < min(2, len(lines)) and (
        (line == 0 and lines[0].startswith("#!"))
        or (style is HASH and "coding" in lines[line] and lines[line].startswith("#"))
    ):
        line += 1
    comment = style.wrap(f"archrules: ignore-file[{rule_id}]")
    return Fix(title, (TextEdit(Span.point(line, 0), comment + src.newline),), FixKind.IGNORE_FILE, safe=False)


# ---------------------------------------------------------------- applying


def apply_edits(text: str, edits: Iterable[TextEdit]) -> str:
    """Apply edits given in (line, code-point column) terms, in one pass.

    Positions past a line's end or the text's end are clamped. Insertions at the
    same point keep their given order. An edit overlapping one that starts before
    it is left out (callers pass non-overlapping edits)."""
    starts = line_starts(text)
    lines = split_lines(text)
    n_lines = len(starts)

    def offset(line: int, col: int) -> int:
        if line >= n_lines:
            return len(text)
        if line < 0:
            return 0
        return starts[line] + min(max(col, 0), len(lines[line]))

    resolved = []
    for i, e in enumerate(edits):
        a = offset(e.span.line, e.span.column)
        resolved.append((a, max(a, offset(e.span.end_line, e.span.end_column)), i, e.new_text))
    resolved.sort()
    parts: list[str] = []
    at = 0
    for a, b, _, new in resolved:
        if a < at:
            continue
        parts.append(text[at:a])
        parts.append(new)
        at = b
    parts.append(text[at:])
    return "".join(parts)


def select_fixes(fixes: Iterable[Fix]) -> tuple[list[TextEdit], list[int]]:
    """The edits of `fixes` (in order) that can be applied together: a fix overlapping
    one taken earlier is left out; an edit identical to one taken is applied once.

    Returns (edits, indexes of the fixes taken). O(n log n): taken ranges are kept
    sorted, and a new range is checked against its neighbour only."""
    taken: list[tuple[tuple[int, int], tuple[int, int]]] = []
    seen: set = set()
    chosen: list[TextEdit] = []
    used: list[int] = []
    for index, fix in enumerate(fixes):
        edits = [e for e in fix.edits if (e.span, e.new_text) not in seen]
        ranges = [((e.span.line, e.span.column), (e.span.end_line, e.span.end_column)) for e in edits]
        if any(_overlaps_taken(taken, r) for r in ranges) or _overlap_each_other(ranges):
            continue
        for e, r in zip(edits, ranges, strict=True):
            insort(taken, r)
            seen.add((e.span, e.new_text))
            chosen.append(e)
        used.append(index)
    return chosen, used


def apply_safe_fixes(text: str, findings: Iterable[Finding]) -> tuple[str, int]:
    """Apply every safe rule fix that does not overlap an earlier one (by position).

    Returns (new text, number of findings fixed). Identical edits from several
    findings are applied once."""
    ordered = sorted(findings, key=lambda f: (f.span.line, f.span.column, f.rule_id))
    fixes = [f.rule_fix for f in ordered]
    edits, used = select_fixes(fix for fix in fixes if fix is not None and fix.safe)
    if not used:
        return text, 0
    return apply_edits(text, edits), len(used)


_BEFORE_ALL = (-1, -1)


def _overlaps_taken(taken: list, r: tuple[tuple[int, int], tuple[int, int]]) -> bool:
    """Does range `r` overlap a range of `taken` (sorted, pairwise non-overlapping)?
    An insertion overlaps only a range it falls strictly inside. Only the last taken
    range starting before `r` ends can overlap it: an earlier one ends at or before
    that one's start (an insertion never lies strictly inside a taken range)."""
    start, end = r
    i = bisect_left(taken, (end if end > start else start, _BEFORE_ALL))
    if i == 0:
        return False
    t0, t1 = taken[i - 1]
    if start == end:
        return t0 < start < t1
    return start < t0 if t0 == t1 else start < t1


def _overlap_each_other(ranges: list) -> bool:
    """Do the edits of one fix overlap each other (a malformed fix)?"""
    ordered = sorted(ranges)
    return any(_overlaps_taken([a], b) for a, b in zip(ordered, ordered[1:], strict=False))
