"""The 操作员 section of 设置, driven as an administrator and as a volunteer would."""

import pytest

from app import audit
from app.station import accounts
from ui.pages.operators_section import OperatorDialog, OperatorsSection, PasswordDialog


@pytest.fixture
def section(qtbot, db, admin, volunteer):
    who = {"op": admin}
    s = OperatorsSection(db, lambda: who["op"])
    qtbot.addWidget(s)
    s.who = who
    return s


def _select(section, username):
    row = next(i for i in range(section.table.rowCount()) if section.table.item(i, 0).text() == username)
    section.table.selectRow(row)


def test_an_admin_adds_an_operator_through_the_dialog(qtbot, section, db, typer, monkeypatch):
    def fill(dlg):
        typer(dlg.username, "wangfang")
        typer(dlg.display, "王芳")
        dlg.role.setCurrentIndex(dlg.role.findData("admin"))
        typer(dlg.password, "abc12345")
        typer(dlg.password2, "abc12399")
        dlg.accept()
        assert "不一样" in dlg.error.text()  # a mistyped repeat is caught, the dialog stays
        dlg.password2.clear()
        typer(dlg.password2, "abc12345")
        dlg.accept()
        return dlg.result()

    monkeypatch.setattr(OperatorDialog, "exec", fill)
    assert section.add_button.isEnabled()
    section.add_button.click()
    names = [section.table.item(i, 0).text() for i in range(section.table.rowCount())]
    assert names == ["admin", "wangfang", "xiaoli"]
    assert accounts.authenticate(db, "wangfang", "abc12345").role == "admin"


def test_an_admin_disables_after_confirming_and_the_last_admin_stays(qtbot, section, db, monkeypatch):
    told = []
    monkeypatch.setattr(section, "ask_yes", lambda *a: True)
    monkeypatch.setattr(section, "tell", lambda title, text: told.append(text))
    _select(section, "xiaoli")
    assert section.disable_button.isEnabled()
    section.disable_button.click()
    status = {section.table.item(i, 0).text(): section.table.item(i, 3).text()
              for i in range(section.table.rowCount())}
    assert status == {"admin": "在用", "xiaoli": "已停用"}
    _select(section, "admin")
    section.disable_button.click()
    assert told and "最后一个管理员" in told[0]
    assert accounts.has_admin(db)


def test_a_volunteer_sees_the_list_and_changes_only_their_own_password(qtbot, section, db, volunteer,
                                                                       typer, monkeypatch):
    section.who["op"] = volunteer
    section.refresh()
    assert not section.add_button.isEnabled()
    _select(section, "admin")
    assert not section.disable_button.isEnabled() and not section.password_button.isEnabled()
    _select(section, "xiaoli")
    assert section.password_button.isEnabled()

    def fill(dlg):
        typer(dlg.password, "mynewpass")
        typer(dlg.password2, "mynewpass")
        dlg.accept()
        return dlg.result()

    monkeypatch.setattr(PasswordDialog, "exec", fill)
    section.password_button.click()
    assert accounts.authenticate(db, "xiaoli", "mynewpass").id == volunteer.id
    assert audit.history(db, volunteer.id)[-1]["operator"] == volunteer.display_name
