"""Module names: how contracts name the files they speak of.

Python: the root-relative path as a dotted name (`app/api/v1/jobs.py` -> `app.api.v1.jobs`,
`app/api/__init__.py` -> `app.api`), with the first matching source root stripped
(`src/app/x.py` -> `app.x` with the default source roots `("src",)`).
JavaScript/TypeScript: the root-relative path without its extension
(`static/admin/js/api.ts` -> `static/admin/js/api`); source roots do not apply.

A name covers itself and everything below it: `app.api` covers `app.api.v1.jobs`,
`static/admin` covers `static/admin/js/api`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

PYTHON_SUFFIXES = (".py", ".pyi")
JS_SUFFIXES = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")
DEFAULT_SOURCE_ROOTS = ("src",)

PYTHON = "python"
JAVASCRIPT = "javascript"


@dataclass(frozen=True, slots=True)
class Module:
    name: str
    language: str  # PYTHON or JAVASCRIPT
    is_package: bool = False  # a Python `__init__.py`: its relative imports start from itself


def covers(prefix: str, name: str) -> bool:
    """Does the module name `prefix` cover `name` (itself or a submodule)?"""
    if not name.startswith(prefix):
        return False
    if len(name) == len(prefix):
        return True
    return name[len(prefix)] == ("/" if "/" in name else ".")


@lru_cache(maxsize=16384)
def ancestors(name: str) -> frozenset[str]:
    """Every name covering `name` (itself included): `covers(p, name)` is `p in ancestors(name)`.
    Cached: contracts ask about the same few thousand names over and over."""
    sep = "/" if "/" in name else "."
    found = {name}
    at = name.find(sep)
    while at >= 0:
        found.add(name[:at])
        at = name.find(sep, at + 1)
    return frozenset(found)


def covered(prefixes: Iterable[str], name: str) -> bool:
    return not ancestors(name).isdisjoint(prefixes)


class Cover:
    """Module names as a membership test: does one of them cover a name?"""

    __slots__ = ("names",)

    def __init__(self, names: Iterable[str]):
        self.names = frozenset(names)

    def __call__(self, name: str) -> bool:
        return not ancestors(name).isdisjoint(self.names)


def longest_cover(prefixes: Iterable[str], name: str) -> str | None:
    """The most specific of `prefixes` covering `name` (None: none does)."""
    best = None
    above = ancestors(name)
    for p in prefixes:
        if p in above and (best is None or len(p) > len(best)):
            best = p
    return best


def strip_js_suffix(path: str) -> str:
    for suffix in JS_SUFFIXES:
        if path.endswith(suffix):
            return path[: -len(suffix)]
    return path


_NAMES_KNOWN = 1 << 16


@dataclass(frozen=True)
class ModuleNamer:
    """Root-relative paths -> module names. `source_roots`: folders whose Python files are
    named from the folder itself (`src`, `backend`); `.` is the root. The longest matching
    root wins; a Python file under none is named from the root."""

    source_roots: tuple[str, ...] = DEFAULT_SOURCE_ROOTS
    # answers so far: a check asks about each file several times (graph, plan, findings)
    _known: dict[str, Module | None] = field(default_factory=dict, compare=False, repr=False)

    def module_of(self, path: str) -> Module | None:
        """The module a file is, or None for a file of another language."""
        known = self._known
        if path in known:
            return known[path]
        if len(known) >= _NAMES_KNOWN:  # a long editor session: paths come and go
            known.clear()
        found = known[path] = self._module_of(path)
        return found

    def _module_of(self, path: str) -> Module | None:
        if path.endswith(PYTHON_SUFFIXES):
            return self._python_module(path)
        if path.endswith(JS_SUFFIXES):
            name = strip_js_suffix(path)
            return Module(name, JAVASCRIPT) if name and not name.endswith("/") else None
        return None

    def _python_module(self, path: str) -> Module | None:
        rel = path
        best = ""
        for root in self.source_roots:
            root = root.strip("/")
            if root in ("", ".") or (path.startswith(root + "/") and len(root) > len(best)):
                best = root if root not in ("", ".") else best
        if best:
            rel = path[len(best) + 1:]
        parts = rel.rsplit(".", 1)[0].split("/")
        is_package = parts[-1] == "__init__"
        if is_package:
            parts.pop()
        if not parts or not all(parts):
            return None
        return Module(".".join(parts), PYTHON, is_package)
