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
    docs-url = "https://example.com/rules/"  # a rule without `url:` links to <docs-url><page>.md
    source-roots = ["src", "backend"]      # import contracts: Python modules are named from these folders

Keys may be spelt with `-` or `_`. Reading never raises: unreadable files, bad
TOML and bad values come back as problems (strings), and the offending setting
keeps its default.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..engine.record import field, record, replace
from .conventions import DEFAULT_MAX_FILE_SIZE, SizeError, parse_size, severity_setting_names


@record
class ProjectConfig:
    """`[tool.archrules]` of pyproject.toml, defaults filled in."""

    rules: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity_overrides: Mapping[str, str] = field(default_factory=dict)
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    baseline: str | None = None
    docs_url: str | None = None  # base of the pages `archrules docs` writes
    source_roots: tuple[str, ...] = ("src",)  # import contracts: folders Python module names start from



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
        if key == "source_roots":
            roots = _string_list(value)
            if roots is None or any(r.startswith("/") or ".." in r.split("/") for r in roots):
                problems.append(f"{where}: '{raw_key}' must be a list of folders relative to the root")
            else:
                values[key] = tuple(r.strip("/") or "." for r in roots)
        elif key in ("rules", "include", "exclude", "select", "ignore"):
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
        elif key == "docs_url":
            if isinstance(value, str) and value.strip() and not any(c.isspace() or ord(c) < 32 for c in value.strip()):
                values[key] = value.strip()
            else:
                problems.append(f"{where}: '{raw_key}' must be a URL (a string without spaces)")
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


_KEYS = ("rules", "include", "exclude", "select", "ignore", "severity_overrides", "max_file_size", "baseline",
         "docs_url", "source_roots")


# A rule id as a file name: safe on every file system, never a path (`../x`, `a/b`), never
# hidden (`.x`), never the index page; the same id always gives the same name.
_PAGE_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.")
INDEX_PAGE = "index"


def rule_page_name(rule_id: str) -> str:
    """The file name (without `.md`) of the page `archrules docs` writes for `rule_id`:
    characters outside [A-Za-z0-9_.-] (and a leading `.`) as %XX of their UTF-8 bytes;
    a name over 150 characters cut, with a hash of the whole id to keep it unique."""
    import hashlib

    name = "".join(c if c in _PAGE_SAFE else "".join(f"%{b:02X}" for b in c.encode("utf-8", "surrogatepass"))
                   for c in rule_id)
    if name.startswith(".") or name.lower() == INDEX_PAGE or not name:
        name = f"%{ord(name[0]):02X}{name[1:]}" if name else "%00"
    if len(name) > 150:
        digest = hashlib.sha256(rule_id.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        name = f"{name[:120]}~{digest}"
    return name


def rule_docs_url(docs_url: str, rule_id: str) -> str:
    """The one rule for a rule without `url:`: its generated page under `docs-url`,
    `<docs-url><page name>.md` (a `/` added to the base when it lacks one; the name
    percent-encoded once more, since `%` is itself escaped in a URL)."""
    from urllib.parse import quote

    base = docs_url if docs_url.endswith("/") else docs_url + "/"
    return base + quote(rule_page_name(rule_id), safe="") + ".md"


def with_docs_urls(rules, docs_url: str | None) -> tuple:
    """`rules` with every rule that has no `url` linked to its generated page (unchanged without a docs-url)."""
    if not docs_url:
        return tuple(rules)
    return tuple(r if r.url else replace(r, url=rule_docs_url(docs_url, r.id)) for r in rules)


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
