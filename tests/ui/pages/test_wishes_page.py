"""The 微心愿 page driven through its widgets: a wish written down, published, claimed, a claim past
its deadline shown in red, a claim withdrawn, a fulfilment with its receipt, a refusal kept in the
form, the shareable list written on a worker, a pledge; and the home page's reminder links."""

import datetime as dt

import openpyxl
import pytest
from aid_population import Person, add_people, born

from app.wishes import wishes
from ui.pages.wishes import LATE, WishesPage
from ui.worker import wait_all

TODAY = dt.date.today()


@pytest.fixture
def child(db, admin):
    (rid,) = add_people(db, admin, [Person("张小明", born(9, TODAY), ["困境儿童"])])
    return rid, db.scalar("SELECT id_number FROM recipients WHERE id = ?", (rid,))


@pytest.fixture
def page(qtbot, db, admin, child):
    pg = WishesPage(db, lambda: admin)
    qtbot.addWidget(pg)
    pg.resize(1000, 700)
    pg.show()
    yield pg
    wait_all()


def test_a_wish_from_the_form_to_fulfilment(page, child, qtbot):
    _, number = child
    page.act("add")
    form = page.dialog
    form.child.setText(number)
    form.wish.setText("一个新书包")
    form.value.setText("500")
    form.accept()
    assert "超过本站上限" in form.error.text() and page.board.rowCount() == 0  # refused, form kept open
    form.value.setText("120")
    form.accept()
    assert page.board.rowCount() == 1 and page.board.item(0, 6).text() == "待审核"
    page.board.selectRow(0)
    assert page.buttons["publish"].isEnabled() and not page.buttons["fulfil"].isEnabled()
    page.act("publish")
    assert page.board.item(0, 6).text() == "已发布"
    page.act("claim")
    page.dialog.donor.setText("刘老师")
    page.dialog.accept()
    assert page.board.item(0, 7).text() == "刘老师" and page.buttons["fulfil"].isEnabled()
    page.act("fulfil")
    dlg = page.dialog
    dlg.accept()
    assert page.board.item(0, 6).text() == "已实现" and dlg.receipt in page.last_message


def test_a_claim_past_its_deadline_is_red_and_can_be_withdrawn(page, db, admin, child):
    rid, _ = child
    w = wishes.add_wish(db, admin, rid, "一双鞋", 10000, today=TODAY - dt.timedelta(days=12))
    wishes.publish(db, admin, w.id, today=TODAY - dt.timedelta(days=12))
    wishes.claim(db, admin, w.id, "陈先生", today=TODAY - dt.timedelta(days=10))
    page.refresh()
    assert page.board.item(0, 0).background().color() == LATE and "过期未联系 1" in page.counts.text()
    page.board.selectRow(0)
    page.act("unclaim")
    page.dialog.reason.setText("联系不上")
    page.dialog.accept()
    assert page.board.item(0, 6).text() == "已发布" and page.board.item(0, 0).background().color() != LATE


def test_the_shareable_list_and_a_pledge(page, db, admin, child, tmp_path, qtbot):
    rid, number = child
    w = wishes.add_wish(db, admin, rid, "一本字典", 6000)
    wishes.publish(db, admin, w.id)
    page.export(".xlsx", str(tmp_path / "清单.xlsx"))
    qtbot.waitUntil(lambda: page.export_job is None, timeout=10000)
    ws = openpyxl.load_workbook(tmp_path / "清单.xlsx").worksheets[0]
    values = [c.value for row in ws.iter_rows() for c in row]
    assert "张*明" in values and "张小明" not in values
    page.act("pledge")
    page.dialog.donor.setText("东风米业有限公司")
    page.dialog.amount_edit.setText("10000")
    page.dialog.person.setText(number)
    page.dialog.accept()
    assert page.pledges.rowCount() == 1 and page.pledges.item(0, 2).text() == "10,000.00"


def test_home_page_reminders_are_links_to_their_pages(qtbot, db, admin, child):
    from ui.main_window import MainWindow

    rid, _ = child
    w = wishes.add_wish(db, admin, rid, "一双鞋", 10000, today=TODAY - dt.timedelta(days=30))
    wishes.publish(db, admin, w.id, today=TODAY - dt.timedelta(days=20))
    win = MainWindow(db, admin)
    qtbot.addWidget(win)
    win.show()
    box = win.home.reminders
    qtbot.waitUntil(lambda: box.job is None and bool(box.items), timeout=10000)
    kinds = [r.kind for r in box.items]
    assert "wish_open" in kinds and "backup" in kinds
    link = box.links[kinds.index("wish_open")]
    assert "无人认领的心愿 1 个" in link.text()
    link.linkActivated.emit(box.items[kinds.index("wish_open")].page)  # what a click on the link sends
    assert win.current_page() is win.wishes_page
    box.links[kinds.index("backup")].linkActivated.emit("backups")
    assert win.current_page() is win.settings_page
    wait_all()
