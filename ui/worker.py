"""The one helper for slow work: runs a function on a pool thread, reports back on the GUI thread.

`run_job(fn, on_done, on_error, on_progress)` — `fn` receives a `report(done, total)`
callable and a `cancelled()` callable. Results, errors and progress arrive as Qt
signals, so the GUI thread never waits and never needs `processEvents()`.
Work that touches the database goes through `run_db_job(db, fn, read=...)`: the job declares
whether it reads (one snapshot) or writes, and gets its own connection, opened and closed for it.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from app.db import Database

T = TypeVar("T")
Report = Callable[[int, int], None]
Cancelled = Callable[[], bool]


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int)


class Job(QRunnable):
    def __init__(self, fn: Callable[..., Any]) -> None:
        super().__init__()
        self.fn = fn
        self.signals = _Signals()
        self._cancel = False
        self.working = True  # until run() returns
        self.name = getattr(fn, "__qualname__", str(fn))  # said when a test leaves it running
        self.setAutoDelete(False)

    def cancel(self) -> None:
        self._cancel = True

    def cancelled(self) -> bool:
        return self._cancel

    def run(self) -> None:  # on a pool thread
        try:
            result = self.fn(lambda done, total: self.signals.progress.emit(int(done), int(total)),
                             self.cancelled)
        except BaseException as exc:  # reported on the GUI thread
            exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            self.signals.failed.emit(exc)
        else:
            self.signals.done.emit(result)
        finally:
            self.working = False


_running: set[Job] = set()


def alive(callback: Callable[..., Any]) -> bool:
    """False when the callback is a method of a widget that has been closed and deleted
    (a page's chart job may finish after its window is gone)."""
    owner = getattr(callback, "__self__", None)
    return not isinstance(owner, QObject) or shiboken6.isValid(owner)


def run_job(fn: Callable[..., Any], on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[BaseException], None] | None = None,
            on_progress: Callable[[int, int], None] | None = None) -> Job:
    job = Job(fn)
    _running.add(job)
    if on_progress:
        job.signals.progress.connect(lambda done, total: alive(on_progress) and on_progress(done, total))

    def finished_ok(result: Any) -> None:
        _running.discard(job)
        if on_done and alive(on_done):
            on_done(result)

    def finished_err(exc: BaseException) -> None:
        _running.discard(job)
        if on_error:
            if alive(on_error):
                on_error(exc)
        else:
            traceback.print_exception(exc)

    job.signals.done.connect(finished_ok)
    job.signals.failed.connect(finished_err)
    QThreadPool.globalInstance().start(job)
    return job


def run_db_job(db: Database | Path, fn: Callable[[Database, Report, Cancelled], T], *, read: bool,
               on_done: Callable[[T], None] | None = None,
               on_error: Callable[[BaseException], None] | None = None,
               on_progress: Callable[[int, int], None] | None = None) -> Job:
    """A job on the database of `db` (the shape of Anki's QueryOp/CollectionOp): `fn(own, report,
    cancelled)` runs on a pool thread with its own connection `own` to the file of `db` (a database
    or its path) (`read=True`: a snapshot, for
    lists, previews and PDFs; `read=False`: it writes in its own transactions). The connection is
    closed when `fn` ends; the result or the error arrives on the GUI thread."""
    path = db.path if isinstance(db, Database) else db

    def work(report: Report, cancelled: Cancelled) -> T:
        with Database.for_job(path, read=read) as own:
            return fn(own, report, cancelled)

    job = run_job(work, on_done, on_error, on_progress)
    job.name = getattr(fn, "__qualname__", str(fn))
    return job


def every(share: int, report: Report) -> Report:
    """`report` passed on at most about `share` times over a job (few signals across threads)."""
    step = [0]

    def now_and_then(done: int, total: int) -> None:
        if done >= total or done * share >= (step[0] + 1) * total:
            step[0] = done * share // max(total, 1)
            report(done, total)
    return now_and_then


def running() -> list[Job]:
    """The jobs still working on a pool thread (tests check that none is left behind)."""
    return [job for job in list(_running) if job.working]


def wait_idle(rounds: int = 50) -> None:
    """For tests: wait until every job has finished and reported back, including the jobs that
    those reports started (a chart counted again because a donation came in meanwhile)."""
    from PySide6.QtCore import QCoreApplication

    for _ in range(rounds):
        if not _running:
            return
        wait_all()
        QCoreApplication.processEvents()


def cancel_all() -> None:
    """On closing the window: ask every running job to stop. Without waiting (the window must not
    freeze): `ui.app.run` waits for them once the window is gone. A job that stops early writes
    nothing (exports go through a temporary file, writes are transactions)."""
    for job in list(_running):
        job.cancel()


def wait_all(msecs: int = -1) -> bool:
    """For tests and shutdown: wait until every job has finished (by default however long it takes:
    a confirm or an import that is half done must finish its transaction, not be cut off)."""
    return QThreadPool.globalInstance().waitForDone(msecs)
