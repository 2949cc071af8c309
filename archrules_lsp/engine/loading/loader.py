"""Rule files in, `Rule`s and located `RuleError`s out. Never raises on content."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Sequence
from functools import lru_cache

import yaml

from ..model import Rule, RuleError, RuleSet, Severity, Span
from ..text import decode, decode_reporting
from . import yaml_nodes
from .rules import BuiltRule, build_rules
from .values import Context, TooManyValues, describe_tag
from .yaml_nodes import Positions, compose_documents, disallowed_tags

# A rule file larger than this is refused (a hand-written one is a few KB; this is a
# path given by mistake, like a log or /dev/zero).
MAX_RULE_FILE_SIZE = 10_000_000
# Values a file may expand to, beyond its length (see Context.spend).
_BUDGET_SLACK = 10_000


def load_rule_text(text: str, path: str) -> tuple[list[Rule], list[RuleError]]:
    """One rule file's text -> (rules, errors). A repeated id within the file is reported and dropped."""
    built, errors = _load_text(text, path)
    return [b.rule for b in built], errors


def load_rule_files(paths: Sequence[str], read_text: Callable[[str], str] | None = None) -> RuleSet:
    """Every rule of every file, in order; an id already loaded (from any file) is reported and dropped.

    `read_text(path)` lets the server feed unsaved editor buffers; by default the
    file is read from disk (UTF-8, a BOM dropped, undecodable bytes replaced)."""
    if isinstance(paths, str):  # one path passed bare: not a sequence of one-letter paths
        paths = [paths]
    ids = _Ids()
    rules, errors = [], []
    for path in paths:
        text, read_errors = _read(path, read_text)
        errors += read_errors
        if text is None:
            continue
        built, file_errors = _load_text(text, path)
        for b in built:
            dup = ids.claim(b, path)
            if dup is None:
                rules.append(b.rule)
            else:
                file_errors.append(dup)
        errors += _ordered(file_errors)
    return RuleSet(rules=tuple(rules), errors=tuple(errors), files=tuple(paths))


class _Ids:
    """Which rule ids are taken, and where, for duplicate-id errors."""

    def __init__(self) -> None:
        self._first: dict[str, tuple[str, Span]] = {}

    def claim(self, built: BuiltRule, path: str) -> RuleError | None:
        rule_id = built.rule.id
        first = self._first.get(rule_id)
        if first is None:
            self._first[rule_id] = (path, built.id_span)
            return None
        message = f"duplicate rule id `{rule_id}` (first defined {_where(first[0], first[1].line, path)}); " \
                  "this rule is ignored"
        return RuleError(path, built.id_span, message, rule_id)


def _where(first_path: str, line: int, path: str) -> str:
    """Where the first definition is, as seen from the file `path` of the second: its line
    in the same file, else the first file relative to the second's folder (never the
    absolute path the server loads rule files by)."""
    if first_path == path:
        return f"at line {line + 1}"
    try:
        shown = os.path.relpath(first_path, os.path.dirname(path) or os.curdir)
    except ValueError:  # another drive on Windows
        shown = first_path
    return f"in {shown}:{line + 1}"


def _load_text(text: str, path: str) -> tuple[list[BuiltRule], list[RuleError]]:
    if isinstance(text, str):
        # Rules are immutable: an unchanged file (the other rule files, when one is
        # edited in the editor) is not parsed again.
        built, errors = _load_cached(text, path, yaml_nodes.LOADER)
        return list(built), list(errors)
    return _load_uncached(text, path)


@lru_cache(maxsize=32)
def _load_cached(text: str, path: str, _loader: type) -> tuple[tuple[BuiltRule, ...], tuple[RuleError, ...]]:
    built, errors = _load_uncached(text, path)
    return tuple(built), tuple(errors)


def _load_uncached(text: object, path: str) -> tuple[list[BuiltRule], list[RuleError]]:
    # `text` is whatever a caller passed: bytes are decoded, anything else but str is an error
    if isinstance(text, (bytes, bytearray)):
        text, decode_error = _decode(bytes(text), path)
    else:
        decode_error = None
    if not isinstance(text, str):
        return [], [RuleError(path, Span.point(0), f"rule file content must be text, not {type(text).__name__}")]
    # libyaml leaves a BOM out of its mark indexes and pure-Python PyYAML counts it:
    # parse without it, and shift line 0 back into the caller's coordinates.
    bom = 1 if text.startswith("\ufeff") else 0
    text, surrogate = _replace_surrogates(text[bom:])
    pos = Positions(text, first_line_shift=bom)
    ctx = Context(path, pos, budget=2 * len(text) + _BUDGET_SLACK)
    if decode_error is not None:
        ctx.errors.append(decode_error)
    if surrogate is not None:
        message = "the text contains an unpaired surrogate (not valid Unicode); it was read as U+FFFD"
        ctx.report(pos.span(surrogate, surrogate + 1), message, Severity.WARNING)
    recovered_groups: set[int] = set()
    try:
        roots = compose_documents(text)
    except (yaml.YAMLError, RecursionError) as e:
        # The rule holding the error is left out; the file's other rules still load.
        first, recovered = _syntax_error_and_the_rest(e, text, pos, bom, path)
        if recovered is None:
            return [], ctx.errors + [first]
        roots, blanked, syntax_errors, recovered_groups = recovered
        ctx.errors.extend(syntax_errors)
        # Same lines and offsets as `text`, and the node ends trimmed against what was parsed
        # (a block's end mark can lie past the blanked rule).
        ctx.pos = Positions(blanked, first_line_shift=bom)
    except Exception as e:  # e.g. an encoding problem inside libyaml
        return [], ctx.errors + [RuleError(path, Span.point(0), f"cannot parse the rule file: {e}")]
    try:
        # Every tag is written with `!`: no `!` in the text, nothing to scan for.
        for node in disallowed_tags(roots) if "!" in text else ():
            ctx.bad_nodes.add(id(node))
            ctx.report(node, describe_tag(node))
        built = build_rules(ctx, roots)
        if recovered_groups:  # a group whose every rule was blanked is not "empty"
            ctx.errors = [e for e in ctx.errors
                          if not (e.span.line in recovered_groups and e.message.endswith("has no rules"))]
    except TooManyValues:
        message = "this file expands to too many values through YAML aliases (`*name`); nothing was loaded from it"
        return [], [RuleError(path, Span.point(0), message)]
    except Exception as e:  # a loader bug must not take the editor or the CI run down with it
        message = f"internal error while loading this rule file ({type(e).__name__}: {e}); please report it"
        return [], _ordered(ctx.errors) + [RuleError(path, Span.point(0), message)]
    ids = _Ids()
    kept = []
    for b in built:
        dup = ids.claim(b, path)
        if dup is None:
            kept.append(b)
        else:
            ctx.errors.append(dup)
    return kept, _ordered(ctx.errors)


def _syntax_error_and_the_rest(
    e: Exception, text: str, pos: Positions, bom: int, path: str
) -> tuple[RuleError, tuple[list[yaml.Node], str, list[RuleError], set[int]] | None]:
    """A file YAML cannot read: its first error, and `recover`'s reading of the rest (None: nothing
    more to read). Rare, so both modules are imported here, not by every load (start-up time)."""
    from .recovery import recover
    from .syntax_errors import syntax_error

    first = syntax_error(e, pos, path)
    return first, recover(text, first, e, lambda err, blanked: syntax_error(err, Positions(blanked, bom), path))


def _replace_surrogates(text: str) -> tuple[str, int | None]:
    """Lone surrogates (possible in editor buffers) -> U+FFFD, keeping every offset; and the first one's offset."""
    try:  # UTF-8 fails exactly on lone surrogates; compiling their regex costs more (start-up time)
        text.encode("utf-8")
    except UnicodeEncodeError as e:
        return re.sub("[\ud800-\udfff]", "\ufffd", text), e.start
    return text, None


def _ordered(errors: list[RuleError]) -> list[RuleError]:
    """In file order, each distinct error once (aliases can make the same node report twice)."""
    unique = list(dict.fromkeys(errors))
    unique.sort(key=lambda e: (e.path, e.span.line, e.span.column))
    return unique


def _read(path: str, read_text: Callable[[str], str] | None) -> tuple[str | None, list[RuleError]]:
    try:
        if read_text is not None:
            text = read_text(path)
            if isinstance(text, (bytes, bytearray)):
                decoded, problem = _decode(bytes(text), path)
                return decoded, [problem] if problem else []
            if not isinstance(text, str):
                message = f"cannot read rule file: got {type(text).__name__}, not text"
                return None, [RuleError(path, Span.point(0), message)]
            return text, []
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):  # a FIFO would block the read, /dev/zero never end
            kind = "a folder" if stat.S_ISDIR(st.st_mode) else "not a regular file"
            return None, [RuleError(path, Span.point(0), f"cannot read rule file: {kind}")]
        if st.st_size > MAX_RULE_FILE_SIZE:
            message = (f"cannot read rule file: {st.st_size:,} bytes is over the limit of "
                       f"{MAX_RULE_FILE_SIZE:,} bytes for rule files")
            return None, [RuleError(path, Span.point(0), message)]
        with open(path, "rb") as f:
            data = f.read(MAX_RULE_FILE_SIZE + 1)
        if len(data) > MAX_RULE_FILE_SIZE:  # grew while read
            message = f"cannot read rule file: over the limit of {MAX_RULE_FILE_SIZE:,} bytes for rule files"
            return None, [RuleError(path, Span.point(0), message)]
    except OSError as e:
        return None, [RuleError(path, Span.point(0), f"cannot read rule file: {e.strerror or e}")]
    except Exception as e:  # a bad path type, or a failing read_text callback
        return None, [RuleError(path, Span.point(0), f"cannot read rule file: {e}")]
    text, problem = _decode(data, path)
    return text, [problem] if problem else []


def _decode(data: bytes, path: str) -> tuple[str, RuleError | None]:
    """UTF-8 (BOM dropped); on bad bytes, U+FFFD and a warning at the first one."""
    text, bad = decode_reporting(data)
    if bad is None:
        return text, None
    before = decode(data[:bad])
    line, col = Positions(before).at(len(before))
    message = f"the rule file is not valid UTF-8 (byte 0x{data[bad]:02x}); undecodable bytes were replaced"
    return text, RuleError(path, Span(line, col, line, col + 1), message, None, Severity.WARNING)
