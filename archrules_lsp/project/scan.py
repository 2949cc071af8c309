"""Checking many files: in-process for a few, a pool of worker processes for many.

    for rel, outcome in scan(root, rels, checker, jobs=0):
        ...  # outcome: CheckResult, or Skip (too large, binary, unreadable)

Results come back in the order of `rels`, and nothing is kept once yielded: memory
does not grow with the number of files (workers run at most a few chunks ahead). Files no active rule applies to are not
read and not yielded. The generator is cancellable: `should_stop()` is asked
between files (in-process) or chunks of files (workers), and closing the generator
(`gen.close()`, or dropping it) terminates the workers.

Workers are forked where the platform forks (each inherits the parent's compiled
Checker); elsewhere they are spawned and load the rules once from a CheckerSpec.
Pass `transform` to turn each outcome into something small in the worker: engine
Findings with their fixes cost more to pickle than to compute.

Forking a process that runs other threads (a language server) is safe here as far
as the workers go (they only read files, check and pickle), but Python 3.12+ warns
about it; pass jobs=1 to stay in-process.
"""

from __future__ import annotations

import collections
import contextlib
import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from ..engine.record import record
from .conventions import DEFAULT_MAX_FILE_SIZE, Skip
from .files import read_source

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import Checker, CheckOptions, CheckResult
    from ..engine.imports.context import ImportContext

Outcome = Union["CheckResult", Skip]

IN_PROCESS_BELOW = 50  # files; fewer than this are checked without a pool
CHUNK_SIZE = 16


@record
class CheckerSpec:
    """What a worker needs to build a Checker: picklable (rule paths, not compiled rules)."""

    rule_paths: tuple[str, ...]
    options: CheckOptions | None = None
    imports: ImportContext | None = None  # the import graph, for the import contracts' chains

    def build(self) -> Checker:
        from ..engine import Checker, CheckOptions, load_rule_files

        ruleset = load_rule_files([str(p) for p in self.rule_paths])
        return Checker(ruleset, self.options if self.options is not None else CheckOptions(), self.imports)


@record
class FixOutcome:
    """In fix mode: what remains after the safe fixes, and how many were applied.

    `unwritten` says why fixes were found but not written: on purpose (a file that is
    not UTF-8, or changed meanwhile) or, with `write_failed`, because writing failed
    (a read-only file or folder: an error)."""

    result: CheckResult | Skip
    fixes_applied: int = 0
    unwritten: str | None = None
    write_failed: bool = False
    text: str | None = None  # the text `result` is about (None for a Skip)


MAX_FIX_PASSES = 100  # an anti-pattern reports one match per line: a pass fixes one each


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


# ---------------------------------------------------------------- work on one file


def _check_one(checker: Checker, root: str, rel: str, max_file_size: int) -> tuple[Outcome, str | None]:
    text = read_source(os.path.join(root, rel), max_file_size, root)
    if isinstance(text, Skip):
        return text, None
    return checker.check(rel, text), text


class _ReadBefore:
    """`_check_one` for files whose text was read already (the import graph's): each is taken
    from `texts` (and dropped there) instead of being read again."""

    def __init__(self, texts: dict[str, str]):
        self.texts = texts

    def __call__(self, checker: Checker, root: str, rel: str, max_file_size: int) -> tuple[Outcome, str | None]:
        text = self.texts.pop(rel, None)
        if text is None:
            return _check_one(checker, root, rel, max_file_size)
        return checker.check(rel, text), text


def _fix_one(checker: Checker, root: str, rel: str, max_file_size: int) -> tuple[FixOutcome, str | None]:
    outcome = fix_file(checker, root, rel, max_file_size)
    return outcome, outcome.text


def fix_file(checker: Checker, root: str, rel: str, max_file_size: int) -> FixOutcome:
    """Apply every safe fix (see `fix_text`), write the file if it changed (line endings
    and a UTF-8 BOM kept), and check it again.

    A file that is not valid UTF-8, or that is read-only, is checked but never rewritten."""
    path = os.path.join(root, rel)
    original = read_source(path, max_file_size, root)
    if isinstance(original, Skip):
        return FixOutcome(original)
    text, result, applied = fix_text(checker, rel, original)
    if text == original:
        return FixOutcome(result, text=text)
    try:
        with open(path, "rb") as fh:
            data = fh.read()
        unwritten = _unwritable_reason(path, data, original)
        if unwritten is None:
            bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
            write_atomically(path, bom + text.encode("utf-8", errors="surrogatepass"))
            return FixOutcome(result, applied, text=text)
        return FixOutcome(checker.check(rel, original), 0, unwritten, unwritten == READ_ONLY, original)
    except OSError as e:
        return FixOutcome(checker.check(rel, original), 0, f"cannot write: {e.strerror or e}", True, original)


def fix_text(checker: Checker, rel: str, text: str) -> tuple[str, CheckResult, int]:
    """(fixed text, its CheckResult, fixes applied): safe fixes applied pass after pass
    until the text stops changing, at most MAX_FIX_PASSES passes.

    A fix whose result its own rule flags again at the same place without the text
    getting shorter (`foo` -> `foofoo`) would grow the file every pass: it is applied
    once. A fix that undoes another (a cycle of texts) stops the passes too."""
    from ..engine import apply_safe_fixes

    result = checker.check(rel, text)
    applied = 0
    seen = {hash(text)}
    for _ in range(MAX_FIX_PASSES):
        sites = _fix_sites(result)
        if not sites:
            break
        new_text, fixed = apply_safe_fixes(text, result.findings)
        if not fixed or hash(new_text) in seen:
            break
        seen.add(hash(new_text))
        grew = len(new_text) >= len(text)
        text, result, applied = new_text, checker.check(rel, new_text), applied + fixed
        if grew and sites & _fix_sites(result):
            break
    return text, result, applied


def _fix_sites(result: CheckResult) -> set[tuple[str, int, int]]:
    """Where the safe rule fixes of `result` apply: (rule id, line, column)."""
    return {(f.rule_id, f.span.line, f.span.column) for f in result.findings
            if f.rule_fix is not None and f.rule_fix.safe}


READ_ONLY = "cannot write: the file is read-only"


def _unwritable_reason(path: str, data: bytes, checked: str) -> str | None:
    """Why the fixes of `checked` (the text as read) must not replace `data` (the file's
    bytes now) at `path`; None if they may."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "not valid UTF-8: fixes not written"
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    if data[len(bom):].decode("utf-8") != checked:
        # saved by someone else (an editor) since it was checked: writing the fixes of
        # the old text would throw that work away
        return "changed while being fixed: fixes not written"
    st = os.stat(path)
    # root may write anything: the permission bits say what the owner meant
    if not os.access(path, os.W_OK) or not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        return READ_ONLY
    return None


def write_atomically(path: str, data: bytes) -> None:
    """Replace the file's content with `data` all at once: a temporary file beside it,
    then a rename, so an interrupted run (Ctrl-C, a full disk) never leaves it truncated.
    The file's permissions (and owner, where allowed) are kept; a symlink stays a symlink."""
    import tempfile

    target = os.path.realpath(path)
    st = os.stat(target)
    fd, tmp = tempfile.mkstemp(prefix=".archrules-", suffix=".tmp", dir=os.path.dirname(target))
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, stat.S_IMODE(st.st_mode))
        if hasattr(os, "chown"):
            with contextlib.suppress(OSError):  # not allowed (not root): the file is ours anyway
                os.chown(tmp, st.st_uid, st.st_gid)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


# ---------------------------------------------------------------- workers

Transform = Callable[..., Any]  # (rel, outcome) -> what the scan yields instead


class _Job:
    """What checking a file takes besides its path (a worker gets it once)."""

    def __init__(self, checker: Checker | CheckerSpec, root: str, max_file_size: int, one_file: Callable,
                 transform: Transform | None):
        self.checker, self.root, self.max_file_size = checker, root, max_file_size
        self.one_file, self.transform = one_file, transform
        self.needs_text = getattr(transform, "needs_text", False)

    def built(self) -> Checker:
        if isinstance(self.checker, CheckerSpec):
            self.checker = self.checker.build()
        return self.checker

    def run(self, rels: Sequence[str]) -> list[tuple[str, Any]]:
        """(rel, outcome or what `transform` makes of it) for each file some active rule applies to.
        `transform` gets the checked text as well when its `needs_text` attribute is true."""
        checker, root, size, one_file, transform = (
            self.built(), self.root, self.max_file_size, self.one_file, self.transform)
        out: list[tuple[str, Any]] = []
        for rel in rels:
            if not checker.applies_to(rel):
                continue
            outcome, text = one_file(checker, root, rel, size)
            if transform is None:
                out.append((rel, outcome))
            else:
                out.append((rel, transform(rel, outcome, text) if self.needs_text else transform(rel, outcome)))
        return out


def _serve(conn: Any, job: _Job) -> None:
    """A worker process: check each chunk of paths it is sent, send back its results (or the
    exception it raised), until sent None or its pipe closes."""
    try:  # the parent handles Ctrl-C; workers just stop when terminated
        import signal

        signal.signal(signal.SIGINT, signal.SIG_IGN)
    except (ImportError, ValueError):  # pragma: no cover
        pass
    while True:
        try:
            rels = conn.recv()
        except (EOFError, OSError):
            return
        if rels is None:
            return
        try:
            reply: tuple[bool, Any] = (True, job.run(rels))
        except Exception as e:  # noqa: BLE001 - raised again in the parent
            reply = (False, e)
        try:
            conn.send(reply)
        except OSError:  # the parent is gone or stopped listening
            return
        except Exception as e:  # noqa: BLE001 - an exception that does not pickle
            conn.send((False, RuntimeError(f"{type(e).__name__}: {e}")))


class _Worker:
    """One worker process and its pipe: it is sent chunks of paths and answers each, in the order sent.

    Not a multiprocessing Pool: its handler thread wakes on every result waiting in the pipe
    and spent ~0.3 s of CPU on a 5,000-file scan (bench/README.md)."""

    def __init__(self, ctx: Any, job: _Job):
        self.conn, theirs = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(theirs, job), daemon=True)
        self.process.start()
        theirs.close()
        self.sent: collections.deque[int] = collections.deque()  # chunk indexes not answered yet
        self.alive = True

    def send(self, index: int, rels: list[str]) -> None:
        with contextlib.suppress(OSError):  # it died: its chunks are checked here (_Scheduler._receive)
            self.conn.send(rels)
        self.sent.append(index)

    def stop(self) -> None:
        """Let an idle worker end on its own; one still checking (the scan was stopped) is terminated."""
        if not self.sent:
            with contextlib.suppress(OSError):
                self.conn.send(None)
            self.process.join(timeout=1)
        self.conn.close()
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()


AHEAD = 2  # chunks a worker holds: one being checked, one ready to start
WINDOW_PER_WORKER = 8  # chunks answered out of order are kept until their turn: at most this many a worker


class _Scheduler:
    """Hands the chunks to the workers as they answer, and gives the answers back in order.
    A worker that dies has its chunks checked here."""

    def __init__(self, workers: list[_Worker], chunks: list[list[str]], job: _Job):
        self.workers, self.chunks, self.job = workers, chunks, job
        self.answers: dict[int, list[tuple[str, Any]]] = {}
        self.next = 0  # the first chunk not sent yet

    def results(self, should_stop: Callable[[], bool] | None) -> Iterator[tuple[str, Any]]:
        from multiprocessing.connection import wait

        window = WINDOW_PER_WORKER * len(self.workers)
        for first in range(len(self.chunks)):
            self._feed(first + window)
            while first not in self.answers:
                busy = {w.conn: w for w in self.workers if w.sent}
                if not busy:  # every worker died
                    self.answers[first] = self.job.run(self.chunks[first])
                    self.next = max(self.next, first + 1)
                    break
                for conn in wait(list(busy)):
                    self._receive(busy[conn])
                self._feed(first + window)  # a worker that answered gets its next chunk at once
            yield from self.answers.pop(first)
            if should_stop is not None and should_stop():
                return

    def _feed(self, limit: int) -> None:
        for w in self.workers:
            while w.alive and len(w.sent) < AHEAD and self.next < min(limit, len(self.chunks)):
                w.send(self.next, self.chunks[self.next])
                self.next += 1

    def _receive(self, w: _Worker) -> None:
        try:
            ok, value = w.conn.recv()
        except (EOFError, OSError):  # the worker died
            w.alive = False
            while w.sent:
                index = w.sent.popleft()
                self.answers[index] = self.job.run(self.chunks[index])
            return
        index = w.sent.popleft()
        if not ok:
            raise value
        self.answers[index] = value


def _chunks(items: Sequence[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield list(items[i : i + size])


# ---------------------------------------------------------------- the scan


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods() and sys.platform != "darwin"


def _run(root, rels, checker, one_file, jobs, max_file_size, should_stop, transform, spec):
    root = os.path.abspath(root)
    built = None if isinstance(checker, CheckerSpec) else checker
    spec = checker if built is None else spec
    rels = list(rels)
    jobs = default_jobs() if not jobs or jobs < 1 else jobs
    jobs = min(jobs, max(1, len(rels) // CHUNK_SIZE))
    can_fork = False
    if jobs > 1 and len(rels) >= IN_PROCESS_BELOW:
        can_fork = _can_fork()
        if spec is None and not can_fork:
            jobs = 1  # a built Checker cannot cross a spawn boundary
    if jobs <= 1 or len(rels) < IN_PROCESS_BELOW:
        job = _Job(built if built is not None else spec, root, max_file_size, one_file, transform)
        for rel in rels:
            if should_stop is not None and should_stop():
                return
            yield from job.run((rel,))
        return
    yield from _run_workers(_Job(built if built is not None else spec, root, max_file_size, one_file, transform),
                            rels, jobs, can_fork, spec, should_stop)


def _run_workers(job: _Job, rels: list[str], jobs: int, can_fork: bool, spec: CheckerSpec | None,
                 should_stop: Callable[[], bool] | None) -> Iterator[tuple[str, Any]]:
    """The scan in `jobs` worker processes: forked ones inherit the built Checker; spawned ones
    (Windows, macOS) get the CheckerSpec and load the rules once."""
    import gc
    import multiprocessing  # only here: the in-process path does not pay for it

    if can_fork:
        job.built()
        ctx: multiprocessing.context.BaseContext = multiprocessing.get_context("fork")
        given = job
    else:  # pragma: no cover - Windows / macOS
        ctx = multiprocessing.get_context("spawn")
        assert spec is not None  # without one, _run stays in-process
        one_file = _check_one if isinstance(job.one_file, _ReadBefore) else job.one_file  # not pickled to each
        given = _Job(spec, job.root, job.max_file_size, one_file, job.transform)
    # what the workers inherit (compiled rules, a baseline's entries) is never garbage to
    # them: frozen, their collections skip it (and do not copy its pages); the parent
    # (a long-running server) unfreezes at once
    workers: list[_Worker] = []
    gc.freeze()
    try:
        for _ in range(jobs):
            workers.append(_Worker(ctx, given))
    finally:
        gc.unfreeze()
    try:
        yield from _Scheduler(workers, list(_chunks(rels, CHUNK_SIZE)), job).results(should_stop)
    finally:
        for w in workers:
            w.stop()


def scan(
    root: str | Path,
    rels: Iterable[str],
    checker: Checker | CheckerSpec,
    *,
    jobs: int = 0,
    max_file_size: int = DEFAULT_MAX_FILE_SIZE,
    should_stop: Callable[[], bool] | None = None,
    transform: Transform | None = None,
    spec: CheckerSpec | None = None,
    texts: dict[str, str] | None = None,
) -> Iterator[tuple[str, Any]]:  # Outcome, or what `transform` made of it
    """Check `rels` (root-relative posix paths); yield (rel, CheckResult | Skip) in their order.

    Files no active rule applies to are left out. `checker`: a built Checker, or a
    CheckerSpec. Where the platform cannot fork (Windows, macOS), workers are spawned
    and rebuild the Checker from a CheckerSpec: `checker` itself or `spec`; with
    neither, the scan runs in-process. `jobs`: worker processes, 0 = one per
    available core; fewer than 50 files always run in-process.

    `transform(rel, outcome)`, when given, runs where the file was checked (in the
    worker) and its value is yielded instead of the outcome. Findings with their fixes
    cost more to pickle than to compute, so shrink them there (a module-level function:
    it must be picklable where workers are spawned). A transform with a true
    `needs_text` attribute is called as `transform(rel, outcome, text)`, `text` being
    what was checked (None for a Skip): a baseline's keys need the finding's line.

    `texts` (rel -> text): files read already (the import graph's, `import_context(keep_texts=)`),
    checked from that text instead of being read again; each is dropped from `texts` once used."""
    one_file = _ReadBefore(texts) if texts else _check_one
    return _run(root, rels, checker, one_file, jobs, max_file_size, should_stop, transform, spec)


def scan_and_fix(
    root: str | Path,
    rels: Iterable[str],
    checker: Checker | CheckerSpec,
    *,
    jobs: int = 0,
    max_file_size: int = DEFAULT_MAX_FILE_SIZE,
    should_stop: Callable[[], bool] | None = None,
    transform: Transform | None = None,
    spec: CheckerSpec | None = None,
) -> Iterator[tuple[str, Any]]:  # FixOutcome, or what `transform` made of it
    """Like `scan`, but first applies each file's safe fixes and writes it back;
    yields (rel, FixOutcome) (`transform` gets the FixOutcome)."""
    return _run(root, rels, checker, _fix_one, jobs, max_file_size, should_stop, transform, spec)
