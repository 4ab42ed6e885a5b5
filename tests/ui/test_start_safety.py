"""The start of the window: a damaged file is offered its newest backup, a second window is refused,
and a restore asked for on 设置 is done between two windows."""

from modal_clicker import click_when_shown
from safety_helpers import damage, make_station, summary_of

from app.db import Database
from app.safety import backup, restore
from app.safety.lock import WriteLock, is_locked
from app.station import accounts
from ui import app as start_app


def _backed_up_station(tmp_path):
    path = make_station(tmp_path / "station.db")
    db = Database.open(path)
    try:
        taken = backup.take(db, backup.folder_for(path), "close")
    finally:
        db.close()
    return path, taken


def test_a_damaged_file_at_start_is_offered_the_newest_sound_backup(qtbot, tmp_path):
    path, taken = _backed_up_station(tmp_path)
    broken = damage(path.read_bytes())
    path.write_bytes(broken)
    said: list[str] = []
    click_when_shown("用这个备份恢复", said)
    opened = start_app.open_database(path)
    assert opened is not None
    db, lock = opened
    try:
        assert said[0].startswith("CharityDesk — ")  # a window of its own, before the main window
        assert "损坏" in said[0] and taken.taken_at.strftime("%Y年%m月%d日 %H:%M") in said[0]
        assert db.scalar("SELECT count(*) FROM donations") == 150
        assert lock.held and is_locked(path)
    finally:
        db.close()
        lock.release()
    kept = list(tmp_path.glob("station.db.恢复前-*"))
    assert [p.read_bytes() for p in kept if not p.name.endswith("-wal")] == [broken]


def test_a_damaged_file_is_left_alone_when_the_volunteer_quits(qtbot, tmp_path):
    path, _ = _backed_up_station(tmp_path)
    broken = damage(path.read_bytes())
    path.write_bytes(broken)
    click_when_shown("退出")
    assert start_app.open_database(path) is None
    assert path.read_bytes() == broken and not is_locked(path)


def test_a_second_window_on_the_same_file_is_refused(qtbot, tmp_path):
    path = make_station(tmp_path / "station.db", 5, 5)
    first = WriteLock.acquire(path, "张站长", "另一个 CharityDesk 窗口")
    said: list[str] = []
    try:
        click_when_shown("", said)
        assert start_app.open_database(path) is None
    finally:
        first.release()
    assert said[0].startswith("CharityDesk — ")
    assert "张站长" in said[0] and "CharityDesk 窗口" in said[0]


def test_restore_between_windows_puts_the_backup_back(qtbot, tmp_path):
    path, taken = _backed_up_station(tmp_path)
    db = Database.open(path)
    admin = accounts.create_operator(db, accounts.SYSTEM, "admin", "张站长", "admin", "secret123")
    plan = restore.plan(path, taken.path)
    said: list[str] = []
    click_when_shown("", said)
    start_app.restore_between_windows(db, plan, admin)
    assert said[0].startswith("CharityDesk — ")
    assert "已恢复" in said[0] and "请重新登录" in said[0]
    assert summary_of(path).counts["operators"] == taken.summary.counts["operators"]
    assert list(tmp_path.glob("station.db.恢复前-*"))


def test_closing_backs_up_with_a_message_on_screen(qtbot, tmp_path):
    from PySide6.QtWidgets import QApplication, QProgressDialog

    path = make_station(tmp_path / "station.db", 30, 30)
    shown: list[str] = []

    def look() -> None:
        shown.extend(w.labelText() for w in QApplication.topLevelWidgets()
                     if isinstance(w, QProgressDialog) and w.isVisible())

    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, look)
    start_app.back_up_at_closing(path)
    made = backup.list_backups(tmp_path / "备份")
    assert [b.kind for b in made] == ["close"] and backup.verify(made[0].path).sound
    assert shown and "正在备份" in shown[0]
