"""The database job helper: a job reads one snapshot or writes, on its own connection, and its
result or error arrives on the GUI thread."""

from __future__ import annotations

import threading

import pytest

from app.station import station
from ui import worker


def test_a_reading_job_gets_its_own_connection_and_reports_on_the_gui_thread(qtbot, db):
    seen: dict[str, object] = {}

    def work(own, report, cancelled):
        seen["thread"] = threading.current_thread()
        seen["own"] = own
        report(1, 1)
        return station.get_station(own).name

    progress: list[tuple[int, int]] = []
    results: list[str] = []
    job = worker.run_db_job(db, work, read=True, on_done=lambda r: results.append(r),
                            on_progress=lambda d, t: progress.append((d, t)))
    qtbot.waitUntil(lambda: results != [], timeout=5000)
    assert results == ["东风村慈善工作站"] and progress == [(1, 1)]
    assert seen["thread"] is not threading.main_thread() and seen["own"] is not db
    assert job not in worker.running()


def test_a_reading_job_may_not_write_and_the_error_arrives(qtbot, db, admin):
    errors: list[BaseException] = []

    def work(own, report, cancelled):
        with own.transaction() as c:
            c.execute("UPDATE station SET name = 'x'")

    worker.run_db_job(db, work, read=True, on_error=errors.append)
    qtbot.waitUntil(lambda: errors != [], timeout=5000)
    assert isinstance(errors[0], RuntimeError) and "reading" in str(errors[0])
    assert station.get_station(db).name == "东风村慈善工作站"


def test_a_writing_job_writes_and_a_job_still_working_is_listed(qtbot, db):
    go = threading.Event()

    def work(own, report, cancelled):
        go.wait(5)
        with own.transaction() as c:
            c.execute("UPDATE station SET name = '新名字'")
        return "done"

    results: list[str] = []
    job = worker.run_db_job(db.path, work, read=False, on_done=results.append)
    assert worker.running() == [job]  # the autouse fixture fails a test that leaves it so
    go.set()
    worker.wait_idle()
    assert results == ["done"] and worker.running() == []
    assert station.get_station(db).name == "新名字"


@pytest.mark.parametrize("share", [10, 50])
def test_progress_is_passed_on_now_and_then(share):
    got: list[tuple[int, int]] = []
    report = worker.every(share, lambda d, t: got.append((d, t)))
    for i in range(1, 1001):
        report(i, 1000)
    assert len(got) == share and got[-1] == (1000, 1000)
