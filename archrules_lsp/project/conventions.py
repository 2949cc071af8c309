"""The project's conventions, each stated once, for both shells (the `archrules` command
and the language server):

- rule files: their names, "looks like a rule file", the file-watcher globs;
- root-relative paths: posix separators, `""` for the root itself, None outside it;
- file sizes: parsing `2MB` / `500KB` / bytes with an upper bound, and describing them;
- which file contents are checked, and why not (too big, binary), for bytes on disk and
  for an editor buffer's text alike;
- severities as settings (`off` besides the engine's `Severity` names), and
  `--select` / `--ignore` resolution (ids or id prefixes, case-insensitive).

Importing this module is cheap (no engine, no third-party packages): the engine is
imported only by the functions that need its `Severity` or `UNUSED_SUPPRESSION`.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..engine.record import record

# ---------------------------------------------------------------- rule files

RULE_DIR = ".architecture-rules"
RULE_FILE_NAMES = (".architecture-rules.yaml", ".architecture-rules.yml")
RULE_SUFFIXES = (".yaml", ".yml")
# what marks a project root besides `.git` and a pyproject.toml with [tool.archrules]
RULE_MARKERS = (RULE_DIR, *RULE_FILE_NAMES)
# `archrules test`'s fixture files: example code, never checked as project source
FIXTURE_FOLDER = f"{RULE_DIR}/tests"
# what a client's file watcher reports for rule reloads (LSP glob syntax)
RULE_WATCH_GLOBS = (
    f"**/{RULE_DIR}/*.{{yaml,yml}}",
    "**/.architecture-rules.{yaml,yml}",
    "**/pyproject.toml",
)


def looks_like_rule_file(path: str | os.PathLike) -> bool:
    """Named like a rule file wherever it is: `.architecture-rules.yaml`/`.yml`, or a
    `*.yaml`/`*.yml` directly in a `.architecture-rules/` folder. `path`: root-relative
    posix, or any path of this OS."""
    parts = os.fspath(path).replace(os.sep, "/").rsplit("/", 2)
    name = parts[-1]
    if name in RULE_FILE_NAMES:
        return True
    return name.endswith(RULE_SUFFIXES) and len(parts) > 1 and parts[-2] == RULE_DIR


def rule_watch_globs(configured: Iterable[str]) -> list[str]:
    """RULE_WATCH_GLOBS plus one glob per configured rule file or folder (`--rules`,
    `[tool.archrules] rules`, the editor's `archrules.rules`), without duplicates."""
    globs = list(RULE_WATCH_GLOBS)
    for entry in configured:
        name = os.path.basename(entry.rstrip("/\\"))
        if name.endswith(RULE_SUFFIXES):
            globs.append(f"**/{name}")
        elif name:
            globs.append(f"**/{name}/*.{{yaml,yml}}")
    return list(dict.fromkeys(globs))


# ---------------------------------------------------------------- baseline file

BASELINE_FILE = ".archrules-baseline.json"


def locate_baseline(root: Path, configured: str | None) -> tuple[Path, bool]:
    """(the baseline file, whether it was named): `[tool.archrules] baseline` (relative to
    the root) when set, else `.archrules-baseline.json` at the root. Here, not in baseline.py:
    every check asks, few read a baseline (start-up time)."""
    if configured:
        return root / configured, True
    return root / BASELINE_FILE, False


# ---------------------------------------------------------------- paths


def root_relative(path: str | os.PathLike, root: str | os.PathLike) -> str | None:
    """`path` (absolute, or relative to the cwd) relative to `root`, with `/` separators;
    `""` for the root itself; None when outside it (or on another drive)."""
    try:
        rel = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
    except ValueError:  # another drive on Windows
        return None
    if rel == os.curdir:
        return ""
    if rel == os.pardir or rel.startswith(os.pardir + os.sep):
        return None
    return rel.replace(os.sep, "/")


def resolves_inside(path: str | os.PathLike, root: str | os.PathLike) -> bool:
    """Does `path`, symlinks resolved, lie inside `root` (symlinks resolved too)?"""
    real_root = os.path.realpath(root)
    real = os.path.realpath(path)
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


# ---------------------------------------------------------------- sizes

DEFAULT_MAX_FILE_SIZE = 1_000_000
# Larger limits are refused: a file is read into memory whole (and decoded, up to four
# times its size), so "no limit" is never what anyone wants from a linter.
MAX_FILE_SIZE_LIMIT = 1_000_000_000
_SIZE_UNITS = {"": 1, "B": 1, "K": 1_000, "KB": 1_000, "M": 1_000_000, "MB": 1_000_000,
               "G": 1_000_000_000, "GB": 1_000_000_000}


class SizeError(ValueError):
    """A size setting that is not a size, not positive, or over MAX_FILE_SIZE_LIMIT."""


def parse_size(value: Any) -> int:
    """Bytes from an integer or a string like "500KB" / "2MB" / "1.5M" (decimal units);
    raises SizeError with a message fit for the user."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise SizeError(f"not a size: {value!r} (bytes, or a number with KB, MB or GB)")
    if isinstance(value, str):
        text = value.strip().upper().replace(" ", "")
        number = text.rstrip("KMGB")
        unit = text[len(number):]
        try:
            amount = float(number) * _SIZE_UNITS[unit]
        except (ValueError, KeyError):
            raise SizeError(f"not a size: {value!r} (bytes, or a number with KB, MB or GB)") from None
    else:
        amount = value
    if isinstance(amount, float) and math.isnan(amount):
        raise SizeError(f"not a size: {value!r} (bytes, or a number with KB, MB or GB)")
    if amount > MAX_FILE_SIZE_LIMIT:  # compared before int(): int(inf) raises OverflowError
        raise SizeError(f"{value!r} is over the largest size allowed, {describe_size(MAX_FILE_SIZE_LIMIT)}")
    size = int(amount)
    if size <= 0:
        raise SizeError(f"{value!r}: the size must be positive")
    return size


def describe_size(size: int) -> str:
    """1_000_000 -> '1 MB', 512_000 -> '512 KB', 1234 -> '1234 bytes'."""
    if size >= 1_000_000_000 and size % 100_000_000 == 0:
        return f"{size / 1_000_000_000:g} GB"
    if size >= 1_000_000 and size % 100_000 == 0:
        return f"{size / 1_000_000:g} MB"
    if size >= 1_000 and size % 1_000 == 0:
        return f"{size // 1_000} KB"
    return f"{size} bytes"


# ---------------------------------------------------------------- which contents are checked

# Skip kinds: what a shell may tell apart (the server names the setting to change).
TOO_BIG = "too big"
BINARY = "binary"
NOT_REGULAR = "not a regular file"
UNREADABLE = "unreadable"
OUTSIDE_ROOT = "outside the root"

BINARY_SNIFF_BYTES = 8192  # a NUL byte among the first 8 KB: binary, like git and ripgrep


@record
class Skip:
    """A file that is not checked: `reason` as shown (`over the 1 MB limit`, `binary`, ...),
    `kind` one of the skip kinds above."""

    reason: str
    kind: str = UNREADABLE


def too_big(limit: int) -> Skip:
    return Skip(f"over the {describe_size(limit)} limit", TOO_BIG)


def content_skip(content: bytes | str, max_size: int) -> Skip | None:
    """Why this content is not checked (None: it is). `content`: a file's bytes, or an
    editor buffer's text (measured as its UTF-8 encoding, so both decide alike)."""
    if isinstance(content, str):
        size = len(content)
        if size <= max_size < size * 4:  # 1 to 4 bytes a character: count them only when it matters
            size = len(content.encode("utf-8", "surrogatepass"))
        head = content[:BINARY_SNIFF_BYTES].encode("utf-8", "surrogatepass")[:BINARY_SNIFF_BYTES]
    else:
        size, head = len(content), content[:BINARY_SNIFF_BYTES]
    if size > max_size:
        return too_big(max_size)
    if b"\0" in head:
        return Skip("binary", BINARY)
    return None


# ---------------------------------------------------------------- severities and rule selection

OFF = "off"  # a severity override that turns a rule off (a setting, not an engine Severity)


def severity_setting_names() -> tuple[str, ...]:
    """What a severity override may say: the engine's severities, most severe first, and `off`."""
    from ..engine.model import Severity

    return (*(s.value for s in sorted(Severity, key=lambda s: -s.rank)), OFF)


@record
class Selection:
    """CheckOptions' `select` and `ignore` for a rule set, and the tokens that named no rule."""

    select: tuple[str, ...]
    ignore: tuple[str, ...]
    unmatched: tuple[str, ...]


def resolve_selection(select: Iterable[str], ignore: Iterable[str], rule_ids: Iterable[str]) -> Selection:
    """Rule ids or id prefixes (`BG-0`), matched case-insensitively, `ALL` for every rule,
    expanded to the rule ids they name. `unused-suppression` may be ignored (it is no rule).

    A select that matches nothing selects nothing (not everything): its tokens are kept
    in `select`, where they match no rule."""
    from ..engine.model import UNUSED_SUPPRESSION

    select, ignore, ids = list(select), list(ignore), list(rule_ids)
    selected, bad_select = _expand(select, ids)
    ignored, bad_ignore = _expand(ignore, [*ids, UNUSED_SUPPRESSION])
    return Selection(
        select=tuple(sorted(selected)) + tuple(bad_select),
        ignore=tuple(sorted(ignored)),
        unmatched=tuple(bad_select + bad_ignore),
    )


def _expand(tokens: list[str], ids: list[str]) -> tuple[set[str], list[str]]:
    matched: set[str] = set()
    unmatched: list[str] = []
    for token in tokens:
        wanted = token.strip().upper()
        if wanted == "ALL":
            matched.update(ids)
            continue
        hits = [i for i in ids if i.upper() == wanted] or [i for i in ids if i.upper().startswith(wanted)]
        if hits:
            matched.update(hits)
        else:
            unmatched.append(token)
    return matched, unmatched
