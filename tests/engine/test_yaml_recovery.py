"""A YAML syntax error in one rule costs that rule, not every rule of the file."""

from __future__ import annotations

import textwrap

import pytest
import yaml

from archrules_lsp.engine.loading import load_rule_text, yaml_nodes

FLOW_SEQUENCE = "YAML read this regex as a flow sequence; quote it"

THREE_RULES = textwrap.dedent("""\
    grp:
      - id: A-1
        name: job names
        anti_patterns:
          - pattern: [a-z]+_job
            message: bad job
      - id: A-2
        name: no sleep
        anti_patterns:
          - pattern: "time\\\\.sleep"
            message: no sleep
    other:
      - id: B-1
        name: run
        anti_patterns:
          - pattern: "run_"
            message: run
    """)


@pytest.mark.parametrize("loader", ["c", "python"])
def test_unquoted_bracket_regex_drops_only_its_rule(monkeypatch, loader):
    if loader == "python":
        monkeypatch.setattr(yaml_nodes, "LOADER", yaml.SafeLoader)
    rules, errors = load_rule_text(THREE_RULES, "r.yaml")
    assert [r.id for r in rules] == ["A-2", "B-1"]
    assert len(errors) == 1
    assert FLOW_SEQUENCE in errors[0].message and "pattern: '[a-z]+_job'" in errors[0].message
    assert (errors[0].span.line, errors[0].span.column) == (4, 17)
    # the rules that loaded keep their exact positions
    a2 = rules[0]
    assert a2.location.span.line == 6 and a2.anti_patterns[0].regex.source == "time\\.sleep"
    assert a2.anti_patterns[0].location.span.line == 9


def test_crlf_file_recovers_too():
    rules, errors = load_rule_text(THREE_RULES.replace("\n", "\r\n"), "r.yaml")
    assert [r.id for r in rules] == ["A-2", "B-1"]
    assert len(errors) == 1 and errors[0].span.line == 4


def test_every_broken_rule_is_reported_and_the_rest_load():
    text = THREE_RULES + (
        "  - id: B-2\n"
        "    name: two\n"
        "    patterns:\n"
        "      - file: \"*.py\"\n"
        "        should_match: [3-5]000\n"
        "  - id: B-3\n"
        "    name: three\n"
        "    anti_patterns:\n"
        "      - pattern: \"ok\"\n"
        "        message: ok\n"
    )
    rules, errors = load_rule_text(text, "r.yaml")
    assert [r.id for r in rules] == ["A-2", "B-1", "B-3"]
    assert [e.span.line for e in errors] == [4, 21]
    assert all(FLOW_SEQUENCE in e.message for e in errors)


def test_unclosed_quote_is_blamed_on_its_rule_not_the_next():
    text = textwrap.dedent("""\
        g:
          - id: A
            name: a
            anti_patterns:
              - pattern: "unclosed
                message: m
          - id: B
            name: b
            anti_patterns:
              - pattern: "fine"
                message: f
        """)
    rules, errors = load_rule_text(text, "r.yaml")
    assert [r.id for r in rules] == ["B"]
    assert len(errors) == 1
    assert errors[0].span.line == 4  # the line with the open quote, inside rule A


def test_only_rule_of_a_group_broken_is_not_called_an_empty_group():
    text = (
        "g:\n  - id: A\n    name: a\n    anti_patterns:\n      - pattern: [a-z]+_job\n"
        "h:\n  - id: B\n    name: b\n    anti_patterns:\n      - pattern: x\n        message: x\n"
    )
    rules, errors = load_rule_text(text, "r.yaml")
    assert [r.id for r in rules] == ["B"]
    assert len(errors) == 1 and FLOW_SEQUENCE in errors[0].message


def test_error_outside_any_rule_still_loads_nothing():
    rules, errors = load_rule_text("g: [\n  - id: A\n    name: a\n", "r.yaml")
    assert rules == [] and len(errors) == 1


def test_a_rule_before_a_broken_one_ends_where_its_own_text_ends():
    text = (
        "g:\n  - id: A\n    name: a\n    suggestion: |\n      do this\n\n"
        "  - id: B\n    name: b\n    anti_patterns:\n      - pattern: [a-z]+_job\n"
    )
    rules, errors = load_rule_text(text, "r.yaml")
    assert [r.id for r in rules] == ["A"]
    span = rules[0].location.span
    assert (span.end_line, span.end_column) == (4, 13)  # not into the broken rule B
