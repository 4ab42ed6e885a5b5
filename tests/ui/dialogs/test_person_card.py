"""The person card: live checks while typing, the duplicate guard, close and reopen, history."""

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from app.recipients import households, recipients
from app.recipients.recipients import RecipientInput
from app.rules.idcard import check_char
from app.station import accounts
from ui.dialogs.person_card import CloseDialog, PersonCard, parse_birth_date

TODAY = dt.date(2024, 5, 10)


def idn(birth, seq="122", region="370303"):
    body = region + birth + seq
    return body + check_char(body)


def wrong_check(number):
    return number[:17] + ("0" if number[17] != "0" else "1")


@pytest.fixture
def wxy(db, volunteer):
    return recipients.add_recipient(db, volunteer, RecipientInput(
        name="王秀英", id_number=idn("19440510", "124"), phone="13812345678", village="东风村",
        categories=["高龄老人"]))


def card_for(qtbot, db, operator, recipient_id=None):
    card = PersonCard(db, operator, recipient_id, today=TODAY)
    qtbot.addWidget(card)
    card.show()
    return card


def click_save(qtbot, card):
    qtbot.mouseClick(card.save_button, Qt.MouseButton.LeftButton)


def test_id_number_checked_while_typing(qtbot, db, volunteer):
    card = card_for(qtbot, db, volunteer)
    number = idn("19440510", "124")
    assert "没有身份证号也可以登记" in card.id_message.text()
    qtbot.keyClicks(card.id_number, number[:14])
    assert card.id_message.text() == "已输入 14 位，还差 4 位"
    qtbot.keyClicks(card.id_number, wrong_check(number)[14:])
    assert f"最后一位应为 {number[17]}" in card.id_message.text()
    assert card.sex.isEnabled()
    card.id_number.backspace()
    qtbot.keyClicks(card.id_number, number[17])
    assert card.id_message.text().startswith("✓")
    assert "1944-05-10" in card.id_message.text() and "80 周岁" in card.id_message.text()
    assert card.sex.currentText() == "女" and not card.sex.isEnabled()
    assert card.birth.text() == "1944-05-10" and card.birth.isReadOnly()
    assert card.age_label.text() == "80 周岁"
    card.id_number.clear()
    qtbot.keyClicks(card.id_number, "37030319441340")  # month 13
    qtbot.keyClicks(card.id_number, "1244")
    assert "出生日期" in card.id_message.text()


def test_lower_case_x_and_spaces_accepted(qtbot, db, volunteer):
    card = card_for(qtbot, db, volunteer)
    for n in range(1000):
        body = f"37030319600101{n:03d}"
        if check_char(body) == "X":
            break
    qtbot.keyClicks(card.id_number, f"{body[:6]} {body[6:14]} {body[14:]}x")
    assert card.id_message.text().startswith("✓") and card.sex.currentText() in ("男", "女")


def test_id_already_registered_shown_live_and_refused_on_save(qtbot, typer, db, volunteer, wxy):
    card = card_for(qtbot, db, volunteer)
    typer(card.name, "王秀")
    qtbot.keyClicks(card.id_number, wxy.id_number)
    assert "已经登记过：王秀英" in card.id_message.text()
    click_save(qtbot, card)
    assert card.isVisible() and "已经登记过" in card.error.text()
    assert len(recipients_named(db, "王秀")) == 0


def recipients_named(db, name):
    from app.recipients import search as recipient_search

    handles = recipient_search.search_ids(db, name, recipient_search.Filters(status=None))
    return [r for r in recipient_search.fetch_rows(db, handles).values() if r["name"] == name]


def test_phone_checked_while_typing(qtbot, db, volunteer):
    card = card_for(qtbot, db, volunteer)
    qtbot.keyClicks(card.phone, "1381234")
    assert "手机号应为11位" in card.phone_message.text()
    qtbot.keyClicks(card.phone, "5678")
    assert card.phone_message.text().startswith("✓")
    card.guardian_phone.setText("12345")
    assert card.guardian_phone_message.text()  # a message, not a tick


def test_birth_date_without_id(qtbot, db, volunteer):
    card = card_for(qtbot, db, volunteer)
    qtbot.keyClicks(card.birth, "2015.3.1")
    assert card.age_label.text() == "9 周岁" and not card.birth_message.isVisible()
    assert "监护人" in card.guardian_hint.text()
    card.birth.setText("二〇一五")
    assert card.birth_message.isVisible()
    assert parse_birth_date("1950年3月4日") == dt.date(1950, 3, 4)
    assert parse_birth_date("19500304") == dt.date(1950, 3, 4)
    with pytest.raises(ValueError):
        parse_birth_date("1950-02-30")


def test_possible_duplicate_warned_before_saving(qtbot, typer, db, volunteer, wxy):
    card = card_for(qtbot, db, volunteer)
    typer(card.name, "王秀英")
    qtbot.keyClicks(card.birth, "1944-05-10")
    qtbot.waitUntil(card.duplicate_box.isVisible)  # shown while typing, before any save
    assert "可能重复登记" in card.duplicate_box.text() and "同名、出生日期相同" in card.duplicate_box.text()
    assert card.save_button.text() == "仍然保存(&S)"
    assert len(recipients_named(db, "王秀英")) == 1
    click_save(qtbot, card)  # seen and confirmed: not the same person
    assert card.result() == PersonCard.DialogCode.Accepted
    assert len(recipients_named(db, "王秀英")) == 2


def test_save_clicked_before_the_warning_showed_only_warns(qtbot, typer, db, volunteer, wxy):
    card = card_for(qtbot, db, volunteer)
    typer(card.name, "王秀英")
    card.birth.setText("1944-05-10")
    click_save(qtbot, card)  # at once, before the live check had run
    assert card.isVisible() and card.duplicate_box.isVisible()
    assert len(recipients_named(db, "王秀英")) == 1
    card.birth.setText("1944-05-11")  # a different person after all: no warning, saves at once
    click_save(qtbot, card)
    assert card.result() == PersonCard.DialogCode.Accepted
    assert len(recipients_named(db, "王秀英")) == 2


def test_same_phone_is_a_possible_duplicate(qtbot, typer, db, volunteer, wxy):
    card = card_for(qtbot, db, volunteer)
    typer(card.name, "李四")
    qtbot.keyClicks(card.phone, "138 1234 5678")
    assert card.check_duplicates()
    assert "电话相同" in card.duplicate_box.text()
    card.phone.setText("13912345678")
    assert card.check_duplicates() == [] and not card.duplicate_box.isVisible()


def test_editing_is_not_a_duplicate_of_itself_and_is_in_history(qtbot, db, volunteer, wxy):
    card = card_for(qtbot, db, volunteer, wxy.id)
    assert card.name.text() == "王秀英" and card.check_duplicates() == []
    card.phone.setText("13912345678")
    click_save(qtbot, card)
    assert card.result() == PersonCard.DialogCode.Accepted
    again = card_for(qtbot, db, volunteer, wxy.id)
    texts = [[again.history.item(r, c).text() for c in range(4)] for r in range(again.history.rowCount())]
    assert texts[0][1] == "小李" and texts[0][2] == "修改"
    assert "电话：13812345678 → 13912345678" in texts[0][3]
    assert texts[-1][2] == "登记"


def test_categories_from_the_list_and_a_new_label(qtbot, typer, db, volunteer):
    card = card_for(qtbot, db, volunteer)
    typer(card.name, "孙新")
    card.categories.findItems("低保户", Qt.MatchFlag.MatchExactly)[0].setCheckState(Qt.CheckState.Checked)
    typer(card.new_category, "退役军人")
    qtbot.mouseClick(card.add_category_button, Qt.MouseButton.LeftButton)
    assert card.checked_categories() == ["低保户", "退役军人"]
    card.save()
    assert "退役军人" in recipients.list_categories(db)
    saved = recipients.get_recipient(db, card.recipient_id)
    assert saved.categories == ("低保户", "退役军人")


def test_household_link_and_head(qtbot, typer, db, volunteer, wxy):
    card = card_for(qtbot, db, volunteer)
    typer(card.name, "王大山")
    picker = card.pick_household()
    typer(picker.search, "wxy")
    qtbot.waitUntil(lambda: picker.results.count() == 1)
    picker.accept()
    assert "王秀英" in card.household_label.text()
    card.head.setChecked(True)
    card.save()
    hid = recipients.get_recipient(db, wxy.id).household_id
    assert hid and [(m.name, m.is_head) for m in households.members(db, hid)] == \
        [("王大山", True), ("王秀英", False)]
    other = card_for(qtbot, db, volunteer, wxy.id)
    assert "王大山（户主）" in other.household_label.text()


def test_close_by_volunteer_reopen_by_admin_only(qtbot, db, volunteer, admin, wxy):
    card = card_for(qtbot, db, volunteer, wxy.id)
    card.tabs.setCurrentIndex(2)
    assert card.close_button.isVisible() and not card.reopen_button.isVisible()
    dlg = card.close_record()
    assert isinstance(dlg, CloseDialog)
    dlg.reason.setCurrentText("去世")
    dlg.accept()
    person = recipients.get_recipient(db, wxy.id)
    assert (person.status, person.closed_reason, person.closed_on) == ("deceased", "去世", TODAY.isoformat())
    assert "已注销（去世" in card.status_label.text()
    assert card.reopen_button.isVisible() and not card.reopen_button.isEnabled()
    assert "管理员" in card.reopen_button.toolTip()
    card.reopen_record()  # even if called, the service refuses a volunteer
    assert "管理员" in card.error.text() and recipients.get_recipient(db, wxy.id).status == "deceased"
    admin_card = card_for(qtbot, db, admin, wxy.id)
    admin_card.tabs.setCurrentIndex(2)
    assert admin_card.reopen_button.isEnabled()
    qtbot.mouseClick(admin_card.reopen_button, Qt.MouseButton.LeftButton)
    assert recipients.get_recipient(db, wxy.id).status == "active"
    assert admin_card.close_button.isVisible()
    actions = [admin_card.history.item(r, 2).text() for r in range(admin_card.history.rowCount())]
    assert actions[:2] == ["恢复在册", "注销"]
    assert admin_card.history.item(0, 3).text() == "原为已注销（去世 2024-05-10）"


def test_readonly_operator_only_looks(qtbot, db, admin, wxy):
    ro = accounts.create_operator(db, admin, "kan", "只看", "readonly", "secret123")
    card = card_for(qtbot, db, ro, wxy.id)
    assert not card.save_button.isVisible() and not card.basic_tab.isEnabled()
    assert not card.close_button.isEnabled()
    assert "只读" in card.error.text()


def test_name_required(qtbot, db, volunteer):
    card = card_for(qtbot, db, volunteer)
    click_save(qtbot, card)
    assert card.isVisible() and "姓名" in card.error.text() and card.focusWidget() is card.name


def test_people_added_in_bulk_show_when_and_by_whom(qtbot, db, admin):
    from app import demo
    from app.recipients import search as recipient_search

    demo.generate(db, admin, 3, 0, seed=2)
    handle = recipient_search.search_ids(db)[0]
    rid = recipient_search.fetch_rows(db, [handle])[handle]["id"]
    card = card_for(qtbot, db, admin, rid)
    last = [card.history.item(card.history.rowCount() - 1, c).text() for c in range(4)]
    assert last[1] == "管理员" and last[2] == "登记" and "批量登记" in last[3] and last[0][:2] == "20"


@pytest.mark.parametrize("large", [False, True])
def test_card_fits_a_768_pixel_screen_with_the_warning_shown(qtbot, typer, db, volunteer, wxy, large):
    from ui import theme

    theme.apply_text_size(large)
    try:
        card = card_for(qtbot, db, volunteer)
        typer(card.name, "王秀英")
        card.birth.setText("1944-05-10")
        card.check_duplicates()
        card.error.setText("身份证号校验位不对：最后一位应为 X，实际为 3")
        assert card.duplicate_box.isVisible()
        assert card.sizeHint().height() <= 760 and card.sizeHint().width() <= 1000
    finally:
        theme.apply_text_size(False)


def test_a_township_flag_shows_on_the_card_and_saving_still_works(qtbot, db, admin):
    from app.recipients import flags

    p = recipients.add_recipient(db, admin, RecipientInput(name="王秀英", village="东风村"))
    other = recipients.add_recipient(db, admin, RecipientInput(name="李四", village="东风村"))
    flags.replace_flags(db, admin, "ret-1", [flags.Flag(p.id, "aided_elsewhere", "西岭村慈善工作站（370102001002）",
                                                         "冬季送温暖 2025-03-10 200.00元")])
    card = PersonCard(db, admin, p.id)
    qtbot.addWidget(card)
    card.show()
    assert card.township_flags.isVisible()
    assert "已在 西岭村慈善工作站（370102001002） 领取 冬季送温暖 2025-03-10 200.00元" in card.township_flags.text()
    plain = PersonCard(db, admin, other.id)
    qtbot.addWidget(plain)
    plain.show()
    assert not plain.township_flags.isVisible()


def test_the_meals_tab_shows_each_month_and_what_was_paid(qtbot, db, admin, tmp_path):
    from meal_month import MONTH, grid_file, set_up

    from app.imports.meals import import_meals
    from app.meals import scheme, statement

    ids = set_up(db, admin)
    canteen = scheme.find_canteen(db, "东风长者食堂")
    path = grid_file(tmp_path / "三月.xlsx", {"乙八十": {2: 1, 3: 1, 4: 1}})
    assert import_meals(db, admin, path, canteen, MONTH).errors == []
    card = PersonCard(db, admin, ids["乙八十"])
    qtbot.addWidget(card)
    tab = card.meals_tab
    assert tab.table.rowCount() == 1
    assert [tab.table.item(0, c).text() for c in range(5)] == [MONTH, "东风长者食堂", "3", "", "未结算"]
    statement.confirm(db, admin, canteen, MONTH, on=dt.date(2026, 4, 2))
    paid = PersonCard(db, admin, ids["乙八十"])
    qtbot.addWidget(paid)
    row = [paid.meals_tab.table.item(0, c).text() for c in range(5)]
    assert row[3] == "3" and row[4] not in ("", "未结算")
    other = PersonCard(db, admin, ids["甲七十"])
    qtbot.addWidget(other)
    assert other.meals_tab.table.rowCount() == 0 and other.meals_tab.summary.text() == "没有助餐记录"
