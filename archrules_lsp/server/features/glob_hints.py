"""Rule globs that match no file of the workspace, as Hint diagnostics on their `file:`
value in the rule file: a rule written for another layout checks nothing and must not
pass silently (the CLI warns about the same globs: `project/coverage.py`, one
implementation).

The files are the folder's selection (`FileSelector.walk()`: gitignore, excludes,
includes), as the CLI's `check` and `validate` see them. The walk runs in a thread and
is kept per folder until a file is created or deleted (watched-file events) or the
selection's settings change; matching the globs against it runs in a thread too, after
each rules load. Until a new answer is in, the last one stays shown, placed on the
current rules, so the hints do not flicker while a rule file is typed.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ...engine.model import Rule, RuleError, Span
    from ...project.files import FileSelector
    from ..session.folders import Folder
    from ..session.session import Session

log = logging.getLogger("archrules_lsp.server")

FILES_CHANGED_DEBOUNCE = 0.3  # seconds: files created or deleted in a burst (a checkout) are walked once
# Rule globs the client is asked to watch (so that creating the first matching file clears a
# hint): plain characters only, since a pattern the client rejects would lose the whole
# registration; and at most this many.
_WATCHABLE = re.compile(r"^[\w./*\-]+$")
MAX_WATCHED_GLOBS = 200
# `file:` as a key (not inside a value): at a line's start, after `- `, `{` or `,`
_FILE_KEY = re.compile(r"(?:^|(?<=[\s{,-]))file\s*:[ \t]*")

Unmatched = frozenset  # of (rule id, glob pattern)


class GlobHints:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._walks: dict[str, tuple[Any, list[str]]] = {}  # folder uri -> (selection key, root-relative paths)
        self._unmatched: dict[str, Unmatched] = {}  # folder uri -> the last answer
        self._tasks: dict[str, asyncio.Task] = {}

    # ------------------------------------------------------------ what is shown

    def located(self, folder: Folder, read_text) -> dict[str, list[RuleError]]:
        """rule file path -> a Hint per unmatched glob of its rules, on the `file:` value."""
        from ...engine.model import RuleError, Severity
        from ...engine.text import split_lines

        unmatched = self._unmatched.get(folder.uri)
        if not unmatched or folder.checker is None or not folder.settings.enable:
            return {}
        out: dict[str, list[RuleError]] = {}
        texts: dict[str, list[str]] = {}
        for rule, pattern, location in _glob_entries(folder.checker.rules):
            if (rule.id, pattern) not in unmatched or location is None:
                continue
            path = location.path
            if path not in texts:
                try:
                    texts[path] = split_lines(read_text(path))
                except OSError:
                    texts[path] = []
            span = _file_value_span(texts[path], location.span)
            out.setdefault(path, []).append(RuleError(
                path, span, f"`{printable(pattern)}` matches no file in the workspace", rule.id, Severity.HINT))
        return out

    def watch_globs(self, folder: Folder) -> list[str]:
        """File-watcher globs for the folder's rule globs: a file created or deleted there can
        change a hint (a folder in workspace mode watches every file already)."""
        if folder.checker is None or folder.settings.workspace_mode:
            return []
        patterns = dict.fromkeys(p for _, p, _ in _glob_entries(folder.checker.rules) if _WATCHABLE.match(p))
        return [f"**/{p.removeprefix('**/')}" for p in list(patterns)[:MAX_WATCHED_GLOBS]]

    # ------------------------------------------------------------ updating

    def schedule(self, folder: Folder, delay: float = 0.0) -> None:
        """Match the folder's globs again (after a rules load, or files created or deleted)."""
        old = self._tasks.pop(folder.uri, None)
        if old is not None:
            old.cancel()
        self._tasks[folder.uri] = asyncio.ensure_future(self._update(folder, delay))

    def files_changed(self, folder: Folder) -> None:
        """Files were created or deleted (or a .gitignore changed): walk again."""
        self.forget_walk(folder)
        self.schedule(folder, FILES_CHANGED_DEBOUNCE)

    def forget_walk(self, folder: Folder) -> None:
        """The next update walks the folder again (its files may have changed unseen)."""
        self._walks.pop(folder.uri, None)

    async def settled(self, folders: list[Folder]) -> None:
        pending = [task for f in folders if (task := self._tasks.get(f.uri)) is not None]
        if pending:
            await asyncio.wait(pending)

    def forget(self, folder: Folder) -> None:
        task = self._tasks.pop(folder.uri, None)
        if task is not None:
            task.cancel()
        self._walks.pop(folder.uri, None)
        self._unmatched.pop(folder.uri, None)

    def cancel_all(self) -> None:
        for task in self._tasks.values():
            task.cancel()
        self._tasks.clear()

    async def _update(self, folder: Folder, delay: float) -> None:
        try:
            if delay:
                await asyncio.sleep(delay)
            checker, selector = folder.checker, folder.selector
            if checker is None or selector is None or not folder.settings.enable:
                unmatched: Unmatched = frozenset()
            else:
                key = (folder.config, tuple(folder.rule_paths))
                cached = self._walks.get(folder.uri)
                rels = cached[1] if cached is not None and cached[0] == key else None
                walked, unmatched = await asyncio.to_thread(_coverage, selector, checker.rules, rels)
                if folder.checker is not checker:
                    return  # the rules were loaded again meanwhile; that load scheduled its own
                self._walks[folder.uri] = (key, walked)
            if self._tasks.get(folder.uri) is asyncio.current_task():
                self._tasks.pop(folder.uri, None)
            if unmatched != self._unmatched.get(folder.uri, frozenset()):
                self._unmatched[folder.uri] = unmatched
                session = self.session
                session.rule_files.show_problems(folder)
                if session.client.pull_diagnostics and session.client.diagnostic_refresh:
                    session.server.workspace_diagnostic_refresh(None)  # open rule files are pulled
            await self.session.rule_files.register_watchers()
        except asyncio.CancelledError:
            pass
        except Exception:  # noqa: BLE001 - hints are a nicety; never take the server down
            log.exception("matching the rule globs of %s failed", folder.name)


def _coverage(selector: FileSelector, rules: tuple[Rule, ...],
              rels: list[str] | None) -> tuple[list[str], Unmatched]:
    """In a thread: the folder's files (walked unless given) and the unmatched (rule id, glob)s."""
    from ...project.coverage import glob_coverage

    if rels is None:
        rels = list(selector.walk())
    coverage = glob_coverage(rules, rels)
    return rels, frozenset((g.rule_id, g.pattern) for g in coverage.unmatched)


def printable(text: str) -> str:
    """Text from an untrusted rule file (a glob, a rule id) with its control characters
    escaped, for a message."""
    return text if text.isprintable() else text.encode("unicode_escape").decode("ascii")


def _glob_entries(rules):
    """(rule, glob pattern, location of its entry) for every `file:` of the rules."""
    for rule in rules:
        for entry in rule.patterns:
            yield rule, entry.file.pattern, entry.location
        for anti in rule.anti_patterns:
            if anti.file is not None:
                yield rule, anti.file.pattern, anti.location


def _file_value_span(lines: list[str], entry: Span) -> Span:
    """The `file:` value of the pattern entry or anti-pattern at `entry` (read from the
    lines: the model keeps the entry's place, not its keys'); the entry's first line when
    it cannot be found."""
    from ...engine.model import Span

    last = min(entry.end_line, len(lines) - 1)
    keys = [(n, m) for n in range(entry.line, last + 1) for m in _FILE_KEY.finditer(lines[n])]
    if not keys:
        line = lines[entry.line] if entry.line < len(lines) else ""
        return Span(entry.line, entry.column, entry.line, max(entry.column, len(line)))
    # a block mapping's keys share the entry's column: that one wins over a look-alike in a value
    n, m = next(((n, m) for n, m in keys if m.start() == entry.column), keys[0])
    return Span(n, m.end(), n, m.end() + _value_length(lines[n][m.end():]))


def _value_length(rest: str) -> int:
    """The length of a YAML scalar at the start of `rest` (quoted, or plain up to a comment)."""
    if rest[:1] in ("'", '"'):
        end = rest.find(rest[0], 1)
        return len(rest) if end < 0 else end + 1
    plain = rest.split(" #", 1)[0]
    plain = re.split(r"[,}]", plain, maxsplit=1)[0]  # a flow mapping's next key or its end
    return len(plain.rstrip())
