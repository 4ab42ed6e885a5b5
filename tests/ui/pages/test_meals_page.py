"""The 助餐 page driven through its widgets: enrol a person found by search, type a day into the
month's grid, read the statement, confirm the payment (the fund pays), then reverse it."""

import datetime as dt

import pytest
from aid_population import Person, add_people, born
from meal_month import MONTH, set_up
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox

from app.funds import funds
from app.meals import counts, scheme
from ui.pages.meals import MealsPage
from ui.worker import wait_all


@pytest.fixture
def page(qtbot, db, admin):
    set_up(db, admin)
    add_people(db, admin, [Person("新来的", born(77, dt.date(2026, 3, 1)), [])])
    pg = MealsPage(db, lambda: admin)
    qtbot.addWidget(pg)
    pg.resize(1000, 700)
    pg.show()
    pg.month_edit.setDate(QDate(2026, 3, 1))
    yield pg
    wait_all()


def test_enrol_found_by_search(qtbot, page, db):
    page.tabs.setCurrentIndex(0)
    page.search_edit.setText("新来的")
    qtbot.mouseClick(page.search_button, Qt.MouseButton.LeftButton)
    assert page.found_table.rowCount() == 1 and page.found_table.item(0, 5).text() == ""
    page.found_table.selectRow(0)
    qtbot.mouseClick(page.enrol_button, Qt.MouseButton.LeftButton)
    assert "已在“东风长者食堂”登记 1 人" in page.message.text()
    assert page.enrolled_table.rowCount() == 7


def test_typed_grid_statement_confirm_and_reverse(qtbot, page, db, monkeypatch):
    page.tabs.setCurrentIndex(1)
    names = [page.grid.item(r, 0).text() for r in range(page.grid.rowCount())]
    row = next(i for i, n in enumerate(names) if n.startswith("乙八十"))
    page.grid.item(row, 2).setText("√")
    page.grid.item(row, 3).setText("2")
    qtbot.mouseClick(page.save_grid_button, Qt.MouseButton.LeftButton)
    assert "已保存 2026-03 的就餐记录：1 人" in page.message.text()
    canteen = scheme.find_canteen(db, "东风长者食堂")
    assert sum(counts.month_grid(db, canteen.id, MONTH).popitem()[1]) == 3
    page.tabs.setCurrentIndex(2)
    assert page.statement_table.rowCount() == 1 and page.statement_table.item(0, 5).text() == "24.00"
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(page.confirm_button, Qt.MouseButton.LeftButton)
    assert funds.find_fund(db, "助餐基金").paid_fen == 2400
    assert not page.confirm_button.isEnabled() and page.reverse_button.isEnabled()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("餐次记错", True))
    qtbot.mouseClick(page.reverse_button, Qt.MouseButton.LeftButton)
    assert funds.find_fund(db, "助餐基金").paid_fen == 0 and "已冲销" in page.message.text()


def test_a_bad_mark_in_the_grid_is_named_and_nothing_saved(qtbot, page, db):
    page.tabs.setCurrentIndex(1)
    page.grid.item(0, 4).setText("十")
    qtbot.mouseClick(page.save_grid_button, Qt.MouseButton.LeftButton)
    assert "4日写的是“十”" in page.message.text()
    assert db.scalar("SELECT count(*) FROM meal_months") == 0


def test_statement_export_and_a_sheet_import_run_on_the_job_helper(qtbot, page, db, monkeypatch, tmp_path):
    """Both buttons hand their work to the job helper on its own connection and report back."""
    from PySide6.QtWidgets import QFileDialog

    out = tmp_path / "结算单.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    page.tabs.setCurrentIndex(2)
    page.export("pdf")
    qtbot.waitUntil(lambda: "结算单已导出" in page.message.text(), timeout=20000)
    assert out.read_bytes().startswith(b"%PDF")
    sheet = tmp_path / "就餐表.csv"
    sheet.write_text("姓名,就餐次数\n没有这个人,3\n", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(sheet), ""))
    page.tabs.setCurrentIndex(1)
    page.import_file()
    qtbot.waitUntil(lambda: page.import_button.isEnabled(), timeout=20000)
    assert "没有这个人" in page.message.text() or "第 2 行" in page.message.text(), page.message.text()
    wait_all()
