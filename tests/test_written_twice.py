"""Facts the code base writes twice on purpose, held equal by tests.

- The rule format: the JSON schema editors validate with (archrules_lsp/data/rules.schema.json) and the
  loader's checks (archrules_lsp/engine/loading/). Both take their keys from engine/loading/keys.py (the
  schema file is generated, tests/test_key_docs.py), but what each accepts is written twice: the schema's
  types, `required`, `dependencies` and `oneOf` against the loader's code.
- JSON output: the CLI's fast streaming writer (cli/formats/json_writer.py) and `json.dumps`. The writer
  lays the text out its own way, so the promise is the same document after `json.loads`, not the same bytes.

(The VS Code extension's setting defaults vs the server's are held equal in tests/server/test_settings_defaults.py.)
"""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from archrules_lsp.cli.formats.json_writer import Raw, StreamedDocument
from archrules_lsp.engine.loading import load_rule_text, schema
from archrules_lsp.engine.loading.rules import _STRING_LIST_KEYS, EXTENSION_PREFIX
from archrules_lsp.engine.model import Severity

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[1] / "archrules_lsp" / "data" / "rules.schema.json").read_text(encoding="utf-8")
)
DEFINITIONS = SCHEMA["definitions"]
VALIDATOR = jsonschema.Draft7Validator(SCHEMA)
MERGE_KEY = "<<"  # YAML's merge key: the schema lets it through, the loader applies it before reading keys

# ---------------------------------------------------------------- the rule format: schema vs loader

# Where each kind of mapping sits in a rule file, and the loader's key table for it.
PLACES = {"rule": schema.RULE_KEYS, "pattern_entry": schema.PATTERN_KEYS, "anti_pattern": schema.ANTI_PATTERN_KEYS,
          "example": schema.EXAMPLE_KEYS, "imports": schema.IMPORTS_KEYS,
          "imports_forbidden": schema.KEYS_OF[schema.IMPORTS_FORBIDDEN],
          "imports_protected": schema.KEYS_OF[schema.IMPORTS_PROTECTED]}

# One rule with every key the format has, each with a valid value.
FULL_RULE: dict[str, Any] = {
    "id": "A-1",
    "name": "a rule",
    "description": "what it is for",
    "severity": "error",
    "suggestion": "how to fix it",
    "enabled": True,
    "url": "https://example.com/rules/A-1",
    "patterns": [{
        "file": "app/**/*.py",
        "must_contain": "import logging",
        "must_contain_one_of": ["a", "b"],
        "must_reference": "Job",
        "when_contains": "def ",
        "should_match": "log+",
        "endpoint_pattern": "@router[.]post",
        "must_return": "job_id",
        "in_class": "Model",
        "exclude": ["app/legacy/*.py"],
    }],
    "anti_patterns": [{"pattern": "print[(]", "message": "use logging", "file": "app/*.py", "fix": "log(",
                       "exclude": "app/legacy.py"}],
    "examples": [{"path": "app/x.py", "invalid": "print(1)", "count": 1, "message": "logging", "fixed": "log(1)"},
                 {"path": "app/x.py", "valid": "log(1)"}],
    "imports": {
        "layers": ["app.api", "app.services"],
        "forbidden": {"from": "app.api", "to": ["subprocess"]},
        "independent": ["app.tasks.a", "app.tasks.b"],
        "protected": {"modules": "app.services.billing", "allowed": ["app.api.billing"]},
        "ignore": ["app.api.deps -> app.services.x"],
        "type_checking": True,
    },
}


def _properties(place: str) -> set[str]:
    return set(DEFINITIONS[place]["properties"]) - {MERGE_KEY}


def _keys_referring_to(definition: str, places: tuple[str, ...] = tuple(PLACES)) -> set[str]:
    ref = f"#/definitions/{definition}"
    return {key for place in places for key, spec in DEFINITIONS[place]["properties"].items()
            if spec.get("$ref") == ref}


def _mapping_at(doc: dict[str, Any], place: str) -> dict[str, Any]:
    rule = doc["group"][0]
    lists = {"pattern_entry": "patterns", "anti_pattern": "anti_patterns", "example": "examples"}
    contracts = {"imports_forbidden": "forbidden", "imports_protected": "protected"}
    if place == "rule":
        return rule
    if place == "imports":
        return rule["imports"]
    if place in contracts:
        return rule["imports"][contracts[place]]
    return rule[lists[place]][0]


def _judge(doc: dict[str, Any]) -> tuple[list[str], list[str]]:
    """What the schema says about a rule file, and the loader's errors (severity error) on the same file."""
    schema_errors = [e.message for e in VALIDATOR.iter_errors(doc)]
    _, errors = load_rule_text(yaml.safe_dump(doc, sort_keys=False), "rules.yaml")
    return schema_errors, [e.message for e in errors if e.severity is Severity.ERROR]


def _full_doc_without(place: str, *keys: str) -> dict[str, Any]:
    doc = {"group": [copy.deepcopy(FULL_RULE)]}
    for key in keys:
        del _mapping_at(doc, place)[key]
    return doc


@pytest.mark.parametrize("place", PLACES)
def test_schema_allows_the_keys_the_loader_reads(place):
    assert _properties(place) == set(PLACES[place])
    assert DEFINITIONS[place]["additionalProperties"] is False  # the loader warns on any other key


# keys of which a mapping has exactly one (the schema's `oneOf`): FULL_RULE's examples use both between them
ONE_OF = {"example": ("valid", "invalid")}


def test_full_rule_uses_every_key_and_both_accept_it():
    for place in PLACES:
        assert set(_mapping_at({"group": [FULL_RULE]}, place)) | set(ONE_OF.get(place, ())) == _properties(place)
    assert _judge({"group": [FULL_RULE]}) == ([], [])


@pytest.mark.parametrize("keys", [(), ("valid", "invalid")])
def test_an_example_needs_exactly_one_of_valid_and_invalid_for_both(keys):
    doc = {"group": [copy.deepcopy(FULL_RULE)]}
    example = _mapping_at(doc, "example")
    for key in ONE_OF["example"]:
        example.pop(key, None)
    example.update({key: "x = 1" for key in keys})
    schema_errors, loader_errors = _judge(doc)
    assert schema_errors and loader_errors


def test_schema_value_kinds_are_the_loaders():
    assert _keys_referring_to("regex") == set(schema.REGEX_KEYS)
    assert _keys_referring_to("glob") == set(schema.GLOB_KEYS)
    # (the module lists of `imports:` are string_or_list too, read by engine/imports/rule_keys.py)
    assert _keys_referring_to("string_or_list", ("rule", "pattern_entry", "anti_pattern", "example")) == set(
        _STRING_LIST_KEYS)


def test_schema_severities_are_the_loaders():
    assert DEFINITIONS["rule"]["properties"]["severity"]["anyOf"][0]["enum"] == list(schema.SEVERITIES)
    assert list(schema.SEVERITIES) == [s.value for s in Severity]


def test_schema_ignores_the_top_level_keys_the_loader_ignores():
    assert list(SCHEMA["patternProperties"]) == [f"^{EXTENSION_PREFIX}"]


@pytest.mark.parametrize(("place", "key"), [(p, k) for p in PLACES for k in DEFINITIONS[p]["required"]])
def test_a_key_the_schema_requires_is_an_error_for_the_loader_when_missing(place, key):
    schema_errors, loader_errors = _judge(_full_doc_without(place, key))
    assert schema_errors and loader_errors


def _optional_keys_with_their_dependants() -> list[tuple[str, tuple[str, ...]]]:
    cases = []
    for place in PLACES:
        dependencies = DEFINITIONS[place].get("dependencies", {})
        for key in sorted(_properties(place) - set(DEFINITIONS[place]["required"]) - set(ONE_OF.get(place, ()))):
            together = {key} | set(dependencies.get(key, ())) | {k for k, needs in dependencies.items() if key in needs}
            cases.append((place, tuple(sorted(together))))
    return cases


@pytest.mark.parametrize(("place", "keys"), _optional_keys_with_their_dependants())
def test_a_key_the_schema_makes_optional_can_be_left_out_for_the_loader_too(place, keys):
    assert _judge(_full_doc_without(place, *keys)) == ([], [])


@pytest.mark.parametrize(("key", "needs"), [(k, n) for k, needs in DEFINITIONS["pattern_entry"]["dependencies"].items()
                                            for n in needs])
def test_a_key_needing_another_is_an_error_for_both_without_it(key, needs):
    schema_errors, loader_errors = _judge(_full_doc_without("pattern_entry", needs))
    assert schema_errors and loader_errors


severity_texts = st.one_of(
    st.sampled_from(schema.SEVERITIES).flatmap(
        lambda s: st.tuples(*(st.sampled_from((c.lower(), c.upper())) for c in s)).map("".join)),
    st.text(alphabet="eErRoOwWaAnNiIgGfFhHtT -_", max_size=9),
)


@given(severity_texts)
def test_a_severity_the_schema_accepts_is_the_same_severity_for_the_loader(text):
    doc = {"group": [{"id": "A", "name": "a", "severity": text, "anti_patterns": [{"pattern": "x", "message": "m"}]}]}
    schema_errors, loader_errors = _judge(doc)
    if not schema_errors:
        assert loader_errors == []
        rules, _ = load_rule_text(yaml.safe_dump(doc), "rules.yaml")
        assert rules[0].severity.value == text.lower()
    if text.strip().lower() not in schema.SEVERITIES:
        assert schema_errors and loader_errors


# ---------------------------------------------------------------- JSON output: the fast writer vs json.dumps

# Strings that are hard to get right: control characters, quotes and backslashes, lone surrogates
# (file names that are not valid UTF-8 arrive as such), line and paragraph separators, any code point.
hard_characters = st.one_of(
    st.characters(),
    st.characters(max_codepoint=0x1F),
    st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF, exclude_categories=()),
    st.sampled_from('"\\/\x7f\u2028\u2029\ufeff'),
)
hard_strings = st.text(alphabet=hard_characters, max_size=20)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | hard_strings,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(hard_strings, inner, max_size=5),
    max_leaves=25,
)


def _as_json_dumps_reads_it(value: Any) -> Any:
    return json.loads(json.dumps(value))


def _parsed(out: io.StringIO) -> Any:
    text = out.getvalue()
    assert text.endswith("}\n")
    return json.loads(text)  # strict: a raw control character inside a string fails here


@given(st.dictionaries(hard_strings, json_values, max_size=6))
def test_fields_read_back_as_json_dumps_writes_them(fields):
    out = io.StringIO()
    doc = StreamedDocument(out)
    for key, value in fields.items():
        doc.field(key, value)
    doc.close()
    assert _parsed(out) == _as_json_dumps_reads_it(fields)


@given(st.lists(st.tuples(json_values, st.booleans()), max_size=8))
def test_values_already_encoded_read_back_as_json_dumps_writes_them(items):
    # Raw elements are encoded by json.dumps (as the CLI's workers do) and written as they are.
    values = [value for value, _ in items]
    out = io.StringIO()
    doc = StreamedDocument(out)
    doc.field("in_a_field", [Raw(json.dumps(v)) if raw else v for v, raw in items])
    listed = doc.open_list("streamed")
    for value, raw in items:
        if raw:
            listed.add(json.dumps(value))
        else:
            listed.add_value(value)
    listed.close()
    doc.close()
    assert _parsed(out) == _as_json_dumps_reads_it({"in_a_field": values, "streamed": values})


@given(st.dictionaries(hard_strings, json_values, max_size=4), st.lists(json_values, max_size=3))
def test_nested_streamed_objects_read_back_as_json_dumps_writes_them(inner_fields, elements):
    out = io.StringIO()
    doc = StreamedDocument(out)
    inner = doc.open_object("inner")
    for key, value in inner_fields.items():
        inner.field(key, value)
    inner.close()
    listed = doc.open_list("objects")
    for value in elements:
        element = listed.open_object()
        element.field("value", value)
        element.close()
    listed.close()
    doc.close()
    expected = {"inner": inner_fields, "objects": [{"value": v} for v in elements]}
    assert _parsed(out) == _as_json_dumps_reads_it(expected)
