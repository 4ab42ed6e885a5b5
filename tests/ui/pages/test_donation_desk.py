"""The donation desk driven through the real widgets: keyboard entry, live checks, goods, printing."""

from __future__ import annotations

import datetime as dt

import pytest
from print_seam import PdfPrinters  # noqa: E402  (tests/ui is on sys.path)
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.donations import donations, donors, receipts
from app.donations.donations import DonationInput
from app.funds import funds
from ui import printing
from ui.main_window import MainWindow
from ui.models.donation_model import DonationModel
from ui.pages.donations import DonationsPage
from ui.worker import wait_all, wait_idle

# The offscreen platform cannot raise windows or grab the keyboard for the completer popup.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")


@pytest.fixture
def printers(monkeypatch, tmp_path):
    p = PdfPrinters(tmp_path)
    monkeypatch.setattr(printing, "printer_factory", p)
    return p


@pytest.fixture
def page(qtbot, db, volunteer):
    w = DonationsPage(db, volunteer)
    qtbot.addWidget(w)
    w.resize(1000, 720)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is w.entry.donor)
    yield w
    wait_all()


class Keyboard:
    """Sends key events to whatever has the keyboard (an open popup, else the focus), counting them."""

    def __init__(self, qtbot) -> None:
        self.qtbot = qtbot
        self.count = 0

    def target(self):
        return QApplication.activePopupWidget() or QApplication.focusWidget()

    def type(self, text: str) -> None:
        for ch in text:
            self.qtbot.keyClick(self.target(), ch)
            self.count += 1

    def key(self, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
        self.qtbot.keyClick(self.target(), key, modifier)
        self.count += 1


def test_cash_gift_from_a_known_donor_saved_and_printed_in_at_most_15_keys(qtbot, db, volunteer, page,
                                                                           printers):
    zs = donors.create_donor(db, volunteer, "person", "张三", phone="13812345678")
    donors.create_donor(db, volunteer, "person", "李四")
    keys = Keyboard(qtbot)
    keys.type("zs")
    keys.key(Qt.Key.Key_Return)  # picks the first match; the cursor jumps to the amount
    assert page.entry.donor.picked_id == zs.id
    keys.type("300")
    keys.key(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # save and print
    assert keys.count <= 15, keys.count

    (d,) = db.query("SELECT id, amount_fen, method, donor_id FROM donations")
    assert (d["amount_fen"], d["method"], d["donor_id"]) == (300_00, "cash", zs.id)
    r = receipts.receipt_for_donation(db, d["id"])
    qtbot.waitUntil(lambda: receipts.get_receipt(db, r.id).print_count == 1, timeout=20000)
    assert len(printers.files) == 1 and printers.asked == [False]
    assert len(PdfReader(printers.files[0]).pages) == 1
    # ready for the next donor
    assert QApplication.focusWidget() is page.entry.donor
    assert page.entry.donor.text() == "" and page.entry.amount.text() == ""
    assert r.number in page.entry.status.text()


def test_amount_checked_as_typed_and_save_disabled(qtbot, db, volunteer, page, typer):
    e = page.entry
    qtbot.keyClicks(e.amount, "12.345")
    assert "两位小数" in e.amount_error.text()
    assert not e.save_button.isEnabled() and not e.save_print_button.isEnabled()
    qtbot.keyClick(e.amount, Qt.Key.Key_Backspace)
    assert e.amount_error.text() == "" and e.save_button.isEnabled()
    e.amount.clear()
    typer(e.amount, "三百")
    qtbot.keyClick(e.amount, Qt.Key.Key_End)  # typer inserts CJK without textEdited: nudge a check
    e.validate()
    assert "不是数字" in e.amount_error.text()
    assert not e.save_button.isEnabled()
    e.amount.clear()
    qtbot.keyClicks(e.amount, "-5")
    assert "负数" in e.amount_error.text()
    assert db.scalar("SELECT count(*) FROM donations") == 0


def test_save_without_a_donor_says_so(qtbot, db, volunteer, page):
    qtbot.keyClicks(page.entry.amount, "50")
    qtbot.keyClick(page.entry.amount, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert "捐赠人" in page.entry.form_error.text()
    assert db.scalar("SELECT count(*) FROM donations") == 0


def test_goods_lines_with_and_without_value(qtbot, db, volunteer, page, typer):
    donors.create_donor(db, volunteer, "enterprise", "爱心粮油公司")
    e = page.entry
    typer(e.donor, "爱心")
    e.donor._edited(e.donor.text())  # an input method commit arrives as textEdited
    qtbot.keyClick(e.donor, Qt.Key.Key_Return)
    assert e.donor.picked_id is not None
    qtbot.keyClick(e.goods_radio, Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)
    e.goods_radio.setChecked(True)
    assert e.goods.isVisible() and not e.amount.isVisible()

    def put(r, c, text):
        from PySide6.QtWidgets import QTableWidgetItem

        e.goods.setItem(r, c, QTableWidgetItem(text))

    put(0, 0, "大米"), put(0, 1, "20"), put(0, 2, "袋"), put(0, 3, "50")
    put(1, 0, "旧衣物"), put(1, 1, "3"), put(1, 2, "包")
    put(2, 0, "食用油"), put(2, 1, "10"), put(2, 3, "5.555")
    assert "第 3 行单价" in e.goods_error.text() and not e.save_button.isEnabled()
    put(2, 3, "55.5")
    assert e.goods_error.text() == "" and "1,555.00" in e.goods_total.text()
    qtbot.keyClick(e.goods, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    (d,) = db.query("SELECT id, kind, amount_fen FROM donations")
    assert (d["kind"], d["amount_fen"]) == ("goods", 1000_00 + 555_00)
    lines = donations.goods_lines(db, d["id"])
    assert [(ln["item"], ln["unit_value_fen"]) for ln in lines] == [
        ("大米", 50_00), ("旧衣物", None), ("食用油", 55_50)]
    assert receipts.receipt_for_donation(db, d["id"]) is not None
    assert e.cash_radio.isChecked() and QApplication.focusWidget() is e.donor


def test_new_donor_on_the_spot_and_designation(qtbot, db, volunteer, page, typer, monkeypatch):
    named = funds.create_fund(db, db_admin(db), "东风村冠名基金", "named")
    page.refresh()
    e = page.entry
    assert e.fund.currentText() == "慈善基金（非定向）"
    from ui.dialogs.donation_donor import DonationDonorDialog

    def fill_and_accept(dlg):
        dlg.kind.setCurrentIndex(dlg.kind.findData("enterprise"))
        typer(dlg.name, "东风建材有限公司")
        qtbot.keyClicks(dlg.credit_code, "91350100M000100Y4")
        qtbot.keyClicks(dlg.credit_code, "0")  # the check character should be 3
        assert "校验位" in dlg.error.text()
        qtbot.keyClick(dlg.credit_code, Qt.Key.Key_Backspace)
        qtbot.keyClicks(dlg.credit_code, "3")
        assert dlg.error.text() == ""
        dlg.accept()
        return dlg.result()

    monkeypatch.setattr(DonationDonorDialog, "exec", fill_and_accept)
    e.new_donor_button.click()
    assert e.donor.picked_id is not None
    assert donors.get_donor(db, e.donor.picked_id).kind == "enterprise"
    e.fund.setCurrentIndex(e.fund.findData(named.id))
    qtbot.keyClicks(e.amount, "1,200.50")
    e.method.setCurrentIndex(e.method.findData("bank"))
    typer(e.purpose, "助学")
    e.date.setDate(e.date.date().addDays(-3))
    qtbot.keyClick(e.amount, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    (d,) = db.query("SELECT * FROM donations")
    assert (d["amount_fen"], d["method"], d["fund_id"], d["purpose"]) == (120050, "bank", named.id, "助学")
    assert d["donated_on"] == (dt.date.today() - dt.timedelta(days=3)).isoformat()
    assert e.fund.currentText() == "慈善基金（非定向）"


def db_admin(db):
    from app.station import accounts

    return accounts.SYSTEM


def test_anonymous_button(qtbot, db, volunteer, page):
    page.entry.anonymous_button.click()
    assert donors.get_donor(db, page.entry.donor.picked_id).kind == "anonymous"
    assert QApplication.focusWidget() is page.entry.amount


def test_preview_and_save_pdf_of_the_last_receipt(qtbot, db, volunteer, page, tmp_path):
    donors.create_donor(db, volunteer, "person", "王五")
    e = page.entry
    qtbot.keyClicks(e.donor, "ww")
    qtbot.keyClick(QApplication.activePopupWidget() or e.donor, Qt.Key.Key_Return)
    qtbot.keyClicks(e.amount, "88")
    qtbot.keyClick(e.amount, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    number = e.last_number
    assert number and e.preview_button.isEnabled()
    out = tmp_path / "r.pdf"
    page.printing.save_pdf(number, str(out))
    qtbot.waitUntil(lambda: out.exists() and not page.printing.busy(), timeout=20000)
    assert out.read_bytes().startswith(b"%PDF")
    e.preview_button.click()
    qtbot.waitUntil(lambda: page.printing.preview_dialog is not None, timeout=20000)
    dlg = page.printing.preview_dialog
    dlg.reject()
    assert receipts.find_receipt(db, number).print_count == 0  # looking is not printing


def test_main_window_has_the_donation_desk(qtbot, db, admin):
    w = MainWindow(db, admin)
    qtbot.addWidget(w)
    assert isinstance(w.donations_page, DonationsPage)
    wait_idle()  # 首页's charts


def test_a_gift_recorded_elsewhere_shows_in_the_list_after_refresh(db, volunteer):
    model = DonationModel(db)
    model.refresh()
    before = model.rowCount()
    d = donors.create_donor(db, volunteer, "person", "赵六")
    donations.record_donation(db, volunteer, DonationInput(d.id, dt.date.today(), amount_fen=100))
    model.refresh()
    assert model.rowCount() == before + 1
    shown = [model.data(model.index(r, c)) for r in range(model.rowCount())
             for c in range(model.columnCount())]
    assert "赵六" in shown and "1.00" in shown
