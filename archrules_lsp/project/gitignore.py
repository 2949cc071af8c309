"""Every .gitignore in a tree (not only inside a git repository), with git's semantics.

A deeper .gitignore overrides a shallower one; within a file the last matching
pattern wins (`!pattern` re-includes); nothing under an ignored folder can be
re-included. `.git/info/exclude` counts as a root-level .gitignore.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import pathspec


class GitIgnores:
    """Lazily reads and caches the .gitignore of each folder it is asked about."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self._specs: dict[str, pathspec.GitIgnoreSpec | None] = {}

    def spec_for(self, folder: str) -> pathspec.GitIgnoreSpec | None:
        """The patterns of `folder`'s .gitignore (folder: root-relative posix, '' = root)."""
        try:
            return self._specs[folder]
        except KeyError:
            pass
        base = self.root / folder if folder else self.root
        lines: list[str] = []
        sources = [base / ".gitignore"]
        if not folder:
            sources.insert(0, base / ".git" / "info" / "exclude")
        for src in sources:
            if not src.is_file():  # absent, or a FIFO that would block the read
                continue
            try:
                with open(src, encoding="utf-8", errors="replace") as fh:
                    lines.extend(fh.read().splitlines())
            except OSError:
                continue
        spec = None
        if any(ln.strip() and not ln.lstrip().startswith("#") for ln in lines):
            import pathspec  # imported only when a .gitignore has patterns

            try:
                spec = pathspec.GitIgnoreSpec.from_lines(lines)
            except Exception:  # a malformed pattern: ignore that file rather than fail
                spec = None
        self._specs[folder] = spec
        return spec

    def decision(self, rel: str, is_dir: bool) -> bool | None:
        """True if ignored, False if re-included, None if no pattern matches `rel` itself.

        Only `rel` is looked at, not its folders (callers walk top-down)."""
        parts = rel.split("/")
        # deepest .gitignore first: the first one with an opinion wins
        for depth in range(len(parts) - 1, -1, -1):
            folder = "/".join(parts[:depth])
            spec = self.spec_for(folder)
            if spec is None:
                continue
            sub = "/".join(parts[depth:]) + ("/" if is_dir else "")
            result = spec.check_file(sub)
            if result.include is not None:
                result = self._with_git_semantics(spec, sub, is_dir, result)
            if result.include is not None:
                return result.include
        return None

    @staticmethod
    def _with_git_semantics(spec, sub: str, is_dir: bool, result):
        """Correct two places where pathspec matches more than git does, by deciding
        again without the pattern that decided:

        - `dir/**` (and `dir/**/`) matches what is inside `dir`, not `dir` itself, so
          `config/**` + `!config/default.yaml` keeps that file;
        - a pattern ending in `/` matches folders only: it never decides about a file
          itself (what is inside an ignored folder is pruned with the folder)."""
        import pathspec

        patterns = list(spec.patterns)
        for _ in range(len(patterns)):
            index = result.index
            if result.include is None or index is None:
                return result
            raw = str(getattr(patterns[index], "pattern", "") or "").strip()
            body = raw[1:] if raw.startswith("!") else raw
            if not is_dir:
                if not body.endswith("/"):
                    return result
            else:
                trimmed = body.rstrip("/")
                if not trimmed.endswith("/**"):
                    return result
                base = trimmed[: -len("/**")].lstrip("/")  # `x/**` is anchored: a slash before the end
                if not base or not _glob_matches(base, sub.rstrip("/")):
                    return result  # the folder is inside what the pattern names
            patterns[index] = None
            live = [p for p in patterns if p is not None]
            found = pathspec.GitIgnoreSpec(live).check_file(sub)
            if found.index is not None:  # back to an index into `patterns`
                found = type(found)(found.file, found.include, patterns.index(live[found.index]))
            result = found
        return result


def _glob_matches(pattern: str, path: str) -> bool:
    from ..engine.globs import Glob, GlobError

    try:
        return Glob(pattern).matches(path)
    except GlobError:
        return False
