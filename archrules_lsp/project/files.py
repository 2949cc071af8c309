"""Which files under a project root are checked, and reading them.

Excluded, in this order: version-control and tool folders (`.git`, `node_modules`,
`__pycache__`, `build`, `dist`, `.tox`, `.mypy_cache`, ...), virtualenvs (`.venv`,
`venv`, any folder holding `pyvenv.cfg`), whatever a `.gitignore` anywhere in the
tree ignores, the `exclude` globs, files outside the `include` globs (when there
are any), and the rule files themselves.

`exclude`/`include` globs are root-relative (`*` stays in a folder, `**` spans
folders); a glob without `/` matches a file or folder name at any depth (`*.min.js`,
`generated`), like .gitignore. An exclude glob naming a folder excludes what is in it.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Union

from .config import ProjectConfig
from .gitignore import GitIgnores

DEFAULT_EXCLUDED_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", ".bzr", "_darcs", ".jj",
        "node_modules", "bower_components",
        "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".pytype", ".hypothesis",
        ".tox", ".nox", ".eggs", ".direnv", ".venv", "venv",
        "build", "dist", "_build", "site-packages", "__pypackages__",
        ".idea", ".vscode",
    }
)
DEFAULT_EXCLUDED_SUFFIXES = (".egg-info",)


@dataclass(frozen=True)
class Skip:
    """A file that was not checked, and why (`over the 1 MB limit`, `binary`, ...)."""

    reason: str


_RULE_FILE_NAMES = (".architecture-rules.yaml", ".architecture-rules.yml")


def looks_like_rule_file(rel: str) -> bool:
    """Named like a rule file: `.architecture-rules.yaml`/`.yml`, or a YAML file in `.architecture-rules/`."""
    if not rel.endswith((".yaml", ".yml")):
        return False
    parts = rel.rsplit("/", 2)
    return parts[-1] in _RULE_FILE_NAMES or (len(parts) > 1 and parts[-2] == ".architecture-rules")


def _compile(patterns: Iterable[str]):
    from ..engine.globs import Glob

    anywhere, anchored = [], []
    for p in patterns:
        p = p.strip()
        if p.startswith("./"):
            p = p[2:]
        p = p.rstrip("/") or p
        if "/" in p:
            anchored.append(Glob(p))
        else:
            anywhere.append(Glob(p))
    return tuple(anywhere), tuple(anchored)


def _matches(globs, rel: str) -> bool:
    anywhere, anchored = globs
    if anchored and any(g.matches(rel) for g in anchored):
        return True
    if anywhere:
        name = rel.rsplit("/", 1)[-1]
        return any(g.matches(name) for g in anywhere)
    return False


class FileSelector:
    """Decides which files under `root` are checked.

    `is_excluded(rel)` answers for one root-relative path (its folders included);
    `walk()` lists every candidate file, pruning excluded folders as it goes."""

    def __init__(self, root: Path, config: ProjectConfig = ProjectConfig(), rule_files: Iterable[Path] = ()):
        self.root = Path(os.path.abspath(root))
        self.config = config
        self.gitignores = GitIgnores(self.root)
        self._exclude = _compile(config.exclude)
        self._include = _compile(config.include)
        self._rule_files = set()
        for p in rule_files:
            rel = self.relative(p)
            if rel is not None:
                self._rule_files.add(rel)
        self._venv_cache: dict[str, bool] = {}

    # ------------------------------------------------------------ paths

    def relative(self, path: Union[str, os.PathLike]) -> str | None:
        """`path` (absolute, or relative to the cwd) as a root-relative posix path; None if outside."""
        absolute = os.path.abspath(path)
        try:
            rel = os.path.relpath(absolute, self.root)
        except ValueError:  # another drive on Windows
            return None
        if rel == os.curdir:
            return ""
        if rel.startswith(os.pardir + os.sep) or rel == os.pardir:
            return None
        return rel.replace(os.sep, "/")

    # ------------------------------------------------------------ decisions

    def _is_venv(self, rel_dir: str) -> bool:
        try:
            return self._venv_cache[rel_dir]
        except KeyError:
            found = os.path.isfile(os.path.join(self.root, rel_dir, "pyvenv.cfg"))
            self._venv_cache[rel_dir] = found
            return found

    def _dir_excluded(self, rel: str, name: str) -> bool:
        if name in DEFAULT_EXCLUDED_DIRS or name.endswith(DEFAULT_EXCLUDED_SUFFIXES):
            return True
        if self._is_venv(rel):
            return True
        if _matches(self._exclude, rel):
            return True
        return bool(self.gitignores.decision(rel, True))

    def _file_excluded(self, rel: str) -> bool:
        if self.is_rule_file(rel):
            return True
        if _matches(self._exclude, rel):
            return True
        if self._include[0] or self._include[1]:
            if not _matches(self._include, rel):
                return True
        return bool(self.gitignores.decision(rel, False))

    def is_rule_file(self, rel: str) -> bool:
        """Is this root-relative path a rule file (never checked as source)?

        The project's loaded rule files, and anything named like one wherever it is
        (`.architecture-rules.yaml`, `.architecture-rules/*.yaml`), as the server does:
        with `--rules elsewhere.yaml` the usual rule files are still rule files."""
        return rel in self._rule_files or looks_like_rule_file(rel)

    def is_excluded(self, rel: str) -> bool:
        """Is this root-relative file (or a folder above it) excluded from checking?"""
        rel = rel.strip("/")
        if rel.startswith("./"):
            rel = rel[2:]
        if not rel or rel == ".." or rel.startswith("../"):
            return True
        parts = rel.split("/")
        for i in range(1, len(parts)):
            if self._dir_excluded("/".join(parts[:i]), parts[i - 1]):
                return True
        return self._file_excluded(rel)

    # ------------------------------------------------------------ walking

    def walk(self, under: str = "") -> Iterator[str]:
        """Root-relative posix paths of the files to check under `under` ('' = the root), sorted.

        Folders that are excluded are not entered; symlinked folders are not followed."""
        under = under.strip("/")
        if under:
            parts = under.split("/")
            for i in range(1, len(parts) + 1):
                if self._dir_excluded("/".join(parts[:i]), parts[i - 1]):
                    return
        yield from self._walk(under)

    def _walk(self, rel_dir: str) -> Iterator[str]:
        path = os.path.join(self.root, rel_dir) if rel_dir else str(self.root)
        try:
            with os.scandir(path) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            return
        prefix = rel_dir + "/" if rel_dir else ""
        for entry in entries:
            rel = prefix + entry.name
            try:
                if entry.is_dir(follow_symlinks=False):
                    if not self._dir_excluded(rel, entry.name):
                        yield from self._walk(rel)
                    continue
                if not entry.is_file():
                    continue
            except OSError:
                continue
            if not self._file_excluded(rel):
                yield rel


def describe_size(size: int) -> str:
    """1_000_000 -> '1 MB', 512_000 -> '512 KB', 1234 -> '1234 bytes'."""
    if size >= 1_000_000 and size % 100_000 == 0:
        return f"{size / 1_000_000:g} MB"
    if size >= 1_000 and size % 1_000 == 0:
        return f"{size // 1_000} KB"
    return f"{size} bytes"


BINARY_SNIFF_BYTES = 8192


OUTSIDE_ROOT = "a symlink to a file outside the project"


def resolves_inside(path: Union[str, os.PathLike], root: Union[str, os.PathLike]) -> bool:
    """Does `path`, symlinks resolved, lie inside `root` (symlinks resolved too)?"""
    real_root = os.path.realpath(root)
    real = os.path.realpath(path)
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def read_source(path: Union[str, os.PathLike], max_size: int,
                root: Union[str, os.PathLike, None] = None) -> Union[str, Skip]:
    """The file's text (UTF-8, BOM dropped, undecodable bytes replaced), or why it was skipped.

    With `root`, a symlink whose target lies outside `root` is not read (nothing
    outside the workspace is read)."""
    from ..engine.text import decode

    try:
        if root is not None and stat.S_ISLNK(os.lstat(path).st_mode) and not resolves_inside(path, root):
            return Skip(OUTSIDE_ROOT)
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):  # a FIFO would block the read, a device never end
            return Skip("a folder" if stat.S_ISDIR(st.st_mode) else "not a regular file")
        if st.st_size > max_size:
            return Skip(f"over the {describe_size(max_size)} limit")
        with open(path, "rb") as fh:
            data = fh.read(max_size + 1)
    except OSError as e:
        return Skip(f"unreadable: {e.strerror or e}")
    if len(data) > max_size:  # grew while we read it
        return Skip(f"over the {describe_size(max_size)} limit")
    if b"\0" in data[:BINARY_SNIFF_BYTES]:
        return Skip("binary")
    return decode(data)
