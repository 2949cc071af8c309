"""Findings in result order, kept through edits without remaking the ones an edit moved.

A check's findings are ordered by `finding_order` (line, column, rule id, message). The
incremental check keeps its line-by-line findings in a `FindingRuns`: blocks of findings
in that order, each block with a line delta not yet applied to its findings. An edit
remakes the blocks it touched and adds its line delta to the blocks after it, so an Enter
key in a file with thousands of findings below it costs the touched block, not the
thousands. A result is a `FindingsView`: an immutable sequence over the blocks as they
were, which makes a moved finding when it is read (most readers read a few: the
diagnostics shown, the finding under the cursor).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import accumulate
from operator import attrgetter
from typing import overload

from .model import Finding, Severity, Span

BLOCK_SIZE = 256  # findings per block: an edit remakes about this many, and moves every later block

_MOST_SEVERE_FIRST = sorted(Severity, key=lambda s: -s.rank)


def finding_order(f: Finding, delta: int = 0) -> tuple[int, int, str, str]:
    """The order of a check's findings: by position, then rule id, then message (of the
    finding read `delta` lines further down)."""
    return (f.span.line + delta, f.span.column, f.rule_id, f.message)


def moved(f: Finding, delta: int) -> Finding:
    """The finding `delta` lines further down."""
    s = f.span
    return Finding(f.rule_id, f.severity, f.message, Span(s.line + delta, s.column, s.end_line + delta, s.end_column),
                   f.suggestion, f.fixes, f.related)


class FindingRuns:
    """The findings of the lines of one text, kept in `finding_order` through line edits."""

    __slots__ = ("_blocks", "_deltas", "_count")

    def __init__(self, findings: Iterable[Finding] = ()):
        ordered = sorted(findings, key=finding_order)
        self._blocks: list[_Block] = _chunks(ordered)
        self._deltas: list[int] = [0] * len(self._blocks)
        self._count = len(ordered)

    def view(self) -> FindingsView:
        """The findings as they are now (later edits do not change it)."""
        return FindingsView(self._blocks, self._deltas)

    def splice(self, first: int, last: int, new: Sequence[Finding], delta: int) -> None:
        """Old lines first..last now hold the findings `new` (new line numbers); the findings
        of later lines moved down by `delta` lines."""
        blocks, deltas = self._blocks, self._deltas
        n = len(blocks)
        # the blocks holding a finding on the old lines first..last, or next to them
        lo = bisect_left(range(n), first, key=lambda k: blocks[k][-1].span.line + deltas[k])
        hi = bisect_right(range(n), last, key=lambda k: blocks[k][0].span.line + deltas[k])
        if not new and lo >= hi:  # nothing there before or after: the later blocks move
            self._move_from(hi, delta)
            return
        touched = [f if not d else moved(f, d) for k in range(lo, hi) for d in (deltas[k],) for f in blocks[k]]
        head = [f for f in touched if f.span.line < first]
        tail = [f if not delta else moved(f, delta) for f in touched if f.span.line > last]
        remade = _chunks([*head, *sorted(new, key=finding_order), *tail])
        blocks[lo:hi] = remade
        deltas[lo:hi] = [0] * len(remade)
        self._count += sum(map(len, remade)) - len(touched)
        self._move_from(lo + len(remade), delta)
        if len(blocks) > 2 * (self._count // BLOCK_SIZE) + 16:  # many small blocks left by deletions
            self._blocks = _chunks(list(self.view()))
            self._deltas = [0] * len(self._blocks)

    def _move_from(self, start: int, delta: int) -> None:
        if delta:
            deltas = self._deltas
            for k in range(start, len(deltas)):
                deltas[k] += delta


class FindingsView(Sequence[Finding]):
    """An immutable sequence of findings in blocks, each block's findings read `delta` lines
    further down than they say (the finding is made when it is read)."""

    __slots__ = ("_blocks", "_deltas", "_ends")

    def __init__(self, blocks: Sequence[_Block], deltas: Sequence[int]):
        self._blocks = list(blocks)
        self._deltas = list(deltas)
        self._ends = list(accumulate(map(len, self._blocks)))

    def __len__(self) -> int:
        return self._ends[-1] if self._ends else 0

    def __iter__(self) -> Iterator[Finding]:
        for block, delta in zip(self._blocks, self._deltas, strict=True):
            if delta:
                for f in block:
                    yield moved(f, delta)
            else:
                yield from block

    @overload
    def __getitem__(self, index: int) -> Finding: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Finding, ...]: ...

    def __getitem__(self, index: int | slice) -> Finding | tuple[Finding, ...]:
        if isinstance(index, slice):
            return tuple(self)[index]
        size = len(self)
        if index < 0:
            index += size
        if not 0 <= index < size:
            raise IndexError("finding index out of range")
        k = bisect_right(self._ends, index)
        f = self._blocks[k][index - (self._ends[k - 1] if k else 0)]
        return moved(f, self._deltas[k]) if self._deltas[k] else f

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"FindingsView({tuple(self)!r})"

    def most_severe(self, cap: int) -> list[Finding]:
        """See `most_severe`: the blocks without a finding to keep are skipped unread."""
        totals = [sum(b.counts[rank] for b in self._blocks) for rank in range(len(_MOST_SEVERE_FIRST))]
        quota = _Quota(lambda s: totals[s.rank], cap)
        out: list[Finding] = []
        for block, delta in zip(self._blocks, self._deltas, strict=True):
            if not quota.wants_any(block.counts):
                continue
            if quota.takes_all(block.counts, len(block)):  # most blocks: every finding, no test each
                out.extend(block if not delta else [moved(f, delta) for f in block])
                if not quota.left:
                    return out
                continue
            for f in block:
                if quota.take(f.severity):
                    out.append(moved(f, delta) if delta else f)
                    if not quota.left:
                        return out
        return out

    def with_findings(self, others: Sequence[Finding]) -> FindingsView:
        """This view with `others` (in `finding_order`) put in their places."""
        if not others:
            return self
        if not self._blocks:
            chunks = _chunks(list(others))
            return FindingsView(chunks, [0] * len(chunks))
        blocks, deltas = list(self._blocks), self._deltas
        n = len(blocks)
        inserts: dict[int, list[Finding]] = {}
        for f in others:
            key = finding_order(f)
            # the first block whose last finding does not come before f (the last block: f comes last)
            k = min(bisect_left(range(n), key, key=lambda b: finding_order(blocks[b][-1], deltas[b])), n - 1)
            inserts.setdefault(k, []).append(f)
        for k, found in inserts.items():
            d = deltas[k]
            block = _Block(blocks[k])
            # before the kept findings of the same order, as a full check has them (the file-level
            # ones first); the last first, so that those of the same order keep theirs
            for f in reversed(found):  # stored as its block's findings are: `d` lines up
                at = bisect_left(block, finding_order(f), key=lambda g: finding_order(g, d))
                block.insert(at, moved(f, -d) if d else f)
                block.counts[f.severity.rank] += 1
            blocks[k] = block
        return FindingsView(blocks, deltas)


class _Block(list[Finding]):
    """Findings in order, with how many of each severity it holds (by rank)."""

    __slots__ = ("counts",)

    def __init__(self, findings: Iterable[Finding]):
        super().__init__(findings)
        self.counts = [0] * len(_MOST_SEVERE_FIRST)
        for f in self:
            self.counts[f.severity.rank] += 1


def _chunks(findings: list[Finding]) -> list[_Block]:
    if not findings:
        return []
    count = -(-len(findings) // BLOCK_SIZE)
    size = -(-len(findings) // count)
    return [_Block(findings[i:i + size]) for i in range(0, len(findings), size)]


class _Quota:
    """Which findings `most_severe` keeps, read in order: every finding of the severities in
    `whole`, then the first `room` of severity `cut`, until `cap` are kept."""

    __slots__ = ("whole", "cut", "room", "left")

    def __init__(self, count_of: Callable[[Severity], int], cap: int):
        self.whole: set[Severity] = set()
        self.room, self.left = cap, cap
        for cut in _MOST_SEVERE_FIRST:
            found = count_of(cut)
            if found >= self.room:
                break
            self.room -= found
            self.whole.add(cut)
        self.cut = cut

    def wants_any(self, counts: list[int]) -> bool:
        """Does a block holding `counts` findings of each severity (by rank) hold one to keep?"""
        return any(counts[s.rank] for s in self.whole) or bool(self.room and counts[self.cut.rank])

    def takes_all(self, counts: list[int], size: int) -> bool:
        """Are all the findings of a block holding `counts` (by rank) kept? If so, they are taken
        (never more than `left`: the kept severities' counts add up to the cap)."""
        cut = 0 if self.cut in self.whole else counts[self.cut.rank]
        if cut > self.room or any(
                counts[s.rank] for s in _MOST_SEVERE_FIRST if s not in self.whole and s is not self.cut):
            return False
        self.room -= cut
        self.left -= size
        return True

    def take(self, severity: Severity) -> bool:
        if severity is self.cut and severity not in self.whole:
            if not self.room:
                return False
            self.room -= 1
        elif severity not in self.whole:
            return False
        self.left -= 1
        return True


def most_severe(findings: Sequence[Finding], cap: int) -> Sequence[Finding]:
    """The `cap` most severe of the findings (error > warning > info > hint; of one severity,
    the first ones), in the order given (by position); all of them when there are no more
    than `cap` (0: no limit). A `FindingsView` is read only as far as the kept findings go
    (its blocks know their severities), so a huge file costs what the shown findings cost."""
    if not cap or len(findings) <= cap:
        return findings
    if isinstance(findings, FindingsView):
        return findings.most_severe(cap)
    severities = list(map(attrgetter("severity"), findings))
    quota = _Quota(severities.count, cap)
    out: list[Finding] = []
    for f, severity in zip(findings, severities, strict=True):
        if quota.take(severity):
            out.append(f)
            if not quota.left:
                break
    return out
