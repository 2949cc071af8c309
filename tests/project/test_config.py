from archrules_lsp.project.config import ProjectConfig, parse_config_table, read_project_config


def write(tmp_path, text):
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")


def test_no_pyproject(tmp_path):
    assert read_project_config(tmp_path) == (ProjectConfig(), [])


def test_pyproject_without_table(tmp_path):
    write(tmp_path, "[project]\nname = 'x'\n")
    assert read_project_config(tmp_path) == (ProjectConfig(), [])


def test_full_table_with_dashes_and_underscores(tmp_path):
    write(tmp_path, """
[tool.archrules]
rules = [".architecture-rules/", "more.yaml"]
include = ["app/**"]
exclude = ["legacy/**", "*.min.js"]
select = ["BG-0"]
ignore = "BG-010"
severity-overrides = { "BG-021" = "Warning", "BG-001" = "off" }
max_file_size = 2000
""")
    cfg, problems = read_project_config(tmp_path)
    assert problems == []
    assert cfg.rules == (".architecture-rules/", "more.yaml")
    assert cfg.include == ("app/**",)
    assert cfg.exclude == ("legacy/**", "*.min.js")
    assert cfg.select == ("BG-0",)
    assert cfg.ignore == ("BG-010",)
    assert dict(cfg.severity_overrides) == {"BG-021": "warning", "BG-001": "off"}
    assert cfg.max_file_size == 2000


def test_bad_toml_is_a_problem_not_an_exception(tmp_path):
    write(tmp_path, "[tool.archrules]\nrules = [\n")
    cfg, problems = read_project_config(tmp_path)
    assert cfg == ProjectConfig()
    assert len(problems) == 1
    assert "invalid TOML" in problems[0] and "pyproject.toml" in problems[0]


def test_bad_values_keep_defaults_and_are_reported(tmp_path):
    write(tmp_path, """
[tool.archrules]
rules = 3
exclude = ["ok/**", 5]
severity-overrides = { "BG-1" = "loud", "BG-2" = "info" }
max-file-size = -1
colour = true
""")
    cfg, problems = read_project_config(tmp_path)
    assert cfg.rules == () and cfg.exclude == () and cfg.max_file_size == 1_000_000
    assert dict(cfg.severity_overrides) == {"BG-2": "info"}
    text = "\n".join(problems)
    for needle in ("'rules'", "'exclude'", "BG-1", "max-file-size", "unknown setting 'colour'"):
        assert needle in text
    assert len(problems) == 5


def test_table_must_be_a_table(tmp_path):
    write(tmp_path, "[tool]\narchrules = 1\n")
    cfg, problems = read_project_config(tmp_path)
    assert cfg == ProjectConfig() and "must be a table" in problems[0]


def test_undecodable_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_bytes(b"[tool.archrules]\nrules = ['\xff']\n")
    cfg, problems = read_project_config(tmp_path)
    assert cfg == ProjectConfig() and problems


def test_parse_config_table_directly():
    cfg, problems = parse_config_table({"exclude": ["a/**"], "max_file_size": True})
    assert cfg.exclude == ("a/**",)
    assert problems and "max_file_size" in problems[0]


def test_config_is_picklable():
    import pickle

    cfg = ProjectConfig(rules=("a",), severity_overrides={"X": "info"})
    assert pickle.loads(pickle.dumps(cfg)) == cfg


def test_max_file_size_takes_the_same_units_as_the_command_line(tmp_path):
    write(tmp_path, '[tool.archrules]\nmax-file-size = "2MB"\n')
    assert read_project_config(tmp_path) == (ProjectConfig(max_file_size=2_000_000), [])
    write(tmp_path, '[tool.archrules]\nmax_file_size = "500 KB"\n')
    assert read_project_config(tmp_path)[0].max_file_size == 500_000
    for bad in ('"lots"', '"0MB"', "1e400", "true", '"-5"'):
        write(tmp_path, f"[tool.archrules]\nmax-file-size = {bad}\n")
        cfg, problems = read_project_config(tmp_path)
        assert cfg.max_file_size == 1_000_000 and len(problems) == 1, bad


def test_a_misspelt_setting_gets_a_did_you_mean(tmp_path):
    write(tmp_path, '[tool.archrules]\nexcludes = ["x"]\nmax-filesize = 5\n')
    cfg, problems = read_project_config(tmp_path)
    assert cfg == ProjectConfig()
    assert "unknown setting 'excludes': did you mean 'exclude'?" in problems[0]
    assert "did you mean 'max-file-size'?" in problems[1]


def test_a_fifo_named_pyproject_is_reported_not_read(tmp_path):
    import os

    if not hasattr(os, "mkfifo"):
        return
    os.mkfifo(tmp_path / "pyproject.toml")
    cfg, problems = read_project_config(tmp_path)  # a read would block forever
    assert cfg == ProjectConfig() and "not a regular file" in problems[0]
