"""设置 › 备份与恢复, as a volunteer and an administrator use it."""

import datetime as dt
from pathlib import Path

from modal_clicker import click_when_shown
from PySide6.QtCore import Qt

from app.donations import donations, donors
from app.safety import backup, stick
from ui import worker
from ui.main_window import MainWindow


def _section(qtbot, db, operator):
    w = MainWindow(db, operator)
    qtbot.addWidget(w)
    w.show()
    w.nav.setCurrentRow(6)
    return w, w.settings_page.backups


def test_back_up_now_lists_the_backup_with_its_counts(qtbot, db, admin, tmp_path):
    w, section = _section(qtbot, db, admin)
    assert section.table.rowCount() == 0 and "备份" in section.where.text()
    qtbot.mouseClick(section.backup_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: section.job is None, timeout=10000)
    worker.wait_all()
    assert "检查完好" in section.status.text()
    assert section.table.rowCount() == 1
    assert section.table.item(0, 1).text() == "手动" and section.table.item(0, 5).text() == "本机"
    made = backup.list_backups(tmp_path / "备份")
    assert len(made) == 1 and backup.verify(made[0].path).sound


def test_marking_a_stick_puts_the_next_backup_on_it_too(qtbot, db, admin, tmp_path, monkeypatch):
    drive = tmp_path / "E"
    drive.mkdir()
    monkeypatch.setenv("CHARITYDESK_STICK_ROOTS", str(drive))
    w, section = _section(qtbot, db, admin)
    section.mark_stick(drive)
    assert (drive / stick.MARKER).exists() and str(drive) in section.where.text()
    qtbot.mouseClick(section.backup_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: section.job is None, timeout=10000)
    worker.wait_all()
    assert "U盘上也有一份" in section.status.text()
    assert sorted(section.table.item(r, 5).text() for r in range(2)) == ["U盘", "本机"]


def test_a_volunteer_cannot_restore(qtbot, db, volunteer):
    backup.take(db, backup.folder_for(db.path), "manual")
    w, section = _section(qtbot, db, volunteer)
    assert section.table.rowCount() == 1
    assert not section.restore_button.isEnabled() and section.admin_note.isVisible()
    worker.wait_idle()  # 首页's charts


def test_restore_asks_saying_what_will_be_lost_then_closes_the_window(qtbot, db, admin):
    taken = backup.take(db, backup.folder_for(db.path), "manual")
    donor = donors.create_donor(db, admin, "person", "王大伯").id
    donations.record_donation(db, admin, donations.DonationInput(donor, dt.date.today(), 5000))
    w, section = _section(qtbot, db, admin)
    section.table.selectRow([i for i, (b, _) in enumerate(section.backups) if b.path == taken.path][0])
    said: list[str] = []
    click_when_shown("取消", said)
    section.ask_restore()
    assert "1 笔捐赠" in said[0] and "1 张收据" in said[0] and "不会删除" in said[0]
    assert w.restore_plan is None and w.isVisible()
    click_when_shown("恢复", said)
    with qtbot.waitSignal(section.restore_requested):
        section.ask_restore()
    assert Path(w.restore_plan.source.path) == taken.path
    qtbot.waitUntil(lambda: not w.isVisible(), timeout=3000)
