"""The `imports:` key of a rule file: contracts loaded, every problem at its line."""

from __future__ import annotations

import textwrap

import jsonschema
import pytest
import yaml

from archrules_lsp.engine import load_rule_text
from archrules_lsp.engine.loading import keys
from archrules_lsp.engine.model import ImportContracts


def load(body: str):
    text = "r:\n  - id: A-1\n    name: a rule\n    imports:\n" + textwrap.indent(textwrap.dedent(body), "      ")
    rules, errors = load_rule_text(text, "rules.yaml")
    return rules, [(e.span.line + 1, e.severity.value, e.message) for e in errors]


def test_all_four_kinds_load_with_their_ignores():
    rules, errors = load("""
        layers: [app.api, app.services]
        forbidden: {from: app.api, to: [subprocess]}
        independent: [app.a, app.b]
        protected: {modules: [app.billing], allowed: [app.api.billing]}
        ignore: ["app.api.deps -> app.tasks"]
        type_checking: true
    """)
    assert errors == []
    c = rules[0].imports
    assert (c.layers, c.forbidden_from, c.forbidden_to, c.independent, c.protected, c.protected_allowed,
            c.type_checking) == (("app.api", "app.services"), ("app.api",), ("subprocess",), ("app.a", "app.b"),
                                 ("app.billing",), ("app.api.billing",), True)
    assert [(i.importer, i.imported, i.location.span.line + 1) for i in c.ignore] == [("app.api.deps", "app.tasks", 10)]


def test_an_unknown_key_is_a_warning_with_did_you_mean():
    _, errors = load("layers: [a, b]\nlayer: [c]\n")
    assert errors == [(6, "warning", "unknown `imports` key `layer` (ignored): did you mean `layers`?")]


def test_a_layer_listed_twice_is_an_error_at_the_repeat():
    rules, errors = load("layers:\n  - app.api\n  - app.models\n  - app.api\n")
    assert errors == [(8, "error", "`app.api` is listed twice in `layers` (first at line 6); this one is ignored")]
    assert rules[0].imports.layers == ("app.api", "app.models")


def test_a_contract_with_no_modules_does_not_load():
    rules, errors = load("layers: []\n")
    assert errors == [(5, "error", "`layers` lists no modules; it is not loaded")]
    assert rules[0].imports is None


def test_forbidden_needs_both_sides():
    rules, errors = load("forbidden:\n  from: [app.api]\n")
    assert (5, "error", "`forbidden` needs `to` (a list of modules); it is not loaded") in errors
    assert rules[0].imports is None


@pytest.mark.parametrize("entry", ["app.api", "app.api ->", "a -> b -> c", "-> b"])
def test_an_ignore_entry_not_written_a_to_b_is_an_error(entry):
    rules, errors = load(f"layers: [a, b]\nignore: [\"{entry}\"]\n")
    assert [e[:2] for e in errors] == [(6, "error")]
    assert "`importer -> imported`" in errors[0][2]
    assert rules[0].imports.ignore == ()


def test_wildcards_are_errors_that_say_why():
    _, errors = load("layers: [app.api, 'app.*']\n")
    assert [e for e in errors if e[1] == "error"] == [
        (5, "error", "`app.*` is not a module name: write a dotted Python name (`app.api`) or a root-relative path "
                     "without extension (`static/js/api`) (wildcards are not supported: a module name already "
                     "covers its submodules)")]


def test_imports_with_only_an_ignore_list_holds_no_contract():
    rules, errors = load("ignore: ['a -> b']\n")
    assert errors == [(4, "error", "`imports` holds no contract: write `layers`, `forbidden`, `independent` or "
                                   "`protected`")]
    assert rules[0].imports is None


def test_a_module_of_another_language_is_a_warning():
    _, errors = load("forbidden: {from: [web/app], to: [lib/util.go]}\n")
    assert errors == [(5, "warning", "`lib/util.go` looks like a file of another language: import contracts apply "
                                     "to Python and JavaScript/TypeScript modules only, so it matches nothing")]


def test_a_rule_with_only_imports_does_not_check_nothing():
    _, errors = load("layers: [a, b]\n")
    assert errors == []


@pytest.mark.parametrize("key", [k for place in keys.CONTRACT_PLACES for k in place.keys], ids=lambda k: k.name)
def test_each_contract_keys_example_is_accepted_by_the_schema_and_the_loader(key):
    written = yaml.safe_load(key.example)
    place = next(p for p in keys.CONTRACT_PLACES if key in p.keys)
    imports = {"layers": ["a", "b"]}
    if place is keys.IMPORTS:
        imports.update(written)
    else:
        base = {"from": ["x"], "to": ["y"]} if place is keys.IMPORTS_FORBIDDEN else {"modules": ["x"]}
        imports["forbidden" if place is keys.IMPORTS_FORBIDDEN else "protected"] = {**base, **written}
    doc = {"g": [{"id": "A-1", "name": "n", "imports": imports}]}
    assert list(jsonschema.Draft7Validator(keys.schema_document()).iter_errors(doc)) == []
    rules, errors = load_rule_text(yaml.safe_dump(doc, sort_keys=False), "rules.yaml")
    assert [e.message for e in errors] == []
    assert isinstance(rules[0].imports, ImportContracts)


def test_path_names_lose_a_trailing_slash():
    rules, _ = load("layers: [web/pages/, web/lib]\nignore: ['web/pages/a -> web/lib/']\n")
    assert rules[0].imports.layers == ("web/pages", "web/lib")
    ignore = rules[0].imports.ignore[0]
    assert (ignore.importer, ignore.imported) == ("web/pages/a", "web/lib")
