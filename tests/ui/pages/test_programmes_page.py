"""The 救助项目 page driven through its widgets: rules → candidates → adjust → confirm → print → sign off."""

import datetime as dt

import pytest
from aid_population import Person, add_people, born, names
from PySide6.QtCore import QDate, QItemSelectionModel, Qt

from app.funds import funds
from app.programmes import distributions, programmes
from app.programmes.programmes import ProgrammeInput, Rules  # noqa: E402
from ui.dialogs.programme_dialog import ProgrammeDialog  # noqa: E402
from ui.pages.programmes import ProgrammesPage  # noqa: E402
from ui.worker import wait_all  # noqa: E402

ON = dt.date(2026, 1, 20)


@pytest.fixture
def station(db, admin):
    add_people(db, admin, [Person(n, born(i % 15, ON), ["留守儿童"], household=f"h{i}")
                           for i, n in enumerate(names("童", 12))]
               + [Person(n, born(40, ON), ["低保户"]) for n in names("成", 3)])
    fund = funds.create_fund(db, admin, "春节基金", "named", 10_000_00)
    p = programmes.create_programme(db, admin, ProgrammeInput(
        "春节红包", fund.id, amount_fen=500_00, rules=Rules(categories=("留守儿童",), max_age=14)))
    return fund, p


@pytest.fixture
def page(qtbot, db, admin, station):
    pg = ProgrammesPage(db, admin)
    qtbot.addWidget(pg)
    pg.resize(1000, 700)
    pg.show()
    yield pg
    wait_all()


def run(qtbot, page, button):
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.job is None, timeout=10000)


def select(table, rows):
    sm = table.selectionModel()
    sm.clearSelection()
    for r in rows:
        sm.select(table.model().index(r, 0),
                  QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)


def test_a_distribution_day_from_rules_to_sign_off(qtbot, page, db, station, tmp_path, monkeypatch):
    fund, p = station
    assert page.programme.currentData() == p.id
    assert "人员类别：留守儿童" in page.rules_label.text()
    page.date.setDate(QDate(2026, 1, 20))
    run(qtbot, page, page.generate_button)
    assert page.plan is not None and page.plan.people == 12
    assert page.included_model.rowCount() == 12 and page.excluded_model.rowCount() == 3
    assert "12 人，共 ¥6,000.00" in page.summary.text()
    assert "不属于留守儿童" in page.excluded_model.index(0, 5).data()

    monkeypatch.setattr(page, "ask_reason", lambda *a: "已随父母外出务工")
    select(page.included, [0])
    removed = page.included_model.candidate(0).name
    run(qtbot, page, page.remove_button)
    assert page.plan.people == 11
    assert any("人工移除：已随父母外出务工" in page.excluded_model.index(r, 5).data()
               for r in range(page.excluded_model.rowCount()))

    monkeypatch.setattr(page, "ask_yes", lambda *a: True)
    run(qtbot, page, page.confirm_button)
    assert page.tabs.currentIndex() == 1
    assert page.line_model.rowCount() == 11
    assert funds.get_fund(db, fund.id).balance_fen == 10_000_00 - 11 * 500_00
    assert removed not in {page.line_model.line(r).name for r in range(11)}

    select(page.lines, [0, 1, 2])
    qtbot.mouseClick(page.signed_button, Qt.MouseButton.LeftButton)
    assert [page.line_model.index(r, 5).data() for r in range(3)] == ["已签领"] * 3
    monkeypatch.setattr(page, "ask_proxy", lambda name: ("王建国", "委托书已留存"))
    select(page.lines, [3])
    qtbot.mouseClick(page.proxy_button, Qt.MouseButton.LeftButton)
    assert page.line_model.index(3, 6).data() == "代领：王建国（委托书已留存）"
    select(page.lines, [4])
    qtbot.mouseClick(page.missed_button, Qt.MouseButton.LeftButton)
    monkeypatch.setattr(page, "ask_reason", lambda *a: "身份证号登记错误")
    select(page.lines, [5])
    qtbot.mouseClick(page.reverse_button, Qt.MouseButton.LeftButton)
    assert funds.get_fund(db, fund.id).balance_fen == 10_000_00 - 9 * 500_00
    assert "代领 1" in page.records_label.text() and "已冲销 1" in page.records_label.text()

    sheet = tmp_path / "签收表.pdf"
    monkeypatch.setattr(page, "ask_save", lambda *a: str(sheet))
    run(qtbot, page, page.sheet_button)
    assert sheet.exists() and page.last_file == str(sheet)
    assert "合计 9 人 ¥4,500.00" in page.last_message
    xlsx = tmp_path / "转账.xlsx"
    monkeypatch.setattr(page, "ask_save", lambda *a: str(xlsx))
    run(qtbot, page, page.transfer_button)
    assert xlsx.exists() and "共 ¥4,500.00" in page.last_message


def test_an_overdraw_cannot_be_confirmed(qtbot, page, db, admin, station):
    fund, p = station
    programmes.update_programme(db, admin, p.id, ProgrammeInput(
        "春节红包", fund.id, amount_fen=1000_00, rules=Rules(categories=("留守儿童",), max_age=14)))
    page.refresh()
    run(qtbot, page, page.generate_button)
    assert page.plan is not None and not page.plan.ok
    assert "不能确认" in page.summary.text() and "还差 ¥2,000.00" in page.summary.text()
    assert not page.confirm_button.isEnabled()
    page.fit.setChecked(True)
    run(qtbot, page, page.generate_button)
    assert page.plan.people == 10 and page.plan.ok and page.confirm_button.isEnabled()


def test_volunteers_prepare_but_do_not_confirm(qtbot, db, volunteer, station):
    pg = ProgrammesPage(db, volunteer)
    qtbot.addWidget(pg)
    pg.show()
    assert not pg.new_button.isEnabled() and not pg.edit_button.isEnabled()
    run(qtbot, pg, pg.generate_button)
    assert pg.plan is not None and pg.plan.ok
    assert not pg.confirm_button.isEnabled() and pg.remove_button.isEnabled()
    wait_all()


def test_the_programme_editor(qtbot, db, admin, station):
    fund, _ = station
    dialog = ProgrammeDialog(db, admin)
    qtbot.addWidget(dialog)
    dialog.name.setText("高龄慰问")
    dialog.fund.setCurrentIndex(dialog.fund.findData(fund.id))
    dialog.amount.setText("300")
    for i in range(dialog.categories.count()):
        if dialog.categories.item(i).text() == "高龄老人":
            dialog.categories.item(i).setCheckState(Qt.CheckState.Checked)
    dialog.min_age.setValue(80)
    dialog.one_per_household.setChecked(True)
    dialog.not_since.setValue(2025)
    dialog.priority.item(0).setCheckState(Qt.CheckState.Checked)
    dialog.save()
    assert dialog.saved is not None
    p = programmes.find_programme(db, "高龄慰问")
    assert (p.amount_fen, p.rules.categories, p.rules.min_age, p.rules.max_age) == (300_00, ("高龄老人",), 80, None)
    assert p.rules.one_per_household and p.rules.not_aided_since == 2025 and p.rules.priority == ("oldest",)
    again = ProgrammeDialog(db, admin, p)
    qtbot.addWidget(again)
    assert again.name.text() == "高龄慰问" and again.min_age.value() == 80 and again.not_since.value() == 2025
    again.amount.setText("abc")
    again.save()
    assert "金额" in again.error.text()
    again.amount.setText("0")
    again.save()
    assert again.error.text() == "金额不能为零"


def test_draft_survives_and_can_be_cancelled(qtbot, page, db, station, monkeypatch):
    _, p = station
    run(qtbot, page, page.generate_button)
    draft = [d for d in distributions.list_distributions(db, p.id) if d.status == "draft"]
    assert len(draft) == 1
    run(qtbot, page, page.generate_button)  # the same draft again, not a second one
    assert len([d for d in distributions.list_distributions(db, p.id) if d.status == "draft"]) == 1
    page.tabs.setCurrentIndex(1)
    monkeypatch.setattr(page, "ask_reason", lambda *a: "日期定错了")
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    assert distributions.get_distribution(db, draft[0].id).status == "cancelled"
    assert page.plan is None


def test_the_distribution_models_pass_qtmodeltester(qtmodeltester, qtbot, page, monkeypatch):
    """The candidate list (in and out, the reasons fetched a page at a time) and a day's lines."""
    page.date.setDate(QDate(2026, 1, 20))
    qtmodeltester.check(page.included_model)  # empty before a list is made
    run(qtbot, page, page.generate_button)
    assert page.included_model.rowCount() == 12 and page.excluded_model.rowCount() == 3
    qtmodeltester.check(page.included_model)
    qtmodeltester.check(page.excluded_model)
    monkeypatch.setattr(page, "ask_yes", lambda *a: True)
    run(qtbot, page, page.confirm_button)
    assert page.line_model.rowCount() == 12
    qtmodeltester.check(page.line_model)
