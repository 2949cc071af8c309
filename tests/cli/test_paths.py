"""Which files `check` looks at: folders walked with exclusions, named files checked anyway."""

from .conftest import make_project, run, run_json


def reported_paths(proc):
    return sorted({line.split(":")[0] for line in proc.stdout.splitlines() if ": BG-" in line})


STATUS = 'job.status = "processing"\n'


def test_gitignored_and_excluded_files_are_not_walked(tmp_path):
    root = make_project(tmp_path, {
        ".gitignore": "generated/\n*.tmp.py\n",
        "app/tasks/a.py": STATUS, "generated/b.py": STATUS, "app/c.tmp.py": STATUS,
        "node_modules/d.py": STATUS, ".venv/e.py": STATUS, "legacy/f.py": STATUS,
        "pyproject.toml": '[tool.archrules]\nexclude = ["legacy"]\n',
    })
    assert reported_paths(run(["check"], root)) == ["app/tasks/a.py"]


def test_named_file_is_checked_even_if_ignored_unless_force_exclude(tmp_path):
    root = make_project(tmp_path, {".gitignore": "generated/\n", "generated/b.py": STATUS})
    assert reported_paths(run(["check", "generated/b.py"], root)) == ["generated/b.py"]
    assert reported_paths(run(["check", "generated/b.py", "--force-exclude"], root)) == []
    assert reported_paths(run(["check", "generated"], root)) == []  # a folder is walked with exclusions


def test_include_restricts_the_walk(tmp_path):
    root = make_project(tmp_path, {"app/a.py": STATUS, "scripts/b.py": STATUS,
                                   "pyproject.toml": '[tool.archrules]\ninclude = ["app/**"]\n'})
    assert reported_paths(run(["check"], root)) == ["app/a.py"]


def test_rule_files_are_not_checked(tmp_path):
    rules = ('rules:\n  - id: BG-1\n    name: no processing\n    anti_patterns:\n'
             '      - pattern: "processing"\n        message: m\n')
    root = make_project(tmp_path, {"a.py": "processing\n"}, rules=rules)
    assert reported_paths(run(["check"], root)) == ["a.py"]


def test_several_paths_deduplicated(project):
    proc = run(["check", "app", "app/tasks/scan.py", "./app/tasks"], project)
    assert proc.stdout.count("app/tasks/scan.py:2:9") == 1


def test_root_found_from_a_subfolder(project):
    proc = run(["check"], project / "app" / "tasks")
    # the root is the project (it has .git and the rules); the default path is the whole root
    assert "../../models/import_job.py:4:1: BG-001" in proc.stdout
    assert "scan.py:2:9: BG-010" in proc.stdout


def test_paths_outside_the_current_folder_are_relative_to_it(project, tmp_path):
    """Text and github print paths relative to the current folder, `../` included; JSON
    stays root-relative (docs/cli.md)."""
    elsewhere = tmp_path / "shared-rules.yaml"
    elsewhere.write_text("rules:\n  - id: S-1\n    name: s\n    bogus: 1\n    anti_patterns:\n"
                         "      - pattern: 'print'\n        message: m\n")
    cwd = project / "app" / "tasks"
    text = run(["check", "--rules", elsewhere], cwd)
    assert "../../../shared-rules.yaml:4:5: warning:" in text.stderr
    github = run(["check", "--format", "github", "--root", project], project / "models")
    assert "file=../app/tasks/scan.py,line=2,col=9" in github.stdout
    assert "/" + str(project).strip("/") not in text.stdout + text.stderr + github.stdout
    doc, _ = run_json(["check"], cwd)
    assert {f["path"] for f in doc["findings"]} == {"app/tasks/scan.py", "models/import_job.py"}


def test_config_rules_setting(tmp_path):
    rules = 'rules:\n  - id: C-1\n    name: c\n    anti_patterns:\n      - pattern: "processing"\n        message: m\n'
    root = make_project(tmp_path, {"conf/arch.yaml": rules, "a.py": "processing\n",
                                   "pyproject.toml": '[tool.archrules]\nrules = ["conf/arch.yaml"]\n'},
                        rules=None)
    proc = run(["check"], root)
    assert "a.py:1:1: C-1" in proc.stdout
