"""Diagnostics for documents: computed on the unsaved text, pushed or pulled.

Push (publishDiagnostics, with the version) for clients without
`textDocument.diagnostic`; pull (textDocument/diagnostic, workspace/diagnostic)
for the others; never both for one document. Files that are not open (rule files
with errors, workspace-mode results) are always pushed.

Each edit restarts a per-URI debounce task (`debounceMs`; 0 = at once). The check
itself runs inline on the loop: it takes milliseconds, and a thread would only
fight the GIL. A result belongs to one exact text (the document's text object,
not only its version: a client may repeat a version) under one rules epoch, and
is published only while the document still holds that text.

One `UriRecord` per URI holds everything kept about it; a record with nothing
left in it is dropped, so nothing grows with the number of edits or files seen.
"""

from __future__ import annotations

import asyncio
import json
import logging
import operator
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import count
from typing import TYPE_CHECKING, cast

from lsprotocol import types as t

from ...engine.finding_runs import most_severe
from ..convert import Lines, finding_diagnostic, note_diagnostic, notice_diagnostic, path_to_uri, rule_error_diagnostic
from ..documents import Document, canonical_uri
from .baseline import baseline_view

if TYPE_CHECKING:
    from ...engine.incremental import IncrementalCheck
    from ...engine.model import CheckResult, Finding, Span
    from ...project.conventions import Skip
    from ..app import ArchrulesServer
    from ..session.capabilities import ClientFeatures
    from ..session.folders import Folder
    from ..session.session import Session
    from .workspace_scan import FindingRanges, RenderedFile

log = logging.getLogger("archrules_lsp.server")

# Documents from this many characters on are checked in the check thread (tens of ms
# and more); smaller ones inline, where a thread hop would cost more than it saves.
OFF_LOOP_CHARS = 64_000


@dataclass
class DocResult:
    """The check of one document text under one rules epoch."""

    text: str | None  # the exact text checked (identity: the cache key)
    epoch: int
    result_id: str
    folder: Folder | None = None
    findings: Sequence[Finding] = ()
    wire: list[str] = field(default_factory=list)  # the diagnostics as JSON texts
    # a finding's place-free key -> its diagnostic's JSON cut at its line numbers (see
    # _template): reused by the next check of this URI, also when an edit above moved the finding
    cache: dict[tuple, tuple[str, ...]] = field(default_factory=dict)
    # id(finding) -> (the finding, its diagnostic's JSON, its key in `cache`): a finding an edit
    # left alone is the same object in the next check (engine/finding_runs.py): its JSON is
    # reused whole, and its template kept for when a later edit moves it
    shown: dict[int, tuple[Finding, str, tuple]] = field(default_factory=dict)
    # the findings converted into `wire` (the shown ones, in order) and their JSON texts
    published: Sequence[Finding] = ()
    published_json: list[str] = field(default_factory=list)
    baselined: frozenset[tuple[str, Span]] = frozenset()  # (rule id, span) of findings the baseline holds
    _diagnostics: list[dict] | None = None

    @property
    def diagnostics(self) -> list[dict]:
        """The diagnostics as LSP JSON dicts, read back from `wire` when asked and not kept:
        pushing needs only the texts, a pull client asks about a result once, and the dicts
        would take several times the size of the document's text."""
        if self._diagnostics is not None:
            return self._diagnostics
        return [json.loads(w) for w in self.wire]


@dataclass(frozen=True)
class DiskResult:
    """What is kept of a closed file's pushed diagnostics: the findings of each rule and
    where those published are, not the diagnostics (no per-finding objects: a workspace
    scan keeps this for thousands of files)."""

    rule_counts: tuple[tuple[str, int], ...] = ()  # (rule id, findings); () for rule-file errors
    ranges: FindingRanges | None = None  # None for rule-file errors


@dataclass
class UriRecord:
    result: DocResult | None = None  # the last result for the open document
    # the open document's check, kept up to date edit by edit (one rules epoch: a new checker
    # or path starts a new one), and the lock that keeps the loop and the check thread from
    # updating it at once
    incremental: IncrementalCheck | None = None
    incremental_lock: threading.Lock = field(default_factory=threading.Lock)
    task: asyncio.Task | None = None  # a pending (debounced) publish
    pushed: bool = False  # the last publish for this URI was non-empty
    disk: DiskResult | None = None  # a closed file's pushed diagnostics
    disk_folder: Folder | None = None  # the folder whose scan or rules produced `disk`

    def empty(self) -> bool:
        return (self.result is None and self.task is None and not self.pushed and self.disk is None
                and self.incremental is None)


@dataclass
class _Pending:
    """A result whose engine check is still to run."""

    result: DocResult
    folder: Folder
    path: str


class Diagnostics:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.records: dict[str, UriRecord] = {}
        self._result_ids = count(1)
        # one thread for the checks of large documents: the loop keeps answering meanwhile
        # (RE2 and the parser hold the GIL only in slices; checks never run two at a time)
        self._check_thread = ThreadPoolExecutor(1, thread_name_prefix="archrules-check")

    def _record(self, uri: str) -> UriRecord:
        record = self.records.get(uri)
        if record is None:
            record = self.records[uri] = UriRecord()
        return record

    def _tidy(self, uri: str) -> None:
        record = self.records.get(uri)
        if record is not None and record.empty():
            del self.records[uri]

    # ------------------------------------------------------------ computing

    def _cached(self, doc: Document) -> DocResult | None:
        record = self.records.get(doc.uri)
        cached = record.result if record is not None else None
        if cached is not None and cached.text is doc.text and cached.epoch == self.session.epoch:
            return cached
        return None

    def result_for(self, doc: Document) -> DocResult:
        """The current result for an open document, computed now (on the loop) if stale:
        what a request about this document (hover, code actions) needs."""
        cached = self._cached(doc)
        if cached is not None:
            return cached
        previous = self._record(doc.uri).result
        pending = self._begin(doc)
        if isinstance(pending, _Pending):
            pending = self._complete(doc, pending, self._check_job(doc, pending)(), previous)
        return self._keep(doc, pending)

    async def fresh_result(self, doc: Document) -> DocResult | None:
        """`result_for`, with a large document's check run in the check thread, so that
        requests are answered meanwhile; None if the text changed while it ran."""
        cached = self._cached(doc)
        if cached is not None:
            return cached
        text = doc.text
        if len(text) < OFF_LOOP_CHARS:
            return self.result_for(doc)
        pending = self._begin(doc)
        if isinstance(pending, _Pending):
            loop = asyncio.get_running_loop()
            check = await loop.run_in_executor(self._check_thread, self._check_job(doc, pending))
            if doc.text is not text or pending.result.epoch != self.session.epoch:
                return None  # a newer edit or rules change has its own check coming
            record = self.records.get(doc.uri)
            pending = self._complete(doc, pending, check, record.result if record is not None else None)
        return self._keep(doc, pending)

    def _check_job(self, doc: Document, pending: _Pending) -> Callable[[], CheckResult]:
        """The engine check of the document's current text, to run once (on the loop or in the
        check thread): incremental from the last check when the edits since are known."""
        from ...engine.incremental import IncrementalCheck

        folder, text = pending.folder, doc.text
        checker, rel = folder.checker, folder.relative(pending.path)
        base, edits = doc.take_edits()
        if checker is None or rel is None:
            return lambda: folder.check(pending.path, text)
        record = self._record(doc.uri)
        kept = record.incremental
        if kept is not None and (kept.checker is not checker or kept.path != rel):
            kept = record.incremental = None
        if kept is None and not edits and len(text) < OFF_LOOP_CHARS:
            # a small document not edited (yet): a plain check. What makes edits cheap (the
            # incremental check, the diagnostics' templates) costs several times the text and
            # is built at the first edit, which a full check of a small text hardly slows;
            # many open documents are only read
            return lambda: checker.check(rel, text)
        if kept is None:
            kept = record.incremental = IncrementalCheck(checker, rel)
        lock = record.incremental_lock

        def run() -> CheckResult:
            if not lock.acquire(blocking=False):  # the check thread has it: check this text alone
                return checker.check(rel, text)
            try:
                if base is not None and kept.text is base:
                    return kept.update(text, edits)
                return kept.check(text)
            except BaseException:
                kept.reset()
                raise
            finally:
                lock.release()

        return run

    def _keep(self, doc: Document, result: DocResult) -> DocResult:
        if result.epoch != self.session.epoch:  # rules were loaded on the way (a new implicit folder)
            return self.result_for(doc)
        self._record(doc.uri).result = result
        self.session.findings_changed()
        return result

    def _begin(self, doc: Document) -> DocResult | _Pending:
        """Everything before the engine check: a finished result when none is needed."""
        session = self.session
        path = doc.path
        folder = session.folder_for_path(path) if path else None
        result = DocResult(doc.text, session.epoch, f"{session.epoch}.{next(self._result_ids)}", folder)
        if folder is None or not path:
            return result
        if doc.lost:
            return self._finish(result, [notice_diagnostic(
                "archrules: not checked: a change to this file could not be applied (see the log); "
                "close and reopen it")])
        if folder.is_rule_file(path):
            # a rule file: its own errors, never linted as source
            if not folder.settings.enable:
                return result
            lines = Lines.of_document(doc, session.client.position_encoding)
            return self._finish(result, [rule_error_diagnostic(e, lines)
                                         for e in session.rule_files.errors_for(path)])
        skip = folder.skip_reason(path, doc.text)
        if skip is not None:
            log.debug("%s not checked: %s", doc.uri, skip.reason)
            notice = _skip_notice(skip, doc.text, folder)
            return self._finish(result, [notice_diagnostic(notice)] if notice else [])
        return _Pending(result, folder, path)

    def _complete(self, doc: Document, pending: _Pending, check: CheckResult,
                  previous: DocResult | None) -> DocResult:
        """The engine's findings and notes as the result's diagnostics."""
        result = pending.result
        result.findings = check.findings
        shown, result.baselined = _baseline_view(doc, pending, check.findings)
        cap = pending.folder.settings.max_diagnostics_per_file
        published = most_severe(shown, cap)
        if len(published) < len(shown):
            rel = pending.folder.relative(pending.path) or pending.path
            result.wire.append(json.dumps(too_many_findings_diagnostic(len(shown), cap, rel)))
        self._convert_cached(doc, pending.folder, result, previous, published)
        if check.notes:
            lines = Lines(cast("Sequence[str]", doc.line_view()), self.session.client.position_encoding)
            result.wire += [json.dumps(note_diagnostic(n, lines)) for n in check.notes]
        return result

    @staticmethod
    def _finish(result: DocResult, diagnostics: list[dict]) -> DocResult:
        result._diagnostics = diagnostics
        result.wire = [json.dumps(d) for d in diagnostics]
        return result

    def _convert_cached(self, doc: Document, folder: Folder, result: DocResult,
                        previous: DocResult | None, findings: Sequence[Finding]) -> None:
        """Findings -> diagnostics' JSON, reusing that of the findings seen in the last check:
        whole for the very same finding object (an edit elsewhere left it alone), else from a
        template. The template's key leaves out where the finding is (its line numbers, filled
        in), so a finding moved by an edit above it is not converted again; it keeps its
        columns and, where its lines are not ASCII, their text (columns in the client's
        encoding depend on it). One rules epoch."""
        same_epoch = previous is not None and previous.epoch == result.epoch
        old = previous.cache if previous is not None and same_epoch else {}
        old_shown = previous.shown if previous is not None and same_epoch else {}
        record = self.records.get(doc.uri)
        # kept for the next check of a document being edited (see _check_job)
        editing = record is not None and record.incremental is not None
        new = result.cache if editing else {}
        shown = result.shown if editing else {}
        if (editing and previous is not None and same_epoch and len(previous.published) == len(findings)
                and all(map(operator.is_, previous.published, findings))):
            # the very findings shown last time (typing below them in a big file): as they were
            result.cache, result.shown = previous.cache, previous.shown
            result.published, result.published_json = previous.published, previous.published_json
            result.wire.extend(previous.published_json)
            return
        convert = _Converter(doc, folder, self.session.client)
        wire = result.wire
        start = len(wire)
        for f in findings:
            hit = old_shown.get(id(f))
            if hit is None or hit[0] is not f:
                key = convert.key(f)
                hit = (f, convert.json(f, key, new, old), key)
            elif hit[2] not in new:  # the template goes on too: an Enter above moves the finding
                template = old.get(hit[2])
                if template is not None:
                    new[hit[2]] = template
            shown[id(f)] = hit
            wire.append(hit[1])
        if editing:
            result.published, result.published_json = findings, wire[start:]

    # ------------------------------------------------------------ document events

    def on_open(self, doc: Document) -> None:
        record = self.records.get(doc.uri)
        if record is not None:
            record.incremental = None  # reopened: its check starts from scratch
        self.release_disk_result(doc)
        self.schedule(doc.uri, 0)

    def release_disk_result(self, doc: Document) -> None:
        """A closed file's pushed result gives way to the live one of the document just opened:
        cleared for pull clients (pull takes over), and wherever it went out under another
        spelling of the URI than the client's (the live result goes to the client's)."""
        for key in dict.fromkeys((doc.uri, canonical_uri(doc.uri))):
            record = self.records.get(key)
            if record is not None and record.disk is not None and (
                    self.session.client.pull_diagnostics or key != doc.uri):
                record.disk = record.disk_folder = None
                self._push(key, None, [])

    def on_change(self, doc: Document) -> None:
        session = self.session
        session.note_typing()
        folder = session.folders.for_path(doc.path) if doc.path else None
        delay = folder.settings.debounce_ms if folder is not None else 150
        self.schedule(doc.uri, delay / 1000.0)

    def on_close(self, uri: str, path: str | None) -> None:
        session = self.session
        record = self.records.get(uri)
        if record is not None:
            if record.task is not None:
                record.task.cancel()
            record.task = record.result = record.incremental = None
        folder = session.folders.for_path(path) if path else None
        if folder is not None and path and folder.is_rule_file(path):
            pass  # the rule files feature republishes rule errors from disk
        elif folder is not None and path and folder.settings.workspace_mode and folder.settings.enable:
            if record is not None and record.pushed and canonical_uri(uri) != uri:
                self._push(uri, None, [])  # the result from disk goes out under the server's spelling
            self.check_disk_file(folder, path)  # workspace mode keeps closed files' results
        elif not session.client.pull_diagnostics or (record is not None and record.pushed):
            self._push(uri, None, [])
        self._tidy(uri)

    def on_lost(self, uri: str) -> None:
        """The document is out of sync (a change could not be applied): say so, drop its findings."""
        session = self.session
        record = self.records.get(uri)
        if record is not None:
            record.result = None
        if session.client.pull_diagnostics:
            if session.client.diagnostic_refresh:
                session.server.workspace_diagnostic_refresh(None)
            return
        self.schedule(uri, 0)

    def schedule(self, uri: str, delay: float) -> None:
        record = self.records.get(uri)
        if record is not None and record.task is not None:
            record.task.cancel()
            record.task = None
        doc = self.session.documents.get(uri)
        if self.session.client.pull_diagnostics or doc is None:
            self._tidy(uri)
            return  # pull: the client asks when it wants them
        self._record(uri).task = asyncio.ensure_future(self._publish_later(uri, doc.text, delay))

    async def _publish_later(self, uri: str, text: str, delay: float) -> None:
        session = self.session
        try:
            await session.wait_ready()
            if delay > 0:
                await asyncio.sleep(delay)
            doc = session.documents.get(uri)
            if doc is None or doc.text is not text:
                return  # a newer edit has its own task
            result = await self.fresh_result(doc)
            # no await between checking the text and publishing: the text is still current
            if result is not None and doc.text is text and session.documents.get(uri) is doc:
                self._push(uri, doc.version, [], result.wire)
        except asyncio.CancelledError:
            pass
        except Exception as e:  # noqa: BLE001 - one bad document must not stop the others
            log.exception("checking %s failed", uri)
            self._say_check_failed(uri, text, e)
        finally:
            record = self.records.get(uri)
            if record is not None and record.task is asyncio.current_task():
                record.task = None

    def _say_check_failed(self, uri: str, text: str, error: Exception) -> None:
        """A failed check (a defect of ours) replaces the document's diagnostics with a notice,
        rather than leaving the last ones standing as if they were current."""
        doc = self.session.documents.get(uri)
        if doc is not None and doc.text is text:
            self._push(uri, doc.version, [notice_diagnostic(
                f"archrules: checking this file failed ({type(error).__name__}; the server log has the "
                "details); its findings are not shown until a change checks")])

    def _push(self, uri: str, version: int | None, diagnostics: list[dict],
              wire: list[str] | None = None) -> None:
        """publishDiagnostics, its JSON assembled from the diagnostics' JSON texts."""
        if wire is None:
            wire = [json.dumps(d) for d in diagnostics]
        self._push_json(uri, version, ",".join(wire))

    def _push_json(self, uri: str, version: int | None, items_json: str) -> None:
        """publishDiagnostics with the diagnostics as the text of a JSON array's items."""
        if items_json:
            self._record(uri).pushed = True
        elif uri in self.records:
            self.records[uri].pushed = False
            self._tidy(uri)
        version_json = "null" if version is None else str(int(version))
        params = f'{{"uri":{json.dumps(uri)},"version":{version_json},"diagnostics":[{items_json}]}}'
        self.session.server.protocol.send_notification_json(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS, params)
        self.session.findings_changed()

    def publish_file(self, uri: str, diagnostics: list[dict], folder: Folder | None = None,
                     from_buffer: bool = False) -> None:
        """Diagnostics for a file the client may not have open (rule files, workspace mode)."""
        items_json = ",".join(json.dumps(d) for d in diagnostics)
        self._publish_file_json(uri, items_json, DiskResult(), folder, from_buffer)

    def publish_rendered(self, rendered: RenderedFile, folder: Folder) -> None:
        """A closed file's findings as the workspace scan rendered them."""
        self._publish_file_json(rendered.uri, rendered.diagnostics_json,
                                DiskResult(rendered.rule_counts, rendered.ranges), folder, canonical=True)

    def _publish_file_json(self, uri: str, items_json: str, disk: DiskResult, folder: Folder | None = None,
                           from_buffer: bool = False, canonical: bool = False) -> None:
        """`publish_file` with the diagnostics as the text of a JSON array's items already.

        When the file is open, its live result owns it: results from disk are dropped (a
        workspace scan must not overwrite or clear what the open document shows);
        `from_buffer` results (a rule file's errors read from its buffer) are pushed."""
        doc = self.session.documents.get(uri, canonical)
        key = uri if canonical else canonical_uri(uri)  # one key per file, however the event spelled it
        record = self.records.get(key)
        if doc is not None:
            if record is not None:
                record.disk = record.disk_folder = None
                self._tidy(key)
            if from_buffer and not self.session.client.pull_diagnostics:
                self._push_json(doc.uri, doc.version, items_json)  # the client's spelling of the URI
            return  # pull clients ask again after a refresh
        was_pushed = record is not None and record.pushed
        if items_json:
            record = self._record(key)
            record.disk, record.disk_folder = disk, folder or record.disk_folder
        elif record is not None:
            record.disk = record.disk_folder = None
        if items_json or was_pushed:
            self._push_json(key, None, items_json)
        self._tidy(key)

    def recheck_open_documents(self) -> None:
        """After a rules or settings change: new results for every open document."""
        session = self.session
        if session.client.pull_diagnostics:
            if session.client.diagnostic_refresh:
                session.server.workspace_diagnostic_refresh(None)
            return
        for doc in session.documents:
            self.schedule(doc.uri, 0)

    def cancel_all(self) -> None:
        for record in self.records.values():
            if record.task is not None:
                record.task.cancel()
                record.task = None

    # ------------------------------------------------------------ files on disk

    def on_disk_change(self, folder: Folder, uri: str, path: str, deleted: bool) -> None:
        """A watched file other than rules or settings changed: workspace mode keeps its results current."""
        if not folder.settings.workspace_mode or not folder.settings.enable:
            return
        if deleted:
            self.publish_file(uri, [], folder)
        elif folder.checker is not None and self.session.documents.get(uri) is None:
            try:
                self.check_disk_file(folder, path)
            except Exception:  # noqa: BLE001
                log.exception("checking %s failed", path)

    def check_disk_file(self, folder: Folder, path: str) -> None:
        """Check a closed file from disk (workspace mode) and push the result."""
        from ...project.conventions import Skip
        from ...project.files import read_source
        from .workspace_scan import DiagnosticRenderer

        uri = path_to_uri(path)
        if self.session.documents.get(uri) is not None:
            return
        text = read_source(path, folder.config.max_file_size, folder.root) if folder.skip_reason(path) is None else None
        if text is None or isinstance(text, Skip):
            self.publish_file(uri, [], folder)
            return
        check = folder.check(path, text)
        renderer = DiagnosticRenderer(folder, self.session.client)
        self.publish_rendered(renderer.render(uri, check.findings, text, folder.relative(path)), folder)

    def forget_rule_file(self, uri: str) -> None:
        """A rule file was closed: its errors come from the file on disk again."""
        record = self.records.get(uri)
        if record is not None:
            if record.task is not None:
                record.task.cancel()
            record.task = record.result = None
            self._tidy(uri)

    def finding_locations(self, folder: Folder) -> Iterator[tuple[str, str, dict]]:
        """(rule id, uri, LSP range JSON) of each finding held for `folder`: the open documents'
        last results and the closed files' diagnostics from disk (workspace scan). Findings the
        baseline holds are left out unless the `baseline` setting is `show`. Read-only; the
        code lens lists them (code_lens.py)."""
        show_baselined = folder.settings.baseline == "show"
        for uri, record in list(self.records.items()):
            result = record.result
            if result is not None and result.folder is folder:
                for rule_id, diagnostic in _findings_shown(map(json.loads, result.wire), result.baselined,
                                                           show_baselined):
                    yield rule_id, uri, diagnostic["range"]
            elif record.disk is not None and record.disk_folder is folder and record.disk.ranges is not None:
                # the baselined ones are left out when rendered (unless shown)
                for rule_id, rng in record.disk.ranges.items():
                    yield rule_id, uri, rng

    def finding_counts(self, folder: Folder) -> Counter[str]:
        """Findings per rule id held for `folder`, without unpacking the closed files'
        diagnostics (the code lens asks on every redraw): all of them, where `finding_locations`
        lists those published (at most `maxDiagnosticsPerFile` per file)."""
        show_baselined = folder.settings.baseline == "show"
        counts: Counter[str] = Counter()
        for record in list(self.records.values()):
            result = record.result
            if result is not None and result.folder is folder:
                # the engine's findings, also those past maxDiagnosticsPerFile
                held = () if show_baselined else result.baselined
                counts.update(f.rule_id for f in result.findings if (f.rule_id, f.span) not in held)
            elif record.disk is not None and record.disk_folder is folder:
                counts.update(dict(record.disk.rule_counts))  # baselined ones left out when rendered
        return counts

    def disk_uris(self, folder: Folder) -> list[str]:
        return [uri for uri, r in self.records.items() if r.disk is not None and r.disk_folder is folder]

    def clear_disk_results(self, folder: Folder) -> None:
        for uri in self.disk_uris(folder):
            self.publish_file(uri, [], folder)

    # ------------------------------------------------------------ pull

    async def pull_document(self, params: t.DocumentDiagnosticParams) -> dict:
        session = self.session
        await session.wait_ready()
        uri = params.text_document.uri
        doc = session.documents.get(uri)
        if doc is not None and doc.path:
            await session.rule_files.settled(doc.path)  # a rule file: its reload first
        result = await self._settled_result(uri)
        if result is None:
            # not open: nothing to say (closed files' results are pushed)
            return {"kind": "full", "resultId": f"{session.epoch}.closed", "items": []}
        if params.previous_result_id == result.result_id:
            return {"kind": "unchanged", "resultId": result.result_id}
        # a plain dict: the response's union type lets pygls send it as it is
        return {"kind": "full", "resultId": result.result_id, "items": result.diagnostics}

    async def _settled_result(self, uri: str) -> DocResult | None:
        """The result for the document's text as it is when the answer goes out (None: not open)."""
        for _ in range(3):  # a large document edited while its check ran: check the newer text
            doc = self.session.documents.get(uri)
            if doc is None:
                return None
            result = await self.fresh_result(doc)
            if result is not None:
                return result
        doc = self.session.documents.get(uri)  # still being typed into: check it here and now
        return self.result_for(doc) if doc is not None else None

    async def pull_workspace(self, params: t.WorkspaceDiagnosticParams) -> t.WorkspaceDiagnosticReport:
        from ..protocol import structure

        session = self.session
        await session.wait_ready()
        previous = {p.uri: p.value for p in (params.previous_result_ids or [])}
        items: list = []
        for doc in session.documents:
            await asyncio.sleep(0)  # a cancel lands here
            if session.documents.get(doc.uri) is None:
                continue
            result = self.result_for(doc)
            if previous.get(doc.uri) == result.result_id:
                items.append(t.WorkspaceUnchangedDocumentDiagnosticReport(
                    uri=doc.uri, version=doc.version, result_id=result.result_id))
            else:
                items.append(t.WorkspaceFullDocumentDiagnosticReport(
                    uri=doc.uri, version=doc.version, result_id=result.result_id,
                    items=[structure(d, t.Diagnostic) for d in result.diagnostics]))
        return t.WorkspaceDiagnosticReport(items=items)


class _Converter:
    """One document's findings -> their diagnostics' JSON through templates (see _template)."""

    def __init__(self, doc: Document, folder: Folder, features: ClientFeatures):
        self.doc, self.folder, self.features = doc, folder, features
        self.lines = Lines(cast("Sequence[str]", doc.line_view()), features.position_encoding)
        self.ascii_text = doc.text.isascii()

    def key(self, f: Finding) -> tuple:
        """What a finding's diagnostic depends on but its line numbers (its template's key)."""
        span = f.span
        key: tuple = (f.rule_id, f.severity, f.message, span.column, span.end_line - span.line, span.end_column)
        if not self.ascii_text:
            key += (_non_ascii(self.doc.line(span.line)), _non_ascii(self.doc.line(span.end_line)))
        if f.related:  # an import chain's hops carry their own lines
            key += (f.related,)
        return key

    def json(self, f: Finding, key: tuple, new: dict[tuple, tuple[str, ...]],
             old: dict[tuple, tuple[str, ...]]) -> str:
        """The diagnostic's JSON from the template of its `key` (made and put in `new` if
        neither `new` nor `old` has it)."""
        span = f.span
        template = new.get(key) or old.get(key)
        if template is None:
            folder = self.folder
            diagnostic = finding_diagnostic(f, folder.rule(f.rule_id), self.lines, self.features,
                                            folder.rule_links.get(f.rule_id), str(folder.root))
            template = _template(diagnostic)
            if template is None:
                return json.dumps(diagnostic, separators=_COMPACT)
        new[key] = template
        first, last = str(span.line), str(span.end_line)
        return template[0] + first + template[1] + last + template[2] + first + template[3] + last + template[4]


TOO_MANY_FINDINGS = "too-many-findings"  # the code of the notice on a file over the cap

# stand-ins for a diagnostic's line numbers while its JSON becomes a template
_LINE, _END_LINE = -1_000_000_001, -1_000_000_002
_STAND_INS = re.compile(f"({_LINE}|{_END_LINE})")
_COMPACT = (",", ":")  # JSON separators: no spaces (sent on every keystroke)


def too_many_findings_diagnostic(total: int, cap: int, rel: str) -> dict:
    """What a file with more findings than `maxDiagnosticsPerFile` shows at its top: no rule
    id in `data`, so no code action or finding count takes it for a finding."""
    import shlex

    from .glob_hints import printable

    diagnostic = notice_diagnostic(
        f"archrules: {total:,} findings in this file; showing the first {cap:,} by severity "
        f"(setting archrules.maxDiagnosticsPerFile); `archrules check {printable(shlex.quote(rel))}` "
        "lists them all")
    diagnostic["code"] = TOO_MANY_FINDINGS
    return diagnostic


def _findings_shown(diagnostics: Iterable[dict], held: frozenset[tuple[str, Span]],
                    show_baselined: bool) -> Iterator[tuple[str, dict]]:
    """(rule id, diagnostic) of the diagnostics that are findings (not notes, notices or
    rule-file problems), the baseline's left out unless `show_baselined`."""
    from ...engine.model import Span

    for diagnostic in diagnostics:
        data = diagnostic.get("data")
        if not isinstance(data, dict) or "ruleId" not in data:
            continue
        rule_id = data["ruleId"]
        if not show_baselined and ((rule_id, Span(*data["span"])) in held
                                   or str(diagnostic.get("message", "")).startswith("(baselined) ")):
            continue
        yield rule_id, diagnostic


def _baseline_view(doc: Document, pending: _Pending,
                   findings: Sequence[Finding]) -> tuple[Sequence[Finding], frozenset[tuple[str, Span]]]:
    folder = pending.folder
    return baseline_view(folder.baseline, folder.settings.baseline, folder.relative(pending.path), doc.text,
                         findings)


def _template(diagnostic: dict) -> tuple[str, ...] | None:
    """A finding's diagnostic JSON cut where its line numbers go: (text, first line, text, last
    line, text, first line, text, last line, text) without the numbers. None when the JSON does
    not have them in that order alone (a message spelling a stand-in)."""
    lines = diagnostic["range"]["start"]["line"], diagnostic["range"]["end"]["line"]
    diagnostic["range"]["start"]["line"] = diagnostic["data"]["span"][0] = _LINE
    diagnostic["range"]["end"]["line"] = diagnostic["data"]["span"][2] = _END_LINE
    pieces = _STAND_INS.split(json.dumps(diagnostic, separators=_COMPACT))
    if pieces[1::2] != [str(_LINE), str(_END_LINE)] * 2:
        diagnostic["range"]["start"]["line"] = diagnostic["data"]["span"][0] = lines[0]
        diagnostic["range"]["end"]["line"] = diagnostic["data"]["span"][2] = lines[1]
        return None
    return tuple(pieces[0::2])


def _non_ascii(line: str) -> str | None:
    return None if line.isascii() else line


def _skip_notice(skip: Skip, text: str, folder: Folder) -> str | None:
    """What to tell the user about an open file that is not checked (None: nothing)."""
    from ...project.conventions import BINARY, TOO_BIG, describe_size

    if skip.kind == TOO_BIG:
        size = len(text.encode("utf-8", "surrogatepass"))
        return (f"archrules: not checked: the file is {size:,} bytes, over the "
                f"{describe_size(folder.config.max_file_size)} limit (setting archrules.maxFileSize)")
    if skip.kind == BINARY:
        return "archrules: not checked: the file looks binary (it holds a NUL character)"
    return None


def register(server: ArchrulesServer) -> None:
    session = server.session

    @server.feature(t.TEXT_DOCUMENT_DID_OPEN)
    def on_open(params: t.DidOpenTextDocumentParams) -> None:
        doc = session.documents.get(params.text_document.uri)
        if doc is not None and not session.rule_files.on_document_event(doc, "open"):
            session.diagnostics.on_open(doc)
            session.import_graphs.on_edit(doc)

    @server.feature(t.TEXT_DOCUMENT_DID_CHANGE)
    def on_change(params: t.DidChangeTextDocumentParams) -> None:
        doc = session.documents.get(params.text_document.uri)
        if doc is None:
            log.warning("didChange for %s, which is not open; ignored", params.text_document.uri)
        elif not session.rule_files.on_document_event(doc, "change"):
            session.diagnostics.on_change(doc)
            session.import_graphs.on_edit(doc)  # debounced: other files' chains through this one

    @server.feature(t.TEXT_DOCUMENT_DID_CLOSE)
    def on_close(params: t.DidCloseTextDocumentParams) -> None:
        from pygls.uris import to_fs_path

        uri = params.text_document.uri
        path = to_fs_path(uri)
        if path and session.rule_files.on_close(path):
            session.diagnostics.forget_rule_file(uri)
            return
        session.diagnostics.on_close(uri, path)
        folder = session.folders.for_path(path) if path else None
        if folder is not None and path:
            session.import_graphs.on_disk_change(folder, path)  # unsaved edits are gone: the file on disk

    @server.feature(t.TEXT_DOCUMENT_DIAGNOSTIC, t.DiagnosticOptions(
        identifier="archrules", inter_file_dependencies=True, workspace_diagnostics=True))
    async def on_pull(params: t.DocumentDiagnosticParams) -> dict:
        return await session.diagnostics.pull_document(params)

    @server.feature(t.WORKSPACE_DIAGNOSTIC)
    async def on_pull_workspace(params: t.WorkspaceDiagnosticParams) -> t.WorkspaceDiagnosticReport:
        return await session.diagnostics.pull_workspace(params)
