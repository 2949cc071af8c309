"""`[tool.archrules]` in the project root's pyproject.toml.

    [tool.archrules]
    rules = [".architecture-rules/"]      # rule files or folders, relative to the root
    include = ["app/**"]                   # only these files are checked (default: all)
    exclude = ["legacy/**", "*.min.js"]    # never checked (on top of .gitignore and the defaults)
    select = ["BG-0"]                      # rule ids or id prefixes to run (default: all)
    ignore = ["BG-010"]                    # rule ids or id prefixes to skip
    severity-overrides = { "BG-021" = "warning", "BG-010" = "off" }
    max-file-size = 1000000                # bytes (or "2MB", "500KB"); larger files are skipped
    baseline = ".archrules-baseline.json"  # the baseline file, relative to the root

Keys may be spelt with `-` or `_`. Reading never raises: unreadable files, bad
TOML and bad values come back as problems (strings), and the offending setting
keeps its default.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .conventions import DEFAULT_MAX_FILE_SIZE, SizeError, parse_size, severity_setting_names


@dataclass(frozen=True)
class ProjectConfig:
    rules: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity_overrides: Mapping[str, str] = field(default_factory=dict)
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    baseline: str | None = None


def load_toml(text: str) -> dict:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    return tomllib.loads(text)


def read_project_config(root: Path) -> tuple[ProjectConfig, list[str]]:
    """The `[tool.archrules]` table of root/pyproject.toml, and the problems found in it."""
    path = Path(root) / "pyproject.toml"
    try:
        if path.exists() and not path.is_file():  # a FIFO would block the read
            return ProjectConfig(), [f"{path}: cannot read: not a regular file"]
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ProjectConfig(), []
    except (OSError, UnicodeDecodeError) as e:
        return ProjectConfig(), [f"{path}: cannot read: {getattr(e, 'strerror', None) or e}"]
    if "archrules" not in text:
        return ProjectConfig(), []
    try:
        data = load_toml(text)
    except Exception as e:  # tomllib.TOMLDecodeError (message carries line and column)
        return ProjectConfig(), [f"{path}: invalid TOML: {e}"]
    table = data.get("tool", {})
    table = table.get("archrules") if isinstance(table, dict) else None
    if table is None:
        return ProjectConfig(), []
    if not isinstance(table, dict):
        return ProjectConfig(), [f"{path}: [tool.archrules] must be a table"]
    return parse_config_table(table, f"{path}: [tool.archrules]")


def parse_config_table(table: Mapping[str, Any], where: str = "[tool.archrules]") -> tuple[ProjectConfig, list[str]]:
    """A ProjectConfig from an already-parsed table (also used for editor settings)."""
    problems: list[str] = []
    values: dict[str, Any] = {}
    for raw_key, value in table.items():
        key = str(raw_key).replace("-", "_")
        if key in ("rules", "include", "exclude", "select", "ignore"):
            items = _string_list(value)
            if items is None:
                problems.append(f"{where}: '{raw_key}' must be a list of strings")
            else:
                values[key] = items
        elif key == "severity_overrides":
            overrides = _severity_overrides(value, raw_key, where, problems)
            if overrides is not None:
                values[key] = overrides
        elif key == "baseline":
            if isinstance(value, str) and value.strip():
                values[key] = value.strip()
            else:
                problems.append(f"{where}: '{raw_key}' must be a file name (a string)")
        elif key == "max_file_size":
            try:
                values[key] = parse_size(value)
            except SizeError as e:
                problems.append(f"{where}: '{raw_key}': {e}")
        else:
            import difflib

            close = difflib.get_close_matches(key, _KEYS, n=1, cutoff=0.6)
            hint = f": did you mean '{close[0].replace('_', '-')}'?" if close else ""
            problems.append(f"{where}: unknown setting '{raw_key}'{hint}")
    return replace(ProjectConfig(), **values), problems


_KEYS = ("rules", "include", "exclude", "select", "ignore", "severity_overrides", "max_file_size", "baseline")
def _string_list(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        return None
    return tuple(v.strip() for v in value)


def _severity_overrides(value: Any, raw_key: str, where: str, problems: list[str]) -> Mapping[str, str] | None:
    if not isinstance(value, dict):
        problems.append(f"{where}: '{raw_key}' must be a table of rule id = severity")
        return None
    good: dict[str, str] = {}
    names = severity_setting_names()
    for rule_id, severity in value.items():
        if isinstance(severity, str) and severity.lower() in names:
            good[str(rule_id)] = severity.lower()
        else:
            problems.append(f"{where}: '{raw_key}' for {rule_id}: {severity!r} is not one of {', '.join(names)}")
    return good
