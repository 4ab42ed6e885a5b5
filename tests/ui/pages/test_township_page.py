"""乡镇汇总 page: pick a folder, consolidate off the GUI thread, see what was set aside and why."""

from __future__ import annotations

import shutil

from PySide6.QtCore import Qt
from township_stations import make_station, shared_ids

from app.township.station_file import export_station
from ui.pages.township import TownshipPage


def test_folder_consolidates_and_lists_stations_set_aside_and_duplicates(qtbot, tmp_path):
    ids = shared_ids(6)
    a = make_station(tmp_path, "370102001001", "东风村慈善工作站", ids[0:4], gifts=[100000])
    b = make_station(tmp_path, "370102001002", "西岭村慈善工作站", ids[3:6], gifts=[100000])
    inbox = tmp_path / "inbox"
    export_station(a.db, inbox / "东风.xlsx")
    export_station(b.db, inbox / "西岭.xlsx")
    shutil.copy(inbox / "东风.xlsx", inbox / "东风(1).xlsx")
    (inbox / "说明.txt").write_text("不是交换文件", encoding="utf-8")
    page = TownshipPage(cache=tmp_path / "cache.db")
    qtbot.addWidget(page)
    page.show()
    page.choose_folder(str(inbox))
    assert page.folder.text() == str(inbox)
    job = page.consolidate(str(tmp_path / "town.xlsx"))
    assert job is not None and not page.run_button.isEnabled() and page.cancel_button.isVisible()
    qtbot.waitUntil(lambda: page.job is None, timeout=30000)
    assert page.run_button.isEnabled()
    assert "汇总了 2 个工作站" in page.message.text()
    results = [page.files.item(i, 3).text() for i in range(page.files.rowCount())]
    assert results.count("已采用") == 2 and results.count("未采用") == 2
    reasons = " ".join(page.files.item(i, 4).text() for i in range(page.files.rowCount()))
    assert "副本" in reasons and "不是 Excel 文件" in reasons
    assert page.dup_aid.rowCount() == 1 and page.dup_reg.rowCount() == 1
    assert page.dup_aid.item(0, 2).text() == "370102001001、370102001002"
    assert (tmp_path / "town.xlsx").is_file()
    assert len(list((tmp_path / "回执_town").glob("*.xlsx"))) == 2
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)  # hidden: nothing to cancel
    a.db.close()
    b.db.close()


def test_an_empty_folder_says_so_and_writes_nothing(qtbot, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    page = TownshipPage(cache=tmp_path / "cache.db")
    qtbot.addWidget(page)
    page.choose_folder(str(empty))
    page.consolidate(str(tmp_path / "town.xlsx"))
    qtbot.waitUntil(lambda: page.job is None, timeout=30000)
    assert "没有可以汇总的文件" in page.message.text()
    assert not (tmp_path / "town.xlsx").exists()
