"""The one door to google-re2's private API.

The binding's public `search` builds a generator and a Match object per call; the
engine's hot loop calls the compiled C++ RE2 object underneath (`_regexp.Match`)
with an anchor from `re2._Anchor`, and reads the group spans it returns. Those
names are not public, so every use of them is here. google-re2 is pinned in
pyproject.toml; tests/engine/test_re2_compat.py fails naming the attribute when
an upgrade changes what this module relies on, and so does importing it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import re2

# The google-re2 version this module was written and tested against.
PINNED_VERSION = "1.1.20251105"

# match(anchor, data, pos, endpos) -> [(start, end) of group 0, 1, ...]; (-1, -1) where a group
# (or the whole match) did not take part.
SpanMatcher = Callable[[object, bytes, int, int], list]


def installed_version() -> str:
    from importlib import metadata  # only to word an error: 15 ms of start-up otherwise

    try:
        return metadata.version("google-re2")
    except metadata.PackageNotFoundError:
        return "unknown"


def _private(owner: object, name: str, what: str) -> Any:
    try:
        return getattr(owner, name)
    except AttributeError:
        raise ImportError(
            f"google-re2 {installed_version()} has no `{what}`, which archrules_lsp.engine.re2_compat "
            f"relies on (written for google-re2=={PINNED_VERSION}): pin that version, or update re2_compat.py"
        ) from None


UNANCHORED = _private(_private(re2, "_Anchor", "re2._Anchor"), "UNANCHORED", "re2._Anchor.UNANCHORED")


def span_matcher(compiled: Any) -> SpanMatcher:
    """The C++ `RE2::Match` of a pattern compiled with `re2.compile`: call it as
    `match(UNANCHORED, data, pos, endpos)` on bytes."""
    return _private(_private(compiled, "_regexp", "re2._Regexp._regexp"), "Match", "re2._Regexp._regexp.Match")
