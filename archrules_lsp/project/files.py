"""Which files under a project root are checked, and reading them.

Excluded, in this order: version-control and tool folders (`.git`, `node_modules`,
`__pycache__`, `build`, `dist`, `.tox`, `.mypy_cache`, ...), virtualenvs (`.venv`,
`venv`, any folder holding `pyvenv.cfg`), whatever a `.gitignore` anywhere in the
tree ignores, the `exclude` globs, files outside the `include` globs (when there
are any), the rule files themselves, and `archrules test`'s fixture folder
(`.architecture-rules/tests/`: example code, not project source).

`exclude`/`include` globs are root-relative (`*` stays in a folder, `**` spans
folders); a glob without `/` matches a file or folder name at any depth (`*.min.js`,
`generated`), like .gitignore. An exclude glob naming a folder excludes what is in it.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from .config import ProjectConfig
from .conventions import (
    FIXTURE_FOLDER,
    NOT_REGULAR,
    OUTSIDE_ROOT,
    Skip,
    content_skip,
    looks_like_rule_file,
    resolves_inside,
    root_relative,
    too_big,
)
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
# Build output, unless the folder is a Python package of the project (`app/build/__init__.py`)
BUILD_OUTPUT_DIRS = frozenset({"build", "dist", "_build"})


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

    def __init__(self, root: Path, config: ProjectConfig | None = None, rule_files: Iterable[Path] = ()):
        config = config if config is not None else ProjectConfig()
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

    def relative(self, path: str | os.PathLike) -> str | None:
        """`path` (absolute, or relative to the cwd) as a root-relative posix path; None if outside."""
        return root_relative(path, self.root)

    # ------------------------------------------------------------ decisions

    def _is_venv(self, rel_dir: str) -> bool:
        try:
            return self._venv_cache[rel_dir]
        except KeyError:
            found = os.path.isfile(os.path.join(self.root, rel_dir, "pyvenv.cfg"))
            self._venv_cache[rel_dir] = found
            return found

    def _dir_excluded(self, rel: str, name: str) -> bool:
        if name in BUILD_OUTPUT_DIRS and os.path.isfile(os.path.join(self.root, rel, "__init__.py")):
            pass  # a package named like build output: its modules are the project's
        elif name in DEFAULT_EXCLUDED_DIRS or name.endswith(DEFAULT_EXCLUDED_SUFFIXES) or rel == FIXTURE_FOLDER:
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
        if (self._include[0] or self._include[1]) and not _matches(self._include, rel):
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


SYMLINK_OUTSIDE_ROOT = Skip("a symlink to a file outside the project", OUTSIDE_ROOT)
_GROWTH_CHUNK = 1 << 20


def read_source(path: str | os.PathLike, max_size: int,
                root: str | os.PathLike | None = None) -> str | Skip:
    """The file's text (UTF-8, BOM dropped, undecodable bytes replaced), or why it was skipped.

    With `root`, a symlink whose target lies outside `root` is not read (nothing
    outside the workspace is read)."""
    from ..engine.text import decode

    try:
        if root is not None and stat.S_ISLNK(os.lstat(path).st_mode) and not resolves_inside(path, root):
            return SYMLINK_OUTSIDE_ROOT
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):  # a FIFO would block the read, a device never end
            return Skip("a folder" if stat.S_ISDIR(st.st_mode) else "not a regular file", NOT_REGULAR)
        if st.st_size > max_size:
            return too_big(max_size)
        with open(path, "rb") as fh:
            data = _read_at_most(fh, st.st_size, max_size)
    except OSError as e:
        return Skip(f"unreadable: {e.strerror or e}")
    except MemoryError:
        return Skip("unreadable: not enough memory")
    skip = content_skip(data, max_size)
    return skip if skip is not None else decode(data)


def _read_at_most(fh, expected: int, max_size: int) -> bytes:
    """Up to max_size + 1 bytes (one more says "too big"). Reads `expected` + 1 first:
    a read buffer as large as max_size itself would be allocated whole."""
    data = fh.read(expected + 1)
    if len(data) <= expected:
        return data
    chunks = [data]  # grew since stat(): read on, in chunks, up to the limit
    total = len(data)
    while total <= max_size:
        chunk = fh.read(min(_GROWTH_CHUNK, max_size + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)
