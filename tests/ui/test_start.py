"""First run, login and the main window, driven through the real widgets."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from app.db import Database
from app.funds import funds
from app.station import accounts, station
from ui.first_run import FirstRunDialog
from ui.login import LoginDialog
from ui.main_window import MainWindow
from ui.worker import wait_idle


def _ok(dialog):
    return dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)


def test_first_run_sets_up_station_and_admin(qtbot, typer, tmp_path):
    db = Database.open(tmp_path / "new.db", create=True)
    dlg = FirstRunDialog(db, need_station=True)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.keyClicks(dlg.code, "st01")
    typer(dlg.name, "东风村慈善工作站")
    typer(dlg.township, "东风镇")
    typer(dlg.display, "张站长")
    qtbot.keyClicks(dlg.password, "secret123")
    qtbot.keyClicks(dlg.password2, "secret123")
    qtbot.mouseClick(_ok(dlg), Qt.MouseButton.LeftButton)
    assert dlg.result() == FirstRunDialog.DialogCode.Accepted
    assert station.get_station(db).station_code == "ST01"
    assert funds.default_fund(db).name == "慈善基金（非定向）"
    assert accounts.authenticate(db, "admin", "secret123").display_name == "张站长"


def test_first_run_refuses_mismatch_and_bad_code_writing_nothing(qtbot, typer, tmp_path):
    db = Database.open(tmp_path / "new.db", create=True)
    dlg = FirstRunDialog(db, need_station=True)
    qtbot.addWidget(dlg)
    dlg.show()
    typer(dlg.code, "站点一")
    typer(dlg.name, "东风村")
    qtbot.keyClicks(dlg.password, "secret123")
    qtbot.keyClicks(dlg.password2, "secret124")
    qtbot.mouseClick(_ok(dlg), Qt.MouseButton.LeftButton)
    assert "不一样" in dlg.error.text()
    dlg.password2.clear()
    qtbot.keyClicks(dlg.password2, "secret123")
    qtbot.mouseClick(_ok(dlg), Qt.MouseButton.LeftButton)
    assert "站点编号" in dlg.error.text()
    assert dlg.isVisible()
    assert not station.is_initialised(db)
    assert not accounts.has_admin(db)


def test_admin_only_when_station_exists(qtbot, db):
    dlg = FirstRunDialog(db, need_station=False)
    qtbot.addWidget(dlg)
    assert not dlg.code.isVisible()
    qtbot.keyClicks(dlg.password, "secret123")
    qtbot.keyClicks(dlg.password2, "secret123")
    dlg.accept()
    assert dlg.operator is not None and dlg.operator.role == "admin"


def test_login_refuses_wrong_password_then_accepts(qtbot, db, admin):
    dlg = LoginDialog(db, "东风村慈善工作站")
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.username.setText("admin")
    qtbot.keyClicks(dlg.password, "wrong")
    qtbot.keyClick(dlg.password, Qt.Key.Key_Return)
    assert dlg.operator is None and "不对" in dlg.error.text()
    dlg.password.clear()
    qtbot.keyClicks(dlg.password, "secret123")
    qtbot.keyClick(dlg.password, Qt.Key.Key_Return)
    assert dlg.operator == admin


def test_main_window_shows_station_operator_and_pages(qtbot, db, admin):
    w = MainWindow(db, admin)
    qtbot.addWidget(w)
    w.show()
    assert "东风村慈善工作站" in w.windowTitle()
    assert w.home.title.text() == "东风村慈善工作站"
    assert w.page_titles() == ["首页", "捐赠登记", "受助对象", "救助项目", "基金", "报表", "设置", "物资", "微心愿",
                              "助餐", "乡镇汇总"]
    assert "管理员" in w.operator_label.text()
    assert "ST01" in w.station_label.text()
    assert w.home.funds.item(0, 0).text() == "慈善基金（非定向）"
    w.nav.setCurrentRow(6)
    assert w.current_page() is w.settings_page
    w.actions()[0].trigger()  # Ctrl+1
    assert w.current_page() is w.home
    wait_idle()  # the pages' background jobs (首页's charts) end with the test


def test_large_text_setting(qtbot, db, admin):
    from PySide6.QtWidgets import QApplication

    from ui import settings, theme

    w = MainWindow(db, admin)
    qtbot.addWidget(w)
    w.settings_page.large_text.setChecked(True)
    assert QApplication.instance().font().pointSize() == theme.LARGE_PT
    assert settings.get(settings.LARGE_TEXT) is True
    w.settings_page.large_text.setChecked(False)
    assert QApplication.instance().font().pointSize() == theme.NORMAL_PT
    wait_idle()  # the pages' background jobs (首页's charts) end with the test


def test_lock_hides_pages_and_switches_operator(qtbot, db, admin, volunteer):
    w = MainWindow(db, admin)
    qtbot.addWidget(w)
    w.show()
    w.lock()
    assert w.locked and not w.centralWidget().isVisible()
    dlg = w.lock_dialog
    dlg.username.setText("xiaoli")
    qtbot.keyClicks(dlg.password, "secret123")
    qtbot.keyClick(dlg.password, Qt.Key.Key_Return)
    assert not w.locked and w.centralWidget().isVisible()
    assert w.operator == volunteer
    assert "小李" in w.operator_label.text() and "志愿者" in w.operator_label.text()
    wait_idle()  # the pages' background jobs (首页's charts) end with the test


def test_idle_time_locks_the_window(qtbot, db, admin):
    w = MainWindow(db, admin)
    qtbot.addWidget(w)
    w.show()
    w.idle.set_minutes(0.001)  # 60 ms
    qtbot.waitUntil(lambda: w.locked, timeout=3000)
    w.lock_dialog.reject()
    qtbot.waitUntil(lambda: not w.isVisible(), timeout=3000)
    wait_idle()  # the pages' background jobs (首页's charts) end with the test


def test_window_fits_an_old_screen_in_large_text(qtbot, db, admin):
    from PySide6.QtWidgets import QApplication

    from ui import theme

    w = MainWindow(db, admin)
    qtbot.addWidget(w)
    w.settings_page.large_text.setChecked(True)
    try:
        for row in range(w.nav.count()):
            w.nav.setCurrentRow(row)
            hint = w.minimumSizeHint()
            assert hint.width() <= 1024 and hint.height() <= 768, (w.page_titles()[row], hint)
    finally:
        w.settings_page.large_text.setChecked(False)
        wait_idle()  # the pages' charts
    assert QApplication.instance().font().pointSize() == theme.NORMAL_PT


def test_chinese_text_has_a_font_even_on_a_bare_machine(qapp):
    """A plain Linux install has no Chinese font: the bundled one is loaded so 首页 is not boxes.
    (Drawn and compared: a missing character draws the same empty box as any other.)"""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QFontDatabase, QImage, QPainter

    from ui import theme

    family = theme.ensure_chinese_font()
    assert family in QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)

    def drawn(ch):
        img = QImage(40, 40, QImage.Format.Format_Grayscale8)
        img.fill(Qt.GlobalColor.white)
        p = QPainter(img)
        p.setFont(qapp.font())
        p.drawText(img.rect(), Qt.AlignmentFlag.AlignCenter, ch)
        p.end()
        return bytes(img.constBits())

    shapes = [drawn(ch) for ch in "首页报表站"]
    assert len(set(shapes)) == len(shapes)  # five different characters, not five boxes
    assert drawn("首") != drawn("")  # and not nothing


def test_qt_dialogs_speak_chinese(qapp):
    """The file dialog's buttons and labels come from Qt's own zh_CN translation."""
    from PySide6.QtCore import QCoreApplication, QLocale

    from ui.app import use_chinese

    before = QLocale()
    assert QCoreApplication.translate("QFileDialog", "Look in:") == "Look in:"  # before: English
    translator = use_chinese(qapp)
    try:
        assert translator is not None
        assert QCoreApplication.translate("QFileDialog", "Look in:") != "Look in:"
        assert QLocale().language() == QLocale.Language.Chinese
    finally:
        if translator is not None:
            qapp.removeTranslator(translator)
        QLocale.setDefault(before)


def test_first_run_offers_no_ready_made_code_and_a_township_office(qtbot, typer, tmp_path):
    db = Database.open(tmp_path / "town.db", create=True)
    dlg = FirstRunDialog(db, need_station=True)
    qtbot.addWidget(dlg)
    dlg.show()
    assert dlg.code.text() == "" and dlg.code.placeholderText() == ""  # nothing that looks filled in
    qtbot.mouseClick(_ok(dlg), Qt.MouseButton.LeftButton)
    assert "乡镇分配" in dlg.error.text()
    dlg.as_township.setChecked(True)
    typer(dlg.code, "370102001")
    typer(dlg.name, "东风镇民政办")
    qtbot.keyClicks(dlg.password, "secret123")
    qtbot.keyClicks(dlg.password2, "secret123")
    qtbot.mouseClick(_ok(dlg), Qt.MouseButton.LeftButton)
    assert dlg.result() == FirstRunDialog.DialogCode.Accepted
    assert station.get_setting(db, "role") == "township"
    assert len(station.get_station(db).uid) == 36
    op = accounts.authenticate(db, "admin", "secret123")
    w = MainWindow(db, op)
    qtbot.addWidget(w)
    assert w.current_page() is w.township_page  # a township office opens on its own page
    wait_idle()  # the pages' background jobs (首页's charts) end with the test
