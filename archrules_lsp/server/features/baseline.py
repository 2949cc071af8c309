"""The baseline from the editor: "Add to baseline" on a finding, and the commands
`archrules.writeBaseline` (freeze every current finding of the folder's files on disk)
and `archrules.updateBaseline` (a ratchet: drop the entries no longer found, add
nothing). How baselined findings show is the `baseline` setting (diagnostics.py); the
file is reloaded when it changes (rule_files.py watches and handles didSave)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from lsprotocol import types as t
from pygls.exceptions import JsonRpcInvalidParams

from ...engine.record import replace
from ...project.baseline import Baseline, BaselineError, Entry, finding_entries, write_baseline
from ..convert import span_json

if TYPE_CHECKING:
    from ...engine.model import Finding, Span
    from ..app import ArchrulesServer
    from ..session.folders import Folder
    from ..session.session import Session
    from .diagnostics import DocResult

log = logging.getLogger("archrules_lsp.server")

def baseline_view(baseline: Baseline | None, mode: str, rel: str | None, text: str,
                  findings: Sequence[Finding]) -> tuple[Sequence[Finding], frozenset[tuple[str, Span]]]:
    """The findings as the editor shows them after the baseline and the `baseline` setting
    (hint: as hints marked "(baselined)"; hide: left out; show: as they are), and which of
    them the baseline holds. One place for open documents and the workspace scan's files."""
    if baseline is None or rel is None or not findings:
        return findings, frozenset()
    split = baseline.split(rel, text, findings)
    if not split.baselined:
        return findings, frozenset()
    held = frozenset((f.rule_id, f.span) for f in split.baselined)
    if mode == "show":
        return findings, held
    if mode == "hide":
        return split.new, held
    from ...engine.model import Severity

    return [replace(f, severity=Severity.HINT, message=f"(baselined) {f.message}")
            if (f.rule_id, f.span) in held else f for f in findings], held


ADD_TO_BASELINE = "archrules.addToBaseline"
WRITE_BASELINE = "archrules.writeBaseline"
UPDATE_BASELINE = "archrules.updateBaseline"


class _FileEntries:
    """The scan's per-file transform: the baseline entries of a checked file (picklable)."""

    needs_text = True

    def __call__(self, rel: str, outcome: Any, text: str | None) -> list[Entry]:
        findings = getattr(outcome, "findings", None)
        return finding_entries(rel, text, findings) if findings and text is not None else []


def add_action(result: DocResult, uri: str, finding: Finding, diag: t.Diagnostic | None) -> t.CodeAction | None:
    """"Add to baseline" for a finding the baseline does not hold yet."""
    if result.folder is None or result.folder.baseline_path is None:
        return None
    if (finding.rule_id, finding.span) in result.baselined:
        return None
    title = f"Add {finding.rule_id} here to the baseline"
    return t.CodeAction(title=title, kind=t.CodeActionKind.QuickFix, diagnostics=[diag] if diag else None,
                        command=t.Command(title=title, command=ADD_TO_BASELINE,
                                          arguments=[uri, finding.rule_id, span_json(finding.span)]))


def _write(session: Session, folder: Folder, entries: list[Entry], reason: str) -> int:
    assert folder.baseline_path is not None
    try:
        write_baseline(folder.baseline_path, entries)
    except (OSError, BaselineError) as e:
        raise JsonRpcInvalidParams(f"cannot write {folder.baseline_path}: {e}") from None
    session.refresh([folder], reason)  # reads the baseline again: every open document shows it
    return len(set(entries))


def add_to_baseline(session: Session, args: tuple[Any, ...]) -> int:
    if len(args) != 3 or not all(isinstance(a, want) for a, want in zip(args, (str, str, list), strict=True)):
        raise JsonRpcInvalidParams(f"{ADD_TO_BASELINE} takes (uri, rule id, span), got {list(args)!r}")
    uri, rule_id, span = args
    doc = session.documents.get(uri)
    if doc is None or not doc.path:
        raise JsonRpcInvalidParams(f"{uri} is not an open document")
    result = session.diagnostics.result_for(doc)
    folder = result.folder
    rel = folder.relative(doc.path) if folder is not None else None
    if folder is None or rel is None or folder.baseline_path is None:
        raise JsonRpcInvalidParams(f"{uri} is in no folder of the workspace")
    chosen = [e for f, e in zip(result.findings, finding_entries(rel, doc.text, result.findings), strict=True)
              if f.rule_id == rule_id and span_json(f.span) == span]
    if not chosen:
        raise JsonRpcInvalidParams(f"no {rule_id} finding at {span} in {uri} any more")
    existing = folder.baseline.entries() if folder.baseline is not None else []
    return _write(session, folder, [*existing, *chosen], "finding added to the baseline")


async def scan_entries(session: Session, folder: Folder) -> list[Entry]:
    """Every finding of the folder's files on disk, as baseline entries (in a thread)."""
    from ...project.scan import scan
    from .workspace_scan import scan_jobs

    checker, selector = folder.checker, folder.selector
    if checker is None or selector is None:
        raise JsonRpcInvalidParams(f"no rules are loaded for {folder.name}")

    def run() -> list[Entry]:
        out: list[Entry] = []
        for _, entries in scan(folder.root, list(selector.walk()), checker, jobs=scan_jobs(),
                               max_file_size=folder.config.max_file_size, transform=_FileEntries()):
            out.extend(entries)
        return out

    return await asyncio.get_running_loop().run_in_executor(None, run)


async def write_or_update(session: Session, prune: bool) -> dict[str, int]:
    """Every folder's baseline written anew (or pruned): entry counts by folder name."""
    counts = {}
    for folder in session.folders:
        if not folder.settings.enable or folder.baseline_path is None:
            continue
        found = await scan_entries(session, folder)
        if prune:
            kept = set(found)
            found = [e for e in (folder.baseline.entries() if folder.baseline else []) if e in kept]
        counts[folder.name] = _write(session, folder, found, "baseline updated" if prune else "baseline written")
        log.info("%s: %d findings in %s", folder.name, counts[folder.name], folder.baseline_path)
    return counts


def register(server: ArchrulesServer) -> None:
    session = server.session

    @server.command(ADD_TO_BASELINE)
    async def add_command(*args: Any) -> int:
        await session.wait_ready()
        return add_to_baseline(session, args)

    @server.command(WRITE_BASELINE)
    async def write_command(*args: Any) -> dict[str, int]:
        await session.wait_ready()
        return await write_or_update(session, prune=False)

    @server.command(UPDATE_BASELINE)
    async def update_command(*args: Any) -> dict[str, int]:
        await session.wait_ready()
        return await write_or_update(session, prune=True)
