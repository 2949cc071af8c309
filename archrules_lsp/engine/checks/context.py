"""The file being checked, as every check sees it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

from ..model import Fix, Note, RelatedLocation, Rule, Span
from ..python_source import ClassInfo, PythonSource, is_python
from ..record import record
from ..regex import SCAN_BUDGET, LineRegex, within_budget
from ..text import SourceText, cached_property

if TYPE_CHECKING:  # import contracts are loaded only when a rule has them (CLI start-up)
    from ..imports.graph import ImportStatement
    from ..imports.modules import Module


@record(frozen=False, slots=True)  # not frozen: its __init__ is a third of the cost (never changed once made)
class RawFinding:
    """A check's finding before severity, suppressions and fixes are settled (evaluate.py)."""

    rule: Rule
    span: Span
    message: str
    fix: Fix | None = None
    inserts_into_class: bool = False  # the fix adds a line to a Python class: dropped if it breaks the file
    related: tuple[RelatedLocation, ...] = ()  # an indirect import's hops


class FileContext:
    def __init__(self, path: str, src: SourceText, fixes: bool = True):
        self.path = path
        self.src = src
        self.fixes = fixes  # compute the rules' fixes (else findings carry none)
        self.notes: list[Note] = []
        # what was skipped because this Python file does not parse: description -> rule ids
        self.unparsed_skips: dict[str, list[str]] = {}
        self._over_budget: set[str] = set()  # rules already noted as skipped
        self._not_python: set[str] = set()  # rules already noted as having `in_class` entries here

    @cached_property
    def python(self) -> PythonSource | None:
        return PythonSource(self.src) if is_python(self.path) else None

    # What the checks ask of the whole text, one method each: the incremental check
    # (engine/incremental.py) answers them from what it keeps instead of scanning.

    def contains(self, needle: str) -> bool:
        return needle in self.src.normalized

    def references(self, name: str) -> bool:
        """Does `name` occur as a whole word (no word character either side)?"""
        text = self.src.normalized
        # cheap substring test first; the word-boundary regex only where the name occurs at all
        return name in text and reference_pattern(name).search(text) is not None

    def any_line_matches(self, rx: LineRegex) -> bool:
        return next(iter(rx.finditer(self.src)), None) is not None

    def first_line_of(self, needle: str) -> int:
        """0-based line of the first occurrence of `needle`, or -1."""
        return self.src.find_line(needle)

    def python_imports(self, module: Module) -> list[ImportStatement] | None:
        """The imports of this Python file, `module` (None: it does not parse)."""
        from ..imports.python import python_imports

        tree = self.python.tree if self.python is not None else None
        return None if tree is None else python_imports(tree, self.src.lines, module)

    def decorator_matches(self, rx: LineRegex) -> bool:
        """Does some decorator (joined over its lines) match `rx`?"""
        return any(rx.search_string(text) for text in decorator_texts(self.src.lines))

    def classes(self, rule: Rule) -> list[ClassInfo] | None:
        """The classes `rule`'s `in_class` entries look at; None when there are none to know
        (noted: not a Python file, once per rule; or a Python file that does not parse)."""
        py = self.python
        if py is None:
            if rule.id not in self._not_python:
                self._not_python.add(rule.id)
                self.notes.append(Note(
                    f"rule {rule.id}: `in_class` checks Python classes, and this file is not Python: "
                    "its `in_class` entries are skipped here", self.line_span(0), rule.id))
            return None
        if not py.parses:
            self.skipped_unparsed("the `in_class` checks", rule)
            return None
        return py.classes

    @cached_property
    def byte_size(self) -> int:
        """The size of the UTF-8 text the regexes scan, which their work budget is about."""
        return len(self.src.data)

    @cached_property
    def anchor_line(self) -> int:
        """Where a 'something is missing from this file' finding goes: for Python the first
        class definition (the model a person would look at), else the first line."""
        py = self.python
        if py is not None and py.first_class_line >= 0:
            return py.first_class_line
        return 0

    def anchor_span(self, rule: Rule) -> Span:
        """Where `rule`'s 'something is missing' finding goes (see anchor_line)."""
        py = self.python
        # the first class line before `parses`: where no class can be, neither needs a parse
        if py is not None and py.first_class_line >= 0 and not py.parses:
            self.skipped_unparsed("the class anchor (findings put on the first line starting with `class`)", rule)
        return self.line_span(self.anchor_line)

    def skipped_unparsed(self, what: str, rule: Rule) -> None:
        """Note that `what` (of `rule`) was skipped because this Python file does not parse."""
        rules = self.unparsed_skips.setdefault(what, [])
        if rule.id not in rules:
            rules.append(rule.id)

    def unparsed_note(self) -> Note | None:
        """One note for everything skipped because the file does not parse, naming it all."""
        py = self.python
        if not self.unparsed_skips or py is None or py.parses:
            return None
        err = py.error
        line = min(max((err.lineno or 1) - 1, 0) if err else 0, len(self.src.lines) - 1)
        skipped = "; ".join(f"{what} of {', '.join(ids)}" for what, ids in self.unparsed_skips.items())
        ids = {i for ids in self.unparsed_skips.values() for i in ids}
        return Note(f"this Python file does not parse ({err.msg if err else 'syntax error'}, line {line + 1}); "
                    f"skipped until it does: {skipped}", self.line_span(line), ids.pop() if len(ids) == 1 else None)

    def line_span(self, line: int) -> Span:
        return self.src.line_span(line)

    def affordable(self, rule: Rule, rx: LineRegex) -> bool:
        """May `rx` be searched on this file within SCAN_BUDGET? If not, the rule's
        skip is noted (once per rule): a skipped check is never a silent miss."""
        if within_budget(rx.program_size, self.byte_size):
            return True
        cost = rx.program_size * self.byte_size
        if rule.id not in self._over_budget:
            self._over_budget.add(rule.id)
            pattern = rx.source if len(rx.source) <= 60 else rx.source[:60] + "..."
            self.notes.append(Note(
                f"rule {rule.id} skipped: too slow on this file (regex {pattern!r} is {rx.program_size:,} "
                f"RE2 instructions x {self.byte_size:,} bytes = {cost:,}, over the budget of "
                f"{SCAN_BUDGET:,} per rule and file)",
                self.line_span(0), rule.id))
        return False


@lru_cache(maxsize=1024)
def reference_pattern(name: str) -> re.Pattern[str]:
    """`name` as a whole word: no word character right before or after it."""
    return re.compile(rf"(?<![\w]){re.escape(name)}(?![\w])")


DECORATOR_REACH = 50  # a decorator's text spans at most this many lines


def decorator_text(lines: list[str], i: int) -> str | None:
    """The decorator starting on line `i` as one line of text (None: no `@` starts the line).
    A decorator written over several lines (`@router.post(\\n    "/import"\\n)`) is joined,
    so a pattern sees it whole; it reads at most the 49 lines after `i`."""
    stripped = lines[i].lstrip()
    if not stripped.startswith("@"):
        return None
    parts = [stripped.strip()]
    depth = stripped.count("(") + stripped.count("[") - stripped.count(")") - stripped.count("]")
    j = i + 1
    while depth > 0 and j < len(lines) and j < i + DECORATOR_REACH:
        part = lines[j].strip()
        parts.append(part)
        depth += part.count("(") + part.count("[") - part.count(")") - part.count("]")
        j += 1
    return "".join(parts)


def decorator_texts(lines: list[str]) -> Iterator[str]:
    """Each decorator of the file as one line of text (see decorator_text)."""
    for i, line in enumerate(lines):
        if "@" in line:
            text = decorator_text(lines, i)
            if text is not None:
                yield text
