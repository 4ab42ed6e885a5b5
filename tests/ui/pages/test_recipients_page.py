"""The 受助对象 page driven through its real widgets."""

import datetime as dt

import openpyxl
import pytest
from PySide6.QtCore import Qt

from app.recipients import recipients
from app.recipients.recipients import RecipientInput
from app.recipients.search import COLUMNS, DEFAULT_COLUMNS, Sort
from app.rules.idcard import check_char
from app.station import accounts
from ui import settings
from ui.dialogs.person_card import PersonCard
from ui.pages.recipients import RecipientsPage, parse_columns
from ui.worker import wait_idle


def idn(birth, seq="122", region="370303"):
    body = region + birth + seq
    return body + check_char(body)


@pytest.fixture(autouse=True)
def fresh_columns():
    settings.put(settings.RECIPIENT_COLUMNS, "")
    yield
    settings.put(settings.RECIPIENT_COLUMNS, "")


@pytest.fixture
def register(db, volunteer):
    add = lambda **kw: recipients.add_recipient(db, volunteer, RecipientInput(**kw))  # noqa: E731
    people = [
        add(name="王秀英", id_number=idn("19440510", "124"), phone="13812345678", village="东风村",
            categories=["高龄老人"]),
        add(name="王小明", id_number=idn("20150301", "131"), village="前进村", categories=["留守儿童"]),
        add(name="李建国", id_number=idn("19600101", "151"), village="东风村", categories=["残疾人"]),
        add(name="张三", village="红星村"),
    ]
    recipients.close_recipient(db, volunteer, people[2].id, "去世", dt.date(2024, 1, 2))
    return people


@pytest.fixture
def page(qtbot, db, admin, register):
    p = RecipientsPage(db, admin)
    qtbot.addWidget(p)
    p.resize(900, 600)
    p.show()
    return p


def shown_names(page):
    return [page.model.row(r)["name"] for r in range(page.model.rowCount())]


def test_typing_updates_the_table_after_the_debounce(qtbot, page, typer):
    assert page.model.rowCount() == 3  # 在册 only: 李建国 is closed
    assert page.count_label.text() == "共 3 人"
    qtbot.keyClicks(page.search, "wxy")
    assert page.timer.isActive() and page.model.rowCount() == 3  # not yet: waiting for more keys
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    assert shown_names(page) == ["王秀英"] and page.count_label.text() == "共 1 人"
    page.search.clear()
    typer(page.search, "王")
    qtbot.waitUntil(lambda: page.model.rowCount() == 2)
    page.search.clear()
    qtbot.keyClicks(page.search, "138-1234")
    qtbot.waitUntil(lambda: shown_names(page) == ["王秀英"])
    page.search.clear()
    qtbot.keyClicks(page.search, "zzzz")
    qtbot.waitUntil(lambda: page.count_label.text() == "没有找到")


def test_model_passes_qtmodeltester(qtmodeltester, page):
    qtmodeltester.check(page.model)
    page.search.setText("w")
    page.run_query()
    qtmodeltester.check(page.model)


def test_filters(qtbot, page):
    page.status.setCurrentIndex(page.status.findData(None))
    assert page.model.rowCount() == 4
    page.village.setCurrentIndex(page.village.findData("东风村"))
    assert set(shown_names(page)) == {"王秀英", "李建国"}
    assert page.village.currentText() == "东风村（2人）"
    page.village.setCurrentIndex(0)
    page.category.setCurrentIndex(page.category.findData("留守儿童"))
    assert shown_names(page) == ["王小明"]
    page.category.setCurrentIndex(0)
    assert not page.age_on.isVisible()  # the "as of" date shows only with an age band
    page.age.setCurrentIndex(page.age.findText("80岁及以上"))
    assert page.age_on.isVisible()
    assert shown_names(page) == ["王秀英"]
    page.age.setCurrentIndex(page.age.findText("14岁及以下"))
    assert shown_names(page) == ["王小明"]
    page.age.setCurrentIndex(0)
    page.status.setCurrentIndex(page.status.findData("inactive"))
    assert shown_names(page) == ["李建国"]
    assert not page.programme.isEnabled()  # no programmes yet


def test_header_click_sorts_in_sqlite(qtbot, page):
    age = COLUMNS.index("age")
    page.table.sortByColumn(age, Qt.SortOrder.DescendingOrder)
    assert page.model.sort_spec == Sort("age", True)
    assert shown_names(page)[0] == "王秀英" and shown_names(page)[-1] == "张三"  # no birth date last
    page.table.sortByColumn(age, Qt.SortOrder.AscendingOrder)
    assert shown_names(page)[0] == "王小明"


def test_columns_chosen_ordered_and_remembered(qtbot, db, admin, page):
    assert page.visible_columns() == list(DEFAULT_COLUMNS)
    menu = page.column_menu()
    actions = {a.data(): a for a in menu.actions() if a.data()}
    assert not actions["name"].isEnabled()  # 姓名 always shows
    actions["address"].setChecked(True)
    actions["sex"].setChecked(False)
    header = page.table.horizontalHeader()
    header.moveSection(header.visualIndex(COLUMNS.index("phone")), 1)  # drag 电话 next to 姓名
    expected = ["name", "phone"] + [k for k in DEFAULT_COLUMNS if k not in ("name", "sex", "phone")] \
        + ["address"]
    assert page.visible_columns() == expected
    assert settings.get(settings.RECIPIENT_COLUMNS) == ",".join(expected)
    again = RecipientsPage(db, admin)
    qtbot.addWidget(again)
    assert again.visible_columns() == expected
    page.search.setText("王")
    page.run_query()  # a model reset keeps the person's columns
    assert page.visible_columns() == expected
    again.columns.reset_columns()
    assert again.visible_columns() == list(DEFAULT_COLUMNS)


def test_parse_columns():
    assert parse_columns("") == list(DEFAULT_COLUMNS)
    assert parse_columns("phone,bogus,age") == ["name", "phone", "age"]
    assert parse_columns("name") == list(DEFAULT_COLUMNS)


def test_double_click_opens_the_person_card(qtbot, page):
    page.search.setText("wxy")
    page.run_query()
    rect = page.table.visualRect(page.model.index(0, 0))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    card = page.findChild(PersonCard)
    assert card is not None and card.isVisible() and card.name.text() == "王秀英"
    card.close()


def test_enter_in_search_opens_single_match_and_down_moves_to_table(qtbot, page):
    qtbot.keyClicks(page.search, "wangxiuying")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    card = page.findChild(PersonCard)
    assert card is not None and card.name.text() == "王秀英"
    card.close()
    page.search.clear()
    qtbot.keyClicks(page.search, "w")
    qtbot.keyClick(page.search, Qt.Key.Key_Down)
    assert page.table.hasFocus() or page.table.currentIndex().row() == 0


def test_added_person_appears_selected(qtbot, typer, page, db):
    card = page.add_person()
    typer(card.name, "赵新人")
    qtbot.keyClicks(card.id_number, idn("19500101", "233"))
    qtbot.mouseClick(card.save_button, Qt.MouseButton.LeftButton)
    assert card.result() == PersonCard.DialogCode.Accepted
    assert page.count_label.text() == "共 4 人"
    current = page.table.currentIndex()
    assert current.isValid() and page.model.row(current.row())["name"] == "赵新人"


def test_edit_refreshes_only_that_row(qtbot, page, register):
    row = shown_names(page).index("王秀英")
    card = page.open_row(row)
    card.phone.setText("13900009999")
    card.save()
    assert page.model.row(row)["phone"] == "13900009999"


def test_readonly_operator_cannot_add(qtbot, db, admin, register):
    ro = accounts.create_operator(db, admin, "kan", "只看", "readonly", "secret123")
    p = RecipientsPage(db, lambda: ro)
    qtbot.addWidget(p)
    assert not p.add_button.isEnabled() and p.add_person() is None
    assert not p.import_button.isEnabled() and "import-recipients" in p.import_button.toolTip()


def test_export_runs_off_the_gui_thread(qtbot, page, tmp_path):
    out = tmp_path / "名单.xlsx"
    job = page.export(mask=True, path=str(out))
    assert job is not None and not page.export_button.isEnabled()
    qtbot.waitUntil(lambda: page.export_job is None, timeout=20000)
    assert page.last_export.rows == 3 and out.exists()
    names = [r[0] for r in openpyxl.load_workbook(out).worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == sorted(["王*英", "王*明", "张*"])
    assert page.export_message.isVisible()
    page.export_message.close()


def test_main_window_uses_the_register_page(qtbot, db, admin, register):
    from ui.main_window import MainWindow

    w = MainWindow(db, admin)
    qtbot.addWidget(w)
    assert isinstance(w.recipients_page, RecipientsPage)
    w.nav.setCurrentRow(2)
    assert w.recipients_page.count_label.text() == "共 3 人"
    wait_idle()  # the pages' background jobs (首页's charts) end with the test


def test_typing_and_editing_do_not_leak_references_to_true(qtbot, page, register):
    """PySide6 6.12.0 drops a reference to True on every Python-side signal emit (Python 3.11
    aborts when the count reaches zero); the register's hot paths must not emit from Python."""
    import gc
    import sys

    gc.collect()
    before = sys.getrefcount(True)
    for i in range(200):
        page.search.setText("w" if i % 2 else "王")
        page.run_query()
    handle = page.model.handle(0)
    for _ in range(50):
        page._saved(recipients.get_recipient(page.db, page.model.recipient_id(0)), False)
    gc.collect()
    assert sys.getrefcount(True) - before > -20
    assert page.model.handle(0) == handle


@pytest.mark.parametrize("large", [False, True])
def test_fits_a_1024_by_768_screen(qtbot, db, admin, register, large):
    from PySide6.QtWidgets import QApplication

    from ui import theme
    from ui.main_window import MainWindow

    theme.apply_text_size(large)
    try:
        w = MainWindow(db, admin)
        qtbot.addWidget(w)
        w.nav.setCurrentRow(2)
        page = w.recipients_page
        page.age.setCurrentIndex(page.age.findText("80岁及以上"))  # the widest filter row
        page._show_count(100_000)  # the widest count
        QApplication.processEvents()
        # This page's share of the window: the 150-pixel sidebar plus the page.
        hint = page.minimumSizeHint()
        assert 150 + hint.width() + 12 <= 1024 and hint.height() <= 600, hint
    finally:
        theme.apply_text_size(False)
    wait_idle()  # the pages' background jobs (首页's charts) end with the test


def test_meals_filter_shows_the_enrolled_and_those_of_age_not_enrolled(qtbot, page, db, admin, register):
    """王秀英 (born 1944) has reached the scheme's age; once enrolled she moves from one list to the other."""
    from app.funds import funds
    from app.meals import enrolments, scheme

    fund = funds.create_fund(db, admin, "助餐基金", "named", 100_000)
    scheme.set_scheme(db, admin, fund.id, scheme.parse_tiers(["80-:5"], []), cap_week=None, cap_month=None,
                      effective_from=dt.date(2026, 1, 1))
    canteen = scheme.add_canteen(db, admin, "东风长者食堂", village="东风村")
    page.meals.setCurrentIndex(page.meals.findData("of_age_not_enrolled"))
    assert shown_names(page) == ["王秀英"]
    page.meals.setCurrentIndex(page.meals.findData("enrolled"))
    assert shown_names(page) == []
    wang = db.scalar("SELECT id FROM recipients WHERE name = '王秀英'")
    enrolments.enrol(db, admin, canteen, [wang], on=dt.date(2026, 1, 1))
    page.run_query()
    assert shown_names(page) == ["王秀英"]
    page.meals.setCurrentIndex(page.meals.findData("of_age_not_enrolled"))
    assert shown_names(page) == []
