"""Every key of the rule format, written once: its place, its value's JSON schema, its
documentation and an example.

Derived from here: the loader's key tables (`schema.RULE_KEYS`, ...), the JSON schema
editors validate with (`data/rules.schema.json`, checked in), the key tables in
docs/rule-format.md (between `<!-- keys:PLACE:start -->` and `<!-- keys:PLACE:end -->`)
and the language server's hover and completion texts. `scripts/key_docs.py --write`
regenerates the two files; tests/test_key_docs.py fails when they drift.

To add a key: add a `Key` to its place's tuple below, teach the loader to read it
(engine/loading/rules.py), run `scripts/key_docs.py --write`.
Pure: no I/O.
"""

from __future__ import annotations

import re
from typing import Any

from ..model import Severity
from ..record import field, record

SEVERITIES = tuple(s.value for s in Severity)
EXTENSION_PREFIX = "x-"  # top-level keys the loader ignores (anchors live there)
SCHEMA_PATH = "archrules_lsp/data/rules.schema.json"
DOCS_PATH = "docs/rule-format.md"

# Value kinds shared by several keys (the schema's `definitions`).
STRING_OR_LIST = {"$ref": "#/definitions/string_or_list"}
REGEX = {"$ref": "#/definitions/regex"}
GLOB = {"$ref": "#/definitions/glob"}
GLOBS = {"$ref": "#/definitions/glob_or_list"}
SHARED_DEFINITIONS: dict[str, Any] = {
    "string_or_list": {
        "anyOf": [
            {"type": "string", "minLength": 1},
            {"type": "array", "items": {"type": "string", "minLength": 1}},
        ]
    },
    "regex": {
        "type": "string",
        "description": "An RE2 regular expression, searched on each line separately (no look-around, no "
                       "back-references). Quote it: a value starting with `[` is a YAML list.",
        "pattern": "^[^\\n\\r]*$",
    },
    "glob": {
        "type": "string",
        "minLength": 1,
        "description": "A path glob relative to the project root: `*` and `?` stay inside one folder, `**` spans "
                       "any number of folders (also none). Quote it: a value starting with `*` is a YAML alias.",
    },
    "glob_or_list": {"anyOf": [GLOB, {"type": "array", "items": GLOB}]},
}


@record
class Key:
    """One rule-file key: its value's schema, docs and example."""

    name: str
    type: str  # the value's type in words (the docs' `type` column)
    value: dict[str, Any]  # JSON schema of the value
    doc: str  # one paragraph of Markdown
    example: str  # YAML, as written in its mapping
    required: bool = False
    extension: bool = False  # not in the original format: marked in the docs

    def documentation(self) -> str:
        return f"**Extension.** {self.doc}" if self.extension else self.doc


@record
class Place:
    """Where keys are written (a rule, a `patterns` entry...), with the keys it accepts."""

    definition: str  # its name in the schema's `definitions`
    label: str  # how loader messages name it ("unknown `patterns` entry key ...")
    marker: str  # docs/rule-format.md: <!-- keys:MARKER:start -->
    keys: tuple[Key, ...]
    schema_extra: dict[str, Any] = field(default_factory=dict)  # constraints between keys

    def names(self) -> tuple[str, ...]:
        return tuple(key.name for key in self.keys)

    def key(self, name: str) -> Key | None:
        return next((key for key in self.keys if key.name == name), None)


_SEVERITY_CASE_INSENSITIVE = "^(" + "|".join(
    "".join(f"[{c.lower()}{c.upper()}]" for c in s) for s in SEVERITIES) + ")$"

RULE = Place("rule", "rule", "rule", (
    Key("id", "string, required", {"type": ["string", "number"], "minLength": 1},
        "Unique rule id across all loaded rule files; names the rule in findings and in suppression comments "
        "(`archrules: ignore[BG-001]`). A number is taken as written (`id: 1.10` is `\"1.10\"`). An id cannot be "
        "used in `archrules: ignore[...]` if it contains `,`, `]` or a line break (warning).",
        "id: BG-001", required=True),
    Key("name", "string, required", {"type": ["string", "number"], "minLength": 1},
        "One-line title of the rule (a value written over several lines is joined onto one). Missing: error, and "
        "the id is used as the name.",
        "name: Use FastAPI BackgroundTasks for async execution", required=True),
    Key("description", "string", {"type": ["string", "null"]},
        "Longer explanation of the rule, shown on hover.",
        "description: |\n  All long-running tasks must use FastAPI's BackgroundTasks."),
    Key("severity", "`error` | `warning` | `info` | `hint`",
        {"anyOf": [{"enum": list(SEVERITIES)}, {"type": "string", "pattern": _SEVERITY_CASE_INSENSITIVE}]},
        "How findings of the rule are reported: `error`, `warning`, `info` or `hint`. Default `warning`. "
        "Case-insensitive (`ERROR` works).",
        "severity: error"),
    Key("patterns", "list of entries", {"type": ["array", "null"], "items": {"$ref": "#/definitions/pattern_entry"}},
        "Presence checks: what the files matching each entry's `file` glob must contain (see `patterns` entries).",
        "patterns:\n  - file: \"app/api/**/*.py\"\n    must_contain: BackgroundTasks"),
    Key("anti_patterns", "list of items",
        {"type": ["array", "null"], "items": {"$ref": "#/definitions/anti_pattern"}},
        "Regexes that must not match any line of the files in scope (see `anti_patterns` items).",
        "anti_patterns:\n  - pattern: 'time\\.sleep'\n    message: Don't use time.sleep in API handlers"),
    Key("suggestion", "string", {"type": ["string", "null"]},
        "How to fix a violation; shown with each finding. A line of it holding a missing `must_contain` string "
        "becomes a quick fix.",
        "suggestion: |\n  Use BackgroundTasks: background_tasks.add_task(run_scan, job.id)"),
    Key("enabled", "boolean", {"type": "boolean", "default": True},
        "`false` turns the rule off. Default `true`.",
        "enabled: false", extension=True),
    Key("url", "string", {"type": "string", "format": "uri"},
        "Link to the rule's documentation (should be absolute: `https://...`).",
        "url: https://example.com/rules/BG-001", extension=True),
    Key("examples", "list of cases", {"type": ["array", "null"], "items": {"$ref": "#/definitions/example"}},
        "The rule's own tests, run by `archrules test` and shown live in the editor: each case is code the rule "
        "must flag (`invalid`) or leave alone (`valid`), checked as the file `path` (see `examples` cases).",
        "examples:\n  - path: app/api/jobs.py\n    invalid: time.sleep(1)", extension=True),
    Key("imports", "mapping of contracts", {"$ref": "#/definitions/imports"},
        "Import contracts: who may import whom (`layers`, `forbidden`, `independent`, `protected`; see Import "
        "contracts). One finding per violating import, on the imported name; indirect chains too.",
        "imports:\n  layers: [app.api, app.services, models]", extension=True),
))

PATTERN_ENTRY = Place("pattern_entry", "`patterns` entry", "patterns", (
    Key("file", "glob, required", GLOB,
        "The files this entry checks: a glob relative to the project root.",
        "- file: \"app/api/v1/**/*.py\"", required=True),
    Key("must_contain", "string or list", STRING_OR_LIST,
        "**Every** string must occur in the file as a plain substring (no regex, case-sensitive). One finding per "
        "missing string.",
        "must_contain: [\"import logging\", \"logger = \"]"),
    Key("must_contain_one_of", "list (a single string is accepted)", STRING_OR_LIST,
        "**At least one** of the strings must occur (plain substring). One finding if none does.",
        "must_contain_one_of: [BackgroundTasks, celery]"),
    Key("must_reference", "list of names (a single string is accepted)", STRING_OR_LIST,
        "Every name must occur as a **whole identifier**: bounded by non-word characters, so `TestRun` is not "
        "satisfied by `TestRunner`. One finding per missing name.",
        "must_reference: [Job, JobStatus]"),
    Key("when_contains", "string or list", STRING_OR_LIST,
        "A gate: this entry's other checks run only on files containing **at least one** of the strings (plain "
        "substring). It gates only its own entry, never the rule's `anti_patterns`.",
        "when_contains: [\"import_\", \"run_scan\"]"),
    Key("should_match", "regex", REGEX,
        "A regex that must match **at least one line** of the file.",
        "should_match: '^logger = logging\\.getLogger'"),
    Key("endpoint_pattern", "regex", REGEX,
        "Marks endpoints: every function with a decorator line matching this regex must return each `must_return` "
        "key. Only together with `must_return`.",
        "endpoint_pattern: '@router\\.post'"),
    Key("must_return", "string or list", STRING_OR_LIST,
        "Keys each endpoint matched by `endpoint_pattern` must return: a key of a returned dict literal, a keyword "
        "argument of a returned call (`JobResponse(job_id=...)`), or either of those reached through a local name "
        "(`result = {...}; return result`). One finding per offending endpoint, on its decorator line.",
        "must_return: [job_id, status]"),
    Key("in_class", "regex", REGEX,
        "Scopes `must_contain`, `must_contain_one_of`, `must_reference` and `when_contains` to each Python class "
        "whose header (`class` to its colon, decorators left out, read as one line) matches this regex: one "
        "finding per class and missing item, on the class name; the fix adds the line to that class. Only the "
        "class's body counts (nested classes included). Not beside `should_match` or `endpoint_pattern`. A file "
        "that is not Python gets a note (see Class-scoped checks).",
        "in_class: 'table\\s*=\\s*True'", extension=True),
    Key("exclude", "glob or list of globs", GLOBS,
        "Files this entry leaves out, among those `file` matches (same glob syntax). Only this entry: the rule's "
        "other entries still check them.",
        "exclude: \"app/routes/__init__.py\"", extension=True),
), {"dependencies": {"endpoint_pattern": ["must_return"], "must_return": ["endpoint_pattern"]}})

ANTI_PATTERN_ENTRY = Place("anti_pattern", "`anti_patterns` entry", "anti_patterns", (
    Key("pattern", "regex, required", REGEX,
        "Searched on every line of the files in scope. Every matching line is a finding, on the matched text.",
        "- pattern: 'time\\.sleep\\('", required=True),
    Key("message", "string", {"type": "string"},
        "The finding's message (surrounding blank space and a block's final line break dropped; the CLI's text "
        "output joins its lines). Missing: warning, and findings say `matches <pattern>`.",
        "message: Don't use time.sleep in API handlers"),
    Key("file", "glob", GLOB,
        "The item's own scope. Default: the files of the rule's `patterns` entries, or every checked file when the "
        "rule has none.",
        "file: \"app/api/**/*.py\""),
    Key("fix", "string", {"type": "string"},
        "Replacement for the matched text, offered as a quick fix and applied by `--fix`. `\\1`..`\\99` and "
        "`\\g<name>` insert the match's groups; a group the pattern does not have is an error (the item loads "
        "without the fix).",
        "fix: 'await asyncio.sleep('", extension=True),
    Key("exclude", "glob or list of globs", GLOBS,
        "Files this item leaves out of its scope (its own `file`, or the rule's `patterns` files). Same glob syntax "
        "as `file`.",
        "exclude: [\"app/api/legacy/**\", \"**/test_*.py\"]", extension=True),
))

EXAMPLE_ENTRY = Place("example", "`examples` entry", "examples", (
    Key("path", "string, required", {"type": "string", "minLength": 1},
        "The file the case pretends to be, relative to the project root, so the rule's globs apply.",
        "- path: app/api/jobs.py", required=True),
    Key("valid", "string", {"type": ["string", "null"]},
        "Code that must produce no finding of this rule.",
        "valid: |\n  background_tasks.add_task(run_scan)"),
    Key("invalid", "string", {"type": ["string", "null"]},
        "Code that must produce at least one finding of this rule. Exactly one of `valid` and `invalid`.",
        "invalid: |\n  time.sleep(5)"),
    Key("count", "positive integer", {"type": "integer", "minimum": 1},
        "With `invalid`: exactly this many findings of the rule.",
        "count: 2"),
    Key("message", "string", {"type": "string"},
        "With `invalid`: a substring of one finding's message.",
        "message: time.sleep"),
    Key("fixed", "string", {"type": "string"},
        "The code after the rule's safe fixes are applied.",
        "fixed: |\n  await asyncio.sleep(5)"),
), {"oneOf": [{"required": ["valid"]}, {"required": ["invalid"]}]})

MODULES = STRING_OR_LIST  # a module name or a list of them

IMPORTS = Place("imports", "`imports`", "imports", (
    Key("layers", "list of modules", MODULES,
        "Layers from top to bottom: a module of a layer may import the layers below it, never one above, directly "
        "or through a chain of modules of no layer. A module name covers its submodules.",
        "layers: [app.api, app.services, app.tasks, models]"),
    Key("forbidden", "mapping", {"$ref": "#/definitions/imports_forbidden"},
        "Modules under `from` may not import modules under `to` (project modules or others: `subprocess`), "
        "directly or through a chain.",
        "forbidden:\n  from: [app.api]\n  to: [app.tasks, subprocess]"),
    Key("independent", "list of modules", MODULES,
        "None of these modules may import another of them, directly or through a chain.",
        "independent: [app.tasks.exports, app.tasks.imports]"),
    Key("protected", "mapping", {"$ref": "#/definitions/imports_protected"},
        "`modules` may be imported directly only by modules under `allowed` (and by themselves).",
        "protected:\n  modules: [app.services.billing]\n  allowed: [app.api.v1.billing]"),
    Key("ignore", "list of `importer -> imported`",
        {"type": "array", "items": {"type": "string", "pattern": "^\\s*\\S+\\s*->\\s*\\S+\\s*$"}},
        "Allowed exceptions: imports from a module covered by the left name of one covered by the right one are "
        "not reported and break no chain. An entry that matches no import of the checked files is reported (a "
        "warning at its line).",
        "ignore: [\"app.api.deps -> app.tasks.registry\"]"),
    Key("type_checking", "boolean", {"type": "boolean", "default": False},
        "Also report imports under `if TYPE_CHECKING:` and TypeScript `import type`. Default `false`.",
        "type_checking: true"),
))

IMPORTS_FORBIDDEN = Place("imports_forbidden", "`imports.forbidden`", "imports-forbidden", (
    Key("from", "list of modules, required", MODULES, "The importers the contract restricts.",
        "from: [app.api]", required=True),
    Key("to", "list of modules, required", MODULES, "What they may not import.",
        "to: [app.tasks, subprocess]", required=True),
))

IMPORTS_PROTECTED = Place("imports_protected", "`imports.protected`", "imports-protected", (
    Key("modules", "list of modules, required", MODULES, "The protected modules.",
        "modules: [app.services.billing]", required=True),
    Key("allowed", "list of modules", MODULES,
        "The only modules (besides the protected ones) that may import them directly. Default: none.",
        "allowed: [app.api.v1.billing]"),
))

PLACES = (RULE, PATTERN_ENTRY, ANTI_PATTERN_ENTRY, EXAMPLE_ENTRY)
# The mappings inside `imports:`: in the schema and the docs' tables like the places above.
CONTRACT_PLACES = (IMPORTS, IMPORTS_FORBIDDEN, IMPORTS_PROTECTED)
PLACE_OF = {place.definition: place for place in PLACES + CONTRACT_PLACES}

# ---------------------------------------------------------------- the JSON schema


def _definition(place: Place) -> dict[str, Any]:
    properties: dict[str, Any] = {"<<": {}}  # YAML's merge key: the loader applies it before reading keys
    for key in place.keys:
        spec = dict(key.value)
        spec["description"] = key.documentation()
        # editors that render Markdown (VS Code's YAML extension) show what our server's hover shows
        spec["markdownDescription"] = hover_markdown(key)
        properties[key.name] = spec
    required = [key.name for key in place.keys if key.required]
    return {"type": "object", "required": required, **place.schema_extra, "additionalProperties": False,
            "properties": properties}


def schema_document() -> dict[str, Any]:
    """The JSON schema (draft-07) of a rule file."""
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "https://github.com/archrules/archrules-lsp/blob/main/" + SCHEMA_PATH,
        "title": "archrules rule file",
        "description": "Architecture rules checked by archrules / archrules-lsp. The top level holds groups of "
                       "rules; each group is a list of rules. Generated from archrules_lsp/engine/loading/keys.py; "
                       "see docs/rule-format.md.",
        "type": ["object", "null"],
        "patternProperties": {
            f"^{EXTENSION_PREFIX}": {
                "description": "Ignored by the loader: a place for YAML anchors shared by rules "
                               "(`x-defaults: &defaults`)."
            }
        },
        "additionalProperties": {
            "description": "A group of rules (e.g. `background_task_rules:`).",
            "type": ["array", "null"],
            "items": {"$ref": "#/definitions/rule"},
        },
        "definitions": {**SHARED_DEFINITIONS,
                        **{place.definition: _definition(place) for place in PLACES + CONTRACT_PLACES}},
    }


def schema_json() -> str:
    """The schema file's text, exactly as checked in."""
    import json  # not needed to load rules (CLI start-up)

    return json.dumps(schema_document(), indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------- the docs' tables


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_table(place: Place) -> str:
    rows = ["| key | type | meaning |", "|---|---|---|"]
    rows += [f"| `{key.name}` | {_cell(key.type)} | {_cell(key.documentation())} |" for key in place.keys]
    return "\n".join(rows)


def with_tables(markdown: str) -> str:
    """`markdown` with each place's table between its markers replaced by the generated one.
    A place whose markers are missing is left as it is (the test of the docs names it)."""
    for place in PLACES + CONTRACT_PLACES:
        start, end = f"<!-- keys:{place.marker}:start -->", f"<!-- keys:{place.marker}:end -->"
        between = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
        table = f"{start}\n{markdown_table(place)}\n{end}"
        markdown = between.sub(lambda _match: table, markdown, count=1)  # noqa: B023 (called here, at once)
    return markdown


# ---------------------------------------------------------------- hover and completion


def hover_markdown(key: Key) -> str:
    """What the server shows for a key: its documentation and example."""
    return f"{key.documentation()}\n\n```yaml\n{key.example}\n```"
