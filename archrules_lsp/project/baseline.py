"""The baseline: today's findings frozen in a file, so that a check fails only on new ones.

A finding's key never holds a line number, so lines inserted or deleted above it keep
it baselined. The key is the rule id, the root-relative path, a fingerprint of what
the finding is about, and an occurrence number among identical keys in one file:

- `line`: the finding's line, whitespace normalised (anti-patterns, unused suppressions);
- `missing`: the missing item (presence checks: `missing \\`status = Column\\``);
- `endpoint`: the endpoint's function name (`must_return`).
- `import`: `importer -> imported` (import contracts; for an indirect import, the module
  at the end of the chain), so neither moving the import nor a new chain unbaselines it.

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
import operator
import os
import re
import stat
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from .conventions import locate_baseline  # noqa: F401 (its home is conventions; the server imports it from here)

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import Finding

BASELINE_VERSION = 1
KINDS = ("line", "missing", "endpoint", "import")
# An import contract's finding (engine/imports/contracts.py): importer, imported, the contract's reason.
# Both patterns are compiled when a baseline is used (re caches them), not at import: start-up time.
_IMPORT = (r"(\S+) imports (\S+)(?: indirectly: .+)? \((?:layer .+ is below .+|.+ must not import .+|"
           r".+ and .+ are independent|.+ is protected: only .+ may import it)\)")
_ENDPOINT = r"endpoint `(.+?)` does not return "
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
    """(kind, what) for `finding` in a text split into `lines`."""
    about = _about(finding.rule_id, finding.message)
    return about if about is not None else ("line", _line_text(lines, finding.span.line))


def _about(rule_id: str, message: str) -> tuple[str, str] | None:
    """(kind, what) of a presence or endpoint finding; None for one about its line.

    Their messages end with the rule's label `(ID: name)`; the part before it names
    what is missing. An anti-pattern's message is the rule author's own."""
    contract = re.fullmatch(_IMPORT, message, re.S) if " imports " in message else None
    if contract is not None:  # the modules, not the line: moving the import keeps it baselined
        return "import", f"{contract.group(1)} -> {contract.group(2)}"
    label = f" ({rule_id}: "
    if not message.endswith(")") or label not in message:
        return None
    about = message[: message.rindex(label)]
    endpoint = re.match(_ENDPOINT, about, re.S)
    if endpoint:
        return "endpoint", endpoint.group(1)
    if about.startswith(_MISSING_PREFIXES) or about.endswith(" is never referenced"):
        return "missing", " ".join(about.split())
    return None


def _line_text(lines: Sequence[str], line: int) -> str:
    return " ".join(lines[line].split()) if 0 <= line < len(lines) else ""


def finding_entries(rel: str, text: str, findings: Sequence[Finding]) -> list[Entry]:
    """The baseline entry of each finding (in the order given: sort them by position
    first, so that the n-th identical finding of a file is occurrence n)."""
    if not findings:
        return []
    from ..engine.text import split_lines

    last = max(f.span.line for f in findings)
    # only the lines up to the last finding (the engine splits on \r too: then all of them)
    lines = text.split("\n", last + 1) if "\r" not in text else split_lines(text)
    abouts: dict[tuple[str, str], tuple[str, str] | None] = {}  # messages repeat: decide once
    seen: dict[tuple[str, str, str], int] = {}
    out = []
    make = tuple.__new__  # half the cost of Entry(...): this runs once per finding
    for f in findings:
        rule = f.rule_id
        key = (rule, f.message)
        about = abouts[key] if key in abouts else abouts.setdefault(key, _about(rule, f.message))
        kind, what = about if about is not None else ("line", _line_text(lines, f.span.line))
        same = (rule, kind, what)
        n = seen[same] = seen.get(same, 0) + 1
        out.append(make(Entry, (rel, rule, kind, what, n)))
    return out


class Split(NamedTuple):
    new: list  # Findings not in the baseline
    baselined: list  # Findings in it
    fixed: list[Entry]  # the file's entries no finding matched


class Baseline:
    """Entries grouped by path, for a set lookup per finding."""

    def __init__(self, entries: Iterable[Entry] = ()):
        self.by_path: dict[str, set[Entry]] = {}
        by_path = self.by_path
        with _no_collections():
            for e in entries:  # (no setdefault: it would make a set per entry)
                found = by_path.get(e.path)
                if found is None:
                    by_path[e.path] = {e}
                else:
                    found.add(e)

    def __len__(self) -> int:
        return sum(len(s) for s in self.by_path.values())

    def entries(self) -> list[Entry]:
        return sorted(e for s in self.by_path.values() for e in s)

    def split(self, rel: str, text: str, findings: Sequence[Finding]) -> Split:
        """`findings` of `rel` (sorted by position) into new and baselined ones."""
        frozen = self.by_path.get(rel)
        if not frozen:
            return Split(list(findings), [], [])
        entries = finding_entries(rel, text, findings)
        new: list[Finding] = []
        baselined: list[Finding] = []
        for f, entry in zip(findings, entries, strict=True):
            (baselined if entry in frozen else new).append(f)
        return Split(new, baselined, sorted(frozen.difference(entries)))


# ---------------------------------------------------------------- the file


def dumps(entries: Iterable[Entry]) -> str:
    """The file's text: deterministic (sorted, fixed key order), one entry per line."""
    import json  # only with a baseline (CLI start-up)

    rows = [json.dumps(dict(zip(_FIELDS, e, strict=True)), ensure_ascii=False) for e in sorted(set(entries))]
    body = ",\n".join(f"    {r}" for r in rows)
    findings = f"[\n{body}\n  ]" if rows else "[]"
    return f'{{\n  "version": {BASELINE_VERSION},\n  "findings": {findings}\n}}\n'


@contextlib.contextmanager
def _no_collections() -> Iterator[None]:
    """100,000 entries hold no cycles: collections while they are made are wasted (and
    would take longer than making them)."""
    import gc

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def loads(text: str) -> list[Entry]:
    """Entries from a baseline file's text. Raises BaselineError saying what is wrong."""
    with _no_collections():
        return _loads(text)


def _loads(text: str) -> list[Entry]:
    import json  # only with a baseline (CLI start-up)

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
    return _entries(data["findings"])


def _entries(items: list) -> list[Entry]:
    """Fast when every item is well formed (a baseline can hold 100,000 entries); else
    `_entry` one by one, for the message that names the first bad one."""
    fields, make = operator.itemgetter(*_FIELDS), tuple.__new__  # Entry(...) costs twice as much
    try:
        out = [make(Entry, fields(d)) for d in items if len(d) == 5]
    except (TypeError, KeyError):
        out = []
    if len(out) == len(items) and all(
            type(e.path) is str and type(e.rule) is str and e.kind in KINDS and type(e.what) is str
            and type(e.occurrence) is int and e.occurrence > 0 for e in out):
        return out
    return [_entry(i, item) for i, item in enumerate(items)]


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
    """Write the file all at once (a temporary file beside it, then a rename). A symlink
    at `path` is replaced by the file, never written through: a checkout's link could
    lead anywhere on the machine."""
    import tempfile

    target = os.path.abspath(path)
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
