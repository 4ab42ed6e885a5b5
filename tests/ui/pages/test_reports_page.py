"""The 报表 page (issue 8): period pickers, an export off the GUI thread with progress and cancel,
the open-folder offer, and charts that follow the period — driven through the real widgets."""

import datetime as dt
import threading

import openpyxl
import pytest
from PySide6.QtCore import QDate, QUrl
from PySide6.QtGui import QDesktopServices
from report_book import TODAY, build_book

from app.excel import Cancelled
from app.reports import catalog
from app.reports.period import preset_dates
from ui import worker
from ui.pages.report_parts import PRESETS
from ui.pages.reports import ReportsPage
from ui.worker import wait_idle


@pytest.fixture
def page(qtbot, db, admin, monkeypatch, tmp_path):
    build_book(db, admin)
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    p = ReportsPage(db, today=lambda: TODAY)
    p.opened = opened
    qtbot.addWidget(p)
    p.show()
    yield p
    worker.wait_all()


def settle(qtbot, p):
    qtbot.waitUntil(lambda: p.export_job is None and p.chart_job is None and not p._chart_timer.isActive(),
                    timeout=15000)


def set_preset(p, name):
    p.preset.setCurrentIndex(PRESETS.index(name))


def set_dates(p, start, stop):
    p.date_from.setDate(QDate(start.year, start.month, start.day))
    p.date_to.setDate(QDate(stop.year, stop.month, stop.day))


@pytest.mark.parametrize(("name", "today", "expected"), [
    ("今年", dt.date(2024, 5, 6), (dt.date(2024, 1, 1), dt.date(2024, 12, 31))),
    ("去年", dt.date(2024, 5, 6), (dt.date(2023, 1, 1), dt.date(2023, 12, 31))),
    ("本月", dt.date(2024, 2, 10), (dt.date(2024, 2, 1), dt.date(2024, 2, 29))),
    ("上月", dt.date(2024, 1, 10), (dt.date(2023, 12, 1), dt.date(2023, 12, 31))),
    ("本季度", dt.date(2024, 11, 30), (dt.date(2024, 10, 1), dt.date(2024, 12, 31))),
    ("本季度", dt.date(2024, 5, 1), (dt.date(2024, 4, 1), dt.date(2024, 6, 30))),
    ("上季度", dt.date(2024, 5, 1), (dt.date(2024, 1, 1), dt.date(2024, 3, 31))),
    ("上季度", dt.date(2024, 2, 29), (dt.date(2023, 10, 1), dt.date(2023, 12, 31))),
    ("全部", dt.date(2024, 5, 6), (None, None)),
])
def test_preset_periods(name, today, expected):
    assert preset_dates(name, today) == expected


def test_presets_fill_the_dates_and_editing_a_date_means_custom(qtbot, page):
    settle(qtbot, page)
    assert page.period().date_from == dt.date(2024, 1, 1) and page.period().date_to == dt.date(2024, 12, 31)
    set_preset(page, "全部")
    assert page.period().date_from is None and not page.date_from.isEnabled()
    set_preset(page, "本月")
    assert page.period().date_from == dt.date(2024, 12, 1)
    page.date_from.setDate(QDate(2024, 11, 15))
    assert PRESETS[page.preset.currentIndex()] == "自定义"
    assert page.period().date_from == dt.date(2024, 11, 15)


def test_custom_after_everything_gives_back_the_dates(qtbot, page, db, tmp_path):
    """全部 greys the dates out; 自定义 must hand them back, and the export must use what they show."""
    set_preset(page, "全部")
    settle(qtbot, page)
    everything = page.summary.text()
    first, last = db.one("SELECT min(donated_on), max(donated_on) FROM donations")  # no aid day outside
    assert page.date_from.date().toPython().isoformat() == first  # the greyed dates show what 全部 covers
    assert page.date_to.date().toPython().isoformat() == last
    set_preset(page, "自定义")
    assert page.date_from.isEnabled() and page.date_to.isEnabled()
    assert page.period().date_from.isoformat() == first  # 自定义 starts from the whole range
    set_dates(page, dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    settle(qtbot, page)
    assert page.summary.text() != everything
    february = db.scalar("SELECT count(*) FROM donations WHERE status = 'active' AND donated_on LIKE '2024-02-%'")
    assert f"捐赠 {february} 笔" in page.summary.text()
    page.choose("donations")
    page.export(str(tmp_path / "feb.xlsx"))
    qtbot.waitUntil(lambda: page.export_job is None, timeout=15000)
    assert page.last_result["period"] == {"from": "2024-02-01", "to": "2024-02-29"}


def test_a_long_period_is_charted_by_year(qtbot, page):
    set_preset(page, "自定义")
    set_dates(page, dt.date(2021, 1, 1), dt.date(2024, 12, 31))
    settle(qtbot, page)
    chart = page.by_month.data()
    assert chart.title.startswith("每年") and chart.labels == ("2021年", "2022年", "2023年", "2024年")


def test_export_donation_ledger_for_the_period_and_offer_the_folder(qtbot, page, db, tmp_path):
    set_preset(page, "自定义")
    set_dates(page, dt.date(2024, 2, 1), dt.date(2024, 3, 31))
    page.choose("donations")
    assert page.mask_box.isEnabled() and not page.as_pdf.isVisible()
    page.mask_box.setChecked(True)
    out = tmp_path / "ledger.xlsx"
    job = page.export(str(out))
    assert job is not None and not page.export_button.isEnabled() and page.cancel_button.isVisible()
    qtbot.waitUntil(lambda: page.export_job is None, timeout=15000)
    result = page.last_result
    assert isinstance(result, dict), result
    expected = db.scalar("SELECT count(*) FROM donations WHERE donated_on BETWEEN '2024-02-01' AND '2024-03-31'")
    assert result["rows"] == expected == 4 and result["masked"] is True
    wb = openpyxl.load_workbook(out)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    assert len(rows) == expected + 2 and rows[-1][0] == "合计"
    assert "王五" not in {r[2] for r in rows}  # masked: 王*
    assert str(out) in page.message.text() and page.export_button.isEnabled()
    assert page.open_folder_button.isVisible() and not page.cancel_button.isVisible()
    page.open_folder_button.click()
    page.open_file_button.click()
    assert page.opened == [QUrl.fromLocalFile(str(tmp_path)), QUrl.fromLocalFile(str(out))]


def test_annual_report_takes_the_year_box(qtbot, page, db, tmp_path):
    page.choose("monthly")
    assert page.year.isEnabled() and not page.mask_box.isEnabled() and not page.mask_box.isChecked()  # no names
    page.year.setValue(2024)
    out = tmp_path / "year.xlsx"
    page.export(str(out))
    qtbot.waitUntil(lambda: page.export_job is None, timeout=15000)
    result = page.last_result
    assert isinstance(result, dict), result
    assert result["year"] == 2024
    assert result["received_fen"] == db.scalar(
        "SELECT sum(amount_fen) FROM donations WHERE status = 'active' AND donated_on LIKE '2024-%'")
    assert openpyxl.load_workbook(out).sheetnames[0] == "每月收支"
    page.choose("funds")
    assert not page.year.isEnabled()


def test_notice_as_pdf(qtbot, page, tmp_path):
    page.choose("notice")
    assert page.as_pdf.isVisible() and not page.mask_box.isEnabled() and page.mask_box.isChecked()  # always masked
    page.as_pdf.setChecked(True)
    out = tmp_path / "公示.pdf"
    page.export(str(out))
    qtbot.waitUntil(lambda: page.export_job is None, timeout=15000)
    assert isinstance(page.last_result, dict), page.last_result
    assert page.last_result["format"] == "pdf" and out.read_bytes()[:5] == b"%PDF-"
    assert f"{page.last_result['pages']} 页" in page.message.text()  # a 300-page poster is no surprise


def test_cancel_stops_the_export_and_leaves_no_file(qtbot, page, tmp_path, monkeypatch):
    """The 取消 button reaches the worker: a report that runs until told to stop ends as cancelled."""
    started = []

    def endless(db, req, progress, cancelled):
        started.append(True)
        n = 0
        while not cancelled():
            n += 1
            progress(n % 100, 100)
        raise Cancelled("cancelled", "导出已取消，没有生成文件")

    kind = page.kinds[0]
    page.kinds[0] = catalog.ReportKind(kind.key, kind.title, kind.help, kind.covers, kind.maskable,
                                       kind.suffixes, endless)
    page.choose(kind.key)
    out = tmp_path / "never.xlsx"
    page.export(str(out))
    qtbot.waitUntil(lambda: bool(started), timeout=5000)
    qtbot.waitUntil(lambda: page.progress.maximum() == 100, timeout=5000)  # progress arrives
    assert page.export(str(out)) is None  # one export at a time
    page.cancel_button.click()
    qtbot.waitUntil(lambda: page.export_job is None, timeout=5000)
    assert isinstance(page.last_result, Cancelled)
    assert "已取消" in page.message.text() and not out.exists()
    assert not page.open_folder_button.isVisible() and page.export_button.isEnabled()


def test_closing_the_window_cancels_a_running_export(qtbot, db, admin, tmp_path):
    """Closing the program mid-export stops the export (no half-written file) instead of cutting it off."""
    from ui.main_window import MainWindow

    w = MainWindow(db, admin)
    qtbot.addWidget(w)
    w.show()
    page = w.reports_page
    stopped = []

    def endless(db, req, progress, cancelled):
        while not cancelled():
            progress(1, 2)
        stopped.append(True)
        raise Cancelled("cancelled", "导出已取消，没有生成文件")

    kind = page.kinds[0]
    page.kinds[0] = catalog.ReportKind(kind.key, kind.title, kind.help, kind.covers, kind.maskable,
                                       kind.suffixes, endless)
    page.choose(kind.key)
    page.export(str(tmp_path / "never.xlsx"))
    qtbot.waitUntil(lambda: page.progress.maximum() == 2, timeout=5000)
    w.close()  # returns at once: the window does not freeze while the export stops
    assert not w.isVisible()
    worker.wait_all()  # what ui.app.run does once the window is gone
    assert stopped == [True] and not (tmp_path / "never.xlsx").exists()
    wait_idle()  # the pages' background jobs (首页's charts) end with the test


def test_a_yearly_report_ignores_dates_in_the_wrong_order(qtbot, page, tmp_path):
    set_preset(page, "自定义")
    set_dates(page, dt.date(2024, 5, 1), dt.date(2024, 4, 1))
    page.choose("monthly")
    page.year.setValue(2024)
    page.export(str(tmp_path / "y.xlsx"))
    qtbot.waitUntil(lambda: page.export_job is None, timeout=15000)
    assert isinstance(page.last_result, dict) and page.last_result["year"] == 2024


def test_bad_period_is_refused_with_a_message(qtbot, page, tmp_path):
    set_preset(page, "自定义")
    set_dates(page, dt.date(2024, 5, 1), dt.date(2024, 4, 1))
    assert page.export(str(tmp_path / "x.xlsx")) is None
    assert "晚于" in page.message.text() and not (tmp_path / "x.xlsx").exists()
    page.date_to.setDate(QDate(2024, 6, 1))  # put right: the old refusal goes
    assert page.message.text() == ""


def test_the_annual_report_takes_the_year_and_the_charts_follow_it(qtbot, page, db):
    set_preset(page, "上月")
    page.choose("monthly")
    assert not page.preset.isEnabled() and not page.date_from.isEnabled() and page.year.isEnabled()
    page.year.setValue(2024)
    settle(qtbot, page)
    month = page.by_month.data()
    assert month.labels == tuple(f"{m}月" for m in range(1, 13))  # the whole year, not 上月
    assert sum(month.series[0].values) == db.scalar(
        "SELECT sum(amount_fen) FROM donations WHERE status = 'active' AND donated_on LIKE '2024-%'")
    page.choose("donations")
    assert page.preset.isEnabled() and page.date_from.isEnabled() and not page.year.isEnabled()
    settle(qtbot, page)
    assert page.by_month.data().labels == ("11月",)  # 上月 again


def test_the_notice_does_not_change_the_persons_own_mask_choice(qtbot, page):
    page.choose("donations")
    assert not page.mask_box.isChecked()
    page.choose("notice")
    assert page.mask_box.isChecked() and not page.mask_box.isEnabled()
    page.choose("disbursements")
    assert not page.mask_box.isChecked()  # not carried over from the notice
    page.mask_box.click()
    page.choose("funds")
    assert not page.mask_box.isChecked()
    page.choose("donations")
    assert page.mask_box.isChecked()  # the person's own tick comes back


def test_charts_follow_the_period(qtbot, page, db):
    set_preset(page, "今年")
    settle(qtbot, page)
    month = page.by_month.data()
    assert month.labels == tuple(f"{m}月" for m in range(1, 13))
    received = dict(zip(month.labels, month.series[0].values, strict=True))
    assert sum(received.values()) == db.scalar("SELECT sum(amount_fen) FROM donations WHERE status = 'active'")
    assert received["2月"] == db.scalar("SELECT sum(amount_fen) FROM donations WHERE status = 'active'"
                                       " AND donated_on LIKE '2024-02-%'")
    aid = dict(zip(month.labels, month.series[1].values, strict=True))
    assert aid["3月"] == db.scalar("SELECT sum(amount_fen) FROM disbursements"
                                  " WHERE status IN ('pending', 'signed', 'paid', 'proxy')") > 0
    assert "收入 1,550.50 元" in page.summary.text()
    funds = page.by_part.data()
    assert funds.labels[0] == "慈善基金（非定向）" and len(funds.series) == 2
    page.breakdown.setCurrentIndex(3)  # villages
    settle(qtbot, page)
    assert page.by_part.data().title.startswith("各村") and "前进村" not in page.by_part.data().labels  # reversed
    set_preset(page, "本月")  # December: nothing happened
    settle(qtbot, page)
    assert page.by_month.data().labels == ("12月",) and page.by_month.is_empty()
    assert page.by_part.data() is None or page.by_part.is_empty()


def test_a_failed_count_gives_way_to_the_newer_choice(qtbot, page, monkeypatch):
    """If counting fails while the person has already picked another period, the newer period is
    counted (and shown) rather than the failure of the old one."""
    from ui.pages import reports as reports_module

    settle(qtbot, page)
    real, gate, calls = reports_module.chart_figures, threading.Event(), []

    def flaky(db, period, part):
        calls.append(period)
        if len(calls) == 1:
            gate.wait(10)
            raise RuntimeError("读取失败")
        return real(db, period, part)

    monkeypatch.setattr(reports_module, "chart_figures", flaky)
    page.refresh_charts()
    set_preset(page, "本月")
    qtbot.waitUntil(lambda: page._chart_wanted, timeout=5000)
    gate.set()
    settle(qtbot, page)
    assert len(calls) == 2 and calls[1].date_from == dt.date(2024, 12, 1)
    assert "失败" not in page.summary.text() and page.by_month.data().labels == ("12月",)


def test_a_job_finishing_after_its_page_is_gone_calls_nothing(qtbot):
    """Chart jobs start when a page opens; the window may be closed before they end."""
    import shiboken6
    from PySide6.QtWidgets import QLabel

    calls = []

    class Owner(QLabel):
        def done(self, result):
            calls.append(result)
            self.setText(str(result))

    owner = Owner()
    assert worker.alive(owner.done) and worker.alive(calls.append)
    shiboken6.delete(owner)
    assert not worker.alive(owner.done)
    job = worker.run_job(lambda _r, _c: 7, owner.done)
    qtbot.waitUntil(lambda: job not in worker._running, timeout=5000)
    assert calls == []  # the deleted label was never touched


def test_home_charts_show_this_year_and_count_again_after_a_new_gift(qtbot, db, admin, monkeypatch):
    """The home page's charts: this year by month and aid by category; a refresh asked for while the
    figures are being counted is not lost (the newest donation shows)."""
    from app.donations import donations, donors
    from app.donations.donations import DonationInput
    from app.funds import funds
    from ui.pages import home as home_module
    from ui.pages.home import HomePage

    build_book(db, admin)
    home = HomePage(db, "东风村慈善工作站", today=lambda: TODAY)
    qtbot.addWidget(home)
    home.refresh()
    qtbot.waitUntil(lambda: home.chart_job is None and home.by_month.data() is not None, timeout=15000)
    month = home.by_month.data()
    assert month.title.startswith("2024年") and len(month.labels) == 12
    assert sum(month.series[0].values) == db.scalar("SELECT sum(amount_fen) FROM donations WHERE status = 'active'")
    assert home.by_category.data().title == "2024年各人员类别救助支出"
    before = month.series[0].values[11]
    count, counted, gate = home_module.year_charts, threading.Event(), threading.Event()

    def slow(db, year):  # counts before the new gift, answers after it
        figures = count(db, year)
        counted.set()
        gate.wait(10)
        return figures

    monkeypatch.setattr(home_module, "year_charts", slow)
    home.refresh_charts()
    assert home.chart_job is not None and counted.wait(10)
    donor = donors.create_donor(db, admin, "person", "钱七")
    donations.record_donation(db, admin, DonationInput(donor.id, dt.date(2024, 12, 30), amount_fen=66_00,
                                                       method="cash", fund_id=funds.default_fund(db).id),
                              today=TODAY)
    home.refresh_charts()  # while the first count is still running
    gate.set()
    qtbot.waitUntil(lambda: home.chart_job is None and not home._chart_wanted, timeout=15000)
    assert home.by_month.data().series[0].values[11] == before + 66_00
    qtbot.waitUntil(lambda: home.reminders.job is None, timeout=15000)  # the reminders count too


def test_export_to_the_township_writes_the_exchange_file_into_the_folder(qtbot, page, db, tmp_path):
    from app.township.reader import read_exchange

    set_preset(page, "自定义")
    set_dates(page, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    folder = tmp_path / "U盘"
    folder.mkdir()
    job = page.export_to_township(str(folder))
    assert job is not None and not page.township_button.isEnabled()
    qtbot.waitUntil(lambda: page.export_job is None, timeout=15000)
    result = page.last_result
    assert isinstance(result, dict), result
    (made,) = folder.glob("*.xlsx")
    assert made.name == "交换文件_ST01_东风村慈善工作站_20241231.xlsx"
    f = read_exchange(made)
    assert (f.meta["date_from"], f.meta["date_to"]) == ("2024-01-01", "2024-12-31")
    lines = db.scalar("SELECT count(*) FROM disbursements l JOIN distributions d ON d.id = l.distribution_id"
                      " WHERE d.status = 'confirmed' AND d.distributed_on BETWEEN '2024-01-01' AND '2024-12-31'")
    assert len(f.sheets["发放明细"]) == lines
    assert "工作站交换文件" in page.message.text() and page.township_button.isEnabled()


def test_importing_a_return_file_meant_for_another_station_is_refused_in_words(qtbot, page, tmp_path):
    from township_stations import make_station, shared_ids

    other = make_station(tmp_path, "370102001002", "西岭村慈善工作站", shared_ids(1), gifts=[100000])
    from app.township.consolidate import consolidate
    from app.township.station_file import export_station

    export_station(other.db, tmp_path / "in" / "西岭.xlsx")
    out = consolidate([tmp_path / "in"], tmp_path / "t.xlsx", cache=tmp_path / "c.db", return_dir=tmp_path / "r")
    page.import_flags(out.returns[0])
    assert "回执没有导入" in page.message.text() and "西岭村慈善工作站" in page.message.text()
    other.db.close()
