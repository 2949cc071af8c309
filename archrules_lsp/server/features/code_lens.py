"""Code lens above each rule in a rule file: how many findings it has and how many of its
examples pass, e.g. `3 findings in workspace · examples 4/4`; the lens runs
`archrules.showFindings [ruleId]`, which opens the first finding and returns them all.

Findings are what the diagnostics service holds (`Diagnostics.finding_locations`): the
open documents' results and, in workspace mode, the closed files' scan results; so
outside workspace mode the lens says `in open files`. Baselined findings are not counted
unless `archrules.baseline` is `show`. Example tallies come from the rules load
(rule_files.py runs the examples once per load and rule-file text).

Counts change with every publish: `workspace/codeLens/refresh` is sent (when the client
supports it and a rule file is open) at most once per REFRESH_INTERVAL, after the changes.
Each lens request reads every finding held (about 45 ms per 10,000 on this machine).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from lsprotocol import types as t
from pygls.exceptions import JsonRpcInvalidParams
from pygls.uris import to_fs_path

from ..convert import Lines
from ..session.folders import norm
from .glob_hints import printable

if TYPE_CHECKING:
    from ...engine.model import Rule
    from ..app import ArchrulesServer
    from ..session.folders import Folder
    from ..session.session import Session

log = logging.getLogger("archrules_lsp.server")

SHOW_FINDINGS = "archrules.showFindings"
REFRESH_INTERVAL = 0.3  # seconds: at most one workspace/codeLens/refresh per this long


class CodeLenses:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._refresh: asyncio.TimerHandle | None = None

    # ------------------------------------------------------------ refresh

    def schedule_refresh(self) -> None:
        """Ask the client to request the lenses again, REFRESH_INTERVAL from now (once for
        every change until then); never when it did not declare `refreshSupport`."""
        if self._refresh is not None or not self.session.client.code_lens_refresh:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no loop (a unit test of the session): nobody to tell
            return
        self._refresh = loop.call_later(REFRESH_INTERVAL, self._send_refresh)

    def _send_refresh(self) -> None:
        self._refresh = None
        session = self.session
        if not any(doc.path and any(f.loads_rule_file(doc.path) for f in session.folders)
                   for doc in session.documents):
            return  # lenses are asked for open documents only: no rule file open, nothing to redraw
        try:
            self.session.server.workspace_code_lens_refresh(None)
        except Exception as e:  # noqa: BLE001 - a closed stream at exit
            log.debug("workspace/codeLens/refresh not sent: %s", e)

    # ------------------------------------------------------------ lenses

    async def settle_open_documents(self) -> None:
        """Bring the open documents' results up to their text: a pull client may not have
        asked for them since its last edit, and a push may still be in its debounce."""
        session = self.session
        for doc in list(session.documents):
            if doc.path and session.folders.for_path(doc.path) is not None:
                await session.diagnostics.fresh_result(doc)

    async def lenses(self, uri: str) -> list[t.CodeLens]:
        """A lens per rule of the rule file at `uri` ([] for any other document)."""
        session = self.session
        path = to_fs_path(uri)
        if not path:
            return []
        await session.rule_files.reloaded(path)  # the lenses of the text just typed
        folders = [f for f in session.folders if f.ruleset is not None and f.loads_rule_file(path)]
        if not folders:
            return []
        await self.settle_open_documents()
        doc = session.documents.get(uri)
        enc = session.client.position_encoding
        try:
            lines = Lines.of_document(doc, enc) if doc is not None else Lines.of_text(
                session.rule_files.read_text(path), enc)
        except OSError:
            return []
        out: dict[str, t.CodeLens] = {}
        for folder in folders:
            counts = session.diagnostics.finding_counts(folder)
            tallies = session.rule_files.example_tallies.get(folder.uri, {})
            active = {r.id for r in folder.checker.rules} if folder.checker is not None else set()
            for rule in _rules_in(folder, path):
                if rule.id in out:
                    continue  # loaded by two folders: the first one's
                title = _title(counts[rule.id], _scope(folder), tallies.get(rule.id), rule.id in active)
                span = rule.location.span  # type: ignore[union-attr]  # _rules_in: located ones
                position = lines.position(span.line, span.column)
                out[rule.id] = t.CodeLens(range=t.Range(start=position, end=position),
                                          command=t.Command(title=title, command=SHOW_FINDINGS, arguments=[rule.id]))
        return list(out.values())

    # ------------------------------------------------------------ the command

    async def show_findings(self, rule_id: str) -> list[dict[str, Any]]:
        """Every finding of the rule as `{uri, range}`, in file and line order; the first is
        shown (`window/showDocument`) when the client can; none: an info message."""
        session = self.session
        folders = [f for f in session.folders if f.rule(rule_id) is not None]
        if not folders:
            raise JsonRpcInvalidParams(f"no rule {rule_id!r} is loaded")
        await self.settle_open_documents()
        found: list[dict[str, Any]] = [{"uri": uri, "range": rng} for folder in folders
                 for rid, uri, rng in session.diagnostics.finding_locations(folder) if rid == rule_id]
        found.sort(key=lambda loc: (loc["uri"], loc["range"]["start"]["line"], loc["range"]["start"]["character"]))
        if not found:
            where = "the workspace" if all(_scope(f) == "in workspace" for f in folders) else "the open files"
            session.show_message(f"No findings of {printable(rule_id)} in {where}", t.MessageType.Info)
            return []
        if session.client.show_document:
            first = found[0]
            start, end = first["range"]["start"], first["range"]["end"]
            selection = t.Range(start=t.Position(line=start["line"], character=start["character"]),
                                end=t.Position(line=end["line"], character=end["character"]))
            await session.server.window_show_document_async(
                t.ShowDocumentParams(uri=first["uri"], take_focus=True, selection=selection))
        return found


def _rules_in(folder: Folder, path: str) -> list[Rule]:
    assert folder.ruleset is not None
    key = norm(path)
    return [r for r in folder.ruleset.rules if r.location is not None and norm(r.location.path) == key]


def _scope(folder: Folder) -> str:
    """Where the counted findings come from: every file (workspace mode), else the open ones."""
    return "in workspace" if folder.settings.workspace_mode and folder.settings.enable else "in open files"


def _title(count: int, scope: str, examples: tuple[int, int] | None, active: bool) -> str:
    if active:
        findings = f"{count} finding{'' if count == 1 else 's'} {scope}"
    else:
        findings = "not checked (disabled or not selected)"
    if examples is None:
        return findings
    passed, total = examples
    return f"{findings} · examples {passed}/{total}"


def register(server: ArchrulesServer) -> None:
    session = server.session

    @server.feature(t.TEXT_DOCUMENT_CODE_LENS, t.CodeLensOptions(resolve_provider=False))
    async def on_code_lens(params: t.CodeLensParams) -> list[t.CodeLens]:
        await session.wait_ready()
        return await session.code_lenses.lenses(params.text_document.uri)
