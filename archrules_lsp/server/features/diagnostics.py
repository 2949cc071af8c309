"""Diagnostics for documents: computed on the unsaved text, pushed or pulled.

Push (publishDiagnostics, with the version) for clients without
`textDocument.diagnostic`; pull (textDocument/diagnostic, workspace/diagnostic)
for the others; never both for one document. Files that are not open (rule files
with errors, workspace-mode results) are always pushed.

Each edit restarts a per-URI debounce task (`debounceMs`; 0 = at once). The check
itself runs inline on the loop: it takes milliseconds, and a thread would only
fight the GIL. A result is published only if the document is still at the
version it was computed for, so a stale result never reaches the client.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass, field
from typing import Optional

from lsprotocol import types as t

from ..convert import Lines, finding_diagnostic, notice_diagnostic, path_to_uri, rule_error_diagnostic
from ..documents import canonical_uri

log = logging.getLogger("archrules_lsp.server")


@dataclass
class DocResult:
    """The check of one document version under one rules epoch."""

    version: Optional[int]
    epoch: int
    result_id: str
    findings: tuple = ()
    diagnostics: list = field(default_factory=list)  # LSP JSON dicts
    wire: Optional[list] = None  # the same as JSON texts (cached per finding)
    folder: object = None
    rel: Optional[str] = None


class Diagnostics:
    def __init__(self, ls) -> None:
        self.ls = ls
        self.results: dict[str, DocResult] = {}  # uri -> last result for an open document
        self._tasks: dict[str, asyncio.Task] = {}
        self.pushed: set[str] = set()  # uris we published non-empty diagnostics for
        # workspace mode / rule files: diagnostics of files that are not open, by uri
        self.disk: dict[str, list[dict]] = {}
        self.disk_folder: dict[str, object] = {}
        # uri -> {cache key: (diagnostic dict, its JSON text)}, rebuilt on every check so it
        # holds only the current findings; keys carry the epoch (rules/settings) too
        self._wire: dict[str, dict] = {}

    # ------------------------------------------------------------ computing

    def result_for(self, doc) -> DocResult:
        """The current result for an open document, computed if stale."""
        ls = self.ls
        cached = self.results.get(doc.uri)
        if cached is not None and cached.version == doc.version and cached.epoch == ls.epoch:
            return cached
        result = self._compute(doc)
        if result.epoch != ls.epoch:  # rules were loaded on the way (a new implicit folder)
            result = self._compute(doc)
        self.results[doc.uri] = result
        return result

    def _compute(self, doc) -> DocResult:
        ls = self.ls
        folder = ls.folder_for_path(doc.path) if doc.path else None
        rid = f"{ls.epoch}.{doc.version}" if not doc.lost else f"{ls.epoch}.{doc.version}.lost"
        result = DocResult(doc.version, ls.epoch, rid, folder=folder)
        if folder is None:
            return result
        if doc.lost:
            result.diagnostics = [notice_diagnostic(
                "archrules: not checked: a change to this file could not be applied (see the log); "
                "close and reopen it")]
            return result
        if folder.is_rule_file(doc.path):
            # a rule file: its own errors, never linted as source
            errors = ls.rule_files.errors_for(doc.path)
            if folder.settings.enable:
                lines = Lines.of_document(doc, ls.client.position_encoding)
                result.diagnostics = [rule_error_diagnostic(e, lines) for e in errors]
            return result
        reason = folder.skip_reason(doc.path, doc.text)
        if reason is not None:
            log.debug("%s not checked: %s", doc.uri, reason)
            notice = _skip_notice(reason, doc.text, folder)
            if notice is not None:
                result.diagnostics = [notice_diagnostic(notice)]
            return result
        rel = folder.relative(doc.path)
        result.rel = rel
        check = folder.checker.check(rel, doc.text)
        for note in check.notes:
            log.debug("%s:%d: %s", rel, note.span.line + 1, note.message)
        result.findings = check.findings
        self._convert_cached(doc, folder, result)
        return result

    def _convert_cached(self, doc, folder, result: DocResult) -> None:
        """Findings -> diagnostics, reusing the JSON of findings unchanged since the last check.

        A finding is reusable when it is equal (rule, span, message, fixes) under the same
        epoch, and its lines' text is the same where the text is not ASCII (columns move)."""
        features = self.ls.client
        lines = Lines.of_document(doc, features.position_encoding)
        text_lines = doc.lines
        count = len(text_lines)
        old = self._wire.get(doc.uri, {})
        new: dict = {}
        diags: list = []
        wire: list = []
        epoch = result.epoch
        dumps = json.dumps
        links = getattr(folder, "rule_links", {})
        for f in result.findings:
            span = f.span
            a = text_lines[span.line] if span.line < count else ""
            b = text_lines[span.end_line] if span.end_line < count else ""
            key = (f, epoch, None if a.isascii() else a, None if b.isascii() else b)
            hit = old.get(key) or new.get(key)
            if hit is None:
                d = finding_diagnostic(f, folder.rule(f.rule_id), lines, features, links.get(f.rule_id))
                hit = (d, dumps(d))
            new[key] = hit
            diags.append(hit[0])
            wire.append(hit[1])
        self._wire[doc.uri] = new
        result.diagnostics = diags
        result.wire = wire

    def to_diagnostics(self, findings, folder, lines: Lines) -> list[dict]:
        features = self.ls.client
        links = getattr(folder, "rule_links", {})
        return [finding_diagnostic(f, folder.rule(f.rule_id), lines, features, links.get(f.rule_id))
                for f in findings]

    # ------------------------------------------------------------ document events

    def on_open(self, doc) -> None:
        self.release_disk_result(doc)
        self.schedule(doc.uri, 0)

    def release_disk_result(self, doc) -> None:
        """A closed file's pushed result gives way to the live one of the document just opened:
        cleared for pull clients (pull takes over), and wherever it went out under another
        spelling of the URI than the client's (the live result goes to the client's)."""
        for key in dict.fromkeys((doc.uri, canonical_uri(doc.uri))):
            if key in self.disk and (self.ls.client.pull_diagnostics or key != doc.uri):
                self.disk.pop(key, None)
                self.disk_folder.pop(key, None)
                self._push(key, None, [])

    def on_change(self, doc) -> None:
        from .workspace_scan import TYPING_PAUSE

        self.ls.scanner.typing_until = time.monotonic() + TYPING_PAUSE
        folder = self.ls.folders.for_path(doc.path) if doc.path else None
        delay = folder.settings.debounce_ms if folder is not None else 150
        self.schedule(doc.uri, delay / 1000.0)

    def on_close(self, uri: str, path: Optional[str]) -> None:
        task = self._tasks.pop(uri, None)
        if task is not None:
            task.cancel()
        self.results.pop(uri, None)
        self._wire.pop(uri, None)
        folder = self.ls.folders.for_path(path) if path else None
        if folder is not None and folder.is_rule_file(path):
            return  # the rule files feature republishes rule errors from disk
        if folder is not None and folder.settings.workspace_mode and folder.settings.enable and path:
            if uri in self.pushed and canonical_uri(uri) != uri:
                self._push(uri, None, [])  # the result from disk goes out under the server's spelling
            self.check_disk_file(folder, path)  # workspace mode keeps closed files' results
            return
        if not self.ls.client.pull_diagnostics or uri in self.pushed:
            self._push(uri, None, [])

    def on_lost(self, uri: str) -> None:
        """The document is out of sync (a change could not be applied): say so, drop its findings."""
        self._wire.pop(uri, None)
        self.results.pop(uri, None)
        if self.ls.client.pull_diagnostics:
            if self.ls.client.diagnostic_refresh:
                self.ls.workspace_diagnostic_refresh(None)
            return
        self.schedule(uri, 0)

    def schedule(self, uri: str, delay: float) -> None:
        old = self._tasks.pop(uri, None)
        if old is not None:
            old.cancel()
        if self.ls.client.pull_diagnostics:
            return  # the client asks when it wants them
        doc = self.ls.documents.get(uri)
        if doc is None:
            return
        self._tasks[uri] = asyncio.ensure_future(self._publish_later(uri, doc.version, delay))

    async def _publish_later(self, uri: str, version, delay: float) -> None:
        ls = self.ls
        try:
            await ls.wait_ready()
            if delay > 0:
                await asyncio.sleep(delay)
            doc = ls.documents.get(uri)
            if doc is None or doc.version != version:
                return  # a newer edit has its own task
            result = self.result_for(doc)
            # no await between computing and publishing: the version is still current
            self._push(uri, doc.version, result.diagnostics, result.wire)
        except asyncio.CancelledError:
            pass
        except Exception:  # noqa: BLE001 - one bad document must not stop the others
            log.exception("checking %s failed", uri)
        finally:
            if self._tasks.get(uri) is asyncio.current_task():
                self._tasks.pop(uri, None)

    def _push(self, uri: str, version, diagnostics: list, wire: Optional[list] = None) -> None:
        """publishDiagnostics, its JSON assembled from the diagnostics' cached JSON texts."""
        if diagnostics:
            self.pushed.add(uri)
        else:
            self.pushed.discard(uri)
        if wire is None:
            wire = [json.dumps(d) for d in diagnostics]
        params = '{"uri":%s,"version":%s,"diagnostics":[%s]}' % (
            json.dumps(uri), "null" if version is None else int(version), ",".join(wire))
        self.ls.protocol.send_notification_json(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS, params)

    def publish_file(self, uri: str, diagnostics: list, folder=None, from_buffer: bool = False) -> None:
        """Diagnostics for a file the client may not have open (rule files, workspace mode).

        When it is open, its live result owns it: results from disk are dropped (a
        workspace scan must not overwrite or clear what the open document shows);
        `from_buffer` results (a rule file's errors read from its buffer) are pushed."""
        doc = self.ls.documents.get(uri)
        if doc is not None:
            key = canonical_uri(uri)
            self.disk.pop(key, None)
            self.disk_folder.pop(key, None)
            if not from_buffer or self.ls.client.pull_diagnostics:
                return  # pull clients ask again after a refresh
            self._push(doc.uri, doc.version, diagnostics)  # the client's spelling of the URI
            return
        uri = canonical_uri(uri)  # one key per file, however the event spelled it
        if diagnostics:
            self.disk[uri] = diagnostics
            if folder is not None:
                self.disk_folder[uri] = folder
        else:
            self.disk.pop(uri, None)
            self.disk_folder.pop(uri, None)
        if diagnostics or uri in self.pushed:
            self._push(uri, None, diagnostics)

    def recheck_open_documents(self) -> None:
        """After a rules or settings change: new results for every open document."""
        ls = self.ls
        if ls.client.pull_diagnostics:
            if ls.client.diagnostic_refresh:
                ls.workspace_diagnostic_refresh(None)
            return
        for doc in ls.documents:
            self.schedule(doc.uri, 0)

    def cancel_all(self) -> None:
        for task in self._tasks.values():
            task.cancel()
        self._tasks.clear()

    # ------------------------------------------------------------ files on disk

    def check_disk_file(self, folder, path: str) -> None:
        """Check a closed file from disk (workspace mode) and push the result."""
        from ...project.files import Skip, read_source

        uri = path_to_uri(path)
        if self.ls.documents.get(uri) is not None:
            return
        reason = folder.skip_reason(path)
        text = read_source(path, folder.config.max_file_size, folder.root) if reason is None else None
        if text is None or isinstance(text, Skip):
            self.publish_file(uri, [], folder)
            return
        rel = folder.relative(path)
        check = folder.checker.check(rel, text)
        lines = Lines.of_text(text, self.ls.client.position_encoding)
        self.publish_file(uri, self.to_diagnostics(check.findings, folder, lines), folder)

    def clear_disk_results(self, folder) -> None:
        for uri, owner in list(self.disk_folder.items()):
            if owner is folder:
                self.publish_file(uri, [], folder)

    def forget_folder(self, folder) -> None:
        self.clear_disk_results(folder)

    # ------------------------------------------------------------ pull

    async def pull_document(self, params: t.DocumentDiagnosticParams):
        ls = self.ls
        await ls.wait_ready()
        uri = params.text_document.uri
        doc = ls.documents.get(uri)
        if doc is None:
            # not open: nothing to say (closed files' results are pushed)
            return {"kind": "full", "resultId": f"{ls.epoch}.closed", "items": []}
        result = self.result_for(doc)
        if params.previous_result_id == result.result_id:
            return {"kind": "unchanged", "resultId": result.result_id}
        # a plain dict: the response's union type lets pygls send it as it is
        return {"kind": "full", "resultId": result.result_id, "items": result.diagnostics}

    async def pull_workspace(self, params: t.WorkspaceDiagnosticParams):
        ls = self.ls
        await ls.wait_ready()
        previous = {p.uri: p.value for p in (params.previous_result_ids or [])}
        items: list = []
        for doc in ls.documents:
            await asyncio.sleep(0)  # a cancel lands here
            if ls.documents.get(doc.uri) is None:
                continue
            result = self.result_for(doc)
            if previous.get(doc.uri) == result.result_id:
                items.append(t.WorkspaceUnchangedDocumentDiagnosticReport(
                    uri=doc.uri, version=doc.version, result_id=result.result_id))
            else:
                structure = ls.protocol._converter.structure  # rare path: typed objects are fine
                items.append(t.WorkspaceFullDocumentDiagnosticReport(
                    uri=doc.uri, version=doc.version, result_id=result.result_id,
                    items=[structure(d, t.Diagnostic) for d in result.diagnostics]))
        return t.WorkspaceDiagnosticReport(items=items)


def _skip_notice(reason: str, text: str, folder) -> Optional[str]:
    """What to tell the user about an open file that is not checked (None: nothing)."""
    from ...project.files import describe_size
    from ..session.folders import SKIP_BINARY, SKIP_TOO_BIG

    if reason == SKIP_TOO_BIG:
        size = len(text.encode("utf-8", "surrogatepass"))
        return (f"archrules: not checked: the file is {size:,} bytes, over the "
                f"{describe_size(folder.config.max_file_size)} limit (setting archrules.maxFileSize)")
    if reason == SKIP_BINARY:
        return "archrules: not checked: the file looks binary (it holds a NUL character)"
    return None


def register(server) -> None:
    server.diagnostics = Diagnostics(server)

    @server.feature(t.TEXT_DOCUMENT_DID_OPEN)
    def on_open(ls, params: t.DidOpenTextDocumentParams):
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return
        if ls.rule_files.on_document_event(doc, "open"):
            return
        ls.diagnostics.on_open(doc)

    @server.feature(t.TEXT_DOCUMENT_DID_CHANGE)
    def on_change(ls, params: t.DidChangeTextDocumentParams):
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            log.warning("didChange for %s, which is not open; ignored", params.text_document.uri)
            return
        if ls.rule_files.on_document_event(doc, "change"):
            return
        ls.diagnostics.on_change(doc)

    @server.feature(t.TEXT_DOCUMENT_DID_CLOSE)
    def on_close(ls, params: t.DidCloseTextDocumentParams):
        from pygls.uris import to_fs_path

        uri = params.text_document.uri
        path = to_fs_path(uri)
        if path and ls.rule_files.on_close(uri, path):
            ls.diagnostics.results.pop(uri, None)
            return
        ls.diagnostics.on_close(uri, path)

    @server.feature(t.TEXT_DOCUMENT_DIAGNOSTIC, t.DiagnosticOptions(
        identifier="archrules", inter_file_dependencies=True, workspace_diagnostics=True))
    async def on_pull(ls, params: t.DocumentDiagnosticParams):
        return await ls.diagnostics.pull_document(params)

    @server.feature(t.WORKSPACE_DIAGNOSTIC)
    async def on_pull_workspace(ls, params: t.WorkspaceDiagnosticParams):
        return await ls.diagnostics.pull_workspace(params)
