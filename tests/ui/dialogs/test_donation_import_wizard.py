"""Importing a collection list from the donation list: problems on their rows, then all or nothing."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from PySide6.QtCore import Qt

from app.funds import funds
from ui.pages.donations import DonationsPage
from ui.worker import wait_all

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")


@pytest.fixture
def collection(tmp_path):
    day = (dt.date.today() - dt.timedelta(days=3)).isoformat()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["镇中心小学“慈心一日捐”名单"])
    ws.append(["序号", "姓名", "捐款金额（元）", "捐款日期", "所在单位"])
    ws.append([1, "张三", 100, day, "镇中心小学"])      # row 3
    ws.append([2, "李四", "一百", day, "镇中心小学"])   # row 4: not an amount
    ws.append(["合计", None, 100])
    path = tmp_path / "慈心一日捐.xlsx"
    wb.save(path)
    return path


def test_wizard_shows_problem_on_its_row_and_imports_all_or_nothing(qtbot, db, volunteer, collection):
    page = DonationsPage(db, lambda: volunteer)
    qtbot.addWidget(page)
    page.show()
    page.tabs.setCurrentIndex(1)
    lst = page.list
    assert lst.import_button.isEnabled()
    lst.open_import(str(collection))
    w = lst.import_wizard
    qtbot.waitUntil(lambda: w.preview is not None and not w.busy, timeout=20000)
    assert not w.update_existing.isVisible()
    rows = {w.model.text(i, 0): i for i in range(w.model.rowCount())}
    assert set(rows) == {"3", "4"}  # the title and the 合计 row are not data
    assert w.model.text(rows["4"], 1) == "有错误"
    assert "捐款金额" in w.model.problems_text(rows["4"])
    assert w.model.problems_text(rows["3"]) == ""

    qtbot.mouseClick(w.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not w.busy and w.message_box is not None, timeout=20000)
    assert funds.default_fund(db).received_fen == 0  # refused: nothing written
    w.message_box.accept()

    w.skip_invalid.setChecked(True)
    seen: list = []
    w.imported.connect(seen.append)
    qtbot.mouseClick(w.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen), timeout=20000)
    assert seen[0].imported == 1
    assert funds.default_fund(db).received_fen == 10000
    qtbot.waitUntil(lambda: lst.model.rowCount() == 1, timeout=5000)
    wait_all()
