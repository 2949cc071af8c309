"""The server's setting defaults equal those the VS Code extension declares, and bad
values fall back to them (in-process: no server needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archrules_lsp.server.session.settings import DEFAULTS, Settings, build_settings, merge_project_config

PACKAGE_JSON = Path(__file__).resolve().parents[2] / "editors" / "vscode" / "package.json"
VSCODE_ONLY = {"archrules.path", "archrules.interpreter", "archrules.trace.server"}


@pytest.mark.skipif(not PACKAGE_JSON.exists(), reason="editors/vscode/package.json not there yet")
def test_defaults_match_the_vscode_extension():
    contributes = json.loads(PACKAGE_JSON.read_text(encoding="utf-8"))["contributes"]["configuration"]
    sections = contributes if isinstance(contributes, list) else [contributes]
    declared = {}
    for section in sections:
        for key, spec in section.get("properties", {}).items():
            if key in VSCODE_ONLY:
                continue
            declared[key.removeprefix("archrules.")] = spec.get("default")
    assert declared == DEFAULTS


def test_defaults_build_the_default_settings():
    assert build_settings() == Settings()
    assert build_settings({"archrules": {}}) == Settings()
    assert Settings().debounce_ms == DEFAULTS["debounceMs"]


def test_nested_flat_and_later_layers_win():
    s = build_settings({"archrules": {"debounceMs": 5}}, {"debounceMs": 7, "select": ["A"]})
    assert (s.debounce_ms, s.select) == (7, ["A"])


@pytest.mark.parametrize("key,value", [
    ("enable", "yes"), ("rules", "a.yaml"), ("include", [1]), ("diagnosticMode", "all"),
    ("severityOverrides", {"A": "loud"}), ("severityOverrides", ["A"]), ("debounceMs", -1),
    ("debounceMs", True), ("logLevel", "trace"), ("maxFileSize", "lots"), ("maxFileSize", 10**30),
    ("maxFileSize", 1e400), ("maxFileSize", -1), ("maxFileSize", True), ("maxDiagnosticsPerFile", -1),
    ("maxDiagnosticsPerFile", "x"), ("baseline", "freeze"),
])
def test_bad_values_warn_and_use_the_default(caplog, key, value):
    s = build_settings({key: value})
    assert s == Settings()
    assert f"archrules.{key}" in caplog.text


def test_max_file_size_is_read_like_the_cli_reads_it():
    # one size parser for the CLI, pyproject and the editor: units, and the same bound
    assert build_settings({"maxFileSize": "2MB"}).max_file_size == 2_000_000
    assert build_settings({"maxFileSize": 500_000}).max_file_size == 500_000


def test_select_is_case_insensitive_like_the_cli(tmp_path):
    # the CLI and the server once disagreed: select = ["bg-0"] selected rules in one, none in the other
    from archrules_lsp.server.session.folders import Folder

    (tmp_path / ".architecture-rules").mkdir()
    (tmp_path / ".architecture-rules" / "r.yaml").write_text(
        "r:\n  - id: BG-001\n    name: n\n    anti_patterns:\n      - pattern: x\n        message: m\n")
    (tmp_path / "pyproject.toml").write_text('[tool.archrules]\nselect = ["bg-0"]\n')
    folder = Folder("file:///w", tmp_path)
    folder.apply_settings()
    folder.load_rules(lambda p: Path(p).read_text(encoding="utf-8"))
    assert [f.rule_id for f in folder.check(str(tmp_path / "a.py"), "x\n").findings] == ["BG-001"]


def test_editor_settings_over_pyproject():
    from archrules_lsp.project.config import parse_config_table

    project, problems = parse_config_table({"include": ["app/**"], "exclude": ["gen/**"], "ignore": ["X"],
                                            "severity-overrides": {"A": "info", "B": "hint"},
                                            "max-file-size": 10})
    assert not problems
    merged = merge_project_config(build_settings({"exclude": ["tmp/**"], "ignore": ["Y"],
                                                  "severityOverrides": {"A": "error", "C": "off"}}), project)
    assert merged.include == ("app/**",)
    assert merged.exclude == ("gen/**", "tmp/**")
    assert merged.ignore == ("X", "Y", "C")
    assert dict(merged.severity_overrides) == {"A": "error", "B": "hint"}
    assert merged.max_file_size == 10


def test_a_bad_value_does_not_wipe_a_good_one_from_a_lower_layer(caplog):
    # initializationOptions say 0; workspace/configuration sends junk for the same key
    s = build_settings({"debounceMs": 0, "select": ["AR-001"]}, {"debounceMs": "fast", "select": "AR-002"})
    assert (s.debounce_ms, s.select) == (0, ["AR-001"])
    assert "archrules.debounceMs" in caplog.text and "keeping 0" in caplog.text
