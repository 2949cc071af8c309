from pathlib import Path

from archrules_lsp.project.config import ProjectConfig
from archrules_lsp.project.conventions import RULE_MARKERS
from archrules_lsp.project.discovery import RuleDiscovery, discover_rules, find_root


def touch(path: Path, text: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


# ------------------------------------------------------------ find_root


def test_root_is_nearest_folder_with_a_rule_marker(tmp_path):
    (tmp_path / ".git").mkdir()
    touch(tmp_path / "svc" / ".architecture-rules.yaml")
    deep = tmp_path / "svc" / "app" / "api"
    deep.mkdir(parents=True)
    assert find_root(deep) == tmp_path / "svc"


def test_root_from_a_file_uses_its_folder(tmp_path):
    (tmp_path / ".architecture-rules").mkdir()
    f = touch(tmp_path / "app" / "x.py")
    assert find_root(f) == tmp_path


def test_start_itself_counts(tmp_path):
    touch(tmp_path / ".architecture-rules.yml")
    assert find_root(tmp_path) == tmp_path


def test_git_folder_marks_the_root(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "a" / "b").mkdir(parents=True)
    assert find_root(tmp_path / "a" / "b") == tmp_path


def test_pyproject_only_counts_with_tool_archrules(tmp_path):
    (tmp_path / ".git").mkdir()
    touch(tmp_path / "pkg" / "pyproject.toml", "[project]\nname = 'x'\n")
    (tmp_path / "pkg" / "src").mkdir()
    assert find_root(tmp_path / "pkg" / "src") == tmp_path
    touch(tmp_path / "pkg" / "pyproject.toml", "[project]\nname = 'x'\n\n[tool.archrules]\nrules = ['r.yaml']\n")
    assert find_root(tmp_path / "pkg" / "src") == tmp_path / "pkg"


def test_pyproject_with_dotted_key_counts(tmp_path):
    touch(tmp_path / "pyproject.toml", "[tool]\narchrules.rules = ['r.yaml']\n")
    (tmp_path / "src").mkdir()
    assert find_root(tmp_path / "src") == tmp_path


def test_no_marker_means_start_folder(tmp_path):
    # tmp_path has no marker above it in a normal test run; use a deep folder anyway
    d = tmp_path / "x" / "y"
    d.mkdir(parents=True)
    root = find_root(d)
    assert root == d or any((root / m).exists() for m in (*RULE_MARKERS, ".git", "pyproject.toml"))


def test_missing_start_file_uses_parent(tmp_path):
    (tmp_path / ".git").mkdir()
    assert find_root(tmp_path / "not-yet-saved.py") == tmp_path


# ------------------------------------------------------------ discover_rules: paths


def discover_rule_paths(root, configured=(), config=None):
    return discover_rules(root, configured, config).paths


def test_rules_folder_sorted_yaml_and_yml_only(tmp_path):
    d = tmp_path / ".architecture-rules"
    for name in ("b.yml", "a.yaml", "notes.md", "c.yaml.bak"):
        touch(d / name)
    (d / "sub.yaml").mkdir()  # a folder named like a rule file is not one
    assert discover_rule_paths(tmp_path) == [d / "a.yaml", d / "b.yml"]


def test_single_file_markers(tmp_path):
    touch(tmp_path / ".architecture-rules.yml")
    assert discover_rule_paths(tmp_path) == [tmp_path / ".architecture-rules.yml"]
    touch(tmp_path / ".architecture-rules.yaml")
    assert discover_rule_paths(tmp_path) == [tmp_path / ".architecture-rules.yaml",
                                             tmp_path / ".architecture-rules.yml"]


def test_folder_wins_over_single_file(tmp_path):
    touch(tmp_path / ".architecture-rules" / "x.yaml")
    touch(tmp_path / ".architecture-rules.yaml")
    assert discover_rule_paths(tmp_path) == [tmp_path / ".architecture-rules" / "x.yaml"]


def test_a_folder_without_rule_files_does_not_hide_the_single_file(tmp_path):
    touch(tmp_path / ".architecture-rules" / "README.md")
    touch(tmp_path / ".architecture-rules.yaml")
    assert discover_rule_paths(tmp_path) == [tmp_path / ".architecture-rules.yaml"]


def test_config_rules_win_over_markers(tmp_path):
    touch(tmp_path / ".architecture-rules" / "x.yaml")
    touch(tmp_path / "rules" / "b.yaml")
    touch(tmp_path / "rules" / "a.yml")
    touch(tmp_path / "extra.yaml")
    cfg = ProjectConfig(rules=("rules", "extra.yaml"))
    assert discover_rule_paths(tmp_path, config=cfg) == [
        tmp_path / "rules" / "a.yml", tmp_path / "rules" / "b.yaml", tmp_path / "extra.yaml"]


def test_config_read_from_pyproject_when_not_given(tmp_path):
    touch(tmp_path / "pyproject.toml", "[tool.archrules]\nrules = ['my-rules.yaml']\n")
    touch(tmp_path / "my-rules.yaml")
    touch(tmp_path / ".architecture-rules.yaml")
    assert discover_rule_paths(tmp_path) == [tmp_path / "my-rules.yaml"]


def test_configured_wins_over_everything(tmp_path):
    touch(tmp_path / ".architecture-rules" / "x.yaml")
    touch(tmp_path / "cli.yaml")
    cfg = ProjectConfig(rules=("other.yaml",))
    assert discover_rule_paths(tmp_path, ["cli.yaml"], cfg) == [tmp_path / "cli.yaml"]


def test_configured_absolute_path_and_duplicates(tmp_path):
    f = touch(tmp_path / "r.yaml")
    assert discover_rule_paths(tmp_path, [str(f), "r.yaml", "./r.yaml"]) == [f]


def test_missing_configured_path_is_kept_for_the_loader_to_report(tmp_path):
    assert discover_rule_paths(tmp_path, ["nope.yaml"]) == [tmp_path / "nope.yaml"]


def test_nothing_found(tmp_path):
    assert discover_rule_paths(tmp_path) == []


# ------------------------------------------------------------ symlinks (discover_rules)


def _outside(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    touch(elsewhere / "evil.yaml", "rules: []\n")
    root = tmp_path / "repo"
    root.mkdir()
    return root, elsewhere


def test_a_rules_folder_linked_outside_the_root_is_skipped_with_a_warning(tmp_path):
    root, elsewhere = _outside(tmp_path)
    (root / ".architecture-rules").symlink_to(elsewhere, target_is_directory=True)
    found = discover_rules(root)
    assert found.paths == []
    assert [w.path for w in found.warnings] == [root / ".architecture-rules"]
    assert "symlink to outside the project" in found.warnings[0].message


def test_a_rule_file_linked_outside_the_root_is_skipped_the_others_load(tmp_path):
    root, elsewhere = _outside(tmp_path)
    touch(root / ".architecture-rules" / "a.yaml")
    (root / ".architecture-rules" / "b.yaml").symlink_to(elsewhere / "evil.yaml")
    (root / ".architecture-rules.yaml").symlink_to(elsewhere / "evil.yaml")
    found = discover_rules(root)
    assert found.paths == [root / ".architecture-rules" / "a.yaml"]
    assert [w.path for w in found.warnings] == [root / ".architecture-rules" / "b.yaml"]


def test_the_single_rule_file_linked_outside_is_skipped(tmp_path):
    root, elsewhere = _outside(tmp_path)
    (root / ".architecture-rules.yaml").symlink_to(elsewhere / "evil.yaml")
    found = discover_rules(root)
    assert found.paths == [] and [w.path for w in found.warnings] == [root / ".architecture-rules.yaml"]


def test_links_inside_the_root_are_followed(tmp_path):
    root = tmp_path / "repo"
    touch(root / "policies" / "a.yaml")
    (root / ".architecture-rules").symlink_to(root / "policies", target_is_directory=True)
    found = discover_rules(root)
    assert found.paths == [root / ".architecture-rules" / "a.yaml"] and found.warnings == []


def test_configured_rule_paths_load_from_anywhere(tmp_path):
    root, elsewhere = _outside(tmp_path)
    link = root / "linked.yaml"
    link.symlink_to(elsewhere / "evil.yaml")
    assert discover_rules(root, [str(elsewhere)]).paths == [elsewhere / "evil.yaml"]
    assert discover_rules(root, config=ProjectConfig(rules=("linked.yaml",))) == RuleDiscovery([link], [])
