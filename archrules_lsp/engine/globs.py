"""Rule file globs, relative to the project root with `/` separators.

`*` and `?` never cross `/`; `**` spans any number of folders, including none
(`app/api/v1/**/marketplace.py` matches `app/api/v1/marketplace.py`). Matching
is wcmatch's, compiled once per glob.
"""

from __future__ import annotations

from wcmatch import glob as _wc

_FLAGS = _wc.GLOBSTAR | _wc.DOTGLOB | _wc.BRACE


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
            self._match = _wc.compile([p.lstrip("/")], flags=_FLAGS).match
        except Exception as e:  # wcmatch raises several types for odd patterns
            raise GlobError(f"invalid file glob {pattern!r}: {e}") from None

    def matches(self, path: str) -> bool:
        return bool(self._match(path))

    def __repr__(self) -> str:
        return f"Glob({self.pattern!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Glob) and other.pattern == self.pattern

    def __hash__(self) -> int:
        return hash(self.pattern)
