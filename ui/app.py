"""Start the GUI: open the database, first run or log in, then the main window."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QLibraryInfo, QLocale, Qt, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QProgressDialog

from app.db import Database
from app.errors import CharityDeskError, DataError
from app.paths import default_db_path
from app.safety import backup, clock, health, opening, restore
from app.safety.lock import WriteLock
from app.station import accounts, station
from ui import settings, splash, theme, worker


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="main.py", description="CharityDesk 慈善工作站助手")
    p.add_argument("--db", type=Path, help="数据库文件（默认：用户数据文件夹中的 charitydesk.db）")
    return p.parse_args(argv)


def use_chinese(qapp: QApplication) -> QTranslator | None:
    """Qt's own words (file dialogs' 保存/取消, the calendar's weekdays, right-click menus) in
    Chinese, from the translations that ship with PySide6. None when they are missing."""
    china = QLocale(QLocale.Language.Chinese, QLocale.Country.China)
    QLocale.setDefault(china)
    translator = QTranslator(qapp)
    if not translator.load(china, "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        return None
    return translator if qapp.installTranslator(translator) else None


def open_database(db_path: Path) -> tuple[Database, WriteLock] | None:
    """Take the write lock, look at the file read-only, then open it (backing it up before a
    migration). Another window using the file, or a damaged file, is said before any window
    shows; a damaged one is offered its newest sound backup. None: the program stops."""
    title = QApplication.translate("start", "CharityDesk — 无法打开数据库")
    try:
        lock = WriteLock.acquire(db_path, who=QApplication.translate("start", "（正在登录）"), program="另一个 CharityDesk 窗口")
    except DataError as exc:
        QMessageBox.critical(None, title, exc.message)
        return None
    found = health.quick_check(db_path)
    if not found.ok and found.reason in ("damaged", "not_database"):
        from ui.dialogs.damaged import DamagedDialog

        if DamagedDialog(db_path, found).exec() != QDialog.DialogCode.Accepted:
            lock.release()
            return None
    elif not found.ok:
        QMessageBox.critical(None, title, found.problems[0])
        lock.release()
        return None
    try:
        db = Database.open(db_path, create=True, before_migrate=opening.before_migration)
    except DataError as exc:
        QMessageBox.critical(None, title, exc.message)
        lock.release()
        return None
    return db, lock


def start(db_path: Path) -> tuple[Database, accounts.Operator, WriteLock] | None:
    """Open the file and get an operator: first-run dialog, admin setup, or login. None: cancelled."""
    opened = open_database(db_path)
    if opened is None:
        return None
    db, lock = opened
    got = _log_in(db)
    if got is None:
        db.close()
        lock.release()
        return None
    lock.update(got.display_name)
    problem = clock.check(db)
    if problem is not None:  # before anything is recorded: dates and receipt years come from the clock
        QMessageBox.warning(None, QApplication.translate("start", "CharityDesk — 电脑时间可能不对"), problem.message)
    return db, got, lock


def _log_in(db: Database) -> accounts.Operator | None:
    from ui.first_run import FirstRunDialog
    from ui.login import LoginDialog

    if not station.is_initialised(db) or not accounts.has_admin(db):
        dlg: QDialog = FirstRunDialog(db, need_station=not station.is_initialised(db))
        if dlg.exec() != QDialog.DialogCode.Accepted or dlg.operator is None:  # type: ignore[attr-defined]
            return None
        settings.put(settings.LAST_USER, dlg.operator.username)  # type: ignore[attr-defined]
        return dlg.operator  # type: ignore[attr-defined]
    login = LoginDialog(db, station.get_station(db).name)
    if login.exec() != QDialog.DialogCode.Accepted or login.operator is None:
        return None
    return login.operator


def daily_backup(db_path: Path) -> worker.Job | None:
    """The automatic backup when none was taken today, on a worker thread; None when not due."""
    if not backup.due(db_path):
        return None

    def work(db: Database, report: object, cancelled: object) -> dict[str, object]:
        return backup.take_everywhere(db, "auto")

    return worker.run_db_job(db_path, work, read=False, on_error=lambda exc: None)  # said again at closing if it keeps failing


def with_progress(text: str, fn: Callable[[Callable[[int, int], None]], Any]) -> Any:
    """Between two windows (closing, restoring): do `fn(report)` on a worker thread while a small
    window says what is happening, so a volunteer does not switch the PC off thinking it hung.
    Returns fn's result; raises its error."""
    dialog = QProgressDialog(text, "", 0, 0)
    dialog.setWindowTitle(QApplication.translate("start", "CharityDesk — 请稍候"))
    dialog.setCancelButton(None)
    dialog.setMinimumDuration(0)
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.show()
    loop = QEventLoop()
    outcome: dict[str, Any] = {}

    def done(result: Any) -> None:
        outcome["result"] = result
        loop.quit()

    def failed(exc: BaseException) -> None:
        outcome["error"] = exc
        loop.quit()

    def progress(step: int, total: int) -> None:
        dialog.setMaximum(total)
        dialog.setValue(step)

    worker.run_job(lambda report, cancelled: fn(report), done, failed, progress)
    loop.exec()
    dialog.close()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


def restore_between_windows(db: Database, plan: restore.Plan, operator: accounts.Operator) -> None:
    """The window is closed and every job has ended: close the database, put the backup back."""
    db.close()
    try:
        done = with_progress(QApplication.translate("start", "正在恢复备份，请不要关机……"),
                             lambda report: restore.restore(plan, operator))
    except CharityDeskError as exc:
        QMessageBox.critical(None, QApplication.translate("start", "CharityDesk — 恢复没有完成"), exc.message)
        return
    QMessageBox.information(None, QApplication.translate("start", "CharityDesk — 已恢复"), QApplication.translate(
        "start", "已恢复 %s 的备份。\n原来的数据库改名保留为：%s\n请重新登录。") % (
        plan.source.taken_at.strftime("%Y年%m月%d日 %H:%M"), done.kept_aside))


def back_up_at_closing(db_path: Path) -> None:
    """The backup when the window closes, on its own connection (the window's is closed)."""
    def work(report: Callable[[int, int], None]) -> dict[str, Any]:
        db = Database.open(db_path)
        try:
            return backup.take_everywhere(db, "close", progress=report)
        finally:
            db.close()

    try:
        result = with_progress(QApplication.translate("start", "正在备份数据，请不要关机……"), work)
    except CharityDeskError as exc:
        QMessageBox.warning(None, QApplication.translate("start", "CharityDesk — 关闭时的备份没有写成"), exc.message)
        return
    if result.get("stick_error"):
        QMessageBox.warning(None, QApplication.translate("start", "CharityDesk — U盘备份没有写成"), result["stick_error"])


def run(argv: list[str] | None = None) -> int:
    args = parse_args(list(sys.argv[1:] if argv is None else argv))
    existing = QApplication.instance()
    qapp = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    qapp.setApplicationName("CharityDesk")
    qapp.setApplicationDisplayName("CharityDesk 慈善工作站助手")
    use_chinese(qapp)
    theme.ensure_chinese_font()
    theme.apply_text_size(settings.get(settings.LARGE_TEXT))
    db_path = args.db or default_db_path()
    code = 0
    while True:  # a restore in the window closes it; the restored database opens again
        got = start(db_path)
        if got is None:
            return 1
        db, operator, lock = got
        from ui.main_window import MainWindow

        window = MainWindow(db, operator)
        window.show()
        splash.remember(window.station.name)  # for the next start's splash
        window.activateWindow()  # after the login dialog, so keyboard shortcuts reach the window
        window.operator_changed.connect(lambda op, held=lock: held.update(op.display_name))  # who has it
        timer = QTimer()
        timer.timeout.connect(lambda: daily_backup(db_path))
        timer.start(3600 * 1000)
        daily_backup(db_path)
        code = qapp.exec()
        timer.stop()
        worker.wait_all()  # the window is gone; jobs told to stop on closing end before the database closes
        plan = window.restore_plan
        if isinstance(plan, restore.Plan):
            restore_between_windows(db, plan, window.operator)
            lock.release()
            continue
        db.close()
        back_up_at_closing(db_path)
        lock.release()
        return int(code)
