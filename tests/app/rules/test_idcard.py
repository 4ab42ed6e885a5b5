import datetime as dt

import pytest

from app.rules.idcard import IdNumberError, age_on, check_char, mask_id, parse_id, upgrade15


def make(region="370303", birth="19400315", seq="123"):
    body = region + birth + seq
    return body + check_char(body)


def test_valid_number_gives_birth_date_and_sex():
    n = make(seq="123")  # 17th digit 3: odd → male
    got = parse_id(n)
    assert got.birth_date == dt.date(1940, 3, 15)
    assert got.sex == "男"
    assert parse_id(make(seq="124")).sex == "女"


def test_known_real_format_example():
    # GB 11643's worked example: 11010519491231002X
    assert parse_id("11010519491231002X").number == "11010519491231002X"


def test_normalises_spaces_fullwidth_and_lowercase_x():
    assert parse_id(" １１０１０５ 19491231002x ").number == "11010519491231002X"


@pytest.mark.parametrize("text, reason", [
    ("11010519491231002", "bad_length"),
    ("1101051949123100200", "bad_length"),
    ("11010519491231002Y", "bad_chars"),
    ("99010519491231002X", "bad_region"),
    ("110105194902300020", "bad_birth_date"),
    ("110105194912310021", "bad_check"),
    ("", "empty"),
])
def test_reasons(text, reason):
    with pytest.raises(IdNumberError) as e:
        parse_id(text)
    assert e.value.reason == reason


def test_check_message_names_the_expected_character():
    with pytest.raises(IdNumberError) as e:
        parse_id("110105194912310021")
    assert "X" in e.value.message


def test_future_birth_date_refused():
    body = "370303" + "20300101" + "123"
    with pytest.raises(IdNumberError) as e:
        parse_id(body + check_char(body), today=dt.date(2026, 11, 22))
    assert e.value.reason == "bad_birth_date"


def test_excel_float_is_refused_as_lost_digits():
    with pytest.raises(IdNumberError) as e:
        parse_id(1.10105194912310E17)
    assert e.value.reason == "stored_as_number"
    with pytest.raises(IdNumberError) as e:
        parse_id("1.10105E+17")
    assert e.value.reason == "stored_as_number"


def test_fifteen_digit_upgrade():
    old = "110105491231002"
    assert upgrade15(old) == "11010519491231002X"
    got = parse_id(old)
    assert got.number == "11010519491231002X"
    assert got.upgraded_from == old


@pytest.mark.parametrize("birth, on, age", [
    (dt.date(1940, 3, 15), dt.date(2026, 3, 14), 85),
    (dt.date(1940, 3, 15), dt.date(2026, 3, 15), 86),
    (dt.date(2012, 2, 29), dt.date(2026, 2, 28), 13),
    (dt.date(2012, 2, 29), dt.date(2026, 3, 1), 14),
    (dt.date(2026, 1, 1), dt.date(2026, 12, 31), 0),
])
def test_age_in_completed_years(birth, on, age):
    assert age_on(birth, on) == age


def test_mask():
    assert mask_id("370303194003151234") == "3703**********1234"
