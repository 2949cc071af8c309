"""Workspace mode (`diagnosticMode: workspace`): every file of a folder, checked in
the background with `project.scan.scan` (the CLI's scan: worker processes for large
folders, else a thread), so the event loop keeps answering. Diagnostics are rendered
where the file was checked, as the CLI's workers render their output: the event loop
only publishes JSON texts. Work-done progress is reported when the client supports it
and the scan stops when the user cancels it. Open documents keep their live results.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from lsprotocol import types as t

from ..convert import Lines, finding_diagnostic, path_to_uri

if TYPE_CHECKING:
    from ...engine import Checker
    from ...project.files import FileSelector
    from ..session.capabilities import ClientFeatures
    from ..session.folders import Folder
    from ..session.session import Session

log = logging.getLogger("archrules_lsp.server")


# Worker processes: one per core but one, which stays with the editor (with 2 cores
# that is one job: scan then checks in this thread, which measured faster and kinder
# to keystroke latency than 2 workers fighting the server for the CPU). Forking is
# safe because main.protocol_streams() keeps pygls' reader off sys.stdin (a forked
# child closes sys.stdin, whose lock the blocked reader would hold).
SCAN_JOBS = int(os.environ.get("ARCHRULES_LSP_SCAN_JOBS") or 0)


def scan_jobs() -> int:
    """Worker processes for a scan of the server's: ARCHRULES_LSP_SCAN_JOBS, else one per core but one."""
    from ...project.scan import default_jobs

    return SCAN_JOBS or max(1, default_jobs() - 1)
# Seconds to sleep per file: a seam for tests of cancellation (a real scan is too quick to catch).
_DELAY_PER_FILE = float(os.environ.get("ARCHRULES_LSP_SCAN_DELAY") or 0)


class DiagnosticRenderer:
    """The scan's per-file transform: a checked file's findings -> (uri, diagnostics as
    JSON texts), computed in the worker from the text it checked (columns need it)."""

    needs_text = True  # project.scan hands over the checked text

    def __init__(self, folder: Folder, features: ClientFeatures) -> None:
        import json

        self.root = str(folder.root)
        self.rules = {r.id: r for r in folder.ruleset.rules} if folder.ruleset is not None else {}
        self.links = dict(folder.rule_links)
        self.features = features
        self._dumps = json.dumps

    def __call__(self, rel: str, outcome: Any, text: str | None) -> tuple[str, list[str]]:
        path = os.path.join(self.root, rel)
        findings = getattr(outcome, "findings", None)
        if not findings:
            return path_to_uri(path), []
        lines = Lines.of_text(text or "", self.features.position_encoding)
        return path_to_uri(path), [
            self._dumps(finding_diagnostic(f, self.rules.get(f.rule_id), lines, self.features,
                                           self.links.get(f.rule_id)))
            for f in findings]


class Scan:
    def __init__(self, folder: Folder) -> None:
        self.folder = folder
        self.stop = threading.Event()
        self.task: asyncio.Task | None = None
        self.token: str | None = None  # work-done progress, once the client has it
        self.seen = 0


class WorkspaceScanner:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._scans: dict[str, Scan] = {}

    def start(self, folder: Folder) -> Scan:
        """(Re)start the scan of a folder; a running one is stopped first."""
        self.cancel(folder)
        scan = Scan(folder)
        self._scans[folder.uri] = scan
        scan.task = asyncio.ensure_future(self._run(scan))
        return scan

    def cancel(self, folder: Folder) -> None:
        scan = self._scans.pop(folder.uri, None)
        if scan is not None:
            scan.stop.set()
            if scan.task is not None:
                scan.task.cancel()

    def cancel_all(self) -> None:
        for scan in list(self._scans.values()):
            self.cancel(scan.folder)

    async def _run(self, scan: Scan) -> None:
        folder = scan.folder
        outcome = "failed"
        try:
            await self.session.wait_ready()
            await asyncio.sleep(0.05)  # let the first open document's check go first
            checker, selector = folder.checker, folder.selector
            if checker is None or selector is None:
                return
            await self._begin_progress(scan)
            found = await self._scan_files(scan, checker, selector)
            cancelled = self._should_stop(scan)
            if not cancelled:
                # files that had results before and now have none (fixed, excluded, gone)
                for uri in self.session.diagnostics.disk_uris(folder):
                    if uri not in found:
                        self.session.diagnostics.publish_file_wire(uri, [], folder)
            outcome = "cancelled" if cancelled else f"{scan.seen} file(s) checked"
            log.info("workspace scan of %s: %s", folder.name, outcome)
        except asyncio.CancelledError:
            scan.stop.set()
            outcome = "cancelled"
        except Exception:  # noqa: BLE001
            log.exception("workspace scan of %s failed", folder.name)
        finally:
            self._end_progress(scan, outcome)
            if self._scans.get(folder.uri) is scan:
                self._scans.pop(folder.uri, None)

    async def _begin_progress(self, scan: Scan) -> None:
        session = self.session
        if not session.client.work_done_progress:
            return
        # `token` is set only once the client has the token and `begin` follows at once:
        # a scan cancelled while `create` is pending must not send `end` for it
        token = f"archrules-scan-{uuid.uuid4()}"
        progress = session.server.work_done_progress
        try:
            await asyncio.wait_for(progress.create_async(token), 10)
        except Exception as e:  # noqa: BLE001 - no progress, still scan
            log.debug("progress create failed: %s", e)
            return
        scan.token = token
        progress.begin(token, t.WorkDoneProgressBegin(
            title="archrules", message=f"checking {scan.folder.name}", percentage=0, cancellable=True))

    def _end_progress(self, scan: Scan, message: str) -> None:
        if scan.token:
            self.session.server.work_done_progress.end(scan.token, t.WorkDoneProgressEnd(message=message))
            scan.token = None

    def _should_stop(self, scan: Scan) -> bool:
        if scan.stop.is_set():
            return True
        future = self.session.server.work_done_progress.tokens.get(scan.token) if scan.token else None
        return bool(future is not None and future.cancelled())

    async def _scan_files(self, scan: Scan, checker: Checker, selector: FileSelector) -> set[str]:
        """Run the scan in a thread (which feeds worker processes for many files) and
        publish each file's result as it comes; the URIs with findings."""
        folder = scan.folder
        loop = asyncio.get_running_loop()
        rels = await loop.run_in_executor(None, lambda: list(selector.walk()))
        results: asyncio.Queue[Any] = asyncio.Queue()

        def put(item: Any) -> None:  # from the scan's thread
            loop.call_soon_threadsafe(results.put_nowait, item)

        worker = loop.run_in_executor(None, self._work, scan, checker, rels, put)
        found: set[str] = set()
        last_pct = -1
        while (item := await results.get()) is not None:
            if isinstance(item, Exception):
                log.error("workspace scan of %s failed: %s", folder.name, item)
                continue
            scan.seen += 1
            self._publish(folder, item[1], found)
            # Queue.get() does not yield while items are waiting: yield here, so that
            # edits to open documents are handled between the scan's files
            await asyncio.sleep(0)
            pct = min(99, scan.seen * 100 // max(1, len(rels)))
            if scan.token and pct != last_pct:
                last_pct = pct
                self.session.server.work_done_progress.report(scan.token, t.WorkDoneProgressReport(
                    message=f"{scan.seen} file(s) checked", percentage=pct))
            if self._should_stop(scan):
                scan.stop.set()
        await worker
        return found

    def _work(self, scan: Scan, checker: Checker, rels: list[str], put: Callable[[Any], None]) -> None:
        """In a thread: the scan, pausing while the user types (it would take the GIL
        from the checks of the open document)."""
        from ...project.scan import scan as run_scan

        folder = scan.folder
        session = self.session
        try:
            for item in run_scan(folder.root, rels, checker, jobs=scan_jobs(),
                                 max_file_size=folder.config.max_file_size,
                                 should_stop=lambda: self._should_stop(scan),
                                 transform=DiagnosticRenderer(folder, session.client)):
                put(item)
                while time.monotonic() < session.typing_until and not self._should_stop(scan):
                    time.sleep(0.02)
                if _DELAY_PER_FILE:
                    time.sleep(_DELAY_PER_FILE)
                if self._should_stop(scan):
                    break
        except Exception as e:  # noqa: BLE001
            put(e)
        finally:
            put(None)

    def _publish(self, folder: Folder, rendered: tuple[str, list[str]], found: set[str]) -> None:
        uri, wire = rendered
        if self.session.documents.get(uri) is not None:
            return  # open: the live result wins
        if wire:
            found.add(uri)
        self.session.diagnostics.publish_file_wire(uri, wire, folder)
