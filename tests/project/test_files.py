import os
from pathlib import Path

import pytest

from archrules_lsp.project.config import ProjectConfig
from archrules_lsp.project.conventions import BINARY, OUTSIDE_ROOT, TOO_BIG, Skip, describe_size
from archrules_lsp.project.files import FileSelector, read_source


def make(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8")


def walk(root, config=None, rule_files=()):
    return list(FileSelector(root, config, rule_files).walk())


# ------------------------------------------------------------ .gitignore


def test_gitignore_outside_a_git_repository(tmp_path):
    make(tmp_path, {".gitignore": "*.log\nout/\n", "a.py": "", "b.log": "", "out/c.py": "", "src/d.log": ""})
    assert walk(tmp_path) == [".gitignore", "a.py"]
    sel = FileSelector(tmp_path, ProjectConfig())
    assert sel.is_excluded("b.log") and sel.is_excluded("out/c.py") and sel.is_excluded("src/d.log")
    assert not sel.is_excluded("a.py")


def test_gitignore_negation(tmp_path):
    make(tmp_path, {".gitignore": "*.py\n!keep.py\n", "drop.py": "", "keep.py": "", "sub/keep.py": ""})
    assert walk(tmp_path) == [".gitignore", "keep.py", "sub/keep.py"]


def test_gitignore_folder_contents_pattern_can_be_negated_like_git(tmp_path):
    # `config/**` ignores what is inside config/, not the folder itself: `!config/keep.py` comes back
    make(tmp_path, {".gitignore": "config/**\n!config/keep.py\n", "config/keep.py": "", "config/other.py": "",
                    "config/sub/keep.py": "", "app.py": ""})
    assert walk(tmp_path) == [".gitignore", "app.py", "config/keep.py"]


def test_gitignore_folder_only_patterns_never_match_files(tmp_path):
    # `gen/**/` ignores the folders inside gen/, not the files directly in it (git's rule)
    make(tmp_path, {".gitignore": "gen/**/\nlogs/\n", "gen/top.py": "", "gen/deep/x.py": "", "logs": "a file",
                    "app.py": ""})
    assert walk(tmp_path) == [".gitignore", "app.py", "gen/top.py", "logs"]
    # a re-included folder does not re-include the files an earlier pattern ignores
    make(tmp_path / "n", {".gitignore": "e/**\n!e/\n", "e/x.py": "", "y.py": ""})
    assert walk(tmp_path / "n") == [".gitignore", "y.py"]


def test_nested_gitignore_overrides_parent(tmp_path):
    make(tmp_path, {
        ".gitignore": "*.gen.py\n",
        "pkg/.gitignore": "!special.gen.py\nlocal_only.py\n/anchored.py\n",
        "a.gen.py": "", "pkg/b.gen.py": "", "pkg/special.gen.py": "", "pkg/local_only.py": "",
        "local_only.py": "", "pkg/anchored.py": "", "pkg/deeper/anchored.py": "",
    })
    assert walk(tmp_path) == [".gitignore", "local_only.py", "pkg/.gitignore", "pkg/deeper/anchored.py",
                              "pkg/special.gen.py"]
    sel = FileSelector(tmp_path, ProjectConfig())
    assert sel.is_excluded("pkg/b.gen.py")
    assert not sel.is_excluded("pkg/special.gen.py")
    assert sel.is_excluded("pkg/anchored.py") and not sel.is_excluded("pkg/deeper/anchored.py")


def test_file_in_ignored_folder_cannot_be_reincluded(tmp_path):
    make(tmp_path, {".gitignore": "gen/\n!gen/keep.py\n", "gen/keep.py": "", "ok.py": ""})
    assert walk(tmp_path) == [".gitignore", "ok.py"]
    assert FileSelector(tmp_path).is_excluded("gen/keep.py")


def test_git_info_exclude(tmp_path):
    make(tmp_path, {".git/info/exclude": "secret.py\n", "secret.py": "", "ok.py": ""})
    assert walk(tmp_path) == ["ok.py"]


def test_gitignore_comments_and_blank_lines(tmp_path):
    make(tmp_path, {".gitignore": "# comment\n\n  \n", "a.py": ""})
    assert walk(tmp_path) == [".gitignore", "a.py"]


# ------------------------------------------------------------ default exclusions


def test_default_folders_are_excluded(tmp_path):
    files = {f"{d}/x.py": "" for d in (".git", "node_modules", "__pycache__", ".venv", "venv", "build", "dist",
                                       ".tox", ".mypy_cache", "pkg.egg-info", "sub/node_modules")}
    files.update({"env2/pyvenv.cfg": "home = /usr\n", "env2/lib/x.py": "", "app/x.py": ""})
    make(tmp_path, files)
    assert walk(tmp_path) == ["app/x.py"]
    sel = FileSelector(tmp_path)
    assert sel.is_excluded("env2/lib/x.py") and sel.is_excluded("sub/node_modules/x.py")
    assert not sel.is_excluded("app/x.py")


def test_packages_named_build_or_dist_are_not_build_output(tmp_path):
    make(tmp_path, {"build/lib/app/x.py": "", "dist/y.py": "", "app/build/__init__.py": "", "app/build/step.py": "",
                    "app/dist/__init__.py": "", "_build/__init__.py": "", "_build/z.py": ""})
    assert walk(tmp_path) == ["_build/__init__.py", "_build/z.py", "app/build/__init__.py", "app/build/step.py",
                              "app/dist/__init__.py"]
    sel = FileSelector(tmp_path)
    assert sel.is_excluded("build/lib/app/x.py") and not sel.is_excluded("app/build/step.py")


def test_exclude_and_include_globs(tmp_path):
    make(tmp_path, {"app/a.py": "", "app/gen/b.py": "", "legacy/c.py": "", "web/x.min.js": "", "web/x.js": "",
                    "docs/d.md": ""})
    cfg = ProjectConfig(exclude=("legacy", "app/gen/**", "*.min.js"))
    assert walk(tmp_path, cfg) == ["app/a.py", "docs/d.md", "web/x.js"]
    cfg = ProjectConfig(include=("app/**", "web/*.js"), exclude=("*.min.js",))
    assert walk(tmp_path, cfg) == ["app/a.py", "app/gen/b.py", "web/x.js"]
    sel = FileSelector(tmp_path, cfg)
    assert sel.is_excluded("docs/d.md") and sel.is_excluded("web/x.min.js") and not sel.is_excluded("app/a.py")


def test_rule_files_are_not_checked(tmp_path):
    make(tmp_path, {".architecture-rules/r.yaml": "", "rules.yaml": "", "app.py": ""})
    rules = [tmp_path / ".architecture-rules" / "r.yaml", tmp_path / "rules.yaml"]
    assert walk(tmp_path, rule_files=rules) == ["app.py"]


def test_files_named_like_rule_files_are_not_checked_even_when_other_rules_are_loaded(tmp_path):
    # `--rules other.yaml`: the usual rule files are still rule files, not source
    make(tmp_path, {".architecture-rules/r.yaml": "", ".architecture-rules.yml": "", "sub/.architecture-rules.yaml": "",
                    "other.yaml": "", "app.py": "", "config.yaml": ""})
    assert walk(tmp_path, rule_files=[tmp_path / "other.yaml"]) == ["app.py", "config.yaml"]


def test_walk_under_a_subfolder(tmp_path):
    make(tmp_path, {"a/x.py": "", "a/b/y.py": "", "c/z.py": "", "node_modules/q.py": ""})
    sel = FileSelector(tmp_path)
    assert list(sel.walk("a")) == ["a/b/y.py", "a/x.py"]
    assert list(sel.walk("node_modules")) == []


def test_paths_outside_root(tmp_path):
    sel = FileSelector(tmp_path / "proj")
    assert sel.relative(tmp_path / "other" / "x.py") is None
    assert sel.relative(tmp_path / "proj" / "x.py") == "x.py"
    assert sel.is_excluded("../x.py")


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_symlinked_folders_are_not_followed(tmp_path):
    make(tmp_path, {"real/a.py": ""})
    os.symlink(tmp_path / "real", tmp_path / "link")
    os.symlink(tmp_path, tmp_path / "real" / "loop")
    assert walk(tmp_path) == ["real/a.py"]


def test_walk_5000_files(tmp_path):  # (its speed is measured in bench/)
    make(tmp_path, {".gitignore": "*.tmp\n"})
    for d in range(50):
        folder = tmp_path / "pkg" / f"m{d}"
        folder.mkdir(parents=True)
        for f in range(100):
            (folder / f"f{f}.py").touch()
    sel = FileSelector(tmp_path, ProjectConfig(exclude=("legacy/**",)))
    assert len(list(sel.walk())) == 5001


# ------------------------------------------------------------ reading


def test_read_text_and_bom(tmp_path):
    make(tmp_path, {"a.py": b"\xef\xbb\xbfx = 1\r\n"})
    assert read_source(tmp_path / "a.py", 1000) == "x = 1\r\n"


def test_non_utf8_is_decoded_with_replacement(tmp_path):
    make(tmp_path, {"latin.py": "name = 'café'\n".encode("latin-1")})
    assert read_source(tmp_path / "latin.py", 1000) == "name = 'caf\ufffd'\n"


def test_too_large_is_skipped(tmp_path):
    make(tmp_path, {"big.py": "x" * 2001})
    assert read_source(tmp_path / "big.py", 2000) == Skip("over the 2 KB limit", TOO_BIG)
    assert read_source(tmp_path / "big.py", 2001) == "x" * 2001


def test_binary_is_skipped(tmp_path):
    make(tmp_path, {"img.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00"})
    assert read_source(tmp_path / "img.png", 1000) == Skip("binary", BINARY)


def test_unreadable_is_skipped(tmp_path):
    result = read_source(tmp_path / "missing.py", 1000)
    assert isinstance(result, Skip) and result.reason.startswith("unreadable")
    assert read_source(tmp_path, 1000) in (Skip("a folder"),) or isinstance(read_source(tmp_path, 1000), Skip)


def test_describe_size():
    assert describe_size(1_000_000) == "1 MB"
    assert describe_size(2_500_000) == "2.5 MB"
    assert describe_size(512_000) == "512 KB"
    assert describe_size(1234) == "1234 bytes"


def test_symlink_to_a_file_outside_the_root_is_not_read(tmp_path):
    root, outside = tmp_path / "proj", tmp_path / "secret"
    make(root, {"inside.py": "x = 1\n"})
    make(outside, {"s.py": "secret = 1\n"})
    (root / "out.py").symlink_to(outside / "s.py")
    (root / "in.py").symlink_to(root / "inside.py")
    assert read_source(root / "out.py", 1000, root) == Skip("a symlink to a file outside the project", OUTSIDE_ROOT)
    assert read_source(root / "in.py", 1000, root) == "x = 1\n"  # a link inside the project is fine
    assert read_source(root / "out.py", 1000) == "secret = 1\n"  # without a root: as before


def test_a_fifo_named_gitignore_does_not_hang_the_walk(tmp_path):
    if not hasattr(os, "mkfifo"):
        return
    make(tmp_path, {"a.py": "", "sub/b.py": ""})
    os.mkfifo(tmp_path / "sub" / ".gitignore")
    assert walk(tmp_path) == ["a.py", "sub/b.py"]  # opening the FIFO would block forever


def test_the_rule_tests_fixture_folder_is_not_project_source(tmp_path):
    make(tmp_path, {".architecture-rules/tests/app/x.py": "x\n", "app/y.py": "y\n"})
    sel = FileSelector(tmp_path, ProjectConfig())
    assert list(sel.walk()) == ["app/y.py"]
    assert sel.is_excluded(".architecture-rules/tests/app/x.py")
