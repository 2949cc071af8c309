"""Where a project starts and which rule files it has.

The root is the nearest folder, going up, that holds rules (`.architecture-rules/`,
`.architecture-rules.yaml`/`.yml`), a pyproject.toml with `[tool.archrules]`, or `.git`.

Rule files found by convention (not configured) are loaded only when they lie inside
the root, symlinks resolved: a repository cannot make a checkout load rules from
elsewhere on the machine. Such a link is skipped with a warning (data, not a print:
both shells show it). Configured rule paths (`--rules`, `[tool.archrules] rules`, the
editor's setting) are loaded wherever they are.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..engine.record import field, record
from .conventions import RULE_DIR, RULE_FILE_NAMES, RULE_MARKERS, RULE_SUFFIXES, resolves_inside

if TYPE_CHECKING:  # pragma: no cover
    from .config import ProjectConfig

_TOOL_TABLE = re.compile(r"^\s*\[\s*tool\s*\.\s*archrules\s*[\].]", re.MULTILINE)


@record
class DiscoveryWarning:
    """A rule file (or the rules folder) found but not loaded: `path` as found, and why."""

    path: Path
    message: str


@record
class RuleDiscovery:
    """The rule files found for a project, and what was noticed while looking."""

    paths: list[Path] = field(default_factory=list)  # the rule files to load, in order
    warnings: list[DiscoveryWarning] = field(default_factory=list)


OUTSIDE_ROOT_WARNING = ("a symlink to outside the project: not loaded "
                        "(name its target in --rules or [tool.archrules] rules to load it)")


def _has_tool_table(pyproject: Path) -> bool:
    try:
        text = pyproject.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    if "archrules" not in text:
        return False
    if _TOOL_TABLE.search(text):
        return True
    try:  # dotted keys or inline tables: `tool.archrules.rules = [...]`
        from .config import load_toml

        tool = load_toml(text).get("tool")
        return isinstance(tool, dict) and "archrules" in tool
    except Exception:
        return False


def is_project_root(folder: Path) -> bool:
    if any(os.path.exists(folder / marker) for marker in RULE_MARKERS):
        return True
    if os.path.exists(folder / ".git"):
        return True
    pyproject = folder / "pyproject.toml"
    return pyproject.is_file() and _has_tool_table(pyproject)


def find_root(start: Path) -> Path:
    """The project root for `start` (a file or a folder): see the module docstring.

    Without any marker up to the file system root, `start`'s own folder."""
    start = Path(os.path.abspath(start))
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        if is_project_root(candidate):
            return candidate
    return folder


def rule_files_in(folder: Path) -> list[Path]:
    """The *.yaml / *.yml files directly in `folder`, sorted by name."""
    try:
        with os.scandir(folder) as it:
            names = [e.name for e in it if e.name.endswith(RULE_SUFFIXES) and e.is_file()]
    except OSError:
        return []
    return [folder / n for n in sorted(names)]


def _expand(root: Path, entries: Sequence[str]) -> list[Path]:
    out: list[Path] = []
    for entry in entries:
        p = Path(entry).expanduser()
        p = p if p.is_absolute() else root / p
        # a missing path is kept: the loader reports it as a rule-file error
        out.extend(rule_files_in(p) if p.is_dir() else [p])
    return out


def discover_rules(root: Path, configured: Sequence[str] = (), config: ProjectConfig | None = None) -> RuleDiscovery:
    """The rule files of the project at `root`, in load order, and the ones skipped.

    `configured` (the command line's --rules or an editor setting; files or folders,
    relative to root) wins; else `[tool.archrules] rules`; else every *.yaml/*.yml
    in `.architecture-rules/` (sorted); else `.architecture-rules.yaml` / `.yml`;
    else nothing. A folder contributes its *.yaml/*.yml files sorted by name."""
    root = Path(root)
    if config is None and not configured:
        from .config import read_project_config

        config, _ = read_project_config(root)
    entries = configured or (config.rules if config is not None else ())
    found = RuleDiscovery(_expand(root, entries)) if entries else _by_convention(root)
    unique: dict[str, Path] = {}
    for p in found.paths:
        unique.setdefault(os.path.normcase(os.path.abspath(p)), p)
    return RuleDiscovery(list(unique.values()), found.warnings)


def _by_convention(root: Path) -> RuleDiscovery:
    """`.architecture-rules/*.y*ml`, else `.architecture-rules.y*ml`: inside the root only."""
    warnings: list[DiscoveryWarning] = []

    def inside(path: Path) -> bool:
        if resolves_inside(path, root):
            return True
        warnings.append(DiscoveryWarning(path, OUTSIDE_ROOT_WARNING))
        return False

    folder = root / RULE_DIR
    found: list[Path] = []
    # a `.architecture-rules/` folder without any rule file in it (a README, say)
    # does not hide `.architecture-rules.yaml`
    if folder.is_dir() and inside(folder):
        found = [p for p in rule_files_in(folder) if inside(p)]
    if not found:
        found = [root / name for name in RULE_FILE_NAMES if (root / name).is_file() and inside(root / name)]
    return RuleDiscovery(found, warnings)
