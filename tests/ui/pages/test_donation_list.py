"""The donation list through the real widgets: model, filters, totals, void (admin only) and reprint."""

from __future__ import annotations

import datetime as dt

import pytest
from print_seam import PdfPrinters  # tests/ui is on sys.path
from PySide6.QtCore import Qt

from app.donations import donations, donors, receipts
from app.donations.donations import DonationInput, GoodsLine
from app.funds import funds
from ui import printing
from ui.dialogs.donation_void import DonationVoidDialog
from ui.models.donation_model import DonationModel
from ui.pages.donations import DonationsPage
from ui.worker import wait_all

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")


def fill(db, actor, n=5):
    zs = donors.create_donor(db, actor, "person", "张三")
    ls = donors.create_donor(db, actor, "person", "李四")
    out = []
    for i in range(n):
        out.append(donations.record_donation(db, actor, DonationInput(
            (zs if i % 2 == 0 else ls).id, dt.date.today() - dt.timedelta(days=i),
            amount_fen=(i + 1) * 100_00, method="cash" if i % 2 == 0 else "wechat")))
    out.append(donations.record_donation(db, actor, DonationInput(
        ls.id, dt.date.today(), method=None, goods=[GoodsLine("大米", 5, "袋", 60_00)])))
    return out


def test_model_passes_qtmodeltester_and_pages_lazily(qtmodeltester, db, admin):
    fill(db, admin, 250)
    m = DonationModel(db)
    m.BLOCK = 64
    m.refresh()
    assert m.rowCount() == 251 and len(m._handles) == 64
    qtmodeltester.check(m)
    assert m.data(m.index(250, 0)) is not None and len(m._handles) == 251
    m.sort(4, Qt.SortOrder.DescendingOrder)
    assert m.data(m.index(0, 4)) == "25,000.00"
    qtmodeltester.check(m)


@pytest.fixture
def page(qtbot, db):
    def make(operator):
        w = DonationsPage(db, operator)
        qtbot.addWidget(w)
        w.resize(1100, 700)
        w.show()
        w.tabs.setCurrentIndex(1)
        return w
    yield make
    wait_all()


def test_filters_and_totals(qtbot, db, admin, page):
    fill(db, admin)
    w = page(admin)
    lst = w.list
    assert lst.model.rowCount() == 6
    assert "共 6 笔" in lst.totals_label.text() and "1,800.00" in lst.totals_label.text()
    lst.method.setCurrentIndex(lst.method.findData("wechat"))
    assert lst.model.rowCount() == 2 and "600.00" in lst.totals_label.text()
    lst.method.setCurrentIndex(0)
    qtbot.keyClicks(lst.donor_text, "zs")
    qtbot.waitUntil(lambda: lst.model.rowCount() == 3)
    lst.donor_text.clear()
    qtbot.waitUntil(lambda: lst.model.rowCount() == 6)
    lst.use_dates.setChecked(True)
    today = dt.date.today()
    lst.date_from.setDate(today)
    lst.date_to.setDate(today)
    assert lst.model.rowCount() == 2
    # money and goods apart (issue 17): ¥1,500.00 of money, the rice as goods value
    assert "慈善基金（非定向）" in lst.balances.text() and "¥1,500.00" in lst.balances.text()
    assert "另有物资折价 ¥300.00" in lst.balances.text()


def select_first(qtbot, lst, name):
    for r in range(lst.model.rowCount()):
        if lst.model.index(r, 2).data() == name:
            lst.view.selectRow(r)
            return lst.current
    raise AssertionError(name)


def test_volunteer_cannot_void_admin_voids_with_reason(qtbot, db, admin, volunteer, page, monkeypatch):
    fill(db, admin, 1)
    w = page(volunteer)
    lst = w.list
    d = select_first(qtbot, lst, "张三")
    assert d is not None and "收据记录" in lst.detail.text()
    assert not lst.void_button.isEnabled() and lst.reprint_button.isEnabled()

    w2 = page(admin)
    lst = w2.list
    d = select_first(qtbot, lst, "张三")
    assert lst.void_button.isEnabled()
    qtbot.mouseClick(lst.void_button, Qt.MouseButton.LeftButton)
    dlg = lst.void_dialog
    assert isinstance(dlg, DonationVoidDialog)
    dlg.ok_button.click()
    assert "原因" in dlg.error.text()
    qtbot.keyClicks(dlg.reason, "amount typo")
    dlg.ok_button.click()
    assert donations.get_donation(db, d["id"]).status == "voided"
    assert receipts.receipt_for_donation(db, d["id"]) is None
    assert lst.model.rowCount() == 1  # only the goods gift is still valid
    assert "已作废" in lst.message.text() or "作废" in lst.message.text()
    total = sum(f.received_fen for f in funds.list_funds(db))
    goods = sum(f.goods_fen for f in funds.list_funds(db))
    assert (total, goods) == (0, 300_00)  # the cash is gone; the rice is goods, not money (issue 17)


def test_replace_receipt_only(qtbot, db, admin, page):
    fill(db, admin, 1)
    lst = page(admin).list
    d = select_first(qtbot, lst, "张三")
    old = lst.live_receipt().number
    lst.void_button.click()
    dlg = lst.void_dialog
    dlg.receipt_only.setChecked(True)
    qtbot.keyClicks(dlg.reason, "paper jam")
    dlg.ok_button.click()
    assert donations.get_donation(db, d["id"]).status == "active"
    new = receipts.receipt_for_donation(db, d["id"])
    assert new.number != old and receipts.find_receipt(db, old).is_void
    assert new.number in lst.detail.text() and old in lst.detail.text()


def test_reprint_is_counted_and_shown(qtbot, db, volunteer, page, monkeypatch, tmp_path):
    printers = PdfPrinters(tmp_path)
    monkeypatch.setattr(printing, "printer_factory", printers)
    fill(db, volunteer, 1)
    lst = page(volunteer).list
    d = select_first(qtbot, lst, "张三")
    number = lst.live_receipt().number
    receipts.record_print(db, volunteer, number)  # handed out at the desk already
    qtbot.mouseClick(lst.reprint_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: receipts.find_receipt(db, number).print_count == 2, timeout=20000)
    qtbot.waitUntil(lambda: "打印 2 次" in lst.detail.text())
    assert "补打" in lst.message.text()
    assert printers.files[0].exists()
    assert d["id"] == lst.current["id"]


def test_batch_print_a_date_range(qtbot, db, admin, page, monkeypatch, tmp_path):
    printers = PdfPrinters(tmp_path)
    monkeypatch.setattr(printing, "printer_factory", printers)
    made = fill(db, admin, 3)
    w = page(admin)
    today = dt.date.today()
    w.printing.print_batch(today - dt.timedelta(days=10), today)
    qtbot.waitUntil(lambda: not w.printing.busy() and printers.files and printers.files[0].exists(),
                    timeout=30000)
    from pypdf import PdfReader

    assert len(PdfReader(printers.files[0]).pages) == len(made)
    assert all(receipts.receipt_for_donation(db, d.id).print_count == 1 for d in made)
