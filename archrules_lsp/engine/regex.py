"""Rule regexes: RE2 (linear time, so a hostile rule file cannot hang a scan),
with the seed's per-line semantics.

Every pattern is searched on each line separately. RE2's `never_nl` keeps a
match from ever spanning a line break (`\\s` and `[^)]` included), and `(?m)`
makes `^`/`$` line anchors, so one whole-text scan of the file gives exactly
the per-line results. Patterns run on the UTF-8 bytes of the normalised text;
byte offsets become code-point columns only for the matches found.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Protocol

import re2

from .re2_compat import UNANCHORED, span_matcher
from .text import SourceText

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # RE2 would print parse errors to stderr; we report them ourselves
_OPTIONS.never_nl = True

# \A and \z mean "start/end of the searched text": keep their per-line meaning by
# searching such patterns line by line (rare in practice).
_TEXT_ANCHOR = re.compile(r"(?<!\\)(?:\\\\)*\\[Az]")
_GROUP_REF = re.compile(r"\\(\d{1,2})|\\g<(\w+)>")


class RegexError(ValueError):
    """A pattern RE2 does not accept; the message is the RE2 error, made readable."""


class _Re2Match(Protocol):
    """What this module uses of a google-re2 match object (the binding ships no types)."""

    def start(self) -> int: ...

    def span(self, group: int = 0) -> tuple[int, int]: ...


class LineMatch:
    """One match on one line. Groups are decoded only when a fix asks for them."""

    __slots__ = ("line", "column", "end_column", "_data", "_spans", "_names")

    def __init__(self, line: int, column: int, end_column: int, data: bytes,
                 spans: Sequence[tuple[int, int]], names: Mapping[str, int]):
        self.line = line
        self.column = column
        self.end_column = end_column
        self._data = data
        self._spans = spans  # (start, end) byte spans of group 0, 1, ...
        self._names = names  # group name -> index

    def group(self, key: int | str) -> str:
        index = self._names.get(key) if isinstance(key, str) else key
        if index is None or not 0 <= index < len(self._spans):
            return ""
        a, b = self._spans[index]
        return "" if a < 0 else self._data[a:b].decode("utf-8", errors="replace")

    def expand(self, template: str) -> str:
        """`template` with \\1 and \\g<name> replaced by this match's groups."""

        def sub(ref: re.Match[str]) -> str:
            if ref.group(1) is not None:
                return self.group(int(ref.group(1)))
            name = ref.group(2)
            return self.group(int(name) if name.isdigit() else name)

        return _GROUP_REF.sub(sub, template)


class LineRegex:
    """A compiled rule regex. `source` is the pattern as written in the rule file."""

    __slots__ = ("source", "_rx", "_per_line", "_match", "_names", "program_size")

    def __init__(self, source: str):
        self.source = source
        self._per_line = bool(_TEXT_ANCHOR.search(source))
        prefix = "" if self._per_line else "(?m)"
        try:
            self._rx = re2.compile((prefix + source).encode("utf-8", errors="surrogatepass"), _OPTIONS)
        except re2.error as e:  # noqa: PERF203
            raise RegexError(_readable(e, source)) from None
        self._match = span_matcher(self._rx)
        self._names: dict[str, int] = {
            (k.decode() if isinstance(k, bytes) else k): v for k, v in self._rx.groupindex.items()
        }
        # RE2's instruction count (about one per literal character or class); asked per rule
        # on every keystroke, so read once
        self.program_size: int = self._rx.programsize

    def __repr__(self) -> str:
        return f"LineRegex({self.source!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LineRegex) and other.source == self.source

    def __hash__(self) -> int:
        return hash(self.source)

    @property
    def set_source(self) -> bytes | None:
        """The pattern for a whole-text RegexSet prefilter (None: cannot be prefiltered)."""
        return None if self._per_line else self._rx.pattern

    def matches_empty(self) -> bool:
        return self._rx.search(b"") is not None

    @property
    def per_line(self) -> bool:
        """Searched line by line (it has \\A or \\z), not over the whole text at once."""
        return self._per_line

    @property
    def names(self) -> Mapping[str, int]:
        """Group name -> group index."""
        return self._names

    def finditer(self, src: SourceText, first_per_line: bool = True) -> Iterator[LineMatch]:
        """Matches in `src`, in order; with first_per_line only the first on each line."""
        if self._per_line:
            yield from self._finditer_lines(src, first_per_line)
            return
        data = src.data
        line_of, starts = src.line_of_byte, None
        for spans in self.first_match_spans(data) if first_per_line else self._every_match_spans(data):
            start, end = spans[0]
            line = line_of(start)
            if starts is None:
                starts = src.line_starts
            line_start = starts[line]
            yield LineMatch(line, src.column_at(line, line_start, start), src.column_at(line, line_start, end),
                            data, spans, self._names)

    def first_match_spans(self, data: bytes, ranges: Sequence[tuple[int, int]] | None = None,
                          ) -> Iterator[Sequence[tuple[int, int]]]:
        """The group spans (byte offsets) of the first match on each line of `data`, in order.
        Not for a `per_line` pattern. After a hit the search resumes at the next line's start.

        `ranges`: only there (ascending (start, end) byte ranges of whole lines, where a
        RegexSet said the pattern may match: see RegexSet.matching_ranges); None: everywhere.
        A range is searched with the text around it as context (for `^`, `$`, `\\b`), and
        no match spans a line, so its matches are the whole text's there."""
        match, find = self._match, data.find
        at = 0
        for low, high in ((0, len(data)),) if ranges is None else ranges:
            at = max(at, low)
            while at <= high:
                spans = match(UNANCHORED, data, at, high)
                if spans[0][0] < 0:
                    break
                yield spans
                nl = find(b"\n", spans[0][1])
                if nl < 0:
                    return
                at = nl + 1

    def _every_match_spans(self, data: bytes) -> Iterator[Sequence[tuple[int, int]]]:
        match, n = self._match, len(data)
        at = 0
        while at <= n:
            spans = match(UNANCHORED, data, at, n)
            start, end = spans[0]
            if start < 0:
                return
            yield spans
            at = end if end > start else end + 1

    @property
    def group_count(self) -> int:
        return self._rx.groups

    @property
    def group_names(self) -> frozenset[str]:
        return frozenset(k.decode() if isinstance(k, bytes) else k for k in self._rx.groupindex)

    def search_string(self, text: str) -> bool:
        """Does the pattern match somewhere in a one-line string?"""
        return self._rx.search(text.encode("utf-8", errors="surrogatepass")) is not None

    def search_line(self, src: SourceText, line: int) -> LineMatch | None:
        """The first match on one line, or None."""
        start = src.line_start_byte(line)
        end = start + len(src.lines[line].encode("utf-8", errors="surrogatepass"))
        chunk = src.data[start:end]
        m = self._rx.search(chunk)
        if m is None:
            return None
        s, e = m.span()
        return self._line_match(src, m, line, start + s, start + e)

    def _finditer_lines(self, src: SourceText, first_per_line: bool) -> Iterator[LineMatch]:
        for line in range(len(src.lines)):
            if first_per_line:
                hit = self.search_line(src, line)
                if hit is not None:
                    yield hit
            else:
                start = src.line_start_byte(line)
                chunk = src.lines[line].encode("utf-8", errors="surrogatepass")
                for m in self._rx.finditer(chunk):
                    s, e = m.span()
                    yield self._line_match(src, m, line, start + s, start + e)

    def _line_match(self, src: SourceText, m: _Re2Match, line: int, start: int, end: int) -> LineMatch:
        """A LineMatch from a binding-level match `m` found at byte offset `start` of `src.data`."""
        shift = start - m.start()
        spans = [(a + shift, b + shift) if a >= 0 else (a, b)
                 for a, b in (m.span(i) for i in range(self._rx.groups + 1))]
        return LineMatch(line, src.column_of_byte(line, start), src.column_of_byte(line, end),
                         src.data, spans, self._names)


# The work one rule may do on one file, in RE2 program instructions times bytes
# scanned: a deterministic bound on RE2's worst case (its NFA fallback costs about
# one step per instruction per byte). 128 instructions fit a 1 MiB file.
SCAN_BUDGET = 128 << 20
# Patterns this small always run: on files up to 1 MiB (the default size limit) they
# are within SCAN_BUDGET anyway, and on the larger files a user chose to check (a
# raised limit) their worst case grows only with the file, as the check's own work
# does. Nearly every real rule is this small; the budget stops the big, slow ones.
SMALL_PROGRAM = SCAN_BUDGET >> 20


def within_budget(program_size: int, byte_size: int) -> bool:
    """May a pattern of `program_size` RE2 instructions be searched on `byte_size` bytes?"""
    return program_size <= SMALL_PROGRAM or program_size * byte_size <= SCAN_BUDGET

# A set holds patterns of at most this many instructions in all (RE2 needs about
# 64 bytes of max_mem per instruction to compile one), and its DFA gets this much
# cache per pattern: with RE2's default 8 MiB a few hundred patterns thrash it.
_SET_PROGRAM_LIMIT = 40_000
# A pattern bigger than this is searched on its own: within SCAN_BUDGET it can only
# run on small files, where a prefilter saves nothing, and each set costs a compile.
_SET_MEMBER_LIMIT = 4096
_SET_MEMORY_PER_PATTERN = 128 << 10
_SET_MEMORY_PER_INSTRUCTION = 128
_SET_MEMORY_MIN, _SET_MEMORY_MAX = 8 << 20, 256 << 20


class _Member:
    __slots__ = ("index", "source", "program")

    def __init__(self, index: int, source: bytes, program: int):
        self.index, self.source, self.program = index, source, program


class RegexSet:
    """Which of many LineRegexes may match in a text, in a few RE2 passes.

    A prefilter: only the members reported here are scanned line by line. Members
    are grouped by program size (within a factor of two) into sets of bounded
    program, each with its memory sized from its patterns; a set RE2 cannot
    compile is split in two, and a pattern no set takes (or too big for one) is
    always reported: it is then scanned on its own. A set whose largest pattern would be over
    SCAN_BUDGET on a text is not run on it: its members are all reported, and the
    caller skips the ones over budget."""

    __slots__ = ("_sets", "_always")

    def __init__(self, regexes: list[LineRegex]):
        self._always: list[int] = []
        members: list[_Member] = []
        for i, rx in enumerate(regexes):
            src = rx.set_source
            if src is None or rx.program_size > _SET_MEMBER_LIMIT:
                self._always.append(i)
            else:
                members.append(_Member(i, src, rx.program_size))
        self._sets: list[tuple[re2.Set, list[int], int]] = []  # (RE2 set, member indexes, largest program)
        for group in _groups(members):
            self._compile(group)

    def _compile(self, group: list[_Member]) -> None:
        compiled = _compile_set(group)
        if compiled is not None:
            self._sets.append((compiled, [m.index for m in group], max(m.program for m in group)))
        elif len(group) == 1:
            self._always.append(group[0].index)
        else:
            half = len(group) // 2
            self._compile(group[:half])
            self._compile(group[half:])

    def matching_ranges(self, src: SourceText) -> dict[int, list[tuple[int, int]] | None]:
        """The members that may match, each with where: the byte ranges of whole lines (ascending,
        adjacent ones joined) in which its set matched; None: anywhere (not prefiltered).

        The sets run on blocks of lines (SET_BLOCK bytes or so) instead of the whole text: the
        same pass, and a member is then searched only in the blocks where it matched. A block is
        searched on its own, without the text around it: that can only add blocks (a `\\B` or
        `$` at its end), never miss one (a line's match lies inside its block; one at a block's
        end, empty, at the next line's start, is also found in the next block)."""
        out: dict[int, list[tuple[int, int]] | None] = dict.fromkeys(self._always)
        data = src.data
        blocks = None
        for rset, members, program in self._sets:
            if not within_budget(program, len(data)):
                out.update(dict.fromkeys(members))
                continue
            if blocks is None:
                blocks = _blocks(data)
            view = memoryview(data)
            for low, high in blocks:
                for i in rset.Match(view[low:high]) or ():
                    ranges = out.get(members[i])  # None: not met yet (a set's members are no one else's)
                    if ranges is None:
                        out[members[i]] = [(low, high)]
                    elif ranges[-1][1] == low:
                        ranges[-1] = (ranges[-1][0], high)
                    else:
                        ranges.append((low, high))
        return out

    def matching(self, src: SourceText) -> set[int]:
        out = set(self._always)
        data = src.data
        for rset, members, program in self._sets:
            if not within_budget(program, len(data)):
                out.update(members)
                continue
            hit = rset.Match(data)
            if hit:
                out.update(members[i] for i in hit)
        return out


SET_BLOCK = 2048  # bytes: a set runs on blocks of lines about this long (see RegexSet.matching_ranges)


def _blocks(data: bytes) -> list[tuple[int, int]]:
    """`data` cut after a line break once SET_BLOCK bytes or more: (start, end) ranges, at least one."""
    out = []
    start, n = 0, len(data)
    while True:
        nl = data.find(b"\n", start + SET_BLOCK - 1)
        end = n if nl < 0 else nl + 1
        out.append((start, end))
        if end >= n:
            return out
        start = end


# Small patterns (always within budget) share one size class, so a usual rule set is
# prefiltered in a single pass over each file.


def _groups(members: list[_Member]) -> list[list[_Member]]:
    """Members by program size class (small, then powers of two), each class cut at
    _SET_PROGRAM_LIMIT."""
    out: list[list[_Member]] = []
    by_class: dict[int, list[_Member]] = {}
    for m in members:
        by_class.setdefault(0 if m.program <= SMALL_PROGRAM else m.program.bit_length(), []).append(m)
    for _, group in sorted(by_class.items()):
        current: list[_Member] = []
        total = 0
        for m in group:
            if current and total + m.program > _SET_PROGRAM_LIMIT:
                out.append(current)
                current, total = [], 0
            current.append(m)
            total += m.program
        out.append(current)
    return out


def _compile_set(group: list[_Member]) -> re2.Set | None:
    """An RE2 search set of the group's patterns, or None when RE2 refuses it."""
    program = sum(m.program for m in group)
    memory = _SET_MEMORY_PER_INSTRUCTION * program + _SET_MEMORY_PER_PATTERN * len(group)
    options = re2.Options()
    options.log_errors = False
    options.never_nl = True
    options.max_mem = max(_SET_MEMORY_MIN, min(memory, _SET_MEMORY_MAX))
    rset = re2.Set.SearchSet(options)
    try:
        for m in group:
            rset.Add(m.source)
        rset.Compile()
    except re2.error:
        return None
    return rset


def _readable(err: Exception, source: str) -> str:
    msg = err.args[0] if err.args else str(err)
    if isinstance(msg, bytes):
        msg = msg.decode("utf-8", errors="replace")
    msg = str(msg)
    hint = ""
    if "invalid perl operator" in msg and ("(?=" in source or "(?!" in source or "(?<" in source):
        hint = " (look-ahead and look-behind are not supported: rules use RE2, which runs in linear time)"
    elif "invalid escape sequence" in msg and re.search(r"\\[1-9]", source):
        hint = " (back-references are not supported: rules use RE2, which runs in linear time)"
    elif "pattern too large" in msg:
        hint = " (its compiled program is over RE2's limit for one regex: simplify it or split it into several)"
    return f"invalid regex {_shortened(source)!r}: {_shortened(msg)}{hint}"


def _shortened(text: str, limit: int = 120) -> str:
    """A pattern (or an RE2 message quoting one) as a message shows it: at most `limit` characters."""
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"
