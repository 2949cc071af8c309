"""Workspace mode (`diagnosticMode: workspace`): every file of a folder, checked in
the background with `project.scan.scan`, the CLI's scan: the same pool of worker
processes (one per core) for large folders, else a thread, so the event loop keeps
answering. Diagnostics are rendered where the file was checked, as the CLI's workers
render their output: the event loop only publishes JSON texts, a batch of files at a
time, answering requests between batches. Work-done progress is reported when the
client supports it and the scan stops when the user cancels it. Open documents keep
their live results; of closed files only each rule's count and the published findings'
ranges are kept.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import re
import threading
import time
from array import array
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from operator import attrgetter
from typing import TYPE_CHECKING, Any, NamedTuple

from lsprotocol import types as t

from ...engine.text import split_lines
from ..convert import Lines, finding_diagnostic, path_to_uri
from .baseline import baseline_view
from .diagnostics import most_severe, too_many_findings_diagnostic

if TYPE_CHECKING:
    from ...engine import Checker
    from ...engine.model import Finding, Span
    from ..session.capabilities import ClientFeatures
    from ..session.folders import Folder
    from ..session.session import Session

log = logging.getLogger("archrules_lsp.server")


# Worker processes: one per core, as the CLI's scan. Forking is safe because
# main.protocol_streams() keeps pygls' reader off sys.stdin (a forked child closes
# sys.stdin, whose lock the blocked reader would hold).
SCAN_JOBS = int(os.environ.get("ARCHRULES_LSP_SCAN_JOBS") or 0)
# Files published per turn of the event loop: requests (a hover) are answered between batches.
PUBLISH_BATCH = 64


def scan_jobs() -> int:
    """Worker processes for a scan of the server's: ARCHRULES_LSP_SCAN_JOBS, else one per core."""
    from ...project.scan import default_jobs

    return SCAN_JOBS or default_jobs()
# Seconds to sleep per file: a seam for tests of cancellation (a real scan is too quick to catch).
_DELAY_PER_FILE = float(os.environ.get("ARCHRULES_LSP_SCAN_DELAY") or 0)


class FindingRanges(NamedTuple):
    """Where a closed file's published findings are, as `archrules.showFindings` lists them:
    per finding its rule (an index into `rule_ids`) and its range's four numbers (client
    encoding), five ints in one array: 20 bytes a finding and no per-finding objects (the
    diagnostics' JSON compressed took 31 and a zlib pass per file)."""

    rule_ids: tuple[str, ...]
    numbers: array

    def items(self) -> Iterator[tuple[str, dict]]:
        """(rule id, LSP range JSON) of each finding."""
        n, ids = self.numbers, self.rule_ids
        for i in range(0, len(n), 5):
            yield ids[n[i]], {"start": {"line": n[i + 1], "character": n[i + 2]},
                              "end": {"line": n[i + 3], "character": n[i + 4]}}


class RenderedFile(NamedTuple):
    """A checked file as the server keeps and publishes it: its diagnostics as the text of
    a JSON array's items (no per-finding objects), how many findings of each rule, and
    where those published are."""

    uri: str
    diagnostics_json: str
    rule_counts: tuple[tuple[str, int], ...]
    ranges: FindingRanges | None = None


# stand-ins for a diagnostic's range (four numbers) while its JSON becomes a template
_STAND_INS = tuple(-1_000_000_001 - i for i in range(4))
_STAND_IN = re.compile("|".join(str(n) for n in _STAND_INS))
_TEMPLATES_KEPT = 4096  # distinct (rule, severity, message) per worker before the cache starts over
_UNKNOWN = object()  # a template not made yet
_COMPACT = (",", ":")  # JSON separators: no spaces (a workspace's diagnostics are tens of MB)


class DiagnosticRenderer:
    """The scan's per-file transform: a checked file's findings -> RenderedFile, computed
    in the worker from the text it checked (columns need it). A diagnostic's JSON is
    made once per rule, severity and message; each finding fills in its range.

    A closed file's diagnostics carry no `data` (an open document's hold the rule id and
    engine span for code actions): nobody acts on a closed file, and opening it publishes
    its live diagnostics; a client that echoes an old one is matched by code and line."""

    needs_text = True  # project.scan hands over the checked text

    def __init__(self, folder: Folder, features: ClientFeatures) -> None:
        self.root = str(folder.root)
        self.rules = {r.id: r for r in folder.ruleset.rules} if folder.ruleset is not None else {}
        self.links = dict(folder.rule_links)
        self.features = features
        self.baseline = folder.baseline
        self.baseline_mode = folder.settings.baseline
        self.cap = folder.settings.max_diagnostics_per_file
        self._templates: dict[tuple, Any] = {}  # str.format templates; None: no template

    def __call__(self, rel: str, outcome: Any, text: str | None) -> RenderedFile:
        return self.render(path_to_uri(os.path.join(self.root, rel)), getattr(outcome, "findings", ()), text, rel)

    def render(self, uri: str, findings: Sequence[Finding], text: str | None, rel: str | None = None) -> RenderedFile:
        """`rel`: the root-relative path, for the baseline (shown as an open document's would be)."""
        if not findings:
            return RenderedFile(uri, "", ())
        shown, held = baseline_view(self.baseline, self.baseline_mode, rel, text or "", findings)
        checked = _CheckedText(text or "", self.features.position_encoding)
        published = most_severe(shown, self.cap)
        # the code lens counts every finding, also those past the cap; showFindings lists
        # those published; both leave the baselined ones out unless they are shown as any other
        left_out = held if held and self.baseline_mode != "show" else None
        rule_index: dict[str, int] = {}
        numbers = array("i")
        items = []
        for finding in published:
            item, rng = self._diagnostic_json(finding, checked)
            items.append(item)
            if left_out is None or (finding.rule_id, finding.span) not in left_out:
                numbers.append(rule_index.setdefault(finding.rule_id, len(rule_index)))
                numbers.extend(rng)
        if len(published) < len(shown):
            notice = too_many_findings_diagnostic(len(shown), self.cap, rel or uri)
            items.insert(0, json.dumps(notice, separators=_COMPACT))
        counts = Counter(map(attrgetter("rule_id"), shown)) if left_out is None else \
            Counter(f.rule_id for f in shown if (f.rule_id, f.span) not in left_out)
        return RenderedFile(uri, ",".join(items), tuple(counts.items()), FindingRanges(tuple(rule_index), numbers))

    def _diagnostic_json(self, finding: Finding, checked: _CheckedText) -> tuple[str, tuple[int, ...]]:
        """The finding's diagnostic as JSON text, and its range's four numbers."""
        if finding.related:  # an import chain's hops differ from finding to finding
            return _with_range(self._diagnostic(finding, checked.lines))
        key = (finding.rule_id, finding.severity, finding.message)
        template = self._templates.get(key, _UNKNOWN)
        if template is _UNKNOWN:
            if len(self._templates) >= _TEMPLATES_KEPT:
                self._templates.clear()
            template = self._templates[key] = _template(self._diagnostic(finding, checked.lines))
        if template is None:
            return _with_range(self._diagnostic(finding, checked.lines))
        rng = checked.range_numbers(finding.span)
        return template.format(*rng), rng

    def _diagnostic(self, finding: Finding, lines: Lines) -> dict:
        diagnostic = finding_diagnostic(finding, self.rules.get(finding.rule_id), lines, self.features,
                                        self.links.get(finding.rule_id), self.root)
        del diagnostic["data"]
        return diagnostic


class _CheckedText:
    """A checked file's text for its findings' ranges, split into lines only when needed:
    in an ASCII text with only \\n breaks (most source files) a span's numbers are the range's
    in every encoding, as the engine's spans lie within their lines (the open documents'
    converter relies on that too); splitting costs a string per line."""

    __slots__ = ("text", "encoding", "plain_line_count", "_split", "_lines")

    def __init__(self, text: str, encoding: str) -> None:
        self.text, self.encoding = text, encoding
        self.plain_line_count = text.count("\n") + 1 if text.isascii() and "\r" not in text else 0
        self._split: list[str] | None = None
        self._lines: Lines | None = None

    @property
    def split(self) -> list[str]:
        if self._split is None:
            self._split = split_lines(self.text)
        return self._split

    @property
    def lines(self) -> Lines:
        if self._lines is None:
            self._lines = Lines(self.split, self.encoding)
        return self._lines

    def range_numbers(self, span: Span) -> tuple[int, int, int, int]:
        """The LSP range of `span` as (line, character, end line, end character)."""
        line, column, end_line, end_column = span.line, span.column, span.end_line, span.end_column
        if 0 <= line <= end_line and min(column, end_column) >= 0:
            if end_line < self.plain_line_count:
                return line, column, end_line, end_column
            split = self.split
            if end_line < len(split) and split[line].isascii() and split[end_line].isascii():
                # in every encoding an ASCII line's columns are its code units
                return line, min(column, len(split[line])), end_line, min(end_column, len(split[end_line]))
        lines = self.lines
        return (*_position(lines, line, column), *_position(lines, end_line, end_column))


def _with_range(diagnostic: dict) -> tuple[str, tuple[int, ...]]:
    start, end = diagnostic["range"]["start"], diagnostic["range"]["end"]
    return (json.dumps(diagnostic, separators=_COMPACT),
            (start["line"], start["character"], end["line"], end["character"]))


def _position(lines: Lines, line: int, column: int) -> tuple[int, int]:
    position = lines.position(line, column)
    return position.line, position.character


def _template(diagnostic: dict) -> str | None:
    """The diagnostic's JSON as a str.format template of its range's numbers, in order; None
    when the JSON does not have them so alone (a message spelling a stand-in)."""
    s = _STAND_INS
    diagnostic["range"] = {"start": {"line": s[0], "character": s[1]}, "end": {"line": s[2], "character": s[3]}}
    text = json.dumps(diagnostic, separators=_COMPACT)
    if _STAND_IN.findall(text) != [str(n) for n in s]:
        return None
    return "{}".join(piece.replace("{", "{{").replace("}", "}}") for piece in _STAND_IN.split(text))


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
        progress: asyncio.Future | None = None
        try:
            await self.session.wait_ready()
            checker, selector = folder.checker, folder.selector
            if checker is None or selector is None:
                return
            # the folder is walked meanwhile (a new rule set restarts the scan)
            walk = asyncio.get_running_loop().run_in_executor(None, lambda: list(selector.walk()))
            # the scan does not wait for the client to accept the progress token
            progress = asyncio.ensure_future(self._begin_progress(scan))
            found = await self._scan_files(scan, checker, await walk)
            cancelled = self._should_stop(scan)
            if not cancelled:
                # files that had results before and now have none (fixed, excluded, gone)
                for uri in self.session.diagnostics.disk_uris(folder):
                    if uri not in found:
                        self.session.diagnostics.publish_rendered(RenderedFile(uri, "", ()), folder)
            outcome = "cancelled" if cancelled else f"{scan.seen} file(s) checked"
            log.info("workspace scan of %s: %s", folder.name, outcome)
        except asyncio.CancelledError:
            scan.stop.set()
            outcome = "cancelled"
        except Exception:  # noqa: BLE001
            log.exception("workspace scan of %s failed", folder.name)
        finally:
            await self._settle_progress(progress, outcome == "cancelled")
            self._end_progress(scan, outcome)
            if self._scans.get(folder.uri) is scan:
                self._scans.pop(folder.uri, None)

    @staticmethod
    async def _settle_progress(progress: asyncio.Future | None, cancelled: bool) -> None:
        """A `create` still pending when the scan ends: a cancelled scan drops it (no
        `begin`, no `end`); a finished one waits for it, so that `end` follows `begin`."""
        if progress is None or progress.done():
            return
        if cancelled:
            progress.cancel()
            return
        with contextlib.suppress(asyncio.CancelledError):
            await progress

    async def _begin_progress(self, scan: Scan) -> None:
        # `token` is set only once the client has the token and `begin` follows at once:
        # a scan cancelled while `create` is pending must not send `end` for it
        token = await self.session.create_progress("archrules-scan")
        if token is None:
            return
        scan.token = token
        self.session.server.work_done_progress.begin(token, t.WorkDoneProgressBegin(
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

    async def _scan_files(self, scan: Scan, checker: Checker, rels: list[str]) -> set[str]:
        """Run the scan in a thread (which feeds worker processes for many files) and
        publish the files' results a batch at a time as they come; the URIs with findings."""
        folder = scan.folder
        loop = asyncio.get_running_loop()
        batches: asyncio.Queue[Any] = asyncio.Queue()

        def put(item: Any) -> None:  # from the scan's thread
            loop.call_soon_threadsafe(batches.put_nowait, item)

        worker = loop.run_in_executor(None, self._work, scan, checker, rels, put)
        found: set[str] = set()
        last_pct = -1
        while (batch := await batches.get()) is not None:
            if isinstance(batch, Exception):
                log.error("workspace scan of %s failed: %s", folder.name, batch)
                continue
            for _rel, rendered in batch:
                self._publish(folder, rendered, found)
            scan.seen += len(batch)
            # Queue.get() does not yield while batches are waiting: yield here, so that
            # requests and edits to open documents are handled between batches
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
        """In a thread: the scan, its results handed to the loop in batches (of PUBLISH_BATCH
        files, or what came in 50 ms), pausing while the user types."""
        from ...project.scan import scan as run_scan

        folder = scan.folder
        session = self.session
        batch: list[tuple[str, RenderedFile]] = []
        flushed = time.monotonic()
        error: Exception | None = None
        try:
            for item in run_scan(folder.root, rels, checker, jobs=scan_jobs(),
                                 max_file_size=folder.config.max_file_size,
                                 should_stop=lambda: self._should_stop(scan),
                                 transform=DiagnosticRenderer(folder, session.client)):
                batch.append(item)
                if len(batch) >= PUBLISH_BATCH or time.monotonic() - flushed > 0.05:
                    put(batch)
                    batch, flushed = [], time.monotonic()
                    # publishing takes the loop from the checks of the open document
                    while time.monotonic() < session.typing_until and not self._should_stop(scan):
                        time.sleep(0.02)
                if _DELAY_PER_FILE:
                    time.sleep(_DELAY_PER_FILE)
                if self._should_stop(scan):
                    break
        except Exception as e:  # noqa: BLE001
            error = e
        finally:
            for last in (batch, error):
                if last:
                    put(last)
            put(None)

    def _publish(self, folder: Folder, rendered: RenderedFile, found: set[str]) -> None:
        """Publish a closed file's result (an open document's live result wins: see publish_rendered)."""
        if rendered.diagnostics_json:
            found.add(rendered.uri)
        self.session.diagnostics.publish_rendered(rendered, folder)
