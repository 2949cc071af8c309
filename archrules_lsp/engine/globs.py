"""Rule file globs, relative to the project root with `/` separators.

`*` and `?` never cross `/`; `**` spans any number of folders, including none
(`app/api/v1/**/marketplace.py` matches `app/api/v1/marketplace.py`). Matching
is wcmatch's (`GLOBSTAR | DOTGLOB | BRACE`) on root-relative file paths. Importing
wcmatch costs a check ~8 ms of start-up, so the usual globs (`*`, `?`, `**`, plain
`[...]` classes, `{a,b}` alternatives expanded by bracex, as wcmatch does) are
translated here to one regex; anything else (backslash escapes, POSIX classes,
unusual brackets) is compiled by wcmatch. tests/engine/test_globs.py holds the
translation equal to wcmatch over random globs and paths.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_EXPANSION_LIMIT = 1000  # wcmatch's pattern limit: brace expansions per glob


class GlobError(ValueError):
    pass


class Glob:
    __slots__ = ("pattern", "_match")

    def __init__(self, pattern: str):
        if not isinstance(pattern, str) or not pattern.strip():
            raise GlobError("file glob must be a non-empty string")
        self.pattern = pattern
        p = pattern[2:] if pattern.startswith("./") else pattern
        try:
            self._match = _compile(p.lstrip("/"))
        except Exception as e:  # bracex and wcmatch raise several types for odd patterns
            raise GlobError(f"invalid file glob {pattern!r}: {e}") from None

    def matches(self, path: str) -> bool:
        return bool(self._match(path))

    def __repr__(self) -> str:
        return f"Glob({self.pattern!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Glob) and other.pattern == self.pattern

    def __hash__(self) -> int:
        return hash(self.pattern)


def _compile(pattern: str) -> Callable[[str], object]:
    if not any(c in pattern for c in "*?[{\\") and not pattern.endswith("/"):
        # a plain path (`app/services/jobs.py`): compared, not compiled into a regex (start-up time)
        return "/".join(s for s in pattern.split("/") if s).__eq__
    expanded = _expand(pattern) if "{" in pattern else [pattern]
    regexes = [_translate(p) for p in expanded]
    if any(r is None for r in regexes):
        from wcmatch import glob as wc

        return wc.compile([pattern], flags=wc.GLOBSTAR | wc.DOTGLOB | wc.BRACE, limit=_EXPANSION_LIMIT).match
    return re.compile("|".join(f"(?:{r})" for r in regexes), re.DOTALL).fullmatch


def _expand(pattern: str) -> list[str]:
    import bracex

    expanded = list(bracex.iexpand(pattern, keep_escapes=True, limit=_EXPANSION_LIMIT))
    if len(expanded) > _EXPANSION_LIMIT:
        raise ValueError(f"more than {_EXPANSION_LIMIT} brace expansions")
    return expanded


def _translate(pattern: str) -> str | None:
    """The regex of one brace-free glob, or None when it is not one this module translates."""
    if "\\" in pattern or pattern.startswith("/") or pattern.endswith("/"):
        return None
    segments = [s for s in pattern.split("/") if s]  # `a//b` is `a/b`, as in wcmatch
    out = []
    for i, segment in enumerate(segments):
        last = i == len(segments) - 1
        if segment == "**":  # any folders, or (last) anything below
            out.append(".*" if last else "(?:[^/]+/)*")
            continue
        translated = _segment(segment)
        if translated is None:
            return None
        out.append(translated if last else translated + "/")
    return "".join(out)


def _segment(segment: str) -> str | None:
    """One path segment: `*` and `?` within it, `[...]` classes; None if unusual."""
    out = []
    i = 0
    while i < len(segment):
        c = segment[i]
        if c == "*":
            while i + 1 < len(segment) and segment[i + 1] == "*":
                i += 1
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            end = segment.find("]", i + 2)
            cls = _char_class(segment[i + 1:end]) if end != -1 else None
            if cls is None:
                return None
            out.append(cls)
            i = end
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


def _char_class(body: str) -> str | None:
    """`[abc]`, `[a-z]`, `[!a]` / `[^a]` (never `/`); None for anything else (`[]a]`, `[[:alpha:]]`...)."""
    negated = body[:1] in ("!", "^")
    if negated:
        body = body[1:]
    if not body or "[" in body or body.startswith("]"):
        return None
    items = []
    i = 0
    while i < len(body):
        if i + 2 < len(body) and body[i + 1] == "-":
            if body[i] > body[i + 2]:
                return None
            items.append(f"{re.escape(body[i])}-{re.escape(body[i + 2])}")
            i += 3
        else:
            items.append(re.escape(body[i]))
            i += 1
    return f"[^/{''.join(items)}]" if negated else f"[{''.join(items)}]"
