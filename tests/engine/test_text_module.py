"""engine/text.py: the one owner of line splitting, decoding and column conversion."""

from archrules_lsp.engine.text import (
    UTF8,
    UTF16,
    UTF32,
    SourceText,
    decode,
    decode_reporting,
    from_client_column,
    line_of_offset,
    line_starts,
    split_lines,
    to_client_column,
    units_of,
)

ODD = "a\r\nb\rc\nd\x0ce\u2028f\x85g\n"


def test_split_lines_and_line_starts_agree_with_source_text():
    assert split_lines(ODD) == ["a", "b", "c", "d\x0ce\u2028f\x85g", ""]
    assert split_lines(ODD) == SourceText(ODD).lines
    starts = line_starts(ODD)
    assert starts == [0, 3, 5, 7, len(ODD)]
    assert [ODD[s:s + len(line)] for s, line in zip(starts, split_lines(ODD), strict=True)] == split_lines(ODD)
    assert line_of_offset(starts, 4) == 1 and line_of_offset(starts, 0) == 0


def test_a_text_without_breaks_is_one_line():
    assert split_lines("") == [""] and line_starts("") == [0]
    assert split_lines("x") == ["x"] and line_starts("x") == [0]


def test_decode_drops_a_bom_and_reports_the_first_bad_byte():
    assert decode(b"\xef\xbb\xbfok") == "ok"
    assert decode_reporting(b"\xef\xbb\xbfok") == ("ok", None)
    text, bad = decode_reporting(b"\xef\xbb\xbfab\xffc")
    assert text == "ab\ufffdc" and bad == 5


def test_columns_convert_between_code_points_and_code_units():
    line = "a😋é b"
    assert units_of(line, UTF8) == 1 + 4 + 2 + 2
    assert units_of(line, UTF16) == 1 + 2 + 1 + 2
    assert units_of(line, UTF32) == 5
    assert to_client_column(line, 2, UTF16) == 3
    assert to_client_column(line, 2, UTF8) == 5
    assert from_client_column(line, 3, UTF16) == 2
    assert from_client_column(line, 2, UTF16) == 2  # inside the surrogate pair: the end of the emoji
    assert from_client_column(line, 99, UTF8) == len(line)
    assert from_client_column(line, -1, UTF8) == 0
