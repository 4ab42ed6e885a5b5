"""Start the GUI: open the database, first run or log in, then the main window."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from app.db import Database
from app.errors import DataError
from app.paths import default_db_path
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


def start(db_path: Path) -> tuple[Database, accounts.Operator] | None:
    """Open the file and get an operator: first-run dialog, admin setup, or login. None: cancelled."""
    try:
        db = Database.open(db_path, create=True)
    except DataError as exc:
        QMessageBox.critical(None, QApplication.translate("start", "CharityDesk — 无法打开数据库"), exc.message)
        return None
    from ui.first_run import FirstRunDialog
    from ui.login import LoginDialog

    if not station.is_initialised(db) or not accounts.has_admin(db):
        dlg: QDialog = FirstRunDialog(db, need_station=not station.is_initialised(db))
        if dlg.exec() != QDialog.DialogCode.Accepted or dlg.operator is None:  # type: ignore[attr-defined]
            db.close()
            return None
        settings.put(settings.LAST_USER, dlg.operator.username)  # type: ignore[attr-defined]
        return db, dlg.operator  # type: ignore[attr-defined]
    login = LoginDialog(db, station.get_station(db).name)
    if login.exec() != QDialog.DialogCode.Accepted or login.operator is None:
        db.close()
        return None
    return db, login.operator


def run(argv: list[str] | None = None) -> int:
    args = parse_args(list(sys.argv[1:] if argv is None else argv))
    existing = QApplication.instance()
    qapp = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    qapp.setApplicationName("CharityDesk")
    qapp.setApplicationDisplayName("CharityDesk 慈善工作站助手")
    use_chinese(qapp)
    theme.ensure_chinese_font()
    theme.apply_text_size(settings.get(settings.LARGE_TEXT))
    got = start(args.db or default_db_path())
    if got is None:
        return 1
    db, operator = got
    from ui.main_window import MainWindow

    window = MainWindow(db, operator)
    window.show()
    splash.remember(window.station.name)  # for the next start's splash
    window.activateWindow()  # after the login dialog, so keyboard shortcuts reach the window
    code = qapp.exec()
    worker.wait_all()  # the window is gone; jobs told to stop on closing end before the database closes
    db.close()
    return int(code)
