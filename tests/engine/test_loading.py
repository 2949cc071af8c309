"""Rule files in, rules and located errors out: what a rule author sees."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archrules_lsp.engine.loading import load_rule_files, load_rule_text, yaml_nodes
from archrules_lsp.engine.model import RuleError, Severity, Span

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "background-tasks" / ".architecture-rules" / "background-tasks.yaml"  # the seed as written
SCHEMA = ROOT / "archrules_lsp" / "data" / "rules.schema.json"
# The 66-rule benchmark set in our format, copied from the shared kit (see the file's header).
BENCH_RULES = ROOT / "tests" / "data" / "bench-rules-66.yaml"

FLOW_SEQUENCE = "YAML read this regex as a flow sequence; quote it"


def load(text: str, path: str = "rules.yaml"):
    return load_rule_text(textwrap.dedent(text), path)


def only_error(errors: list[RuleError]) -> RuleError:
    assert len(errors) == 1, errors
    return errors[0]


def at(error: RuleError) -> tuple[int, int]:
    return error.span.line, error.span.column


@pytest.fixture(scope="module")
def bench_rules() -> Path:
    return BENCH_RULES


# ---------------------------------------------------------------- the seed and the bench set


def test_seed_loads_every_rule_with_all_keys():
    ruleset = load_rule_files([str(SEED)])
    assert ruleset.errors == ()
    assert ruleset.files == (str(SEED),)
    assert [r.id for r in ruleset.rules] == [
        "BG-001", "BG-002", "BG-003", "BG-004", "BG-010", "BG-020", "BG-021",
        "BG-022", "BG-030", "BG-031", "BG-032", "BG-033", "BG-040", "BG-041",
    ]
    rules = {r.id: r for r in ruleset.rules}
    assert all(r.group == "background_task_rules" and r.name and r.description and r.suggestion for r in rules.values())

    bg001 = rules["BG-001"]
    assert bg001.severity is Severity.ERROR
    assert [p.file.pattern for p in bg001.patterns][0] == "models/database/marketplace_import_job.py"
    assert all(p.must_contain == ("status = Column",) for p in bg001.patterns)
    assert bg001.location.path == str(SEED)
    assert bg001.location.span.line == 10 and bg001.location.span.column == 4  # `id: BG-001`
    assert bg001.location.span.end_line == 27  # the suggestion's last line, not the next rule
    assert rules["BG-002"].patterns[0].must_contain == ("started_at", "completed_at")
    assert rules["BG-003"].severity is Severity.WARNING
    assert rules["BG-040"].severity is Severity.INFO

    bg010 = rules["BG-010"]
    assert bg010.patterns == ()
    assert [(a.regex.source, a.message) for a in bg010.anti_patterns] == [
        ("status.*=.*processing", "Use 'running' instead of 'processing'"),
        ("status.*=.*fetching", "Use 'running' instead of 'fetching'"),
    ]
    assert bg010.anti_patterns[0].location.span.line == 102  # `- pattern: "status...` (1-based 103)

    bg020 = rules["BG-020"].patterns
    assert [(p.file.pattern, p.endpoint_pattern.source, p.must_return) for p in bg020] == [
        ("app/api/v1/**/marketplace.py", "@router.post.*import", ("job_id",)),
        ("app/api/v1/**/tests.py", "@router.post.*run", ("run_id",)),
    ]
    bg021 = rules["BG-021"]
    assert bg021.patterns[0].when_contains == ("import_", "export_", "run_scan", "execute_")
    assert bg021.patterns[0].must_contain == ("BackgroundTasks",)
    assert bg021.anti_patterns[0].regex.source == "subprocess\\.run.*wait.*True"
    assert bg021.anti_patterns[0].file is None
    assert bg021.anti_patterns[1].file.pattern == "app/api/**/*.py"
    assert rules["BG-022"].patterns[0].must_reference == (
        "MarketplaceImportJob", "LetzshopHistoricalImportJob", "TestRun", "ArchitectureScan",
    )
    assert rules["BG-031"].patterns[0].must_contain_one_of == ('status = "completed"', 'status = "failed"')
    assert rules["BG-040"].patterns[0].when_contains == ("BackgroundTasks",)
    bg041 = rules["BG-041"]
    assert bg041.patterns[0].should_match.source == "setInterval.*[3-5]000"
    assert [a.regex.source for a in bg041.anti_patterns] == ["setInterval.*1000", "setInterval.*10000"]


def test_bench_set_loads_without_errors(bench_rules):
    # (its load time is measured in bench/, not asserted here)
    ruleset = load_rule_files([str(bench_rules)])
    assert ruleset.errors == ()
    assert len(ruleset.rules) == 66
    rules, errors = load_rule_text(bench_rules.read_text() + "\n# edited\n", str(bench_rules))
    assert len(rules) == 66 and errors == []


def test_schema_accepts_the_seed_and_the_bench_set(bench_rules):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)
    for path in (SEED, bench_rules):
        assert list(validator.iter_errors(yaml.safe_load(path.read_text()))) == []


def test_schema_rejects_an_unknown_key_and_a_list_regex():
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft7Validator(json.loads(SCHEMA.read_text()))
    doc = {"g": [{"id": "A", "name": "a", "severtiy": "error", "anti_patterns": [{"pattern": ["A-Z"]}]}]}
    assert len(list(validator.iter_errors(doc))) == 2


# ---------------------------------------------------------------- the historical bug: unquoted [regex]


def test_bracket_regex_that_yaml_reads_as_a_list_is_reported_at_its_value():
    rules, errors = load("""\
        g:
          - id: A
            name: a
            anti_patterns:
              - pattern: [A-Z]
                message: capitals
              - pattern: "ok"
                message: fine
        """)
    error = only_error(errors)
    assert FLOW_SEQUENCE in error.message
    assert "pattern: '[A-Z]'" in error.message  # the fix, ready to paste
    assert error.span == Span(4, 17, 4, 22)
    assert error.rule_id == "A" and error.severity is Severity.ERROR
    # the other anti-pattern still loads; the broken one never silently matches nothing
    assert [a.regex.source for a in rules[0].anti_patterns] == ["ok"]


def test_bracket_regex_that_breaks_the_yaml_is_reported_at_its_line():
    rules, errors = load("""\
        g:
          - id: A
            name: a
            anti_patterns:
              - pattern: [a-z]+_job
                message: m
        """)
    assert rules == []
    error = only_error(errors)
    assert FLOW_SEQUENCE in error.message
    assert "pattern: '[a-z]+_job'" in error.message
    assert "(YAML: " in error.message  # the parser's own words follow, for context
    assert error.span == Span(4, 17, 4, 27)


def test_bracket_should_match_that_breaks_the_yaml():
    _, errors = load("""\
        g:
          - id: A
            name: a
            patterns:
              - file: "static/*.js"
                should_match: [3-5]000
        """)
    error = only_error(errors)
    assert FLOW_SEQUENCE in error.message
    assert at(error) == (5, 22)


def test_unclosed_bracket_regex_is_reported_where_the_bracket_opens():
    _, errors = load("""\
        g:
          - id: A
            name: a
            anti_patterns:
              - pattern: [a-z
                message: m
        """)
    error = only_error(errors)
    assert FLOW_SEQUENCE in error.message
    assert at(error) == (4, 17)


def test_bracket_glob_is_reported_as_a_glob():
    rules, errors = load("""\
        g:
          - id: A
            name: a
            patterns:
              - file: ['a.py']
                must_contain: x
              - file: b.py
                must_contain: x
        """)
    error = only_error(errors)
    assert "YAML read this glob as a flow sequence; quote it" in error.message
    assert at(error) == (4, 14)
    assert [p.file.pattern for p in rules[0].patterns] == ["b.py"]  # the broken entry is dropped


def test_a_legitimate_flow_list_is_not_flagged():
    rules, errors = load("""\
        g:
          - id: A
            name: a
            patterns:
              - file: "*.py"
                when_contains: ["import_", "export_"]  # a comment
                must_contain: [a, b]
        """)
    assert errors == []
    assert rules[0].patterns[0].when_contains == ("import_", "export_")


# ---------------------------------------------------------------- other YAML syntax errors


@pytest.mark.parametrize(
    "line, fragment, column",
    [
        ('file: **/*.py', "a YAML glob starting with `*` must be quoted: `file: '**/*.py'`", 14),
        ('endpoint_pattern: @router.post', "a YAML regex starting with `@` must be quoted", 26),
        ('should_match: "\\d+"', "in double quotes YAML reads a backslash as an escape", 22),
        ("must_contain: Don't do: this", "this value contains `: `", 22),
    ],
)
def test_common_yaml_mistakes_get_a_fix_in_the_message(line, fragment, column):
    text = f"g:\n  - id: A\n    name: a\n    patterns:\n      - file: x.py\n        {line}\n        must_return: x\n"
    if line.startswith("file"):
        text = text.replace("      - file: x.py\n        file", "      - file")
    rules, errors = load_rule_text(text, "r.yaml")
    error = only_error(errors)
    assert rules == []
    assert fragment in error.message
    assert error.span.line == (4 if line.startswith("file") else 5)
    assert error.span.column == column


def test_generic_syntax_error_is_at_the_parser_mark():
    _, errors = load_rule_text("g:\n  - id: A\n   name: x\n", "r.yaml")
    error = only_error(errors)
    assert error.message.startswith("invalid YAML: ")
    assert at(error) == (2, 3)


def test_tab_indentation():
    _, errors = load_rule_text("g:\n\t- id: A\n", "r.yaml")
    assert "tabs" in only_error(errors).message
    assert at(errors[0]) == (1, 0)


def test_binary_content_is_an_error_not_an_exception():
    rules, errors = load_rule_text("\x00\x01\x02 binary", "r.yaml")
    assert rules == [] and "invalid character #x0000" in only_error(errors).message


@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n", "\n\n"])
def test_empty_file_has_no_rules_and_no_errors(text):
    assert load_rule_text(text, "r.yaml") == ([], [])


def test_pure_python_yaml_loader_gives_the_same_results(monkeypatch):
    expected = load_rule_files([str(SEED)])
    broken = "g:\n  - id: A\n    name: a\n    anti_patterns:\n      - pattern: [a-z]+_job\n"
    c_error = load_rule_text(broken, "r.yaml")[1]
    monkeypatch.setattr(yaml_nodes, "LOADER", yaml.SafeLoader)
    assert load_rule_files([str(SEED)]) == expected
    py_error = load_rule_text(broken, "r.yaml")[1]
    assert py_error[0].span == c_error[0].span and FLOW_SEQUENCE in py_error[0].message


# ---------------------------------------------------------------- keys


def test_unknown_keys_are_warnings_with_did_you_mean_and_the_rest_loads():
    rules, errors = load("""\
        g:
          - id: A
            name: a
            severtiy: error
            sugestion: do it
            anti_pattern:
              - pattern: x
            patterns:
              - file: a.py
                must_contains: x
                must_contain: y
        """)
    messages = {e.span.line: e.message for e in errors}
    assert all(e.severity is Severity.WARNING for e in errors)
    assert "did you mean `severity`?" in messages[3]
    assert "did you mean `suggestion`?" in messages[4]
    assert "did you mean `anti_patterns`?" in messages[5]
    assert "did you mean `must_contain`?" in messages[9]
    assert at(next(e for e in errors if e.span.line == 9)) == (9, 8)  # at the key
    assert len(errors) == 4
    assert rules[0].patterns[0].must_contain == ("y",)
    assert rules[0].severity is Severity.WARNING


def test_a_key_at_the_wrong_level_says_where_it_belongs():
    _, errors = load("""\
        g:
          - id: A
            name: a
            must_contain: x
            patterns:
              - file: a.py
                message: hi
                severity: error
                must_contain: x
        """)
    messages = [e.message for e in errors]
    assert "`must_contain` belongs in a `patterns` entry" in messages[0]
    assert "`message` belongs in an `anti_patterns` entry" in messages[1]
    assert "`severity` is a rule key" in messages[2]


def test_duplicate_key_in_a_rule_is_an_error_at_the_second_and_the_first_wins():
    rules, errors = load("""\
        g:
          - id: A
            name: first
            name: second
            anti_patterns: [{pattern: x, message: y}]
        """)
    error = only_error(errors)
    assert "duplicate key `name` (first at line 3)" in error.message
    assert at(error) == (3, 4)
    assert rules[0].name == "first"


def test_merge_keys_and_anchors_work():
    rules, errors = load("""\
        x-defaults: &defaults
          severity: error
          suggestion: see the docs
        g:
          - <<: *defaults
            id: A
            name: a
            anti_patterns: [{pattern: x, message: y}]
        """)
    assert errors == []
    assert rules[0].severity is Severity.ERROR and rules[0].suggestion == "see the docs"


# ---------------------------------------------------------------- values


def test_invalid_regexes_are_errors_at_the_value_and_other_anti_patterns_load():
    rules, errors = load("""\
        g:
          - id: A
            name: a
            anti_patterns:
              - pattern: "(?<=def )x"
                message: look-behind
              - pattern: '(a)\\1'
                message: back-reference
              - pattern: "[a-"
                message: syntax
              - pattern: "fine"
                message: ok
        """)
    assert [a.regex.source for a in rules[0].anti_patterns] == ["fine"]
    assert [at(e) for e in errors] == [(4, 17), (6, 17), (8, 17)]
    assert "look-ahead and look-behind are not supported" in errors[0].message
    assert "back-references are not supported" in errors[1].message
    assert "missing ]" in errors[2].message
    assert all(e.severity is Severity.ERROR and e.rule_id == "A" for e in errors)


def test_a_regex_matching_the_empty_string_is_a_warning():
    rules, errors = load("""\
        g:
          - id: A
            name: a
            anti_patterns:
              - pattern: "x*"
                message: m
        """)
    error = only_error(errors)
    assert error.severity is Severity.WARNING and "matches the empty string" in error.message
    assert len(rules[0].anti_patterns) == 1


def test_bad_severity_lists_the_valid_values_and_the_rule_loads_as_warning():
    rules, errors = load("""\
        g:
          - id: A
            name: a
            severity: fatal
            anti_patterns: [{pattern: x, message: y}]
          - id: B
            name: b
            severity: ERROR
            anti_patterns: [{pattern: x, message: y}]
        """)
    error = only_error(errors)
    assert "use one of error, warning, info, hint" in error.message
    assert at(error) == (3, 14)
    assert [r.severity for r in rules] == [Severity.WARNING, Severity.ERROR]


def test_missing_id_drops_the_rule_missing_name_does_not():
    rules, errors = load("""\
        g:
          - name: no id
            anti_patterns: [{pattern: x, message: y}]
          - id: B
            anti_patterns: [{pattern: x, message: y}]
        """)
    assert [(r.id, r.name) for r in rules] == [("B", "B")]
    assert "rule has no `id`" in errors[0].message and at(errors[0]) == (1, 4)
    assert "rule has no `name`" in errors[1].message and errors[1].rule_id == "B"


def test_numeric_id_is_taken_as_written():
    rules, errors = load("g:\n  - id: 1.10\n    name: 404\n    anti_patterns: [{pattern: x, message: y}]\n")
    assert errors == []
    assert (rules[0].id, rules[0].name) == ("1.10", "404")


def test_wrong_types_are_errors_never_exceptions():
    rules, errors = load("""\
        g:
          - id: A
            name: [a, b]
            enabled: "no"
            patterns:
              - file: a.py
                must_contain: {a: 1}
                must_reference: 5
              - file: b.py
                when_contains: ~
                must_contain: x
              - just a string
            anti_patterns: 7
        """)
    by_line = {e.span.line: e.message for e in errors}
    assert "`name` must be a string, not a list" in by_line[2]
    assert "`enabled` must be true or false, not a string" in by_line[3]
    assert "`must_contain` must be a string or a list of strings, not a mapping" in by_line[6]
    assert "`when_contains` is empty" in by_line[9]
    assert "each `patterns` entry must be a mapping" in by_line[11]
    assert "`anti_patterns` must be a list, not the number 7" in by_line[12]
    # `must_reference: 5` is the name `5`; the entry with a broken gate is dropped, not run ungated
    (entry,) = rules[0].patterns
    assert entry.file.pattern == "a.py" and entry.must_reference == ("5",) and entry.must_contain == ()


def test_endpoint_pattern_and_must_return_need_each_other():
    rules, errors = load("""\
        g:
          - id: A
            name: a
            patterns:
              - file: a.py
                endpoint_pattern: "@router"
                must_contain: x
              - file: b.py
                must_return: job_id
                must_contain: x
        """)
    assert "`endpoint_pattern` needs `must_return`" in errors[0].message and at(errors[0]) == (5, 8)
    assert "`must_return` needs `endpoint_pattern`" in errors[1].message and at(errors[1]) == (8, 8)
    assert all(p.endpoint_pattern is None and p.must_return == () for p in rules[0].patterns)
    assert all(p.must_contain == ("x",) for p in rules[0].patterns)  # the rest of each entry loads


def test_anti_pattern_without_message_gets_a_default_and_a_warning():
    rules, errors = load("g:\n  - id: A\n    name: a\n    anti_patterns:\n      - pattern: foo\\(\n")
    error = only_error(errors)
    assert error.severity is Severity.WARNING and "no `message`" in error.message
    assert rules[0].anti_patterns[0].message == "matches foo\\("


def test_fix_and_extensions():
    rules, errors = load("""\
        g:
          - id: A
            name: a
            enabled: false
            url: https://example.com/rules#A
            anti_patterns:
              - pattern: '== None'
                message: use is
                fix: is None
              - pattern: '(?P<x>\\w+)\\.first\\(\\)'
                message: m
                fix: '\\g<y>'
        """)
    rule = rules[0]
    assert (rule.enabled, rule.url) == (False, "https://example.com/rules#A")
    assert rule.anti_patterns[0].fix == "is None"
    assert rule.anti_patterns[1].fix is None  # the unknown group name is an error, the item still loads
    assert "does not name" in only_error(errors).message and at(errors[0]) == (11, 13)


def test_python_object_tag_is_rejected_not_executed(tmp_path):
    marker = tmp_path / "pwned"
    rules, errors = load(f"""\
        g:
          - id: A
            name: !!python/object/apply:os.system ["touch {marker}"]
            anti_patterns: [{{pattern: x, message: y}}]
        """)
    assert not marker.exists()
    error = only_error(errors)
    assert "YAML tag `!!python/object/apply:os.system` is not allowed" in error.message
    assert at(error) == (2, 10)
    assert rules[0].id == "A"


def test_top_level_shapes():
    assert "not a list" in only_error(load_rule_text("- id: A\n  name: b\n", "r")[1]).message
    assert "is a rule key" in only_error(load_rule_text("id: A\nname: b\n", "r")[1]).message
    assert "not a string" in only_error(load_rule_text("just text\n", "r")[1]).message
    _, errors = load_rule_text("g: 5\n", "r")
    assert "group `g` must be a list of rules" in only_error(errors).message


def test_alias_bomb_is_refused_quickly():
    # 200 rules x 200 entries x 200 strings from a 5 kB file: refused, not expanded.
    n = 200
    text = (
        "x-strings: &s [" + ",".join(["x"] * n) + "]\n"
        "x-entry: &e {file: a.py, must_contain: *s}\n"
        "x-entries: &p [" + ",".join(["*e"] * n) + "]\n"
        "x-rule: &r {id: A, name: n, patterns: *p}\n"
        "g: [" + ",".join(["*r"] * n) + "]\n"
    )
    rules, errors = load_rule_text(text, "r.yaml")
    assert rules == [] and "too many values" in only_error(errors).message


# ---------------------------------------------------------------- files


def test_duplicate_id_across_files_is_reported_at_the_second(tmp_path):
    a = tmp_path / "a.yaml"
    b = tmp_path / "b.yaml"
    a.write_text("g:\n  - id: X\n    name: first\n    anti_patterns: [{pattern: x, message: y}]\n")
    b.write_text(
        "h:\n  - id: Y\n    name: other\n    anti_patterns: [{pattern: x, message: y}]\n"
        "  - id: X\n    name: second\n    anti_patterns: [{pattern: x, message: y}]\n"
    )
    ruleset = load_rule_files([str(a), str(b)])
    assert [(r.id, r.name) for r in ruleset.rules] == [("X", "first"), ("Y", "other")]
    error = only_error(list(ruleset.errors))
    assert error.path == str(b) and error.span == Span(4, 8, 4, 9) and error.rule_id == "X"
    assert "duplicate rule id `X` (first defined in a.yaml:2)" in error.message
    assert str(tmp_path) not in error.message
    assert ruleset.files == (str(a), str(b))


def test_duplicate_id_in_another_folder_names_the_file_relative_to_the_second(tmp_path):
    (tmp_path / "team").mkdir()
    a = tmp_path / "base.yaml"
    b = tmp_path / "team" / "extra.yaml"
    a.write_text("g:\n  - id: X\n    name: first\n    anti_patterns: [{pattern: x, message: y}]\n")
    b.write_text("g:\n\n  - id: X\n    name: second\n    anti_patterns: [{pattern: x, message: y}]\n")
    error = only_error(list(load_rule_files([str(a), str(b)]).errors))
    assert error.path == str(b) and error.span.line == 2
    assert f"(first defined in ..{os.sep}base.yaml:2)" in error.message


def test_duplicate_id_within_one_text():
    rules, errors = load_rule_text(
        "g:\n  - {id: X, name: a, anti_patterns: [{pattern: x, message: y}]}\n"
        "  - {id: X, name: b, anti_patterns: [{pattern: x, message: y}]}\n",
        "r.yaml",
    )
    assert [r.name for r in rules] == ["a"]
    assert "(first defined at line 2)" in only_error(errors).message


def test_missing_and_unreadable_files_are_errors_at_line_0(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text("g:\n  - {id: X, name: a, anti_patterns: [{pattern: x, message: y}]}\n")
    missing = tmp_path / "missing.yaml"
    ruleset = load_rule_files([str(missing), str(tmp_path), str(good)])
    assert [r.id for r in ruleset.rules] == ["X"]
    assert [(e.path, e.span) for e in ruleset.errors] == [(str(missing), Span.point(0)), (str(tmp_path), Span.point(0))]
    assert all(e.message.startswith("cannot read rule file: ") for e in ruleset.errors)


def test_read_text_feeds_unsaved_buffers_and_its_failures_are_errors():
    buffers = {"open.yaml": "g:\n  - {id: X, name: a, anti_patterns: [{pattern: x, message: y}]}\n"}
    ruleset = load_rule_files(["open.yaml", "gone.yaml"], read_text=lambda p: buffers[p])
    assert [r.id for r in ruleset.rules] == ["X"]
    assert only_error(list(ruleset.errors)).path == "gone.yaml"


def test_non_utf8_file_loads_with_a_warning(tmp_path):
    path = tmp_path / "latin1.yaml"
    text = "g:\n  - id: X\n    name: caf\xe9\n    anti_patterns: [{pattern: x, message: y}]\n"
    path.write_bytes(text.encode("latin-1"))
    ruleset = load_rule_files([str(path)])
    assert ruleset.rules[0].name == "caf\ufffd"
    error = only_error(list(ruleset.errors))
    assert error.severity is Severity.WARNING and "not valid UTF-8" in error.message and at(error) == (2, 13)


def test_columns_are_code_points_and_lines_break_only_on_cr_lf():
    # U+2028 is a line break to PyYAML but not to editors or the engine: positions follow the engine.
    line = '      - {message: "\U0001f600\u2028\u00e9", pattern: [A]}'
    text = "g:\r\n  - id: X\r\n    name: n\r\n    anti_patterns:\r\n" + line + "\r\n"
    rules, errors = load_rule_text(text, "r.yaml")
    assert rules[0].id == "X"
    error = only_error(errors)
    assert FLOW_SEQUENCE in error.message
    assert error.span == Span(4, line.index("[A]"), 4, line.index("[A]") + 3)


def test_bom_and_lone_surrogates_keep_positions_in_the_given_text():
    text = "\ufeffg:\n  - id: A\n    name: n\n    anti_patterns: [{pattern: [A], message: x}]\n"
    rules, errors = load_rule_text(text, "r.yaml")
    assert rules[0].location.span.line == 1 and at(only_error(errors)) == (3, text.splitlines()[3].index("[A]"))
    (rule,), _ = load_rule_text("\ufeffg: [{id: B, name: n, anti_patterns: []}]", "r")
    assert rule.location.span.column == 5  # the BOM is column 0 of the given text
    text = 'g:\n  - {id: A, name: "x\ud800", anti_patterns: [{pattern: x, message: y}]}\n'
    rules, errors = load_rule_text(text, "r")
    assert rules[0].name == "x\ufffd"
    assert "unpaired surrogate" in only_error(errors).message and at(errors[0]) == (1, 20)


# ---------------------------------------------------------------- never raises

_no_deadline = settings(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])


def _assert_sane(text: str) -> None:
    rules, errors = load_rule_text(text, "r.yaml")
    assert isinstance(rules, list) and isinstance(errors, list)
    lines = text.count("\n") + text.count("\r") + 1
    for e in errors:
        assert isinstance(e, RuleError)
        assert "internal error" not in e.message, e.message
        assert 0 <= e.span.line <= e.span.end_line < lines + 1


@_no_deadline
@given(st.text(st.characters(exclude_categories=())))  # surrogates too: editor buffers can hold them
def test_never_raises_on_arbitrary_text(text):
    _assert_sane(text)


@_no_deadline
@given(st.text(alphabet="-:[]{}'\"#&*!|>%@ \n\tabc01", max_size=80))
def test_never_raises_on_yaml_punctuation_soup(text):
    _assert_sane(text)


_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
_json_like = st.recursive(
    _scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)


@_no_deadline
@given(_json_like)
def test_never_raises_on_arbitrary_yaml_structures(data):
    _assert_sane(yaml.safe_dump(data))


_KEYS = ["id", "name", "description", "severity", "patterns", "anti_patterns", "suggestion", "enabled", "url", "bogus"]
_ENTRY_KEYS = ["file", "must_contain", "when_contains", "should_match", "endpoint_pattern", "must_return", "pattern",
               "message", "fix"]
_regexish = st.sampled_from(["x", "[a-", "(?=a)", "a*", "(a)", "\\1", "**/*.py", "", "[A-Z]"])
_values = _json_like | _regexish | st.lists(_regexish, max_size=3)
_entries = st.dictionaries(st.sampled_from(_ENTRY_KEYS), _values, max_size=5)
_rules = st.dictionaries(
    st.sampled_from(_KEYS),
    _values | st.lists(_entries, max_size=3),
    max_size=8,
)


@_no_deadline
@given(st.dictionaries(st.text(min_size=1, max_size=8), st.lists(_rules, max_size=3) | _values, max_size=3))
def test_never_raises_on_rule_shaped_data(doc):
    _assert_sane(yaml.safe_dump(doc))


def test_rule_whose_patterns_all_fail_is_not_loaded_when_anti_patterns_take_their_scope():
    rules, errors = load("""\
        g:
          - id: A
            name: a
            patterns:
              - file: ['models/*.py']
            anti_patterns:
              - pattern: x
                message: would otherwise run on every file
          - id: B
            name: b
            patterns: "models/*.py"
            anti_patterns: [{pattern: x, message: y}]
          - id: C
            name: c
            patterns:
              - file: ['models/*.py']
            anti_patterns: [{pattern: x, message: y, file: "app/*.py"}]
        """)
    assert [r.id for r in rules] == ["C"]
    dropped = [e for e in errors if "the rule is not loaded" in e.message]
    assert [(e.rule_id, at(e)) for e in dropped] == [("A", (3, 4)), ("B", (10, 4))]


def test_empty_gate_or_empty_must_return_is_an_error_not_a_silent_change():
    rules, errors = load("""\
        g:
          - id: A
            name: a
            patterns:
              - file: a.py
                when_contains: [""]
                must_contain: x
              - file: b.py
                endpoint_pattern: "@router"
                must_return: []
                must_contain: y
        """)
    (entry,) = rules[0].patterns  # the ungated a.py entry is not loaded
    assert entry.file.pattern == "b.py" and entry.endpoint_pattern is None and entry.must_contain == ("y",)
    messages = [(at(e), e.message) for e in errors if e.severity is Severity.ERROR]
    assert messages == [
        ((5, 23), "`when_contains` lists no strings; the entry is not loaded"),
        ((9, 8), "`must_return` lists no keys; `endpoint_pattern` is ignored"),
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_or_device_as_rule_file_is_an_error_not_a_hang(tmp_path):
    fifo = tmp_path / "rules.yaml"
    os.mkfifo(fifo)
    paths = [str(fifo)] + (["/dev/zero"] if os.path.exists("/dev/zero") else [])
    ruleset = load_rule_files(paths)  # would block forever on the FIFO, or read /dev/zero without end
    assert ruleset.rules == ()
    assert [e.message for e in ruleset.errors] == ["cannot read rule file: not a regular file"] * len(paths)


def test_a_huge_rule_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    from archrules_lsp.engine.loading import loader

    monkeypatch.setattr(loader, "MAX_RULE_FILE_SIZE", 1000)
    big = tmp_path / "big.yaml"
    big.write_text("# x\n" * 1000)
    ruleset = load_rule_files([str(big)])
    assert ruleset.rules == () and "over the" in ruleset.errors[0].message
