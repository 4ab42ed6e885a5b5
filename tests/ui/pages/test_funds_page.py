"""The 基金 page driven through its widgets, as a station manager uses it: read the balances,
record spending (refused first, then corrected), a transfer, a direct payment to a child, a new
named fund, closing, and the ledger exported to Excel."""

import datetime as dt

import openpyxl
import pytest
from aid_population import Person, add_people, born
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QMessageBox

from app.donations import donations, donors
from app.donations.donations import DonationInput, GoodsLine
from app.funds import funds
from ui.pages.funds import FundsPage
from ui.worker import wait_all

ON = dt.date.today() - dt.timedelta(days=10)


@pytest.fixture
def station(db, admin):
    people = add_people(db, admin, [Person("王小明", born(9, ON), ["困境儿童"])])
    donor = donors.create_donor(db, admin, "anonymous", "匿名爱心人士")
    donations.record_donation(db, admin, DonationInput(donor.id, ON, amount_fen=1_000_00))
    donations.record_donation(db, admin, DonationInput(donor.id, ON, amount_fen=500_00, recipient_id=people[0]))
    donations.record_donation(db, admin, DonationInput(donor.id, ON, method=None,
                                                       goods=[GoodsLine("大米", "5", "袋", 60_00)]))
    number = db.scalar("SELECT id_number FROM recipients WHERE id = ?", (people[0],))
    return people[0], number


@pytest.fixture
def page(qtbot, db, admin, station):
    pg = FundsPage(db, lambda: admin)
    qtbot.addWidget(pg)
    pg.resize(1000, 700)
    pg.show()
    yield pg
    wait_all()


def cell(page, row, header):
    return page.table.item(row, list(FundsPage.COLUMNS).index(header)).text()


def test_balances_show_reserved_free_and_goods_apart(page):
    assert cell(page, 0, "基金") == "慈善基金（非定向）"
    assert (cell(page, 0, "余额"), cell(page, 0, "其中定向"), cell(page, 0, "可用"), cell(page, 0, "物资折价")) == (
        "1,500.00", "500.00", "1,000.00", "300.00")
    assert "物资折价 ¥300.00（是物资，不是钱款）" in page.summary.text()
    assert page.ledger.rowCount() == 3 and "明细账：3 笔" in page.ledger_title.text()


def test_spending_refused_then_corrected(qtbot, page, db):
    qtbot.mouseClick(page.spend_button, Qt.MouseButton.LeftButton)
    d = page.dialog
    d.amount_edit.setText("1200")
    d.payee.setText("东风粮油店")
    d.purpose.setText("购买大米")
    d.voucher.setText("记-001")
    d.approver.setText("王刚")
    d.on.setDate(QDate(ON.year, ON.month, ON.day))
    d.accept()
    assert d.isVisible() and "还差 ¥200.00" in d.error.text()
    assert db.scalar("SELECT count(*) FROM fund_spending") == 0
    d.amount_edit.setText("800")
    d.accept()
    assert not d.isVisible() and page.last_message.startswith("已登记支出 ¥800.00")
    assert cell(page, 0, "余额") == "700.00" and cell(page, 0, "可用") == "200.00"
    assert page.ledger.data(page.ledger.index(page.ledger.rowCount() - 1, 5)) == "800.00"
    assert "东风粮油店：购买大米" in page.ledger.data(page.ledger.index(page.ledger.rowCount() - 1, 2))


def test_transfer_and_a_new_named_fund(qtbot, page, db):
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    d = page.dialog
    d.name.setText("西岭村敬老冠名基金")
    d.opening.setText("0")
    d.donor_name.setText("西岭建材厂")
    d.agreement_from.setText("2026-13-01")
    d.accept()
    assert "协议开始日期不是日期" in d.error.text()
    d.agreement_from.setText("2026-01-01")
    d.accept()
    assert not d.isVisible()
    names = [page.table.item(r, 0).text() for r in range(page.table.rowCount())]
    assert "西岭村敬老冠名基金（冠名：西岭建材厂）" in names

    qtbot.mouseClick(page.transfer_button, Qt.MouseButton.LeftButton)
    t = page.dialog
    t.amount_edit.setText("100")
    t.ref.setText("村委会〔2026〕3号")
    t.accept()  # both boxes start on the same fund
    assert "不能调拨给自己" in t.error.text()
    t.target.setCurrentIndex(t.target.findText("西岭村敬老冠名基金", Qt.MatchFlag.MatchStartsWith))
    t.accept()
    assert not t.isVisible()
    target = funds.find_fund(db, "西岭村敬老冠名基金")
    assert target.balance_fen == 100_00 and target.transfer_fen == 100_00


def test_direct_payment_to_the_child_from_money_kept_for_her(qtbot, page, db, station):
    child, number = station
    qtbot.mouseClick(page.pay_button, Qt.MouseButton.LeftButton)
    d = page.dialog
    d.person.setText(number)
    assert d.person_name.text().startswith("王小明")
    d.amount_edit.setText("500")
    d.note.setText("住院")
    d.accept()
    assert not d.isVisible() and page.last_message == "已拨付 ¥500.00 给 王小明"
    assert cell(page, 0, "其中定向") == "0.00" and cell(page, 0, "余额") == "1,000.00"
    last = page.ledger.rowCount() - 1
    assert page.ledger.data(page.ledger.index(last, 3)) == "定向给王小明"


def test_close_refused_with_money_then_allowed_when_empty(qtbot, page, db, admin, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    page.table.selectRow(0)
    page.close_fund()
    assert "是默认的非定向基金" in page.last_message
    empty = funds.create_fund(db, admin, "空基金", "named")
    page.refresh()
    page.table.selectRow([f.id for f in page.funds].index(empty.id))
    page.close_fund()
    assert page.last_message == "已关闭基金“空基金”"
    assert funds.get_fund(db, empty.id).status == "closed"


def test_ledger_exported_through_the_shared_writer(qtbot, page, tmp_path, monkeypatch):
    out = tmp_path / "明细账.xlsx"
    monkeypatch.setattr(page, "ask_save", lambda suggested: str(out))
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.job is None, timeout=10000)
    assert page.last_file == str(out)
    ws = openpyxl.load_workbook(out).worksheets[0]
    body = [r for r in ws.iter_rows(values_only=True)][1:]
    assert [r[1] for r in body if r[0] != "合计"] == ["捐赠收入", "捐赠收入", "捐赠收入"]
    assert [r for r in body if r[0] != "合计"][-1][8] == 300  # goods apart, as a running figure
