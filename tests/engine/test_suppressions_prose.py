"""A suppression is a comment that starts with the directive; prose mentioning it is not one."""

from __future__ import annotations

import pytest

from archrules_lsp.engine.suppressions import find_suppressions
from archrules_lsp.engine.text import SourceText


@pytest.mark.parametrize("line", [
    "x = 1  # archrules: ignore[A-1]",
    "x = 1  #archrules: ignore[A-1]",
    "x = 1  # noqa: E501  # archrules: ignore[A-1]",
    "// archrules: ignore[A-1]",
    "<!-- archrules: ignore[A-1] -->",
    "/* archrules: ignore[A-1] */",
    " * archrules: ignore[A-1]",
    "-- archrules: ignore[A-1]",
    "# archrules: ignore-file[A-1]",
])
def test_a_comment_starting_with_the_directive_is_a_suppression(line):
    assert [s.ids for s in find_suppressions(SourceText(line))] == [("A-1",)]


@pytest.mark.parametrize("line", [
    "# Characters that cannot appear in an id inside `archrules: ignore[A-1]`.",
    "# TODO: archrules: ignore[A-1] once the migration lands",
    "x = 'archrules: ignore[A-1]'",
    "    IGNORE_LINE = 'x'  # an `archrules: ignore[A-1]` comment for the finding's line",
])
def test_prose_or_a_string_mentioning_the_directive_is_not(line):
    assert find_suppressions(SourceText(line)) == []
