"""Checking a document as it is edited: an edit costs about what it touched.

`IncrementalCheck(checker, path)` keeps, for one document, what a check learns
line by line (each anti-pattern's match, each `should_match` regex's matching
lines, the decorators an `endpoint_pattern` matches, the suppression comments)
as sorted line indexes, and how often each string the file-level checks look for
occurs. `update(text, edits)` re-examines only the lines the edits touched (one
more on either side: a `\\r` and a `\\n` can join into one line break), shifts
the later lines' facts by the line delta, recounts the strings in a window
around the edit, and then assembles the result exactly as `Checker.check` does
(`Checker._entry_findings` and `Checker._result`): the same findings in the same
order, the same notes. A Python file's structure (does it parse, its first class)
is kept while it parses: an edit parses only the top-level chunks it touched, on
their own; when they do not parse, or nothing is known, the whole file is parsed
when a check needs it, as in a fresh check (so a note says exactly where it fails).

`check(text)` after an earlier text (the edits between them unknown: a change that
sent the whole text, a server check that took the edits and never ran) takes the part
where the two texts differ as the edit. It falls back to a full check when there is
nothing to build on, when an edit is large (over `MIN_REGION_LINES` lines and
`MAX_REGION_SHARE` of the file), when the edits do not fit the text, or when a rule
skipped as over its work budget (so nothing is known of its matches) becomes
affordable as the file shrinks.
Fixes are left out (`CheckOptions(fixes=False)`), as in the language server.
"""

from __future__ import annotations

import ast
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

from .checks.anti_patterns import anti_pattern
from .checks.context import DECORATOR_REACH, FileContext, RawFinding, decorator_text, reference_pattern
from .finding_runs import FindingRuns
from .imports.graph import ImportStatement
from .imports.modules import Module
from .imports.python import python_imports
from .model import CheckResult, Finding, Span
from .python_source import PARSE_ERRORS, ClassInfo, PythonSource, class_infos, is_python, parse_python
from .regex import SCAN_BUDGET, SMALL_PROGRAM, LineRegex, within_budget
from .suppressions import Suppression, find_suppressions
from .text import SourceText, split_lines

if TYPE_CHECKING:
    from .evaluate import Checker

Edit = tuple[int, int, str]  # (start, end) offsets into the text before it, and the text put there

MIN_REGION_LINES = 256  # an edit spanning more lines than this ...
MAX_REGION_SHARE = 0.2  # ... and more than this share of the file is checked from scratch
SUPPRESSIONS = "suppressions"  # the key of the lines holding suppression comments
_DIRECTIVE_MARK = "archrules:"


class _Hits:
    """Per-line facts of one kind: the lines that have one, in order, and each line's fact.

    The lines after an edit move lazily, as LineStarts' do (server/documents.py): entry k is
    `_lines[k] + _by` from index `_from` on, settled as far as the next edit needs (typing
    stays near one place), so an Enter key costs the facts near it, not all those below."""

    __slots__ = ("_lines", "values", "_from", "_by")

    def __init__(self, pairs: Iterable[tuple[int, Any]] = ()):
        pairs = list(pairs)
        self._lines: list[int] = [ln for ln, _ in pairs]
        self.values: list[Any] = [v for _, v in pairs]
        self._from, self._by = len(self._lines), 0

    def __len__(self) -> int:
        return len(self._lines)

    @property
    def lines(self) -> list[int]:
        """The lines that have a fact, in order (every move settled)."""
        self._settle(len(self._lines))
        return self._lines

    def last(self) -> int:
        """The last line that has a fact (-1: none)."""
        if not self._lines:
            return -1
        return self._lines[-1] + (self._by if len(self._lines) > self._from else 0)

    def _line(self, k: int) -> int:
        return self._lines[k] + (self._by if k >= self._from else 0)

    def _settle(self, upto: int) -> None:
        """Entries below index `upto` hold their lines."""
        if self._from < upto:
            if self._by:
                by = self._by
                self._lines[self._from:upto] = [ln + by for ln in self._lines[self._from:upto]]
            self._from = upto

    def splice(self, first: int, last: int, pairs: Sequence[tuple[int, Any]], delta: int) -> None:
        """Old lines first..last now hold `pairs` (new line numbers); later lines moved by `delta`."""
        n = len(self._lines)
        i = bisect_left(range(n), first, key=self._line)
        j = bisect_right(range(n), last, key=self._line)
        self._settle(i)
        if self._from > j and self._by:  # settled entries after the edit join the moved ones
            by = self._by
            self._lines[j:self._from] = [ln - by for ln in self._lines[j:self._from]]
        self._lines[i:j] = [ln for ln, _ in pairs]
        self.values[i:j] = [v for _, v in pairs]
        self._from, self._by = i + len(pairs), self._by + delta


@dataclass
class _State:
    """What is known about the document's current text."""

    text: str
    lines: list[str]  # line contents (the normalised text split on \n)
    byte_size: int  # of the UTF-8 text the regexes scan
    cr_count: int  # \r characters in `text` (none: no line break but \n to think of)
    anchor: tuple[int, int] = (0, 0)  # (offset, line) of a line start: lines are counted from it
    hits: dict[Hashable, _Hits] = field(default_factory=dict)  # per-line facts by kind
    decorators: dict[LineRegex, _Hits] = field(default_factory=dict)  # decorator lines matching each pattern
    untracked: dict[tuple[str, Any], int] = field(default_factory=dict)  # over budget when built: key -> program size
    size_limit: float = float("inf")  # over this many bytes a tracked anti-pattern is over budget
    # the tracked anti-patterns' findings, in result order (their lines in `hits` too)
    findings: FindingRuns = field(default_factory=FindingRuns)
    counts: dict[str, int] = field(default_factory=dict)  # string -> occurrences (overlapping)
    references: dict[str, int] = field(default_factory=dict)  # name -> whole-word occurrences
    python: _PythonFacts | None = None  # known only while the text parses (None: not known)


@dataclass
class _PythonFacts:
    """A parsing Python text's top level: where its statements start, where its classes are.

    `starts` cut the text into chunks at clean places (a top-level statement starts the line
    and the one before ended on an earlier line; line 0 always): a chunk edited into one
    that parses on its own leaves the whole text parsing, with the same chunks around it."""

    starts: list[int]
    classes: list[int]  # the line of each top-level `class` statement
    # every class statement as `in_class` entries see them (None: not asked for yet)
    class_infos: list[ClassInfo] | None = None
    # the file's imports as the module they were read for (None: not asked for yet)
    imports: tuple[Module, list[ImportStatement]] | None = None


def _python_facts(tree: ast.Module) -> _PythonFacts:
    starts, classes, last_end = [0], [], -1
    for stmt in tree.body:
        first = min([stmt.lineno, *(d.lineno for d in getattr(stmt, "decorator_list", ()))]) - 1
        if first > last_end and first > starts[-1]:
            starts.append(first)
        last_end = max(last_end, (stmt.end_lineno or stmt.lineno) - 1)
        if isinstance(stmt, ast.ClassDef):
            classes.append(stmt.lineno - 1)
    return _PythonFacts(starts, classes)


class IncrementalCheck:
    """One document's check, kept up to date edit by edit (see the module docstring)."""

    def __init__(self, checker: Checker, path: str):
        self.checker = checker
        self.path = path
        self.incremental = False  # whether the last result came from the incremental path
        self._state: _State | None = None
        entries, antis = checker._plan(path)
        self._entries = entries
        self._antis = antis
        # the file-level strings: an `in_class` entry's are searched in class bodies instead
        picked = [(r, e) for r, e in (checker._entries[i] for i in entries) if e.in_class is None]
        self._needles = sorted({s for _, e in picked for s in (*e.when_contains, *e.must_contain,
                                                               *e.must_contain_one_of)})
        self._names = sorted({n for _, e in picked for n in e.must_reference})
        self._line_regexes = list(dict.fromkeys(e.should_match for _, e in picked if e.should_match is not None))
        self._decorator_regexes = list(dict.fromkeys(
            e.endpoint_pattern for _, e in picked if e.endpoint_pattern is not None and e.must_return))
        self._reach = max(map(len, (*self._needles, *self._names)), default=0) + 1  # window around an edit

    # ------------------------------------------------------------ public

    def check(self, text: str) -> CheckResult:
        """The check of `text`; what is learnt is kept for the next update. With a text checked
        before and the edits since unknown (the server's check that took them never ran), the
        part where the two texts differ is the edit: the cost of a few compares of the texts
        (C speed), not of a check from scratch."""
        if self._state is not None:
            return self.update(text, [_difference(self._state.text, text)])
        return self._from_scratch(text)

    def update(self, text: str, edits: Sequence[Edit]) -> CheckResult:
        """The check of `text`, made from the previous text by `edits` (applied in order, each
        in the coordinates of the text the previous ones left). Equal to `checker.check`."""
        state = self._state
        if state is None or not edits or not self._apply(state, text, edits):
            return self._from_scratch(text)
        self.incremental = True
        return self._result(state)

    def _from_scratch(self, text: str) -> CheckResult:
        self._state = self._build(text)
        self.incremental = False
        return self._result(self._state)

    @property
    def text(self) -> str | None:
        """The text the kept state is about (None: nothing kept)."""
        return None if self._state is None else self._state.text

    def reset(self) -> None:
        self._state = None

    # ------------------------------------------------------------ building

    def _build(self, text: str) -> _State:
        src = SourceText(text)
        state = _State(text, src.lines, len(src.data), text.count("\r"))
        for budgeted, program in self._budgeted():
            if not within_budget(program, state.byte_size):
                state.untracked[budgeted] = program
            elif program > SMALL_PROGRAM and budgeted[0] == "anti":
                state.size_limit = min(state.size_limit, SCAN_BUDGET // program)
        for key in self._line_keys(state):
            state.hits[key] = _Hits()
        scanned, findings = self._scan(src, 0, state)
        for key, pairs in scanned.items():
            state.hits[key] = _Hits(pairs)
        state.findings = FindingRuns(findings)
        for rx in self._decorator_regexes:
            state.decorators[rx] = _Hits(self._decorator_lines(state.lines, rx, 0, len(state.lines)))
        normalized = src.normalized
        state.counts = {s: _occurrences(s)(normalized) for s in self._needles}
        state.references = {n: _references(n)(normalized) for n in self._names}
        return state

    def _budgeted(self) -> Iterable[tuple[tuple[str, Any], int]]:
        """The per-line facts whose regex has a work budget, with its program size."""
        for i in self._antis:
            yield ("anti", i), self.checker._antis[i].anti.regex.program_size
        for rx in self._line_regexes:
            yield ("match", rx), rx.program_size

    def _line_keys(self, state: _State) -> list[Hashable]:
        keys: list[Hashable] = [k for k, _ in self._budgeted() if k not in state.untracked]
        return [*keys, SUPPRESSIONS]

    def _scan(self, src: SourceText, first: int,
              state: _State) -> tuple[dict[Hashable, list[tuple[int, Any]]], list[Finding]]:
        """The per-line facts of the lines of `src`, which are the document's from line `first`
        on, and the anti-patterns' findings there."""
        checker = self.checker
        out: dict[Hashable, list[tuple[int, Any]]] = {}
        findings: list[Finding] = []
        ctx = FileContext(self.path, src, False)
        tracked = [i for i in self._antis if ("anti", i) not in state.untracked]
        matching = checker._regex_set.matching(src) if tracked and checker._regex_set is not None else set()
        for i in tracked:
            if i in matching:
                s = checker._antis[i]
                rule, severity = s.rule, checker._severity[s.rule.id]
                found = [Finding(rule.id, severity, r.message, _moved(r.span, first), rule.suggestion)
                         for r in anti_pattern(ctx, rule, s.anti)]
                out[("anti", i)] = [(f.span.line, True) for f in found]
                findings += found
        for rx in self._line_regexes:
            if ("match", rx) not in state.untracked:
                out[("match", rx)] = [(first + m.line, True) for m in rx.finditer(src)]
        if _DIRECTIVE_MARK in src.normalized:
            comments = ((n, find_suppressions(SourceText(line))) for n, line in enumerate(src.lines)
                        if _DIRECTIVE_MARK in line)
            out[SUPPRESSIONS] = [(first + n, tuple(s)) for n, s in comments if s]
        return out, findings

    @staticmethod
    def _decorator_lines(lines: list[str], rx: LineRegex, start: int, stop: int) -> list[tuple[int, Any]]:
        out: list[tuple[int, Any]] = []
        for i in range(start, stop):
            if "@" in lines[i]:
                text = decorator_text(lines, i)
                if text is not None and rx.search_string(text):
                    out.append((i, True))
        return out

    # ------------------------------------------------------------ updating

    def _apply(self, state: _State, text: str, edits: Sequence[Edit]) -> bool:
        """Bring `state` to `text`; False when it cannot (then it is checked from scratch)."""
        old = state.text
        cover = _covering(edits, len(old))
        if cover is None or cover[3] != len(text):
            return False
        start, old_end, _, _ = cover
        has_cr = state.cr_count > 0
        head = _line_start(old, start, has_cr)
        head = _line_start(old, head - 1, has_cr) if head > 0 else 0  # one line more: \r + \n join
        tail = _next_line_start(old, old_end, has_cr)
        tail = _next_line_start(old, tail, has_cr)  # one line more
        # the line number of `head`, counted from the last edit's (typing stays near it)
        at, line = state.anchor
        first = (line + _count_breaks(old, at, head, has_cr) if head >= at
                 else line - _count_breaks(old, head, at, has_cr))
        old_count = _count_breaks(old, head, tail, has_cr) + (tail == len(old))
        new_tail = tail + len(text) - len(old)
        region_text = text[head:new_tail]
        new_region = split_lines(region_text)
        if new_tail < len(text):
            new_region.pop()  # the region ends with a line break: the '' after it is the next line
        lines = state.lines
        if first + old_count > len(lines) or old_count + len(new_region) > max(
                MIN_REGION_LINES, MAX_REGION_SHARE * len(lines)):
            return False
        old_region = lines[first:first + old_count]
        lines[first:first + old_count] = new_region
        state.text = text
        state.anchor = (head, first)
        state.cr_count += region_text.count("\r") - old.count("\r", head, tail)
        state.byte_size += _utf8_size(new_region) - _utf8_size(old_region)
        if any(within_budget(program, state.byte_size) for program in state.untracked.values()):
            return False  # a rule over budget before is affordable now: its matches are unknown
        if state.byte_size > state.size_limit:
            return False  # a rule in budget before is over it now: its findings and note change
        self._update_lines(state, first, old_count, len(new_region))
        self._update_counts(state, first, old_region, new_region)
        state.python = self._python_after(state, first, old_count, len(new_region))
        return True

    def _python_after(self, state: _State, first: int, old_count: int, new_count: int) -> _PythonFacts | None:
        """The Python facts of the new text when the chunks the edit touched (and the lines either
        side) parse on their own; None (a full parse when a check needs it) otherwise."""
        facts, lines = state.python, state.lines
        if facts is None:
            return None
        delta = new_count - old_count
        starts = facts.starts
        lo = bisect_right(starts, first) - 1  # the region has a line of margin either side already
        hi = bisect_right(starts, first + old_count - 1)  # the first chunk after the region
        begin = starts[lo]
        end = starts[hi] + delta if hi < len(starts) else len(lines)
        chunk = "\n".join(lines[begin:end])
        if "\ufeff" in chunk:  # a BOM may read differently at a text's start (Python versions differ)
            return None
        try:
            tree = parse_python(chunk)
        except PARSE_ERRORS:
            return None
        middle = _python_facts(tree)
        after = starts[hi] if hi < len(starts) else len(lines) - delta
        infos = facts.class_infos
        if infos is not None:  # kept up to date once asked for: the edited chunks' classes read again
            infos = ([c for c in infos if c.line < begin] + class_infos(tree, lines, begin)
                     + [c.moved(delta) if delta else c for c in infos if c.line >= after])
        return _PythonFacts(
            starts[:lo] + [begin + n for n in middle.starts] + [n + delta for n in starts[hi:]],
            [n for n in facts.classes if n < begin] + [begin + n for n in middle.classes]
            + [n + delta for n in facts.classes if n >= after], infos,
            _imports_after(facts.imports, tree, lines, begin, after, delta))

    def _update_lines(self, state: _State, first: int, old_count: int, new_count: int) -> None:
        delta = new_count - old_count
        region = state.lines[first:first + new_count]
        scanned, findings = self._scan(SourceText("\n".join(region)), first, state)
        for key, hits in state.hits.items():
            pairs = scanned.get(key, ())
            if not pairs and hits.last() < first:
                continue  # nothing at or after the edit: most rules of a big set, on most keystrokes
            hits.splice(first, first + old_count - 1, pairs, delta)
        state.findings.splice(first, first + old_count - 1, findings, delta)
        # a decorator's text reads up to DECORATOR_REACH - 1 lines below its `@`
        reach = max(0, first - (DECORATOR_REACH - 1))
        for rx, hits in state.decorators.items():
            pairs = self._decorator_lines(state.lines, rx, reach, first + new_count)
            hits.splice(reach, first + old_count - 1, pairs, delta)

    def _update_counts(self, state: _State, first: int, old_region: list[str], new_region: list[str]) -> None:
        """Occurrences that the edit can change all lie in a window around it: `reach`
        characters either side (the longest string, and one for a word boundary)."""
        if not state.counts and not state.references:
            return
        lines = state.lines
        before = _text_before(lines, first, self._reach)
        after = _text_after(lines, first + len(new_region), self._reach)
        old_window = before + "\n".join(old_region) + after
        new_window = before + "\n".join(new_region) + after
        for table, counter in ((state.counts, _occurrences), (state.references, _references)):
            for s in table:
                count = counter(s)
                table[s] += count(new_window) - count(old_window)

    # ------------------------------------------------------------ the result

    def _result(self, state: _State) -> CheckResult:
        checker = self.checker
        ctx = _KnownContext(self.path, SourceText.with_lines(state.text, state.lines), state)
        raw = checker._entry_findings(ctx, self._entries)
        comments = state.hits[SUPPRESSIONS]
        suppressions = [_placed(s, ln) for ln, found in zip(comments.lines, comments.values, strict=True)
                        for s in found]
        for kind, i in state.untracked:  # the notes of the anti-patterns over budget on this text
            if kind == "anti":
                s = checker._antis[i]
                ctx.affordable(s.rule, s.anti.regex)
        if not suppressions:  # the findings as kept (tracked anti-patterns are within budget: see _apply)
            return checker._result(ctx, raw, suppressions, False, state.findings.view())
        raw.extend(RawFinding(checker._active[f.rule_id], f.span, f.message) for f in state.findings.view())
        return checker._result(ctx, raw, suppressions, False)


class _KnownContext(FileContext):
    """A FileContext answering the whole-text questions from what the incremental check keeps."""

    def __init__(self, path: str, src: SourceText, state: _State):
        super().__init__(path, src, False)
        self._state = state
        self.byte_size = state.byte_size

    def contains(self, needle: str) -> bool:
        count = self._state.counts.get(needle)
        return super().contains(needle) if count is None else count > 0

    def references(self, name: str) -> bool:
        count = self._state.references.get(name)
        return super().references(name) if count is None else count > 0

    def any_line_matches(self, rx: LineRegex) -> bool:
        return bool(self._state.hits[("match", rx)])

    def decorator_matches(self, rx: LineRegex) -> bool:
        return bool(self._state.decorators[rx])

    @cached_property
    def python(self) -> PythonSource | None:
        if not is_python(self.path):
            return None
        return _KnownPython(self.src, self._state)

    def python_imports(self, module: Module) -> list[ImportStatement] | None:
        facts = self._state.python if self.python is not None and self.python.parses else None
        if facts is not None and facts.imports is not None and facts.imports[0] == module:
            return facts.imports[1]
        found = super().python_imports(module)  # the whole file parsed (the tree sets the facts)
        if found is not None and self._state.python is not None:
            self._state.python.imports = (module, found)
        return found

    def first_line_of(self, needle: str) -> int:
        if not self.contains(needle):
            return -1
        if "\n" in needle:
            return super().first_line_of(needle)
        return next(i for i, line in enumerate(self._state.lines) if needle in line)


class _KnownPython(PythonSource):
    """A PythonSource answering from the kept Python facts when they are known, and keeping
    them when it parses the text itself (a check needed the tree)."""

    def __init__(self, src: SourceText, state: _State):
        super().__init__(src)
        self._state = state

    @cached_property
    def tree(self) -> ast.Module | None:
        tree = super().tree
        self._state.python = _python_facts(tree) if tree is not None else None
        return tree

    @cached_property
    def parses(self) -> bool:
        return self._state.python is not None or self.tree is not None

    @cached_property
    def first_class_line(self) -> int:
        facts = self._state.python if self.parses else None
        if facts is None:
            return super().first_class_line
        return facts.classes[0] if facts.classes else -1

    @cached_property
    def classes(self) -> list[ClassInfo] | None:
        facts = self._state.python if self.parses else None
        if facts is not None and facts.class_infos is not None:
            return facts.class_infos
        infos = super().classes  # the whole file parsed (the tree sets the facts)
        if infos is not None and self._state.python is not None:
            self._state.python.class_infos = infos
        return infos


def _imports_after(imports: tuple[Module, list[ImportStatement]] | None, tree: ast.Module, lines: list[str],
                   begin: int, after: int, delta: int) -> tuple[Module, list[ImportStatement]] | None:
    """The file's imports once the chunks from `begin` (new lines) to `after` (old lines) are
    `tree`: theirs read again, the others kept (moved by `delta` below the edit)."""
    if imports is None:
        return None
    module, kept = imports
    moved = [s if not delta else ImportStatement(s.candidates, _moved(s.span, delta), s.type_checking)
             for s in kept if s.span.line >= after]
    return module, [s for s in kept if s.span.line < begin] + python_imports(tree, lines, module, begin) + moved


def _moved(span: Span, delta: int) -> Span:
    return Span(span.line + delta, span.column, span.end_line + delta, span.end_column) if delta else span


def _placed(template: Suppression, line: int) -> Suppression:
    """A suppression found on a line alone (line 0), placed on `line`, not used yet."""
    def on(span: Span) -> Span:
        return Span(line, span.column, line, span.end_column)

    return Suppression(line, template.file_wide, template.ids, on(template.span),
                       tuple(on(s) for s in template.id_spans))


# ------------------------------------------------------------------ text arithmetic


def _covering(edits: Sequence[Edit], size: int) -> tuple[int, int, int, int] | None:
    """One edit covering them all: (start, end in the old text, end in the new, new size)."""
    cover: tuple[int, int, int] | None = None
    for start, end, inserted in edits:
        if not 0 <= start <= end <= size:
            return None
        if cover is None:
            cover = (start, end, start + len(inserted))
        else:
            s, old_end, new_end = cover
            reach = max(new_end, end)  # in the current text; beyond new_end it is old text, moved
            cover = (min(s, start), old_end + reach - new_end, reach + len(inserted) - (end - start))
        size += len(inserted) - (end - start)
    return None if cover is None else (*cover, size)


def _difference(old: str, new: str) -> Edit:
    """One edit making `old` into `new`: what lies between their shared start and end."""
    head = _shared(old, new, min(len(old), len(new)), from_end=False)
    tail = _shared(old, new, min(len(old), len(new)) - head, from_end=True)
    return head, len(old) - tail, new[head:len(new) - tail]


def _shared(a: str, b: str, limit: int, from_end: bool) -> int:
    """How many characters `a` and `b` share at their start (or end), at most `limit`:
    compared in slices twice as long each time, then halved where they differ."""
    def part(s: str, lo: int, hi: int) -> str:
        return s[len(s) - hi:len(s) - lo] if from_end else s[lo:hi]

    lo, step = 0, 1024
    while True:  # a and b share `lo` characters
        if lo >= limit:
            return limit
        hi = min(lo + step, limit)
        if part(a, lo, hi) != part(b, lo, hi):
            break
        lo, step = hi, step * 2
    while hi - lo > 1:  # they share `lo` characters, not `hi`
        mid = (lo + hi) // 2
        if part(a, lo, mid) == part(b, lo, mid):
            lo = mid
        else:
            hi = mid
    return lo


def _line_start(text: str, pos: int, has_cr: bool) -> int:
    """Offset of the start of the line holding offset `pos` (a \\r\\n belongs to the line it ends)."""
    if has_cr and 0 < pos < len(text) and text[pos - 1] == "\r" and text[pos] == "\n":
        pos -= 1
    found = text.rfind("\n", 0, pos)
    if has_cr:
        found = max(found, text.rfind("\r", 0, pos))
    return found + 1


def _next_line_start(text: str, pos: int, has_cr: bool) -> int:
    """Offset just after the line break ending the line that holds `pos` (the text's end: none)."""
    if has_cr and 0 < pos < len(text) and text[pos - 1] == "\r" and text[pos] == "\n":
        pos -= 1
    found = [i for i in (text.find("\n", pos), text.find("\r", pos) if has_cr else -1) if i >= 0]
    if not found:
        return len(text)
    i = min(found)
    return i + 2 if text.startswith("\r\n", i) else i + 1


def _count_breaks(text: str, start: int, end: int, has_cr: bool) -> int:
    """Line breaks in text[start:end] (which does not cut a \\r\\n)."""
    count = text.count("\n", start, end)
    if has_cr:
        count += text.count("\r", start, end) - text.count("\r\n", start, end)
    return count


def _utf8_size(lines: list[str]) -> int:
    return len("\n".join(lines).encode("utf-8", errors="surrogatepass"))


def _text_before(lines: list[str], first: int, size: int) -> str:
    """The last `size` characters of the normalised text before line `first`."""
    parts: list[str] = []
    total = 0
    i = first - 1
    while i >= 0 and total < size:
        parts.append(lines[i])
        total += len(lines[i]) + 1
        i -= 1
    return ("\n".join(reversed(parts)) + "\n")[-size:] if parts else ""


def _text_after(lines: list[str], after: int, size: int) -> str:
    """The first `size` characters of the normalised text after the line before `after`."""
    parts: list[str] = []
    total = 0
    i = after
    while i < len(lines) and total < size:
        parts.append(lines[i])
        total += len(lines[i]) + 1
        i += 1
    return ("\n" + "\n".join(parts))[:size] if parts else ""


@lru_cache(maxsize=4096)
def _occurrences(needle: str) -> Callable[[str], int]:
    """Counts `needle` in a text, overlapping occurrences included (so counts of parts add up)."""
    if not any(needle[:k] == needle[-k:] for k in range(1, len(needle))):
        return lambda text: text.count(needle)  # it cannot overlap itself: str.count is exact
    pattern = re.compile(f"(?={re.escape(needle)})")
    return lambda text: sum(1 for _ in pattern.finditer(text))


@lru_cache(maxsize=4096)
def _references(name: str) -> Callable[[str], int]:
    """Counts whole-word occurrences of `name`, overlapping ones included."""
    pattern = re.compile(f"(?={reference_pattern(name).pattern})")
    return lambda text: sum(1 for _ in pattern.finditer(text))
