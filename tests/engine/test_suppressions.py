"""archrules: ignore[...] / ignore / ignore-file[...] in any comment syntax."""

from archrules_lsp.engine import UNUSED_SUPPRESSION

from .conftest import run

RULES = """
g:
  - id: BG-010
    name: standard status
    anti_patterns:
      - pattern: "processing"
        message: legacy
  - id: BG-022
    name: other
    anti_patterns:
      - pattern: "fetching"
        message: legacy fetching
"""


def found(path, text, **kw):
    return [(f.rule_id, f.span.line) for f in run(RULES, path, text, **kw).findings]


def test_ignore_on_the_line_and_on_the_line_above():
    assert found("a.py", "x = 'processing'  # archrules: ignore[BG-010]\n") == []
    assert found("a.py", "# archrules: ignore[BG-010]\nx = 'processing'\n") == []
    # two lines above is too far; the suppression is then unused as well
    assert found("a.py", "# archrules: ignore[BG-010]\n\nx = 'processing'\n") == [
        (UNUSED_SUPPRESSION, 0), ("BG-010", 2)]


def test_ids_are_comma_separated_and_only_those_rules_are_silenced():
    text = "x = 'processing fetching'  # archrules: ignore[BG-010, BG-022]\n"
    assert found("a.py", text) == []
    assert found("a.py", "x = 'processing fetching'  # archrules: ignore[BG-022]\n") == [("BG-010", 0)]


def test_bare_ignore_silences_every_rule_on_the_line():
    assert found("a.py", "x = 'processing fetching'  # archrules: ignore\n") == []


def test_ignore_file_anywhere_silences_the_rule_in_the_whole_file():
    text = "a = 'processing'\nb = 'fetching'\n# archrules: ignore-file[BG-010]\nc = 'processing'\n"
    assert found("a.py", text) == [("BG-022", 1)]


def test_recognised_in_every_comment_syntax():
    assert found("a.js", "x = 'processing'; // archrules: ignore[BG-010]\n") == []
    assert found("a.css", "/* archrules: ignore[BG-010] */\n.processing {}\n") == []
    assert found("a.html", "<!-- archrules: ignore[BG-010] -->\n<p>processing</p>\n") == []
    assert found("a.sql", "-- archrules: ignore[BG-010]\nSELECT 'processing';\n") == []


def test_not_a_suppression_outside_a_comment():
    assert found("a.py", "x = 'archrules: ignore[BG-010] processing'\n") == [("BG-010", 0)]


def test_unused_and_unknown_suppressions_are_hints():
    res = run(RULES, "a.py", "x = 1  # archrules: ignore[BG-010, NOPE-1]\n")
    got = [(f.rule_id, f.severity.value, f.message) for f in res.findings]
    assert got == [
        (UNUSED_SUPPRESSION, "hint", "unused suppression: BG-010 reports nothing here"),
        (UNUSED_SUPPRESSION, "hint", "unknown rule id `NOPE-1` in suppression"),
    ]
    # the hint points at the id itself
    assert res.findings[0].span.column == len("x = 1  # archrules: ignore[")
    assert run(RULES, "a.py", "x = 1  # archrules: ignore[BG-010]\n", unused_suppressions=False).findings == ()


def test_suppressing_an_unselected_rule_is_not_reported_as_unused():
    assert found("a.py", "x = 1  # archrules: ignore[BG-010]\n", select=("BG-022",)) == []


def test_a_space_before_the_ids_still_names_only_those_rules():
    # `ignore [BG-010]` must not become a bare `ignore` that silences every rule
    text = "x = 'processing fetching'  # archrules: ignore [BG-010]\n"
    assert found("a.py", text) == [("BG-022", 0)]
    assert found("a.py", "# archrules: ignore-file [BG-022]\nx = 'processing fetching'\n") == [("BG-010", 1)]
