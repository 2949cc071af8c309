"""A JavaScript/TypeScript file's imports: `import ... from "x"`, `import "x"`,
`export ... from "x"`, `require("x")` and `import("x")` with a literal specifier.

One pass of a tokenizer (Python `re` with linear-time alternatives only: no
backtracking into nested repetitions) that knows comments, strings, template
literals and regex literals, so none of them yields a false import. `import type`
and `export type` imports are marked like Python's TYPE_CHECKING imports (they
vanish at run time). Template literals are skipped whole, `${...}` included.
"""

from __future__ import annotations

import collections
import posixpath
import re
from collections.abc import Iterator

from ..model import Span
from ..text import SourceText, line_of_offset, line_starts
from .graph import ImportStatement
from .modules import Module, strip_js_suffix

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<comment>//[^\r\n]*|/\*(?:[^*]|\*(?!/))*(?:\*/)?)
  | (?P<string>"(?:[^"\\\r\n]|\\.)*"|'(?:[^'\\\r\n]|\\.)*')
  | (?P<quote>["'])
  | (?P<template>`(?:[^`\\]|\\.)*`?)
  | (?P<word>[\w$]+)
  | (?P<slash>/)
  | (?P<other>[(.;]|[^\s/"'`\w$(.;]+)
""", re.VERBOSE | re.DOTALL)
# Where an import form may be (a keyword then a quote): the scan stops after the last one.
_CANDIDATE = re.compile(r"""(?:\bfrom|\bimport)\s*["']|\b(?:require|import)\s*\(\s*["']""")
# A regex literal, tried where a `/` cannot be division (at the start of an expression).
_REGEX = re.compile(r"/(?:[^/\\\r\n\[]|\\.|\[(?:[^\]\\\r\n]|\\.)*\])+/[A-Za-z]*")
# After these a `/` starts a regex literal; after anything else it divides.
_EXPRESSION_START = frozenset("(,=:[!&|?{};+-*%<>~^")
_KEYWORDS_BEFORE_EXPRESSION = frozenset({"return", "typeof", "case", "do", "else", "in", "of", "new", "delete",
                                         "void", "throw", "yield", "await", "instanceof"})


def js_imports(src: SourceText, module: Module) -> list[ImportStatement]:
    """Every import of the file with a literal specifier, in the order written."""
    text = src.normalized
    starts = line_starts(text)  # code-point offsets (SourceText.line_starts counts bytes)
    out = []
    for specifier, start, type_only in _specifiers(text):
        candidates = _resolve(specifier, module.name)
        if candidates:
            line = line_of_offset(starts, start)
            column = start - starts[line]
            out.append(ImportStatement(candidates, Span(line, column, line, column + len(specifier)), type_only))
    return out


def _tokens(text: str, size: int) -> Iterator[tuple[str, str, int]]:
    """(kind, text, offset) of every significant token of `text[:size]`; comments and spaces left out."""
    pos = 0
    previous = ""  # the last significant token, to tell a regex literal from a division
    no_regex_before = 0  # after a failed attempt, none until the next line: each attempt may read
    while pos < size:    # to the line's end, and a line of `(/[` repeated would be quadratic
        if text[pos] == "/" and pos >= no_regex_before and _regex_allowed(previous):
            m = _REGEX.match(text, pos)
            if m is not None:
                pos = m.end()
                previous = "regex"
                yield "regex", m.group(), m.start()
                continue
            line_end = text.find("\n", pos)
            no_regex_before = size if line_end < 0 else line_end
        m = _TOKEN.match(text, pos)
        assert m is not None  # every character starts some token
        pos = m.end()
        kind = m.lastgroup or "other"
        if kind in ("space", "comment"):
            continue
        value = m.group()
        previous = value if kind == "word" else value[-1] if kind in ("other", "slash") else kind
        yield kind, value, m.start()


def _regex_allowed(previous: str) -> bool:
    return previous == "" or previous in _EXPRESSION_START or previous in _KEYWORDS_BEFORE_EXPRESSION


def _specifiers(text: str) -> Iterator[tuple[str, int, bool]]:
    """(specifier, its offset, type-only) for each import form, from a window of four tokens."""
    last = collections.deque(_CANDIDATE.finditer(text), maxlen=1)
    if not last:  # no import form anywhere: nothing to scan
        return
    line_end = text.find("\n", last[0].end())
    window: list[tuple[str, str, int]] = []
    type_only = False
    for token in _tokens(text, len(text) if line_end < 0 else line_end):  # up to the last candidate's line
        window = [*window[-3:], token]
        kind, value, offset = token
        if kind == "word" and value == "type" and len(window) > 1 and window[-2][1] in ("import", "export"):
            type_only = True
        elif kind == "other" and value == ";":
            type_only = False
        if kind != "string":
            continue
        found = _specifier_form(window)
        if found:
            yield value[1:-1], offset + 1, type_only and found == "from"
            if found == "from":
                type_only = False


def _specifier_form(window: list[tuple[str, str, int]]) -> str | None:
    """Which import form ends with the string token at the end of `window`, if any."""
    before = [(k, v) for k, v, _ in window[:-1]]
    if before and before[-1] == ("word", "from"):
        return "from"
    if before and before[-1] == ("word", "import") and not _member(before[:-1]):
        return "import"
    if len(before) >= 2 and before[-1] == ("other", "(") and before[-2][1] in ("require", "import") \
            and before[-2][0] == "word" and not _member(before[:-2]):
        return "call"
    return None


def _member(before: list[tuple[str, str]]) -> bool:
    """Is the word that follows `before` a property (`x.require`)?"""
    return bool(before) and before[-1] == ("other", ".")


def _resolve(specifier: str, importer: str) -> tuple[str, ...]:
    """Module-name candidates, most specific first: `./x` from `web/a` -> (`web/x`, `web/x/index`);
    a package name (`react`, `@scope/pkg/sub`) as written; nothing for one that leaves the root."""
    if not specifier:
        return ()
    if not specifier.startswith((".", "/")):
        return (specifier,)
    base = posixpath.dirname(importer) if not specifier.startswith("/") else ""
    joined = posixpath.normpath(posixpath.join(base, specifier.lstrip("/") if not base else specifier))
    if joined.startswith("..") or joined in (".", ""):
        return ()
    name = strip_js_suffix(joined)
    return (name, f"{name}/index")
