"""What the engine relies on in google-re2's private API (engine/re2_compat.py).

Each test fails with the attribute's name and the pinned version when an upgrade
of google-re2 changes it: then pin the version back, or update re2_compat.py."""

from pathlib import Path

import re2

from archrules_lsp.engine import re2_compat
from archrules_lsp.engine.re2_compat import PINNED_VERSION, UNANCHORED, installed_version, span_matcher

PIN = f"(re2_compat.py was written for google-re2=={PINNED_VERSION}; installed: {installed_version()})"


def test_the_pinned_version_is_the_one_installed_and_declared():
    assert installed_version() == PINNED_VERSION, f"google-re2 changed {PIN}: re-run these tests and update the pin"
    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    pinned = f'"google-re2=={PINNED_VERSION}"' in pyproject.read_text(encoding="utf-8")
    assert pinned, f"pyproject.toml no longer pins it {PIN}"


def test_re2_has_the_private_anchor_enum():
    assert hasattr(re2, "_Anchor"), f"re2._Anchor is gone {PIN}"
    assert hasattr(re2._Anchor, "UNANCHORED"), f"re2._Anchor.UNANCHORED is gone {PIN}"
    assert UNANCHORED is re2._Anchor.UNANCHORED


def test_a_compiled_pattern_exposes_the_cxx_match_with_spans():
    compiled = re2.compile(b"(a)(x)?b")
    assert hasattr(compiled, "_regexp"), f"re2._Regexp._regexp is gone {PIN}"
    assert hasattr(compiled._regexp, "Match"), f"re2._Regexp._regexp.Match is gone {PIN}"
    match = span_matcher(compiled)
    spans = match(UNANCHORED, b"zzab", 0, 4)
    assert [tuple(s) for s in spans] == [(2, 4), (2, 3), (-1, -1)], (
        f"_regexp.Match(anchor, data, pos, endpos) no longer returns the group spans as (start, end) {PIN}")
    assert [tuple(s) for s in match(UNANCHORED, b"zzab", 3, 4)][0] == (-1, -1), (
        f"_regexp.Match no longer honours pos/endpos or reports a miss as (-1, -1) {PIN}")


def test_the_public_api_the_engine_uses_is_still_there():
    compiled = re2.compile(b"ab+")
    assert isinstance(compiled.programsize, int) and compiled.programsize > 0, f"`programsize` changed {PIN}"
    options = re2.Options()
    options.max_mem = 64 << 20
    assert options.max_mem == 64 << 20, f"re2.Options.max_mem changed {PIN}"
    rset = re2.Set.SearchSet(options)
    rset.Add(b"ab+")
    rset.Compile()
    assert rset.Match(b"xabb") == [0], f"re2.Set.SearchSet(...).Match changed {PIN}"


def test_a_missing_private_name_is_reported_with_the_pinned_version():
    try:
        re2_compat._private(re2, "_NoSuchThing", "re2._NoSuchThing")
    except ImportError as e:
        assert "re2._NoSuchThing" in str(e) and PINNED_VERSION in str(e)
    else:
        raise AssertionError("a missing attribute was not reported")
