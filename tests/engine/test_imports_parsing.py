"""A file's imports as the import contracts see them: names, spans, resolution, TYPE_CHECKING."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archrules_lsp.engine.imports.context import read_imports
from archrules_lsp.engine.imports.modules import ModuleNamer, covers
from archrules_lsp.engine.model import Span
from archrules_lsp.engine.text import SourceText

NAMER = ModuleNamer()


def imports(path: str, text: str) -> list[tuple[tuple[str, ...], str, bool]]:
    """(candidates, the text the span covers, type-checking) of each import."""
    found = read_imports(path, text, NAMER)
    assert found is not None
    lines = text.replace("\r\n", "\n").split("\n")
    out = []
    for s in found.statements:
        assert s.span.line == s.span.end_line
        out.append((s.candidates, lines[s.span.line][s.span.column:s.span.end_column], s.type_checking))
    return out


# ---------------------------------------------------------------- module names


@pytest.mark.parametrize(("path", "name", "package"), [
    ("app/api/v1/jobs.py", "app.api.v1.jobs", False),
    ("app/api/__init__.py", "app.api", True),
    ("src/app/x.py", "app.x", False),  # the default source root
    ("app/types.pyi", "app.types", False),
    ("static/admin/js/api.ts", "static/admin/js/api", False),
    ("src/web/index.tsx", "src/web/index", False),  # source roots are for Python only
])
def test_module_names_come_from_root_relative_paths(path, name, package):
    module = NAMER.module_of(path)
    assert (module.name, module.is_package) == (name, package)


def test_configured_source_roots_replace_the_default_and_the_longest_wins():
    namer = ModuleNamer(("backend", "backend/lib"))
    assert namer.module_of("backend/lib/util.py").name == "util"
    assert namer.module_of("backend/app/x.py").name == "app.x"
    assert namer.module_of("src/app/x.py").name == "src.app.x"


def test_other_languages_have_no_module():
    assert NAMER.module_of("app/main.go") is None
    assert NAMER.module_of("README.md") is None


@pytest.mark.parametrize(("prefix", "name", "expected"), [
    ("app.api", "app.api", True), ("app.api", "app.api.v1.jobs", True), ("app.api", "app.apiary", False),
    ("static/admin", "static/admin/js/api", True), ("static/js/api", "static/js/api.client", False),
])
def test_a_name_covers_itself_and_its_submodules(prefix, name, expected):
    assert covers(prefix, name) is expected


# ---------------------------------------------------------------- Python


def test_absolute_from_and_aliased_imports_cover_the_imported_name():
    text = "import os.path as p\nfrom app.api import deps as d, routes\n"
    assert imports("app/x.py", text) == [
        (("os.path",), "os.path", False),
        (("app.api.deps", "app.api"), "deps", False),
        (("app.api.routes", "app.api"), "routes", False),
    ]


def test_relative_imports_resolve_against_the_module_and_init_is_its_own_package():
    assert imports("app/api/jobs.py", "from ..services import x\nfrom . import deps\nfrom .v1.a import b\n") == [
        (("app.services.x", "app.services"), "x", False),
        (("app.api.deps", "app.api"), "deps", False),
        (("app.api.v1.a.b", "app.api.v1.a"), "b", False),
    ]
    assert imports("app/api/__init__.py", "from . import deps\n") == [(("app.api.deps", "app.api"), "deps", False)]


def test_a_relative_import_beyond_the_top_package_is_left_out():
    assert imports("app/jobs.py", "from ... import x\nfrom .. import y\nfrom . import z\n") == [
        (("app.z", "app"), "z", False)]
    assert imports("top.py", "from . import x\n") == []


def test_star_imports_multiline_parentheses_and_imports_in_functions():
    text = ("from app.models import *\nfrom app.api import (\n    deps,\n    routes,\n)\n"
            "def f():\n    import app.tasks\n")
    assert imports("app/x.py", text) == [
        (("app.models",), "*", False),
        (("app.api.deps", "app.api"), "deps", False),
        (("app.api.routes", "app.api"), "routes", False),
        (("app.tasks",), "app.tasks", False),
    ]


def test_type_checking_imports_are_marked_in_the_if_branch_only():
    text = ("import typing\nfrom typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import app.a\nelse:\n"
            "    import app.b\nif typing.TYPE_CHECKING:\n    from app import c\n")
    assert [(c, tc) for c, _, tc in imports("app/x.py", text)][2:] == [
        (("app.a",), True), (("app.b",), False), (("app.c", "app"), True)]


def test_importlib_and_dunder_import_with_literal_names():
    text = ('import importlib\nm = importlib.import_module("app.tasks.scan")\nn = __import__("app.api")\n'
            'importlib.import_module(name)\n')
    assert imports("app/x.py", text)[1:] == [
        (("app.tasks.scan",), "app.tasks.scan", False), (("app.api",), "app.api", False)]


def test_crlf_and_non_ascii_lines_give_code_point_columns():
    text = 'x = "é"; import app.api\r\nfrom app import naïve\r\n'
    assert imports("app/x.py", text) == [
        (("app.api",), "app.api", False), (("app.naïve", "app"), "naïve", False)]


def test_a_file_that_does_not_parse_has_no_imports_and_says_so():
    found = read_imports("app/x.py", "import app.api\ndef broken(:\n", NAMER)
    assert (found.statements, found.parses) == ((), False)


# ---------------------------------------------------------------- JavaScript / TypeScript


def test_js_import_forms_resolve_relative_specifiers_to_files():
    text = ('import a from "./a";\nimport "./side.css";\nexport { b } from "../lib/b.js";\n'
            'const c = require("c-pkg");\nconst d = await import("@scope/d/sub");\nimport type { T } from "./types";\n')
    assert imports("web/src/app.ts", text) == [
        (("web/src/a", "web/src/a/index"), "./a", False),
        (("web/src/side.css", "web/src/side.css/index"), "./side.css", False),
        (("web/lib/b", "web/lib/b/index"), "../lib/b.js", False),
        (("c-pkg",), "c-pkg", False),
        (("@scope/d/sub",), "@scope/d/sub", False),
        (("web/src/types", "web/src/types/index"), "./types", True),
    ]


def test_js_comments_strings_templates_and_regexes_are_not_imports():
    text = ('// import x from "no1";\n/* require("no2") */\nconst s = \'import "no3"\';\n'
            'const t = `require("no4")`;\nconst r = /import "no5"/g;\nfoo.require("no6");\n'
            'const q = a / b; import z from "yes";\n')
    assert [c for c, _, _ in imports("web/x.js", text)] == [("yes",)]


def test_js_specifiers_leaving_the_root_are_left_out():
    assert imports("x.ts", 'import a from "../outside";\n') == []


def test_js_spans_sit_on_the_specifier_on_its_line():
    found = read_imports("web/x.ts", 'const é = "ü";\r\n\r\nimport {\n  a,\n} from "./a"; import "ñ";\n', NAMER)
    assert [s.span for s in found.statements] == [Span(4, 8, 4, 11), Span(4, 22, 4, 23)]


def test_imports_nested_in_every_kind_of_block_are_found():
    text = ("try:\n    import app.a\nexcept ImportError:\n    import app.b\nelse:\n    import app.c\n"
            "finally:\n    import app.d\nclass K:\n    import app.e\nwith open('x') as f:\n    import app.f\n"
            "match x:\n    case 1:\n        import app.g\nasync def g():\n    for i in y:\n        import app.h\n"
            "def h():\n    return 1\n")
    assert [c for c, _, _ in imports("app/x.py", text)] == [(f"app.{n}",) for n in "abcdefgh"]


def test_a_line_of_unclosed_regex_literals_is_scanned_in_linear_time():
    # each `/` after `(` may start a regex literal; `[` opens a class that never closes on the
    # line: trying each one to the line's end would take hours on a minified file this long
    text = "(/[" * 300_000 + '\nimport x from "./after";\n'
    assert [c for c, _, _ in imports("web/x.js", text)] == [("web/after", "web/after/index")]


def test_an_unterminated_string_ends_at_its_line():
    text = 'const a = "unterminated\nconst b = \'also\nimport x from "./x";\n'
    assert [c for c, _, _ in imports("web/y.js", text)] == [("web/x", "web/x/index")]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("\"'`/\\*()[];.\n\r import from require export type x $ é")),
               max_size=200))
def test_any_text_scans_without_error_and_spans_stay_on_their_lines(text):
    for path in ("web/a.ts", "app/a.py"):
        found = read_imports(path, text, NAMER)
        lines = SourceText(text).lines
        for s in found.statements:
            assert 0 <= s.span.line < len(lines) and 0 <= s.span.column <= s.span.end_column <= len(lines[s.span.line])
