"""Both tools run on one project, their reports read into the same shape.

    lint_imports(root) -> Report     # `lint-imports --no-cache` with `root/.importlinter`
    archrules(root)    -> Report     # `archrules check --format json` in `root`

A `Report` holds what the two can be compared on: which contracts are broken, each
direct violation as (contract, importer, imported, line), and each indirect one as
(contract, importer, line): where its chain starts. import-linter prints chains as
text (no machine-readable output); `parse_lint_imports` reads that text.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

BIN = Path(sys.executable).parent

Direct = tuple[str, str, str, int]  # contract, importer, imported, line (1-based)
Indirect = tuple[str, str, int]     # contract, importer, line of the chain's first import


@dataclass
class Report:
    broken: set[str] = field(default_factory=set)
    direct: set[Direct] = field(default_factory=set)
    indirect: set[Indirect] = field(default_factory=set)
    stale_ignores: set[str] = field(default_factory=set)  # "importer -> imported" matching no import
    chains: dict[Indirect, list[str]] = field(default_factory=dict)  # each indirect one: [importer, ..., imported]


def run(cmd: list[str], root: Path, pythonpath: str = "") -> subprocess.CompletedProcess:
    # import-linter prints through rich, which wraps at 80 columns off a terminal: long
    # chains would be cut across lines
    env = {**os.environ, "COLUMNS": "100000", "NO_COLOR": "1"}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    return subprocess.run(cmd, cwd=root, capture_output=True, text=True, timeout=900, env=env)


# ------------------------------------------------------------------ import-linter

_STATUS = re.compile(r"^(\S+) (KEPT|BROKEN)(?: \(.*\))?$")
_HOP = re.compile(r"^[-&\s]*([\w.]+)(?: -> ([\w.]+))? \(l\.([\d, ]+)\)$")
_STALE = re.compile(r"^- No matches for ignored import (.+ -> .+)\.$")


def lint_imports(root: Path, pythonpath: str = "") -> Report:
    """`pythonpath`: where packages outside the root folder are (a `src/` layout)."""
    done = run([str(BIN / "lint-imports"), "--no-cache", "--no-logo"], root, pythonpath)
    if done.returncode not in (0, 1) or "Contracts:" not in done.stdout:
        raise RuntimeError(f"lint-imports failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return parse_lint_imports(done.stdout)


def parse_lint_imports(text: str) -> Report:
    report = Report()
    lines = text.splitlines()
    contract = None
    route: list[str] = []
    for number, line in enumerate(lines):
        status = _STATUS.match(line)
        if status and status.group(2) == "BROKEN":
            report.broken.add(status.group(1))
        stale = _STALE.match(line.strip())
        if stale:
            report.stale_ignores.add(stale.group(1))
        if _is_heading(lines, number):
            contract = line  # in "Broken contracts", a contract's name
            continue
        if line.lstrip().startswith("- ") and _HOP.match(line) and contract:
            route = [line]
        elif route and line.strip():
            route.append(line)
        if route and (not line.strip() or number + 1 == len(lines)):
            _add_route(report, contract, route)
            route = []
    return report


def _is_heading(lines: list[str], number: int) -> bool:
    """A line underlined with dashes of its own length."""
    under = lines[number + 1] if number + 1 < len(lines) else ""
    return bool(lines[number]) and under == "-" * len(lines[number])


def _add_route(report: Report, contract: str | None, route: list[str]) -> None:
    """One printed route: its heads (`- a (l.1)`, `& b -> hop (l.3)`: each imports the
    hop), then the rest of the chain (`hop -> c`); `& d` lines after it are other tails."""
    hops = [m.groups() for m in map(_HOP.match, route) if m]
    if contract is None:
        return
    if len(hops) != len(route):
        raise ValueError(f"lint-imports printed a route this reader does not know: {route}")
    if len(hops) == 1 and hops[0][1] is not None:
        importer, imported, numbers = hops[0]
        for n in numbers.split(","):
            report.direct.add((contract, importer, imported, int(n)))
        return
    last_head = next(i for i, hop in enumerate(hops) if hop[1] is not None)
    rest = [hop[1] for hop in hops[last_head:] if hop[1] is not None]
    for importer, _, numbers in hops[: last_head + 1]:
        for n in numbers.split(","):
            key = (contract, importer, int(n))
            report.indirect.add(key)
            report.chains[key] = [importer, *rest]


# ------------------------------------------------------------------ archrules

_FINDING = re.compile(r"^([\w.]+) imports ([\w.]+)(?: indirectly: ([\w.]+(?: -> [\w.]+)+))? \(")
_QUOTED_IGNORE = re.compile(r"([\w.]+ -> [\w.]+)")


def archrules(root: Path, *extra: str) -> Report:
    done = run([str(BIN / "archrules"), "check", "--format", "json", *extra], root)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"archrules check failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr}")
    return parse_archrules(json.loads(done.stdout))


def parse_archrules(doc: dict) -> Report:
    """Findings in Python files are contract violations; a finding or error in a rule
    file that names an `importer -> imported` pair is a stale ignore entry."""
    report = Report()
    for finding in doc["findings"]:
        rule, message, line = finding["rule"], finding["message"], finding["line"]
        if not finding["path"].endswith(".py"):
            stale = _QUOTED_IGNORE.search(message)
            if stale and "ignore" in message:
                report.stale_ignores.add(stale.group(1))
            continue
        parsed = _FINDING.match(message)
        if parsed is None:
            continue  # not an import-contract finding
        report.broken.add(rule)
        importer, imported, chain = parsed.groups()
        if chain:
            report.indirect.add((rule, importer, line))
            report.chains[(rule, importer, line)] = chain.split(" -> ")
        else:
            report.direct.add((rule, importer, imported, line))
    for error in doc["errors"]:
        stale = _QUOTED_IGNORE.search(error["message"])
        if stale and "ignore" in error["message"]:
            report.stale_ignores.add(stale.group(1))
    return report
