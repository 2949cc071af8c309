"""Where a project starts and which rule files it has.

The root is the nearest folder, going up, that holds rules (`.architecture-rules/`,
`.architecture-rules.yaml`/`.yml`), a pyproject.toml with `[tool.archrules]`, or `.git`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:  # pragma: no cover
    from .config import ProjectConfig

RULE_MARKERS = (".architecture-rules", ".architecture-rules.yaml", ".architecture-rules.yml")
RULE_SUFFIXES = (".yaml", ".yml")

_TOOL_TABLE = re.compile(r"^\s*\[\s*tool\s*\.\s*archrules\s*[\].]", re.MULTILINE)


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
        from .config import _load_toml

        tool = _load_toml(text).get("tool")
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


def discover_rule_paths(
    root: Path, configured: Sequence[str] = (), config: "ProjectConfig | None" = None
) -> list[Path]:
    """The rule files of the project at `root`, in load order.

    `configured` (the command line's --rules or an editor setting; files or folders,
    relative to root) wins; else `[tool.archrules] rules`; else every *.yaml/*.yml
    in `.architecture-rules/` (sorted); else `.architecture-rules.yaml` / `.yml`;
    else nothing. A folder contributes its *.yaml/*.yml files sorted by name."""
    root = Path(root)
    if configured:
        found = _expand(root, configured)
    else:
        if config is None:
            from .config import read_project_config

            config, _ = read_project_config(root)
        if config.rules:
            found = _expand(root, config.rules)
        else:
            # a `.architecture-rules/` folder without any rule file in it (a README, say)
            # does not hide `.architecture-rules.yaml`
            found = rule_files_in(root / RULE_MARKERS[0]) if (root / RULE_MARKERS[0]).is_dir() else []
            if not found:
                found = [root / m for m in RULE_MARKERS[1:] if (root / m).is_file()]
    unique: dict[str, Path] = {}
    for p in found:
        unique.setdefault(os.path.normcase(os.path.abspath(p)), p)
    return list(unique.values())
