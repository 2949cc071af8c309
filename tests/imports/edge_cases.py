"""Small import-contract cases, one contract and one subpackage of `edge` each, for the
differential test against import-linter: what each tool says, and why where they differ
(docs/rule-format.md, "Differences from import-linter")."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .conftest import corpus_tools

Contract = corpus_tools.Contract


@dataclass(frozen=True)
class Case:
    contract: Contract
    files: dict[str, str]  # path under edge/<case>/ -> text
    lint_broken: bool
    ours_broken: bool
    # the documented differences in the violations: indirect (importer, line) starts only
    # import-linter reports; direct (importer, imported, line) only one of them reports
    indirect_only_lint: frozenset[tuple[str, int]] = field(default_factory=frozenset)
    direct_only_lint: frozenset[tuple[str, str, int]] = field(default_factory=frozenset)
    direct_only_ours: frozenset[tuple[str, str, int]] = field(default_factory=frozenset)


def layers(case: str, *names: str, ignore: tuple[str, ...] = ()) -> Contract:
    return Contract(case.upper(), case, "layers", {"modules": [f"edge.{case}.{n}" for n in names]}, ignore)


def forbidden(case: str, sources: list[str], targets: list[str], ignore: tuple[str, ...] = ()) -> Contract:
    return Contract(case.upper(), case, "forbidden", {"from": [f"edge.{case}.{s}" for s in sources],
                                                      "to": [f"edge.{case}.{t}" for t in targets]}, ignore)


CASES = [
    # a chain through another layer is the other layer's violation, in both tools
    Case(layers("through_layer", "high", "mid", "low"),
         {"low/a.py": "from edge.through_layer.mid import m\n", "mid/m.py": "import edge.through_layer.high.h\n",
          "high/h.py": ""}, True, True),
    # a file with a direct violation gets no indirect finding for the same layer;
    # import-linter lists the chain too (and every chain, not only the first per file)
    Case(layers("direct_and_chain", "high", "low"),
         {"low/a.py": "import edge.direct_and_chain.kernel.u\nimport edge.direct_and_chain.high.h\n",
          "low/b.py": "import edge.direct_and_chain.kernel.u\nimport edge.direct_and_chain.kernel.v\n",
          "kernel/u.py": "import edge.direct_and_chain.high.h\n",
          "kernel/v.py": "import edge.direct_and_chain.high.g\n",
          "high/h.py": "", "high/g.py": ""}, True, True,
         frozenset({("edge.direct_and_chain.low.a", 1), ("edge.direct_and_chain.low.b", 2)})),
    # forbidden: a chain through another source module is that module's violation only
    Case(forbidden("through_source", ["a", "b"], ["x"]),
         {"a/m.py": "import edge.through_source.b.n\n", "b/n.py": "import edge.through_source.x.y\n", "x/y.py": ""},
         True, True, frozenset({("edge.through_source.a.m", 1)})),
    # an ignore entry names packages in archrules (everything below them), exact modules in import-linter
    Case(forbidden("ignore_package", ["src"], ["dst"], ignore=("edge.ignore_package.src -> edge.ignore_package.dst",)),
         {"src/m.py": "import edge.ignore_package.dst.t\n", "dst/t.py": ""}, True, False),
    Case(forbidden("ignore_module", ["src"], ["dst"], ignore=("edge.ignore_module.src.m -> edge.ignore_module.dst.t",)),
         {"src/m.py": "import edge.ignore_module.dst.t\n", "dst/t.py": ""}, False, False),
    # `from package import NAME` (NAME defined in the package) imports the package
    Case(layers("from_name", "high", "low"),
         {"high/__init__.py": "THING = 1\n", "low/a.py": "from edge.from_name.high import THING\n"}, True, True),
    # relative imports, a package imported as a name, try/except, class-body and star imports
    Case(layers("relative", "high", "low"),
         {"low/a.py": "from ..high import h\n", "low/b.py": "from .. import high\n",
          "low/c.py": "try:\n    import edge.relative.high.h\nexcept ImportError:\n    h = None\n",
          "low/d.py": "class C:\n    import edge.relative.high.h as alias\n",
          "low/e.py": "from edge.relative.high.h import *\n", "high/h.py": ""}, True, True),
    # TYPE_CHECKING: left out (typing.TYPE_CHECKING, an alias, inside a function); counted
    # in `else:`, under `if not`, and when combined with another condition
    Case(layers("type_checking", "high", "low"),
         {"low/a.py": "import typing\nif typing.TYPE_CHECKING:\n    import edge.type_checking.high.h\n",
          "low/b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    pass\nelse:\n"
                      "    import edge.type_checking.high.h\n",
          "low/c.py": "from typing import TYPE_CHECKING\ndef f():\n    if TYPE_CHECKING:\n"
                      "        import edge.type_checking.high.h\n",
          "low/d.py": "from typing import TYPE_CHECKING\nif not TYPE_CHECKING:\n    import edge.type_checking.high.h\n",
          "low/e.py": "import typing as t\nif t.TYPE_CHECKING:\n    import edge.type_checking.high.h\n",
          "low/f.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING and True:\n"
                      "    import edge.type_checking.high.h\n",
          "high/h.py": ""}, True, True),
    # protected: reached through an allowed module is fine; a direct import is not
    Case(Contract("PROTECTED", "protected", "protected",
                  {"modules": ["edge.protected.core"], "allowed": ["edge.protected.gate"]}),
         {"gate/g.py": "from edge.protected.core import c\n", "outside/o.py": "import edge.protected.gate.g\n",
          "outside/p.py": "from ..core import c\n", "core/c.py": ""}, True, True),
    # independent: a chain through a third independent module is that module's violation
    Case(Contract("INDEPENDENT", "independent", "independent",
                  {"modules": [f"edge.independent.{x}" for x in ("a", "b", "c")]}),
         {"a/m.py": "import edge.independent.shared.s\n", "shared/s.py": "import edge.independent.b.n\n",
          "b/n.py": "", "c/k.py": "import edge.independent.a.m\n"}, True, True),
    # relative imports in an __init__.py (its own package); `import a.b.NAME` (an error when
    # run): archrules names `a.b.NAME`, import-linter the module `a.b`
    Case(layers("init_relative", "high", "low"),
         {"low/__init__.py": "from ..high import h\n", "low/sub/__init__.py": "from ... import high\n",
          "low/a.py": "import edge.init_relative.high.h.THING\n", "high/h.py": "THING = 1\n"}, True, True,
         direct_only_lint=frozenset({("edge.init_relative.low.a", "edge.init_relative.high.h", 1)}),
         direct_only_ours=frozenset({("edge.init_relative.low.a", "edge.init_relative.high.h.THING", 1)})),
    # a chain whose hop is a TYPE_CHECKING import is no chain
    Case(layers("type_only_hop", "high", "low"),
         {"low/a.py": "import edge.type_only_hop.kernel.u\n",
          "kernel/u.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import edge.type_only_hop.high.h\n",
          "high/h.py": ""}, False, False),
    # external modules: aliases, `from x import name`, submodules of a forbidden package
    # (import-linter names the top-level package, archrules the module imported)
    Case(Contract("EXTERNAL", "external", "forbidden", {"from": ["edge.external.src"], "to": ["subprocess", "os"]}),
         {"src/a.py": "import subprocess as sp\n", "src/b.py": "from subprocess import run\n",
          "src/c.py": "import os.path\n", "src/d.py": "from os import path\n"}, True, True,
         direct_only_lint=frozenset({("edge.external.src.c", "os", 1)}),
         direct_only_ours=frozenset({("edge.external.src.c", "os.path", 1)})),
    # `from` and `to` overlapping: import-linter skips the pair entirely
    Case(Contract("OVERLAP", "overlap", "forbidden", {"from": ["edge.overlap"], "to": ["edge.overlap.tasks"]}),
         {"api/a.py": "import edge.overlap.tasks.t\n", "tasks/t.py": "import edge.overlap.tasks.u\n",
          "tasks/u.py": ""}, False, True),
    # an import written over several lines: archrules' finding is on the imported name's
    # line, import-linter names the statement's first line
    Case(layers("multiline", "high", "low"),
         {"low/a.py": "from edge.multiline.high import (\n    h,\n)\n", "high/h.py": ""}, True, True,
         direct_only_lint=frozenset({("edge.multiline.low.a", "edge.multiline.high.h", 1)}),
         direct_only_ours=frozenset({("edge.multiline.low.a", "edge.multiline.high.h", 2)})),
    # a folder without __init__.py inside the package: a module by its path for archrules;
    # grimp reads only packages with __init__.py below the top one
    Case(layers("namespace", "high", "low"),
         {"low/plain/x.py": "import edge.namespace.high.h\n", "high/h.py": ""}, False, True),
    # importlib.import_module("literal") is an import for archrules; grimp does not read it
    Case(forbidden("importlib", ["src"], ["dst"]),
         {"src/m.py": "import importlib\nPLUGIN = importlib.import_module('edge.importlib.dst.t')\n", "dst/t.py": ""},
         False, True),
]


# import-linter counts TYPE_CHECKING imports for all contracts or none: a project of its own
TYPE_CHECKING_CASES = [
    Case(Contract("COUNTED", "counted", "layers", {"modules": ["edge.counted.high", "edge.counted.low"]},
                  type_checking=True),
         {"low/a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..high import h\n",
          "high/h.py": ""}, True, True),
]


# a package whose name is one of the folders a scan skips by default (build, dist, ...)
EXCLUDED_NAME_CASES = [
    Case(layers("skipped_names", "high", "low"),
         {"low/build/step.py": "import edge.skipped_names.high.h\n",
          "low/a.py": "import edge.skipped_names.kernel.dist.pack\n",
          "kernel/dist/pack.py": "import edge.skipped_names.high.h\n", "high/h.py": ""}, True, True),
]


def write_project(root: Path, cases: list[Case]) -> None:
    """`root/edge/<case>/...` with an `__init__.py` in every folder but those named
    `plain`, and both tools' configs."""
    files = {f"edge/{c.contract.name}/{path}": text for c in cases for path, text in c.files.items()}
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    edge = root / "edge"
    for module in list(edge.rglob("*.py")):
        for folder in module.relative_to(edge).parents:
            if folder.name != "plain":  # a namespace folder: no __init__.py
                (edge / folder / "__init__.py").touch()
    contracts = [c.contract for c in cases]
    (root / ".architecture-rules").mkdir()
    (root / ".architecture-rules/imports.yaml").write_text(corpus_tools.archrules_yaml(contracts), encoding="utf-8")
    (root / ".importlinter").write_text(corpus_tools.importlinter_ini(contracts, root="edge"), encoding="utf-8")
