"""The start: the splash before the heavy imports, the first window closing it, every top-level
window's title beginning with CharityDesk, and no traceback window for an unexpected error."""

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QDialog, QLabel, QMessageBox

from ui import failsafe, settings, splash
from ui.first_run import FirstRunDialog
from ui.login import LoginDialog
from ui.main_window import MainWindow
from ui.worker import wait_idle

ROOT = Path(__file__).resolve().parent.parent.parent


def test_splash_shows_the_remembered_station_and_closes_when_the_first_window_shows(qtbot):
    splash.remember("东风村慈善工作站")
    watch = splash.show([])
    shown = watch.splash
    qtbot.addWidget(shown)
    texts = [label.text() for label in shown.findChildren(QLabel)]
    assert texts == ["CharityDesk 慈善工作站助手", "东风村慈善工作站", "正在打开…"]
    assert shown.isVisible() and shown.windowTitle().startswith("CharityDesk")
    dlg = QDialog()
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitUntil(lambda: not shown.isVisible())
    assert watch.done and watch.exit_code(1) == 1  # not smoke-testing: the real code stands
    settings.put(settings.STATION_NAME, "")


def test_smoke_mode_records_and_closes_the_first_window(qtbot, tmp_path, monkeypatch):
    record = tmp_path / "冒烟 记录.json"
    monkeypatch.setenv(splash.SMOKE_ENV, str(record))
    watch = splash.show([])
    qtbot.addWidget(watch.splash)
    dlg = QDialog()
    dlg.setWindowTitle("CharityDesk — 测试")
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitUntil(lambda: not dlg.isVisible())
    got = json.loads(record.read_text(encoding="utf-8"))
    assert got["title"] == "CharityDesk — 测试" and got["window_shown"] >= got["splash_shown"]
    assert dlg.result() == QDialog.DialogCode.Rejected and watch.exit_code(1) == 0


def test_main_py_starts_on_a_chinese_path_with_spaces_and_shows_the_first_run(tmp_path):
    record = tmp_path / "record.json"
    env = dict(os.environ, CHARITYDESK_SMOKE=str(record), QT_QPA_PLATFORM="offscreen",
               PYTHONPATH=str(ROOT), XDG_CONFIG_HOME=str(tmp_path / "配置"))
    db = tmp_path / "村 委会" / "慈善 站.db"
    out = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db)], env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    got = json.loads(record.read_text(encoding="utf-8"))
    assert got["kind"] == "FirstRunDialog" and got["title"].startswith("CharityDesk")
    assert "Traceback" not in out.stderr


def test_an_unwritable_data_folder_is_a_plain_message_not_a_traceback(tmp_path):
    blocker = tmp_path / "只读"
    blocker.write_text("a file where the data folder should be")
    record = tmp_path / "record.json"
    env = dict(os.environ, CHARITYDESK_SMOKE=str(record), QT_QPA_PLATFORM="offscreen",
               PYTHONPATH=str(ROOT), XDG_CONFIG_HOME=str(tmp_path / "配置"),
               XDG_DATA_HOME=str(blocker))
    env.pop("CHARITYDESK_DB", None)
    out = subprocess.run([sys.executable, str(ROOT / "main.py")], env=env,
                         capture_output=True, text=True, timeout=120)
    got = json.loads(record.read_text(encoding="utf-8"))
    assert got["kind"] == "QMessageBox" and got["title"] == "CharityDesk — 无法打开数据库"
    assert "Traceback" not in out.stderr


def test_every_top_level_window_title_begins_with_charitydesk(qtbot, db, admin):
    windows = [FirstRunDialog(db, need_station=True), LoginDialog(db, "东风村慈善工作站"),
               MainWindow(db, admin)]
    for w in windows:
        qtbot.addWidget(w)
    assert all(w.windowTitle().startswith("CharityDesk") for w in windows), \
        [w.windowTitle() for w in windows]
    wait_idle()  # the pages' background jobs (首页's charts) end with the test


def test_an_unexpected_error_is_one_plain_sentence_and_a_log(qtbot, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append((title, text)))
    monkeypatch.setattr("app.paths.data_dir", lambda: tmp_path / "数据")

    def broken() -> int:
        raise KeyError("no such page")

    assert failsafe.guarded(broken) == failsafe.EXIT_BUG
    ((title, text),) = shown
    assert title.startswith("CharityDesk") and "意外" in text and "Traceback" not in text
    log = tmp_path / "数据" / "charitydesk-error.log"
    assert str(log) in text and "KeyError: 'no such page'" in log.read_text(encoding="utf-8")
