"""The one change signal: a change made on one page shows on the others without a manual refresh,
and a page is not read again when nothing it shows has changed."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app import changes as ops
from app.changes import Changes
from app.donations import donations, donors
from app.donations.donations import DonationInput
from app.station import overview
from ui import changes
from ui.main_window import MainWindow
from ui.worker import wait_all

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")


@pytest.fixture
def window(qtbot, db, volunteer):
    w = MainWindow(db, volunteer)
    qtbot.addWidget(w)
    w.resize(1024, 720)
    w.show()
    qtbot.waitExposed(w)
    yield w
    wait_all()
    w.close()


def _fund_balances(w: MainWindow) -> list[str]:
    table = w.home.funds
    return [table.item(r, 3).text() for r in range(table.rowCount())]


def _count_overviews(monkeypatch) -> list[int]:
    calls: list[int] = []
    real = overview.overview

    def counted(db):
        calls.append(1)
        return real(db)
    monkeypatch.setattr(overview, "overview", counted)
    return calls


def test_a_donation_saved_at_the_desk_shows_on_home_and_in_the_list(qtbot, db, volunteer, window,
                                                                     monkeypatch):
    w = window
    donors.create_donor(db, volunteer, "person", "张三")
    assert w.home.figures["received_this_year_fen"].text() == "0.00"
    assert _fund_balances(w)[0] == "0.00"
    page = w.donations_page
    w.nav.setCurrentRow(1)
    page.entry.donor.setFocus()
    qtbot.keyClicks(page.entry.donor, "zs")
    qtbot.keyClick(page.entry.donor, Qt.Key.Key_Return)
    qtbot.keyClicks(page.entry.amount, "300")
    qtbot.mouseClick(page.entry.save_button, Qt.MouseButton.LeftButton)
    assert "已保存" in page.entry.status.text()

    w.nav.setCurrentRow(0)  # home: no button pressed, the figures are those of now
    assert w.home.figures["received_this_year_fen"].text() == "300.00"
    assert w.home.figures["donations_today"].text() == "1"
    assert _fund_balances(w)[0] == "300.00"
    qtbot.waitUntil(lambda: w.home.chart_job is None)
    chart = w.home.by_month.data()
    assert chart is not None and sum(chart.series[0].values) == 300_00

    w.nav.setCurrentRow(1)
    page.tabs.setCurrentIndex(1)  # the list and its balances
    assert page.list.model.rowCount() == 1
    assert "300.00" in page.list.balances.text()

    # Nothing changed: going back to 首页 reads nothing again.
    calls = _count_overviews(monkeypatch)
    w.nav.setCurrentRow(2)
    w.nav.setCurrentRow(0)
    assert calls == []


def test_a_change_nobody_announced_is_seen_when_the_page_is_shown(qtbot, db, volunteer, window, monkeypatch):
    """Another window or the command line wrote: every page looks again when next shown."""
    w = window
    d = donors.create_donor(db, volunteer, "person", "赵六")
    w.nav.setCurrentRow(2)
    other = db.reopen()
    try:
        donations.record_donation(other, volunteer, DonationInput(d.id, dt.date.today(), amount_fen=100))
    finally:
        other.close()
    calls = _count_overviews(monkeypatch)
    w.nav.setCurrentRow(0)
    assert calls == [1]
    assert w.home.figures["received_this_year_fen"].text() == "1.00"


def test_the_page_in_front_is_told_at_once_others_only_what_they_show(qtbot, db, window):
    w = window
    told: list[Changes] = []
    w.nav.setCurrentRow(2)  # 受助对象 in front
    w.home.apply_changes = told.append  # type: ignore[method-assign]
    w.recipients_page.apply_changes = told.append  # type: ignore[attr-defined]
    changes.announce(ops.RECIPIENT_SAVED)
    assert told == [ops.RECIPIENT_SAVED]  # the page in front, at once; home waits until shown
    changes.announce(ops.RECIPIENT_SAVED, by=w.recipients_page.table)
    assert told == [ops.RECIPIENT_SAVED]  # the page that made the change is not told again
    changes.announce(ops.PROGRAMME_SAVED)
    w.nav.setCurrentRow(0)
    assert told == [ops.RECIPIENT_SAVED, Changes(recipients=True)]  # home does not show programmes
    assert QApplication.activeModalWidget() is None
