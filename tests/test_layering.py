"""The import layering of docs/architecture.md, checked statically on every module of archrules_lsp/.

Every import statement counts wherever it is: at module level, inside functions (the CLI's lazy imports),
under `if TYPE_CHECKING:`, relative or absolute. `importlib.import_module("...")` with a constant name counts
too. That the CLI does not load pygls at run time is tested in tests/cli/test_imports.py.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = "archrules_lsp"
PACKAGE_DIR = Path(__file__).resolve().parents[1] / PACKAGE
REPO = PACKAGE_DIR.parent
AREAS = ("engine", "project", "cli", "server")
LSP_LIBRARIES = ("pygls", "lsprotocol")
# `archrules lsp` starts the language server: the one CLI module allowed to import it.
CLI_LSP_COMMAND = f"{PACKAGE}.cli.main"


@dataclass(frozen=True)
class Import:
    path: Path  # the importing file
    line: int
    importer: str  # dotted name of the importing module
    imported: str  # absolute dotted name of what it imports

    def area_of_importer(self) -> str:
        return _area(self.importer)

    def where(self) -> str:
        return f"{self.path.relative_to(REPO).as_posix()}:{self.line}: imports {self.imported}"


def _area(dotted: str) -> str:
    """engine/project/cli/server for our modules, "<root>" for archrules_lsp itself, "" for other packages."""
    parts = dotted.split(".")
    if parts[0] != PACKAGE:
        return ""
    return parts[1] if len(parts) > 1 and parts[1] in AREAS else "<root>"


def _module_name(path: Path) -> tuple[str, str]:
    """The module's dotted name and the package its relative imports start from."""
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
        return ".".join(parts), ".".join(parts)
    return ".".join(parts), ".".join(parts[:-1])


def _resolve(node: ast.ImportFrom, package: str) -> str:
    if node.level == 0:
        return node.module or ""
    base = package.split(".")
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _imported_names(node: ast.AST, package: str) -> Iterator[str]:
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
    elif isinstance(node, ast.ImportFrom):
        module = _resolve(node, package)
        yield module
        # `from .. import server` imports the subpackage archrules_lsp.server.
        yield from (f"{module}.{alias.name}" for alias in node.names if alias.name != "*")
    elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "import_module"
          and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
        yield node.args[0].value


def scan_imports(package_dir: Path = PACKAGE_DIR) -> list[Import]:
    found = []
    for path in sorted(package_dir.rglob("*.py")):
        importer, package = _module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            found.extend(Import(path, node.lineno, importer, name) for name in _imported_names(node, package))
    return found


def _violations(imports: list[Import], importer_areas: tuple[str, ...], is_forbidden: Callable[[Import], bool]) -> str:
    first_per_statement: dict[tuple[Path, int], Import] = {}
    for imp in imports:
        if imp.area_of_importer() in importer_areas and is_forbidden(imp):
            first_per_statement.setdefault((imp.path, imp.line), imp)
    return "\n".join(sorted(imp.where() for imp in first_per_statement.values()))


@pytest.fixture(scope="module")
def imports() -> list[Import]:
    return scan_imports()


def test_the_scan_sees_every_area_and_the_lazy_server_import(imports):
    # Guards the contracts below against passing because the scan missed something.
    assert {imp.area_of_importer() for imp in imports} >= set(AREAS)
    lazy = [imp for imp in imports if imp.importer == CLI_LSP_COMMAND and _area(imp.imported) == "server"]
    assert lazy, f"{CLI_LSP_COMMAND} no longer imports the server: update CLI_LSP_COMMAND in this test"


def test_engine_imports_nothing_of_ours_outside_the_engine(imports):
    bad = _violations(imports, ("engine",), lambda imp: _area(imp.imported) not in ("", "engine"))
    assert not bad, f"the engine must import nothing of archrules_lsp outside engine/:\n{bad}"


def test_project_imports_neither_shell(imports):
    bad = _violations(imports, ("project",), lambda imp: _area(imp.imported) in ("cli", "server"))
    assert not bad, f"project/ must import neither the CLI nor the server:\n{bad}"


def test_cli_imports_the_server_only_for_archrules_lsp(imports):
    bad = _violations(imports, ("cli",),
                      lambda imp: _area(imp.imported) == "server" and imp.importer != CLI_LSP_COMMAND)
    assert not bad, f"only {CLI_LSP_COMMAND} (`archrules lsp`) may import the server:\n{bad}"


def test_engine_project_and_cli_import_no_lsp_library(imports):
    bad = _violations(imports, ("engine", "project", "cli"),
                      lambda imp: imp.imported.split(".")[0] in LSP_LIBRARIES)
    assert not bad, f"engine/, project/ and cli/ must not import {' or '.join(LSP_LIBRARIES)}:\n{bad}"
