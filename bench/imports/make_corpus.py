#!/usr/bin/env python3
"""A generated Python package for import contracts: the same contracts written for
`archrules` and for import-linter, and violations planted where we know them.

    python bench/imports/make_corpus.py --out DIR [--modules 5000] [--seed 7] [--big-lines 0]

DIR gets `corp/` (exactly --modules `.py` files, `__init__.py` included),
`.architecture-rules/imports.yaml` (20 contracts), `.importlinter` (the same 20) and
`manifest.json` (what was planted, which contracts each tool should find broken).

The tree: layers `corp.api` > `corp.services` > `corp.tasks` > `corp.models`; the
plugins `corp.plugins.{alpha,beta,gamma,delta}`; the shared kernel `corp.util` (outside
the layers, imports nothing of the project). Normal modules import only downward (their
own subpackage, lower layers, `corp.util`, the standard library) in every import style
(`import a.b`, `from a import b`, `from a.b import NAME`, relative). Planted modules are
never imported by anything, so each planted violation is the only one it causes.
`--big-lines` pads one model module (under 5 of the contracts) to that many lines: the editor
bench's file.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

LAYERS = ("api", "services", "tasks", "models")
PLUGINS = ("alpha", "beta", "gamma", "delta")
INDEPENDENT = PLUGINS[:3]
WEIGHTS = {"api": 15, "services": 25, "tasks": 20, "models": 25, "plugins": 8, "util": 7}
PACKAGE_SIZE = 40
MIN_SUBPACKAGES = 4
STDLIB = ("json", "os", "dataclasses", "functools", "collections", "typing", "itertools")
SPECIAL_SIZE = 6  # modules in each of corp.api.billing, corp.services.billing, corp.api.extensions


@dataclass
class Plant:
    kind: str
    contract: str | None  # None: must not be a violation
    chain: list[str]      # importer, hops..., imported
    direct: bool


@dataclass
class Corpus:
    rng: random.Random
    modules: dict[str, list[str]] = field(default_factory=dict)  # name -> its lines
    normal: dict[str, list[str]] = field(default_factory=dict)   # group -> normal modules
    plants: list[Plant] = field(default_factory=list)

    def target(self, group: str) -> str:
        return self.rng.choice(self.normal[group])

    def package(self, name: str) -> None:
        self.modules.setdefault(f"{name}.__init__", [f'"""{name}."""'])

    def add(self, name: str, lines: list[str]) -> None:
        parts = name.split(".")
        for i in range(1, len(parts)):
            self.package(".".join(parts[:i]))
        self.modules[name] = lines


# ------------------------------------------------------------------ import styles

def package_of(module: str) -> list[str]:
    return module.split(".")[:-1]


def relative(importer: str, imported: str) -> str:
    """`from ..x import y` for `imported`, seen from the module `importer`."""
    base, target = package_of(importer), imported.split(".")
    common = 0
    while common < min(len(base), len(target) - 1) and base[common] == target[common]:
        common += 1
    dots = "." * (len(base) - common + 1)
    return f"from {dots}{'.'.join(target[common:-1])} import {target[-1]}"


def import_line(rng: random.Random, importer: str, imported: str, n: int) -> str:
    style = rng.randrange(4)
    head, _, last = imported.rpartition(".")
    if style == 0:
        return f"import {imported}"
    if style == 1:
        return f"from {head} import {last}"
    if style == 2:
        return f"from {imported} import VALUE as value_{n}"
    return relative(importer, imported)


def body(n: int) -> list[str]:
    return ["", f"VALUE = {n}", "", "", f"def handle_{n}(payload):",
            f"    return {{'id': {n}, 'payload': payload, 'value': VALUE}}", "", "",
            f"class Record{n}:", f"    kind = 'record-{n}'", ""]


def module_text(rng: random.Random, name: str, imported: list[str], n: int) -> list[str]:
    lines = [f'"""{name}: generated."""']
    lines += [f"import {m}" for m in sorted(rng.sample(STDLIB, 2))]
    lines += [import_line(rng, name, target, i) for i, target in enumerate(imported)]
    return lines + body(n)


# ------------------------------------------------------------------ the normal tree

def group_packages(group: str) -> list[str]:
    if group == "plugins":
        return [f"corp.plugins.{p}" for p in PLUGINS]
    if group == "util":
        return ["corp.util"]
    return [f"corp.{group}.pkg{k:02}" for k in range(MIN_SUBPACKAGES)]


def layout(total: int, fixed: int) -> dict[str, list[str]]:
    """Subpackage -> its number of normal modules, so that the corpus has `total` files."""
    room = total - fixed
    sizes = {g: room * w // sum(WEIGHTS.values()) for g, w in WEIGHTS.items()}
    packages: dict[str, list[str]] = {}
    for group, size in sizes.items():
        names = group_packages(group)
        if group in LAYERS:
            count = max(MIN_SUBPACKAGES, math.ceil(size / PACKAGE_SIZE))
            names = [f"corp.{group}.pkg{k:02}" for k in range(count)]
        packages[group] = names
    inits = sum(len(v) for g, v in packages.items() if g != "util")
    modules = room - inits
    if modules < 10 * len(packages):
        raise SystemExit(f"--modules {total} is too small for this layout")
    per_group = {g: modules * w // sum(WEIGHTS.values()) for g, w in WEIGHTS.items()}
    per_group["models"] += modules - sum(per_group.values())
    return {g: spread(packages[g], per_group[g]) for g in packages}


def spread(packages: list[str], count: int) -> list[str]:
    """`count` module names over `packages`, round robin."""
    return [f"{packages[i % len(packages)]}.m{i // len(packages):03}" for i in range(count)]


def lower_groups(group: str) -> tuple[str, ...]:
    if group in LAYERS:
        return LAYERS[LAYERS.index(group) + 1:] + ("util",)
    return ("models", "util") if group == "plugins" else ()


def imports_of(corpus: Corpus, name: str, group: str) -> list[str]:
    """Downward only: earlier modules of the same package, lower layers, the kernel."""
    rng, package = corpus.rng, name.rpartition(".")[0]
    siblings = [m for m in corpus.normal[group] if m.rpartition(".")[0] == package and m < name]
    chosen = rng.sample(siblings, min(len(siblings), rng.randint(0, 2)))
    for lower in lower_groups(group):
        if corpus.normal[lower] and rng.random() < 0.8:
            chosen.append(corpus.target(lower))
    return list(dict.fromkeys(chosen))


def add_normal(corpus: Corpus, groups: dict[str, list[str]]) -> None:
    corpus.normal = groups
    n = 0
    for group, names in groups.items():
        for name in names:
            n += 1
            corpus.add(name, module_text(corpus.rng, name, imports_of(corpus, name, group), n))


# ------------------------------------------------------------------ special packages

def add_billing(corpus: Corpus) -> None:
    """corp.services.billing (protected) is imported by corp.api.billing only;
    corp.api.extensions is the only importer of the plugins."""
    rng = corpus.rng
    billing = [f"corp.services.billing.m{i:03}" for i in range(SPECIAL_SIZE)]
    for i, name in enumerate(billing):
        corpus.add(name, module_text(rng, name, billing[:i][-1:] + [corpus.target("models")], 900 + i))
    for i in range(SPECIAL_SIZE):
        name = f"corp.api.billing.m{i:03}"
        corpus.add(name, module_text(rng, name, [rng.choice(billing), corpus.target("services")], 910 + i))
    for i in range(SPECIAL_SIZE):
        name = f"corp.api.extensions.m{i:03}"
        plugin_targets = [corpus.target("plugins") for _ in range(3)]
        corpus.add(name, module_text(rng, name, plugin_targets, 920 + i))


def plant(corpus: Corpus, kind: str, contract: str | None, chain: list[str], lines: list[str]) -> None:
    """One planted module (chain[0]) whose import lines are `lines`; the hops of an
    indirect chain each import the next."""
    importer = chain[0]
    corpus.add(importer, [f'"""{importer}: planted ({kind})."""', *lines, *body(0)])
    for hop, nxt in zip(chain[1:-1], chain[2:], strict=True):
        corpus.add(hop, [f'"""{hop}: a hop of a planted chain."""', f"import {nxt}", *body(0)])
    corpus.plants.append(Plant(kind, contract, chain, direct=len(chain) == 2))


def plugin_module(corpus: Corpus, plugin: str) -> str:
    return corpus.rng.choice([m for m in corpus.normal["plugins"] if m.startswith(f"corp.plugins.{plugin}.")])


def add_layer_plants(corpus: Corpus, i: int) -> None:
    api, services = corpus.target("api"), corpus.target("services")
    head, _, last = services.rpartition(".")
    plant(corpus, "layers: upward import", "CORP-001", [f"corp.tasks.legacy.up_{i}", api], [f"import {api}"])
    plant(corpus, "layers: from package import module", "CORP-001",
          [f"corp.models.legacy.from_{i}", services], [f"from {head} import {last}"])
    plant(corpus, "layers: import inside a function", "CORP-001", [f"corp.tasks.legacy.in_function_{i}", services],
          ["", "", "def load():", f"    from {services} import VALUE", "", "    return VALUE"])
    importer = f"corp.services.legacy.relative_{i}"
    plant(corpus, "layers: relative import", "CORP-001", [importer, api], [relative(importer, api)])
    hops = [f"corp.util.chains.layers_{i}_{k}" for k in range(1 + i % 3)]  # chains of 2 to 4 imports
    plant(corpus, f"layers: indirect, {len(hops) + 1} imports", "CORP-001",
          [f"corp.models.legacy.chain_{i}", *hops, api], [f"import {hops[0]}"])
    plant(corpus, "layers: TYPE_CHECKING import (not checked)", None, [f"corp.models.legacy.type_checking_{i}", api],
          ["from typing import TYPE_CHECKING", "", "if TYPE_CHECKING:", f"    import {api}"])


def add_forbidden_plants(corpus: Corpus, i: int) -> None:
    plant(corpus, "forbidden: external module, inside a function", "CORP-002",
          [f"corp.models.legacy.subprocess_{i}", "subprocess"],
          ["", "", "def run(command):", "    import subprocess", "", "    return subprocess.run(command)"])
    hop = f"corp.util.chains.shell_{i}"
    plant(corpus, "forbidden: external module, indirect", "CORP-002",
          [f"corp.models.legacy.subprocess_chain_{i}", hop, "subprocess"], [f"from corp.util.chains import shell_{i}"])
    plant(corpus, "forbidden: from package import module", "CORP-003",
          [f"corp.tasks.legacy.plugin_{i}", "corp.plugins.beta"], ["from corp.plugins import beta"])
    delta = plugin_module(corpus, "delta")
    plant(corpus, "forbidden: importlib.import_module (import-linter does not see it)", "CORP-007",
          [f"corp.services.legacy.importlib_{i}", delta],
          ["import importlib", "", f'PLUGIN = importlib.import_module("{delta}")'])


def add_other_plants(corpus: Corpus, i: int) -> None:
    beta, alpha = plugin_module(corpus, "beta"), plugin_module(corpus, "alpha")
    plant(corpus, "independent: direct", "CORP-004",
          [f"corp.plugins.alpha.depends_{i}", beta], [f"from {beta} import VALUE as other"])
    importer, hop = f"corp.plugins.gamma.chain_{i}", f"corp.util.chains.plugins_{i}"
    plant(corpus, "independent: indirect", "CORP-004", [importer, hop, alpha], [relative(importer, hop)])
    billing = f"corp.services.billing.m{i % SPECIAL_SIZE:03}"
    head, _, last = billing.rpartition(".")
    plant(corpus, "protected: direct", "CORP-005", [f"corp.api.pkg00.billing_user_{i}", billing],
          [f"from {head} import {last}"])
    importer = f"corp.api.legacy.billing_relative_{i}"
    plant(corpus, "protected: relative import", "CORP-005", [importer, billing], [relative(importer, billing)])
    plant(corpus, "protected: reached through its API module (allowed)", None,
          [f"corp.api.legacy.through_api_{i}", "corp.api.billing.m000"], ["import corp.api.billing.m000"])


IGNORED_IMPORTER = "corp.tasks.legacy.ignored"


def add_ignored_plant(corpus: Corpus) -> str:
    """An import every contract that forbids it also ignores: no violation anywhere."""
    alpha = plugin_module(corpus, "alpha")
    plant(corpus, "forbidden: ignored import", None, [IGNORED_IMPORTER, alpha], [f"import {alpha}"])
    return f"{IGNORED_IMPORTER} -> {alpha}"


# ------------------------------------------------------------------ the contracts

@dataclass(frozen=True)
class Contract:
    id: str
    name: str
    kind: str    # layers | forbidden | independent | protected
    spec: dict   # layers/independent: {"modules"}; forbidden: {"from", "to"}; protected: {"modules", "allowed"}
    ignore: tuple[str, ...] = ()
    type_checking: bool = False  # TYPE_CHECKING imports count too


def contracts(ignored: str) -> list[Contract]:
    """20 contracts: 7 that the plants break or keep on purpose, 13 kept fillers."""
    found = [
        Contract("CORP-001", "Layers, top to bottom", "layers", {"modules": [f"corp.{x}" for x in LAYERS]}),
        Contract("CORP-002", "Models run no processes", "forbidden", {"from": ["corp.models"], "to": ["subprocess"]}),
        Contract("CORP-003", "Tasks do not use plugins", "forbidden",
                 {"from": ["corp.tasks"], "to": ["corp.plugins"]}, (ignored,)),
        Contract("CORP-004", "Plugins are independent", "independent",
                 {"modules": [f"corp.plugins.{p}" for p in INDEPENDENT]}),
        Contract("CORP-005", "Billing is reached only through its API module", "protected",
                 {"modules": ["corp.services.billing"], "allowed": ["corp.api.billing", "corp.services.billing"]}),
        Contract("CORP-006", "Legacy tasks do not use alpha (one ignored import)", "forbidden",
                 {"from": ["corp.tasks.legacy"], "to": ["corp.plugins.alpha"]}, (ignored,)),
        Contract("CORP-007", "Services do not load the delta plugin", "forbidden",
                 {"from": ["corp.services"], "to": ["corp.plugins.delta"]}),
    ]
    stale = "corp.plugins.alpha.m000 -> corp.api.pkg00.m000"  # an exception that matches no import
    for k, plugin in enumerate(PLUGINS):
        found.append(Contract(f"CORP-{8 + k:03}", f"The {plugin} plugin does not call the API", "forbidden",
                              {"from": [f"corp.plugins.{plugin}"], "to": ["corp.api"]}, (stale,) if k == 0 else ()))
    for k in range(4):
        found.append(Contract(f"CORP-{12 + k:03}", f"Models package {k} does not use services", "forbidden",
                              {"from": [f"corp.models.pkg{k:02}"], "to": ["corp.services"]}))
    for k in range(3):
        found.append(Contract(f"CORP-{16 + k:03}", f"Tasks package {k} does not use the API", "forbidden",
                              {"from": [f"corp.tasks.pkg{k:02}"], "to": ["corp.api"]}))
    found.append(Contract("CORP-019", "Model packages are independent", "independent",
                          {"modules": [f"corp.models.pkg{k:02}" for k in range(3)]}))
    found.append(Contract("CORP-020", "Task packages are independent", "independent",
                          {"modules": [f"corp.tasks.pkg{k:02}" for k in range(2)]}))
    return found


def archrules_yaml(items: list[Contract]) -> str:
    out = ["# Generated by bench/imports/make_corpus.py: the same contracts as .importlinter.", "import_contracts:"]
    for c in items:
        out += [f"  - id: {c.id}", f"    name: {c.name}", "    severity: error", "    imports:"]
        if c.kind in ("layers", "independent"):
            out.append(f"      {c.kind}: [{', '.join(c.spec['modules'])}]")
        elif c.kind == "forbidden":
            out += ["      forbidden:", f"        from: [{', '.join(c.spec['from'])}]",
                    f"        to: [{', '.join(c.spec['to'])}]"]
        else:
            out += ["      protected:", f"        modules: [{', '.join(c.spec['modules'])}]",
                    f"        allowed: [{', '.join(c.spec['allowed'])}]"]
        if c.ignore:
            out.append(f"      ignore: [{', '.join(json.dumps(i) for i in c.ignore)}]")
        if c.type_checking:
            out.append("      type_checking: true")
    return "\n".join(out) + "\n"


INI_KEYS = {"layers": (("layers", "modules"),), "independent": (("modules", "modules"),),
            "forbidden": (("source_modules", "from"), ("forbidden_modules", "to")),
            "protected": (("protected_modules", "modules"), ("allowed_importers", "allowed"))}
INI_TYPES = {"layers": "layers", "independent": "independence", "forbidden": "forbidden", "protected": "protected"}


def importlinter_ini(items: list[Contract], root: str = "corp") -> str:
    """import-linter's config. It decides about TYPE_CHECKING imports for all contracts at
    once: left out, as archrules does by default, unless every contract counts them."""
    type_checking = bool(items) and all(c.type_checking for c in items)
    out = ["[importlinter]", f"root_package = {root}", "include_external_packages = True",
           f"exclude_type_checking_imports = {not type_checking}"]
    for c in items:
        out += ["", f"[importlinter:contract:{c.id}]", f"name = {c.id}", f"type = {INI_TYPES[c.kind]}"]
        for key, field_name in INI_KEYS[c.kind]:
            out += [f"{key} ="] + [f"    {m}" for m in c.spec[field_name]]
        if c.ignore:
            out += ["ignore_imports ="] + [f"    {i}" for i in c.ignore]
            out.append("unmatched_ignore_imports_alerting = warn")  # archrules warns too
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------ building, writing

def build(total: int, seed: int, plants: int, fixed: int) -> tuple[Corpus, str]:
    corpus = Corpus(random.Random(seed))
    for group in ("api", "services", "tasks", "models", "plugins", "util"):
        corpus.package(f"corp.{group}")
    add_normal(corpus, layout(total, fixed))
    add_billing(corpus)
    for i in range(plants):
        add_layer_plants(corpus, i)
        add_forbidden_plants(corpus, i)
        add_other_plants(corpus, i)
    return corpus, add_ignored_plant(corpus)


def build_exactly(total: int, seed: int, plants: int) -> tuple[Corpus, str]:
    """The corpus with exactly `total` files: the fixed part (specials, plants, package
    files) is measured, then the normal modules fill the rest."""
    fixed = 0
    for _ in range(10):
        corpus, ignored = build(total, seed, plants, fixed)
        if len(corpus.modules) == total:
            return corpus, ignored
        fixed += len(corpus.modules) - total
    raise SystemExit(f"could not lay out exactly {total} modules")


def pad(lines: list[str], size: int) -> list[str]:
    """`lines` grown to `size` lines with plain functions (the editor bench's big file)."""
    out = list(lines)
    n = 0
    while len(out) + 4 <= size:
        out += ["", f"def step_{n}(value):", f"    return value + {n}", ""]
        n += 1
    return out + [""] * (size - len(out))


def path_of(name: str) -> str:
    return name.replace(".", "/") + ".py"


def write(out: Path, corpus: Corpus, items: list[Contract], big: str | None) -> None:
    if out.exists():
        shutil.rmtree(out)
    for name, lines in corpus.modules.items():
        path = out / path_of(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out / ".architecture-rules").mkdir()
    (out / ".architecture-rules/imports.yaml").write_text(archrules_yaml(items), encoding="utf-8")
    (out / ".importlinter").write_text(importlinter_ini(items), encoding="utf-8")
    manifest = {
        "modules": len(corpus.modules),
        "big_module": path_of(big) if big else None,
        "contracts": [c.id for c in items],
        "plants": [{"kind": p.kind, "contract": p.contract, "chain": p.chain, "direct": p.direct}
                   for p in corpus.plants],
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, required=True, help="the folder to (re)create")
    ap.add_argument("--modules", type=int, default=5000, help="number of .py files (default 5000)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--plants", type=int, default=2, help="violations planted of each kind (default 2)")
    ap.add_argument("--big-lines", type=int, default=0, help="pad one model module to this many lines")
    args = ap.parse_args(argv)
    corpus, ignored = build_exactly(args.modules, args.seed, args.plants)
    big = None
    if args.big_lines:
        big = corpus.normal["models"][0]  # the module most contracts constrain
        corpus.modules[big] = pad(corpus.modules[big], args.big_lines)
    write(args.out, corpus, contracts(ignored), big)
    print(f"{len(corpus.modules)} modules, {len(corpus.plants)} plants -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
