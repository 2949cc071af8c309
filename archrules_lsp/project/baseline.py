"""The baseline: today's findings frozen in a file, so that a check fails only on new ones.

A finding's key never holds a line number, so lines inserted or deleted above it keep
it baselined. The key is the rule id, the root-relative path, a fingerprint of what
the finding is about, and an occurrence number among identical keys in one file:

- `line`: the finding's line, whitespace normalised (anti-patterns, unused suppressions);
- `missing`: the missing item (presence checks: `missing \\`status = Column\\``);
- `endpoint`: the endpoint's function name (`must_return`).

The file (`.archrules-baseline.json`) is sorted, one entry per line, so it diffs well:

    {
      "version": 1,
      "findings": [
        {"path": "app/x.py", "rule": "BG-010", "kind": "line", "what": "status = \\"processing\\"", "occurrence": 1},
        ...
      ]
    }

Pure functions of text and findings plus the file's reading and writing; shared by
the CLI and (later) the language server.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import Finding

BASELINE_FILE = ".archrules-baseline.json"
BASELINE_VERSION = 1
KINDS = ("line", "missing", "endpoint")
_ENDPOINT = re.compile(r"endpoint `(.+?)` does not return ", re.S)
_MISSING_PREFIXES = ("missing ", "no line matches ")
_FIELDS = ("path", "rule", "kind", "what", "occurrence")


class BaselineError(Exception):
    """A baseline file that cannot be read or is not a valid baseline (exit status 2)."""


class Entry(NamedTuple):
    """One baselined finding (sorts as the file lists it)."""

    path: str
    rule: str
    kind: str
    what: str
    occurrence: int


def fingerprint(lines: Sequence[str], finding: Finding) -> tuple[str, str]:
    """(kind, what) for `finding` in a text split into `lines`.

    Presence and endpoint findings end with the rule's label `(ID: name)`; the part
    before it names what is missing. Everything else is about its line."""
    message = finding.message
    label = f" ({finding.rule_id}: "
    if message.endswith(")") and label in message:
        about = message[: message.rindex(label)]
        endpoint = _ENDPOINT.match(about)
        if endpoint:
            return "endpoint", endpoint.group(1)
        if about.startswith(_MISSING_PREFIXES) or about.endswith(" is never referenced"):
            return "missing", " ".join(about.split())
    line = finding.span.line
    text = lines[line] if 0 <= line < len(lines) else ""
    return "line", " ".join(text.split())


def finding_entries(rel: str, text: str, findings: Sequence[Finding]) -> list[Entry]:
    """The baseline entry of each finding (in the order given: sort them by position
    first, so that the n-th identical finding of a file is occurrence n)."""
    from ..engine.text import split_lines

    lines = split_lines(text) if findings else []
    seen: dict[tuple[str, str, str], int] = {}
    out = []
    for f in findings:
        kind, what = fingerprint(lines, f)
        key = (f.rule_id, kind, what)
        n = seen.get(key, 0) + 1
        seen[key] = n
        out.append(Entry(rel, f.rule_id, kind, what, n))
    return out


class Split(NamedTuple):
    new: list  # Findings not in the baseline
    baselined: list  # Findings in it
    fixed: list[Entry]  # the file's entries no finding matched


class Baseline:
    """Entries grouped by path, for a set lookup per finding."""

    def __init__(self, entries: Iterable[Entry] = ()):
        self.by_path: dict[str, set[Entry]] = {}
        for e in entries:
            self.by_path.setdefault(e.path, set()).add(e)

    def __len__(self) -> int:
        return sum(len(s) for s in self.by_path.values())

    def entries(self) -> list[Entry]:
        return sorted(e for s in self.by_path.values() for e in s)

    def split(self, rel: str, text: str, findings: Sequence[Finding]) -> Split:
        """`findings` of `rel` (sorted by position) into new and baselined ones."""
        if rel not in self.by_path:
            return Split(list(findings), [], [])
        return self.split_keyed(rel, findings, finding_entries(rel, text, findings))

    def split_keyed(self, rel: str, findings: Sequence[Finding], entries: Sequence[Entry]) -> Split:
        """Like `split`, with each finding's entry already made (`finding_entries`)."""
        frozen = self.by_path.get(rel)
        if not frozen:
            return Split(list(findings), [], [])
        new: list[Finding] = []
        baselined: list[Finding] = []
        for f, entry in zip(findings, entries, strict=True):
            (baselined if entry in frozen else new).append(f)
        return Split(new, baselined, sorted(frozen.difference(entries)))

    def holds(self, entry: Entry) -> bool:
        return entry in self.by_path.get(entry.path, ())


# ---------------------------------------------------------------- the file


def dumps(entries: Iterable[Entry]) -> str:
    """The file's text: deterministic (sorted, fixed key order), one entry per line."""
    rows = [json.dumps(dict(zip(_FIELDS, e, strict=True)), ensure_ascii=False) for e in sorted(set(entries))]
    body = ",\n".join(f"    {r}" for r in rows)
    findings = f"[\n{body}\n  ]" if rows else "[]"
    return f'{{\n  "version": {BASELINE_VERSION},\n  "findings": {findings}\n}}\n'


def loads(text: str) -> list[Entry]:
    """Entries from a baseline file's text. Raises BaselineError saying what is wrong."""
    try:
        data = json.loads(text)
    except ValueError as e:
        raise BaselineError(f"not valid JSON: {e}") from None
    if not isinstance(data, dict) or "findings" not in data or "version" not in data:
        raise BaselineError('not a baseline: expected {"version": 1, "findings": [...]}')
    if data["version"] != BASELINE_VERSION or isinstance(data["version"], bool):
        raise BaselineError(f"unsupported version {data['version']!r} (this archrules reads version 1)")
    unknown = sorted(set(data) - {"version", "findings"})
    if unknown:
        raise BaselineError(f"unknown key {unknown[0]!r}")
    if not isinstance(data["findings"], list):
        raise BaselineError("'findings' must be a list")
    return [_entry(i, item) for i, item in enumerate(data["findings"])]


def _entry(i: int, item: object) -> Entry:
    where = f"findings[{i}]"
    if not isinstance(item, dict) or set(item) != set(_FIELDS):
        raise BaselineError(f"{where}: expected an object with exactly the keys {', '.join(_FIELDS)}")
    for key in ("path", "rule", "kind", "what"):
        if not isinstance(item[key], str):
            raise BaselineError(f"{where}: '{key}' must be a string")
    if item["kind"] not in KINDS:
        raise BaselineError(f"{where}: 'kind' must be one of {', '.join(KINDS)}, not {item['kind']!r}")
    n = item["occurrence"]
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise BaselineError(f"{where}: 'occurrence' must be a whole number from 1")
    return Entry(item["path"], item["rule"], item["kind"], item["what"], n)


def read_baseline(path: str | os.PathLike) -> list[Entry]:
    """A baseline file's entries. Raises BaselineError (missing, unreadable, malformed):
    never an empty baseline for a broken file."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # a FIFO would block the read
            raise BaselineError("not a regular file")
        # surrogateescape: a file name that is not UTF-8 is kept as its bytes, both ways
        text = Path(path).read_text(encoding="utf-8", errors="surrogateescape")
    except FileNotFoundError:
        raise BaselineError("no such file (create it with `archrules baseline`)") from None
    except OSError as e:
        raise BaselineError(f"cannot read: {e.strerror or e}") from None
    return loads(text)


def write_baseline(path: str | os.PathLike, entries: Iterable[Entry]) -> None:
    """Write the file all at once (a temporary file beside it, then a rename)."""
    import tempfile

    target = os.path.realpath(path)
    fd, tmp = tempfile.mkstemp(prefix=".archrules-baseline-", suffix=".tmp", dir=os.path.dirname(target))
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors="surrogateescape", newline="\n") as fh:
            fh.write(dumps(entries))
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def count_by_rule(entries: Iterable[Entry]) -> Mapping[str, int]:
    counts: dict[str, int] = {}
    for e in entries:
        counts[e.rule] = counts.get(e.rule, 0) + 1
    return dict(sorted(counts.items()))
