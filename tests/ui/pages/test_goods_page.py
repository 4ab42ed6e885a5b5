"""The 物资 page driven through its widgets as a station manager uses it: read the stock, hand
rice to a school (too much first), write off oil, a count with a difference, the stock at an
earlier date, one item's movements, and the goods ledger exported to Excel."""

import datetime as dt

import openpyxl
import pytest
from PySide6.QtCore import QDate, Qt

from app.donations import donations, donors
from app.donations.donations import DonationInput, GoodsLine
from app.goods import store
from ui.pages.goods import GoodsPage
from ui.worker import wait_all

ON = dt.date.today() - dt.timedelta(days=10)


@pytest.fixture
def page(qtbot, db, admin):
    donor = donors.create_donor(db, admin, "enterprise", "东风粮油公司")
    donations.record_donation(db, admin, DonationInput(donor.id, ON, method=None, goods=[
        GoodsLine("米", "40", "袋", 50_00), GoodsLine("油", "10", "桶")]))
    pg = GoodsPage(db, lambda: admin)
    qtbot.addWidget(pg)
    pg.resize(1000, 700)
    pg.show()
    yield pg
    wait_all()


def stock_cells(page):
    return {(page.stock.item(r, 0).text(), page.stock.item(r, 1).text()): page.stock.item(r, 2).text()
            for r in range(page.stock.rowCount())}


def choose(form, label):
    form.item.setCurrentIndex(form.item.findText(label))


def test_stock_and_movements_show_what_came_in(page):
    assert stock_cells(page) == {("米", "袋"): "40", ("油", "桶"): "10"}
    page.stock.selectRow([page.stock.item(r, 0).text() for r in range(page.stock.rowCount())].index("米"))
    assert "米" in page.moves_title.text() and page.moves.rowCount() == 1
    assert page.moves.item(0, 1).text() == "捐赠入库" and page.moves.item(0, 5).text() == "40"


def test_hand_out_refused_then_given_and_written_off(page, qtbot, db):
    form = page.hand_out
    choose(form, "米（袋）")
    form.quantity.setText("100")
    form.to.setText("东风小学")
    qtbot.mouseClick(form.button, Qt.MouseButton.LeftButton)
    assert "可用的只有 40" in page.message.text()
    assert stock_cells(page)[("米", "袋")] == "40" and form.quantity.text() == "100"  # kept to correct
    form.quantity.setText("5")
    qtbot.mouseClick(form.button, Qt.MouseButton.LeftButton)
    assert "已发给 东风小学" in page.message.text() and stock_cells(page)[("米", "袋")] == "35"
    choose(form, "油（桶）")
    form.writeoff.setChecked(True)
    form.quantity.setText("十桶")
    qtbot.mouseClick(form.button, Qt.MouseButton.LeftButton)
    assert "阿拉伯数字" in page.message.text()
    form.quantity.setText("2")
    form.to.setText("过期")
    qtbot.mouseClick(form.button, Qt.MouseButton.LeftButton)
    assert stock_cells(page)[("油", "桶")] == "8"
    assert db.scalar("SELECT reason FROM goods_movements WHERE kind = 'writeoff'") == "过期"


def test_count_records_the_difference_and_leaves_other_items(page, qtbot):
    form = page.count
    choose(form, "米（袋）")
    form.counted.setText("38")
    qtbot.mouseClick(form.button, Qt.MouseButton.LeftButton)
    assert "原因" in page.message.text() and stock_cells(page)[("米", "袋")] == "40"
    form.reason.setText("两袋破损")
    qtbot.mouseClick(form.button, Qt.MouseButton.LeftButton)
    assert "差额 -2" in page.message.text()
    assert stock_cells(page) == {("米", "袋"): "38", ("油", "桶"): "10"}


def test_stock_at_an_earlier_date(page, qtbot, db, admin):
    store.hand_out(db, admin, "米", "袋", 10_000, to="慈善超市货架")
    page.refresh()
    assert stock_cells(page)[("米", "袋")] == "30"
    page.at_date.setChecked(True)
    page.on.setDate(QDate(ON.year, ON.month, ON.day).addDays(-1))
    assert stock_cells(page) == {("米", "袋"): "0", ("油", "桶"): "0"}
    page.on.setDate(QDate.currentDate().addDays(-1))
    assert stock_cells(page)[("米", "袋")] == "40"


def test_the_ledger_is_exported_on_a_worker(page, qtbot, tmp_path, monkeypatch):
    target = tmp_path / "物资台账.xlsx"
    monkeypatch.setattr(page, "ask_save", lambda suggested: str(target))
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.job is None and page.export_button.isEnabled(), timeout=20000)
    assert page.last_file == str(target)
    rows = list(openpyxl.load_workbook(target)["结存汇总"].iter_rows(min_row=2, values_only=True))
    assert ("米", "袋", 0, 40, 0, 40) in rows
