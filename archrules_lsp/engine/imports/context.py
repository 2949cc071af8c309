"""`ImportContext`: what a Checker needs for import contracts beyond the file it checks.

    context = ImportContext(graph, ModuleNamer(source_roots=("src",)))
    checker = Checker(ruleset, options, imports=context)
    context.graph.set_module(name, path, statements)   # a file changed: its imports, nothing else

The graph holds the other files' imports (for indirect chains); the checked file's
own imports always come from the text being checked, so a check is exact whatever
the graph says about that file. Without a graph (an empty one) only direct imports
are reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Span
from ..python_source import PARSE_ERRORS, parse_python
from ..text import SourceText
from .contracts import ChainCache
from .graph import ImportGraph, ImportStatement, TextDigest, text_digest
from .javascript import js_imports
from .modules import JAVASCRIPT, Module, ModuleNamer
from .python import python_imports


@dataclass
class ImportContext:
    graph: ImportGraph = field(default_factory=ImportGraph)
    namer: ModuleNamer = field(default_factory=ModuleNamer)
    chains: ChainCache = field(default_factory=ChainCache)


@dataclass(frozen=True)
class FileImports:
    """One file's imports, as the graph keeps them."""

    module: Module
    path: str
    statements: tuple[ImportStatement, ...]
    parses: bool = True  # False: a Python file with a syntax error (no imports known)
    digest: TextDigest | None = None  # `text_digest` of the text read (None when it does not parse)

    def add_to(self, graph: ImportGraph) -> None:
        graph.set_module(self.module.name, self.path, self.statements, self.digest)

    def pack(self) -> tuple:
        """Plain tuples, quick to pickle (from a worker process); `unpack` makes it again."""
        return (self.path, self.parses, self.digest,
                tuple((s.candidates, s.span.line, s.span.column, s.span.end_line, s.span.end_column,
                       s.type_checking) for s in self.statements))

    @staticmethod
    def unpack(namer: ModuleNamer, packed: tuple) -> FileImports:
        path, parses, digest, statements = packed
        module = namer.module_of(path)
        assert module is not None  # packed from a module's imports
        return FileImports(module, path, tuple(ImportStatement(names, Span(line, col, end_line, end_col), checking)
                                               for names, line, col, end_line, end_col, checking in statements),
                           parses, digest)


def read_imports(path: str, text: str, namer: ModuleNamer) -> FileImports | None:
    """The imports of one file (None: not a Python or JavaScript/TypeScript file)."""
    module = namer.module_of(path)
    if module is None:
        return None
    src = SourceText(text)
    if module.language == JAVASCRIPT:
        return FileImports(module, path, tuple(js_imports(src, module)), digest=text_digest(text))
    if "import" not in text:  # every form needs the word: no parse
        return FileImports(module, path, (), digest=text_digest(text))
    try:
        tree = parse_python(src.normalized)
    except PARSE_ERRORS:
        return FileImports(module, path, (), parses=False)
    return FileImports(module, path, tuple(python_imports(tree, src.lines, module)), digest=text_digest(text))
