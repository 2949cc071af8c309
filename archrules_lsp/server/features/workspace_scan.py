"""Workspace mode (`diagnosticMode: workspace`): every file of a folder, checked in
the background with `project.scan.scan` in a thread (worker processes for large
folders), so the event loop keeps answering. Work-done progress is reported when
the client supports it and the scan stops when the user cancels it. Results are
pushed per file; open documents keep their live results.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
import uuid
from typing import Optional

from lsprotocol import types as t

from ..convert import Lines, path_to_uri

log = logging.getLogger("archrules_lsp.server")

# Worker processes: one per core but one, which stays with the editor (with 2 cores
# that is one job: scan then checks in this thread, which measured faster and kinder
# to keystroke latency than 2 workers fighting the server for the CPU). Forking is
# safe because main.protocol_streams() keeps pygls' reader off sys.stdin (a forked
# child closes sys.stdin, whose lock the blocked reader would hold).
def _default_jobs() -> int:
    from ...project.scan import default_jobs

    return max(1, default_jobs() - 1)


SCAN_JOBS = int(os.environ.get("ARCHRULES_LSP_SCAN_JOBS") or 0)
# While the user types, an in-thread scan pauses between files (it would take the GIL
# from the checks of the open document): this long after the last edit.
TYPING_PAUSE = 0.3
# Seconds to sleep per file: a seam for tests of cancellation (a real scan is too quick to catch).
_DELAY_PER_FILE = float(os.environ.get("ARCHRULES_LSP_SCAN_DELAY") or 0)


class Scan:
    def __init__(self, folder) -> None:
        self.folder = folder
        self.stop = threading.Event()
        self.task: Optional[asyncio.Task] = None
        self.done = asyncio.Event()


class WorkspaceScanner:
    def __init__(self, ls) -> None:
        self.ls = ls
        self._scans: dict[str, Scan] = {}
        self.completed = 0  # scans that ran to the end (tests, status)
        self.typing_until = 0.0  # monotonic time; set by document edits

    def start(self, folder, forced: bool = False) -> Scan:
        """(Re)start the scan of a folder; a running one is stopped first."""
        self.cancel(folder)
        scan = Scan(folder)
        self._scans[folder.uri] = scan
        scan.task = asyncio.ensure_future(self._run(scan, forced))
        return scan

    def cancel(self, folder) -> None:
        scan = self._scans.pop(folder.uri, None)
        if scan is not None:
            scan.stop.set()
            if scan.task is not None:
                scan.task.cancel()

    def cancel_all(self) -> None:
        for scan in list(self._scans.values()):
            self.cancel(scan.folder)

    async def _run(self, scan: Scan, forced: bool) -> None:
        ls = self.ls
        folder = scan.folder
        token = None
        try:
            await ls.wait_ready()
            await asyncio.sleep(0.05)  # let the first open document's check go first
            if folder.checker is None or folder.selector is None:
                return
            if ls.client.work_done_progress:
                # `token` is set only once the client has the token and `begin` follows at once:
                # a scan cancelled while `create` is pending must not send `end` for it
                new_token = f"archrules-scan-{uuid.uuid4()}"
                try:
                    await asyncio.wait_for(ls.work_done_progress.create_async(new_token), 10)
                    token = new_token
                except Exception as e:  # noqa: BLE001 - no progress, still scan
                    log.debug("progress create failed: %s", e)
            progress = ls.work_done_progress
            if token:
                progress.begin(token, t.WorkDoneProgressBegin(
                    title="archrules", message=f"checking {folder.name}", percentage=0, cancellable=True))
            loop = asyncio.get_running_loop()
            rels = await loop.run_in_executor(None, lambda: list(folder.selector.walk()))
            total = max(1, len(rels))
            results: asyncio.Queue = asyncio.Queue()

            def should_stop() -> bool:
                return scan.stop.is_set() or bool(token and _cancelled(progress, token))

            jobs = SCAN_JOBS or _default_jobs()

            def work() -> None:
                from ...project.scan import scan as run_scan

                try:
                    for item in run_scan(folder.root, rels, folder.checker, jobs=jobs,
                                         max_file_size=folder.config.max_file_size, should_stop=should_stop):
                        loop.call_soon_threadsafe(results.put_nowait, item)
                        while time.monotonic() < self.typing_until and not should_stop():
                            time.sleep(0.02)
                        if _DELAY_PER_FILE:
                            time.sleep(_DELAY_PER_FILE)
                        if should_stop():
                            break
                except Exception as e:  # noqa: BLE001
                    loop.call_soon_threadsafe(results.put_nowait, e)
                finally:
                    loop.call_soon_threadsafe(results.put_nowait, None)

            worker = loop.run_in_executor(None, work)
            seen = 0
            last_pct = -1
            found: set[str] = set()
            while True:
                item = await results.get()
                if item is None:
                    break
                if isinstance(item, Exception):
                    log.error("workspace scan of %s failed: %s", folder.name, item)
                    continue
                rel, outcome = item
                seen += 1
                self._publish(folder, rel, outcome, found)
                # Queue.get() does not yield while items are waiting: yield here, so that
                # edits to open documents are handled between the scan's files
                await asyncio.sleep(0)
                pct = min(99, seen * 100 // total)
                if token and pct != last_pct:
                    last_pct = pct
                    progress.report(token, t.WorkDoneProgressReport(
                        message=f"{seen} file(s) checked", percentage=pct))
                if should_stop():
                    scan.stop.set()
            await worker
            cancelled = should_stop()
            if not cancelled:
                # files that had results before and now have none (fixed, excluded, gone)
                for uri, owner in list(ls.diagnostics.disk_folder.items()):
                    if owner is folder and uri not in found:
                        ls.diagnostics.publish_file(uri, [], folder)
                self.completed += 1
            if token:
                progress.end(token, t.WorkDoneProgressEnd(
                    message="cancelled" if cancelled else f"{seen} file(s) checked"))
                token = None
            log.info("workspace scan of %s: %d file(s)%s", folder.name, seen, " (cancelled)" if cancelled else "")
        except asyncio.CancelledError:
            scan.stop.set()
            if token:
                ls.work_done_progress.end(token, t.WorkDoneProgressEnd(message="cancelled"))
        except Exception:  # noqa: BLE001
            log.exception("workspace scan of %s failed", folder.name)
            if token:
                ls.work_done_progress.end(token, t.WorkDoneProgressEnd(message="failed"))
        finally:
            scan.done.set()
            if self._scans.get(folder.uri) is scan:
                self._scans.pop(folder.uri, None)

    def _publish(self, folder, rel: str, outcome, found: set) -> None:
        ls = self.ls
        path = os.path.join(folder.root, rel)
        uri = path_to_uri(path)
        if ls.documents.get(uri) is not None:
            return  # open: the live result wins
        findings = getattr(outcome, "findings", None)
        if not findings:
            if uri in ls.diagnostics.disk:
                ls.diagnostics.publish_file(uri, [], folder)
            return
        try:
            from ...project.files import Skip, read_source

            text = read_source(path, folder.config.max_file_size, folder.root)
            lines = Lines.of_text("" if isinstance(text, Skip) else text, ls.client.position_encoding)
        except OSError:
            lines = Lines.of_text("", ls.client.position_encoding)
        found.add(uri)
        ls.diagnostics.publish_file(uri, ls.diagnostics.to_diagnostics(findings, folder, lines), folder)


def _cancelled(progress, token) -> bool:
    future = progress.tokens.get(token)
    return bool(future is not None and future.cancelled())


def register(server) -> None:
    server.scanner = WorkspaceScanner(server)
