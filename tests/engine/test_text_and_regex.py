
import pytest

from archrules_lsp.engine.regex import LineRegex, RegexError
from archrules_lsp.engine.text import SourceText, decode

from .conftest import run

ANTI = """
r:
  - id: R1
    name: no foo bar
    anti_patterns:
      - pattern: '{pattern}'
        message: found it
"""


def spans(pattern, text, path="a.py"):
    res = run(ANTI.format(pattern=pattern), path, text)
    return [(f.span.line, f.span.column, f.span.end_column) for f in res.findings if f.rule_id == "R1"]


def test_lines_split_on_crlf_cr_and_lf_only():
    src = SourceText("a\r\nb\rc\nd\x0ce\u2028f\x85g")
    assert src.lines == ["a", "b", "c", "d\x0ce\u2028f\x85g"]


def test_form_feed_does_not_move_findings_to_another_line():
    assert spans("foo", "x\x0cy\nfoo\n") == [(1, 0, 3)]


def test_crlf_and_cr_files_report_the_right_lines():
    assert spans("foo$", "a\r\nfoo\r\nb foo\r") == [(1, 0, 3), (2, 2, 5)]


def test_matches_never_span_lines_even_with_whitespace_classes():
    # per-line semantics: `\s` and `[^)]` stop at the line end
    assert spans(r"except:\s*pass", "except:\n    pass\nexcept: pass\n") == [(2, 0, 12)]
    assert spans(r'open\([^)]*"w"', 'open(x,\n"w")\nopen(y, "w")\n') == [(2, 0, 11)]


def test_one_finding_per_line_at_the_first_match():
    assert spans("ab", "xx ab ab\nab\n") == [(0, 3, 5), (1, 0, 2)]


def test_columns_count_code_points_after_emoji_and_accents():
    assert spans("status", "x = '😋é'; status = 1\n") == [(0, 10, 16)]


def test_a_lone_surrogate_in_an_editor_buffer_is_one_column():
    # editor buffers can hold unpaired surrogates; each is one code point, not three
    assert spans("status", "x = '\ud800'; status = 1\n") == [(0, 9, 15)]


def test_anchors_are_line_anchors():
    assert spans("^def ", "x\ndef f(): pass\n  def g(): pass\n") == [(1, 0, 4)]
    assert spans(r"\Adef ", "x\ndef f(): pass\n") == [(1, 0, 4)]


def test_invalid_and_unsupported_regexes_raise_a_readable_error():
    with pytest.raises(RegexError, match="missing \\]"):
        LineRegex("[a-")
    with pytest.raises(RegexError, match="look-ahead"):
        LineRegex("foo(?=bar)")
    with pytest.raises(RegexError, match="back-references"):
        LineRegex(r"(a)\1")


def test_catastrophic_backtracking_patterns_run_in_linear_time():
    rx = LineRegex(r"(a+)+$")
    src = SourceText("a" * 50_000 + "!\n")
    # RE2 answers at once; Python's re would take longer than the age of the universe
    assert list(rx.finditer(src)) == []


def test_decode_survives_invalid_utf8_and_drops_a_bom():
    assert decode(b"\xef\xbb\xbfok") == "ok"
    assert decode(b"caf\xe9 status") == "caf\ufffd status"
