"""The conventions both shells share (project/conventions.py)."""

import pytest

from archrules_lsp.project.conventions import (
    BINARY,
    MAX_FILE_SIZE_LIMIT,
    TOO_BIG,
    SizeError,
    content_skip,
    describe_size,
    looks_like_rule_file,
    parse_size,
    resolve_selection,
    root_relative,
    rule_watch_globs,
    severity_setting_names,
)


@pytest.mark.parametrize("path", [
    ".architecture-rules.yaml", "svc/.architecture-rules.yml", ".architecture-rules/a.yaml",
    "svc/.architecture-rules/b.yml", "/abs/proj/.architecture-rules/c.yaml",
])
def test_rule_file_names(path):
    assert looks_like_rule_file(path)


@pytest.mark.parametrize("path", [
    "a.yaml", ".architecture-rules/readme.md", ".architecture-rules/sub/a.yaml", "x.architecture-rules.yaml",
])
def test_not_rule_file_names(path):
    assert not looks_like_rule_file(path)


def test_watch_globs_add_the_configured_rule_paths_once():
    globs = rule_watch_globs(["conf/arch.yaml", "policies/", "conf/arch.yaml"])
    assert globs[:3] == ["**/.architecture-rules/*.{yaml,yml}", "**/.architecture-rules.{yaml,yml}",
                         "**/pyproject.toml"]
    assert globs[3:] == ["**/arch.yaml", "**/policies/*.{yaml,yml}"]


def test_root_relative_uses_the_empty_string_for_the_root(tmp_path):
    assert root_relative(tmp_path, tmp_path) == ""
    assert root_relative(tmp_path / "a" / "b.py", tmp_path) == "a/b.py"
    assert root_relative(tmp_path.parent / "x.py", tmp_path) is None


@pytest.mark.parametrize("text, size", [
    ("1000", 1000), (" 500 KB ", 500_000), ("2MB", 2_000_000), ("1.5m", 1_500_000), ("1GB", 1_000_000_000),
    (2e6, 2_000_000), (1000, 1000),
])
def test_sizes(text, size):
    assert parse_size(text) == size


@pytest.mark.parametrize("value", [
    "1e400", "inf", "nan", "-1", "0", "0.1", "lots", "2TB", 10**20, 1e400, True, None, [1], MAX_FILE_SIZE_LIMIT + 1,
])
def test_bad_sizes_raise_a_size_error_never_an_overflow(value):
    with pytest.raises(SizeError):
        parse_size(value)


def test_size_messages_say_what_is_wrong():
    with pytest.raises(SizeError, match="over the largest size allowed, 1 GB"):
        parse_size(10**20)
    with pytest.raises(SizeError, match="not a size"):
        parse_size("lots")
    assert describe_size(1_000_000) == "1 MB" and describe_size(512_000) == "512 KB"


@pytest.mark.parametrize("content, kind", [
    ("x = 1\n", None), ("a\0b", BINARY), ("é" * 600, TOO_BIG), ("é" * 499, None), ("x" * 1001, TOO_BIG),
])
def test_text_and_bytes_are_skipped_alike(content, kind):
    """An editor buffer's text and the same file's bytes on disk get the same decision."""
    for form in (content, content.encode("utf-8")):
        skip = content_skip(form, 1000)
        assert (skip.kind if skip else None) == kind, form[:20]
    if kind == TOO_BIG:
        assert content_skip(content, 1000).reason == "over the 1 KB limit"


def test_binary_sniff_looks_at_the_first_8_kb_only():
    assert content_skip("x" * 8192 + "\0", 10**6) is None
    assert content_skip(b"x" * 8191 + b"\0", 10**6).kind == BINARY


def test_severity_settings_are_the_engine_severities_and_off():
    assert severity_setting_names() == ("error", "warning", "info", "hint", "off")


def test_selection_matches_ids_and_prefixes_case_insensitively():
    ids = ["BG-001", "BG-002", "BG-010", "API-1"]
    sel = resolve_selection(["bg-0"], ["Bg-010", "nope"], ids)
    assert sel.select == ("BG-001", "BG-002", "BG-010")
    assert sel.ignore == ("BG-010",)
    assert sel.unmatched == ("nope",)


def test_selection_that_matches_nothing_selects_nothing():
    sel = resolve_selection(["XYZ"], [], ["BG-001"])
    assert sel.select == ("XYZ",) and sel.unmatched == ("XYZ",)
    from archrules_lsp.engine import CheckOptions

    assert not CheckOptions(select=sel.select).is_active("BG-001")


def test_selection_all_and_unused_suppression():
    sel = resolve_selection(["all"], ["unused-suppression"], ["A-1", "B-1"])
    assert sel.select == ("A-1", "B-1") and sel.ignore == ("unused-suppression",) and sel.unmatched == ()
