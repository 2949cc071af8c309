"""Editor settings (section `archrules`, camelCase keys): the one place for their defaults.

Layers, lowest first:
  1. `DEFAULTS` below (the VS Code extension's package.json declares the same; a test checks it);
  2. `initializationOptions` (either `{"archrules": {...}}` or the flat object);
  3. `workspace/configuration` for the folder (or `didChangeConfiguration` settings
     when the client cannot be asked).
`[tool.archrules]` in pyproject.toml applies beneath the editor's settings: see
`merge_project_config`. A bad value is logged and ignored (a lower layer's value, else the default,
applies); it never fails.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, cast

import attrs
import cattrs

from ...project.conventions import DEFAULT_MAX_FILE_SIZE, parse_size, severity_setting_names

if TYPE_CHECKING:
    from ...project.config import ProjectConfig

log = logging.getLogger(__name__)

SECTION = "archrules"

DEFAULTS: dict[str, Any] = {
    "enable": True,
    "rules": [],
    "include": [],
    "exclude": [],
    "diagnosticMode": "openFilesOnly",
    "select": [],
    "ignore": [],
    "severityOverrides": {},
    "debounceMs": 150,
    "logLevel": "info",
    "maxFileSize": DEFAULT_MAX_FILE_SIZE,
    "baseline": "hint",
    "maxDiagnosticsPerFile": 1000,
}

DiagnosticMode = Literal["openFilesOnly", "workspace"]
LogLevel = Literal["error", "warning", "info", "debug"]
BaselineMode = Literal["hint", "hide", "show"]  # how findings frozen in the baseline are shown


def _default(key: str) -> Any:
    value = DEFAULTS[key]
    if isinstance(value, (list, dict)):
        return attrs.Factory(lambda: type(value)(value))
    return value


@attrs.frozen
class Settings:
    enable: bool = _default("enable")
    rules: list[str] = _default("rules")
    include: list[str] = _default("include")
    exclude: list[str] = _default("exclude")
    diagnostic_mode: DiagnosticMode = _default("diagnosticMode")
    select: list[str] = _default("select")
    ignore: list[str] = _default("ignore")
    severity_overrides: dict[str, str] = _default("severityOverrides")  # id -> conventions' severity names
    debounce_ms: int = _default("debounceMs")
    log_level: LogLevel = _default("logLevel")
    max_file_size: int = _default("maxFileSize")
    baseline: BaselineMode = _default("baseline")
    # findings published per file, the most severe first (0: no limit); see features/diagnostics.py
    max_diagnostics_per_file: int = _default("maxDiagnosticsPerFile")

    @property
    def workspace_mode(self) -> bool:
        return self.diagnostic_mode == "workspace"


attrs.resolve_types(Settings, globals())


def _snake(key: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in key)


FIELD_BY_KEY = {key: _snake(key) for key in DEFAULTS}


# ------------------------------------------------------------------ strict structuring

# cattrs is lenient by default ("abc" -> ["a", "b", "c"], 1 -> True): these hooks refuse
# anything that is not already of the JSON type the setting declares.
_converter = cattrs.Converter()


def _strict_bool(value: Any, _: Any) -> Any:
    if not isinstance(value, bool):
        raise TypeError(f"expected true or false, got {value!r}")
    return value


def _strict_int(value: Any, _: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise TypeError(f"expected a non-negative integer, got {value!r}")
    return value


def _strict_str(value: Any, _: Any) -> Any:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {value!r}")
    return value


def _strict_str_list(value: Any, _: Any) -> Any:
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise TypeError(f"expected a list of strings, got {value!r}")
    return [v.strip() for v in value if v.strip()]


def _severity_map(value: Any, _: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise TypeError(f"expected an object, got {value!r}")
    names = severity_setting_names()
    out = {}
    for rule_id, severity in value.items():
        if not isinstance(rule_id, str) or not isinstance(severity, str) or severity.lower() not in names:
            raise TypeError(f"{rule_id!r}: expected one of {', '.join(names)}, got {severity!r}")
        out[rule_id] = severity.lower()
    return out


def _file_size(value: Any, _: Any) -> int:
    if isinstance(value, bool):
        raise TypeError(f"expected a size, got {value!r}")
    return parse_size(value)  # the CLI's rules and bounds (SizeError says why)


_converter.register_structure_hook(bool, _strict_bool)
_converter.register_structure_hook(int, _strict_int)
_converter.register_structure_hook(str, _strict_str)
_converter.register_structure_hook_func(lambda t: t == list[str], _strict_str_list)
_converter.register_structure_hook_func(lambda t: t == dict[str, str], _severity_map)
_FIELD_HOOKS: dict[str, Any] = {"max_file_size": _file_size}


def _unwrap(options: Any) -> Mapping[str, Any]:
    """`{"archrules": {...}}` or the flat object -> the flat object ({} for anything else)."""
    if not isinstance(options, Mapping):
        return {}
    inner = options.get(SECTION)
    if isinstance(inner, Mapping):
        return inner
    return options


def build_settings(*layers: Any, where: str = "settings") -> Settings:
    """Settings from raw JSON layers (later layers win); each bad value -> warning + default."""
    values: dict[str, Any] = {}
    fields = attrs.fields_dict(Settings)
    for layer in layers:
        for key, raw in _unwrap(layer).items():
            name = FIELD_BY_KEY.get(key)
            if name is None:
                if key not in ("path", "interpreter", "trace"):  # VS Code-only keys
                    log.debug("%s: unknown setting archrules.%s ignored", where, key)
                continue
            if raw is None:
                continue
            try:
                hook = _FIELD_HOOKS.get(name)
                values[name] = hook(raw, None) if hook else _converter.structure(raw, cast(type, fields[name].type))
            except Exception as e:  # noqa: BLE001 - every cattrs failure means "bad value"
                # a bad value does not wipe out a good one from a lower layer
                # (initializationOptions under workspace/configuration)
                if name in values:
                    log.warning("%s: archrules.%s: %s; keeping %r from the earlier settings", where, key,
                                _reason(e), values[name])
                else:
                    log.warning("%s: archrules.%s: %s; using the default %r", where, key,
                                _reason(e), DEFAULTS[key])
    return Settings(**values)


def _reason(e: Exception) -> str:
    if isinstance(e, cattrs.BaseValidationError) and e.exceptions:
        return _reason(e.exceptions[0])
    return str(e) or type(e).__name__


def merge_project_config(settings: Settings, project: ProjectConfig) -> ProjectConfig:
    """The project's `[tool.archrules]` (a `ProjectConfig`) with the editor's settings on top.

    Lists the editor leaves empty mean "not set", so pyproject's apply; `exclude` and
    `ignore` add up; severity overrides merge key by key (editor wins); `off` in
    the editor's severityOverrides turns the rule off (it joins `ignore`). Returns
    (ProjectConfig for FileSelector, select, ignore, severity_overrides, max_file_size).
    """
    from types import MappingProxyType

    from ...engine.record import replace

    overrides = dict(project.severity_overrides)
    off: list[str] = []
    for rule_id, sev in settings.severity_overrides.items():
        if sev == "off":
            off.append(rule_id)
            overrides.pop(rule_id, None)
        else:
            overrides[rule_id] = sev
    max_size = settings.max_file_size
    if max_size == DEFAULTS["maxFileSize"] and project.max_file_size != max_size:
        max_size = project.max_file_size
    merged = replace(
        project,
        rules=tuple(settings.rules) or project.rules,
        include=tuple(settings.include) or project.include,
        exclude=tuple(dict.fromkeys([*project.exclude, *settings.exclude])),
        select=tuple(settings.select) or project.select,
        ignore=tuple(dict.fromkeys([*project.ignore, *settings.ignore, *off])),
        severity_overrides=MappingProxyType(overrides),
        max_file_size=max_size,
    )
    return merged


def level_number(name: str | None) -> int:
    return {"error": logging.ERROR, "warning": logging.WARNING, "info": logging.INFO,
            "debug": logging.DEBUG}.get((name or "info").lower(), logging.INFO)
