"""What changed in a git repository since a revision, and a file's text at it (new-code mode).

Read-only git commands only, run with an argument list (no shell). A repository is
untrusted input: `core.fsmonitor` (a command git would run) is turned off, no
external diff or textconv driver runs, and git takes no optional locks.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

_ENV = {"GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}


class GitError(Exception):
    """git is missing, the folder is not in a repository, or a revision does not exist."""


def _git(cwd: Path, *args: str) -> bytes:
    argv = ["git", "-c", "core.fsmonitor=false", "-c", "core.quotepath=false", *args]
    try:
        done = subprocess.run(argv, cwd=cwd, capture_output=True, env={**os.environ, **_ENV},
                              stdin=subprocess.DEVNULL, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed (needed for --new-since)") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1] if message else f"git {args[0]} failed")
    return done.stdout


def repo_toplevel(folder: Path) -> Path:
    try:
        out = _git(folder, "rev-parse", "--show-toplevel")
    except GitError as e:
        raise GitError(f"--new-since needs a git repository: {e}") from None
    return Path(os.fsdecode(out.rstrip(b"\n")))


def resolve_revision(top: Path, ref: str) -> str:
    """The commit `ref` names. Raises GitError saying to fetch more history when unknown."""
    if ref.startswith("-"):
        raise GitError(f"{ref}: not a revision")
    try:
        return _git(top, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}").decode().strip()
    except GitError:
        shallow = _git(top, "rev-parse", "--is-shallow-repository").strip() == b"true"
        hint = ("this is a shallow clone: fetch more history (git fetch --unshallow, or "
                "actions/checkout with fetch-depth: 0)" if shallow else
                "fetch it first (git fetch origin, or a deeper clone: git fetch --unshallow)")
        raise GitError(f"--new-since {ref}: no such revision in this repository; {hint}") from None


def changed_since(top: Path, commit: str) -> dict[str, str | None]:
    """Files of the working tree that differ from `commit`: {path: its path at `commit`,
    or None when it did not exist there (added, untracked)}. Repository-relative, `/`
    separated; renames are followed. Deleted files are left out (nothing to report)."""
    out = _git(top, "diff", "--name-status", "-z", "-M", "--no-ext-diff", "--no-textconv", commit, "--")
    fields = [os.fsdecode(f) for f in out.split(b"\0")]
    changed: dict[str, str | None] = {}
    i = 0
    while i < len(fields) - 1:
        status = fields[i]
        if status[:1] in ("R", "C"):
            changed[fields[i + 2]] = fields[i + 1]
            i += 3
            continue
        if status[:1] != "D":
            changed[fields[i + 1]] = None if status[:1] == "A" else fields[i + 1]
        i += 2
    untracked = _git(top, "ls-files", "-z", "--others", "--exclude-standard")
    for name in untracked.split(b"\0"):
        if name:
            changed[os.fsdecode(name)] = None
    return changed


def text_at(top: Path, commit: str, path: str) -> bytes:
    """The content of repository-relative `path` at `commit` (the blob as stored)."""
    return _git(top, "cat-file", "blob", f"{commit}:{path}")
