import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.rules.money import MAX_FEN, MoneyError, format_fen, parse_yuan, to_capitals


@pytest.mark.parametrize("text, fen", [
    ("1,234.5", 123450), ("¥300", 30000), ("￥300", 30000), ("300元", 30000), ("３００", 30000),
    ("人民币300元", 30000), (" 12.30 ", 1230), ("0.05", 5), (".5", 50), ("1.230", 123),
    ("1,000,000.00", 100000000), ("300元整", 30000), (300, 30000), (12.5, 1250), ("RMB 8", 800),
])
def test_parse_accepts_what_people_type(text, fen):
    assert parse_yuan(text) == fen


@pytest.mark.parametrize("text, reason", [
    ("-5", "negative"), ("abc", "not_a_number"), ("", "empty"), ("1.234", "too_many_decimals"),
    ("1,23", "bad_grouping"), ("1.2.3", "not_a_number"), ("0", "zero"), ("200000000", "too_large"),
    ("12元5角", "not_a_number"), (0.001, "too_many_decimals"), (float("nan"), "not_a_number"),
])
def test_parse_rejects_nonsense_with_reason(text, reason):
    with pytest.raises(MoneyError) as e:
        parse_yuan(text)
    assert e.value.reason == reason
    assert e.value.message  # a sentence for the person


def test_zero_allowed_when_asked():
    assert parse_yuan("0", allow_zero=True) == 0


def test_format():
    assert format_fen(123450) == "1,234.50"
    assert format_fen(5) == "0.05"
    assert format_fen(-100) == "-1.00"
    assert format_fen(320050, symbol=True) == "¥3,200.50"


@pytest.mark.parametrize("fen, text", [
    (100456, "壹仟零肆元伍角陆分"), (10150, "壹佰零壹元伍角整"), (42503, "肆佰贰拾伍元零叁分"),
    (5, "伍分"), (10_000_000_000, "壹亿元整"), (320050, "叁仟贰佰元伍角整"), (0, "零元整"),
    (1000, "壹拾元整"), (10_000_100, "壹拾万零壹元整"), (10_005_000_000, "壹亿零伍万元整"),
    (100_000_100, "壹佰万零壹元整"), (50, "伍角整"), (10_100_000_000, "壹亿零壹佰万元整"),
    (1_000_000_000_000, "壹佰亿元整"), (100_100_000, "壹佰万零壹仟元整"),
])
def test_capitals_follow_accounting_rules(fen, text):
    assert to_capitals(fen) == text


def test_capitals_prefix():
    assert to_capitals(30000, prefix=True) == "人民币叁佰元整"


# --- an independent reader of capitals, to check round trips ---
_D = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
_U = {"拾": 10, "佰": 100, "仟": 1000}


def _read_int(text: str) -> int:
    total, section, digit = 0, 0, 0
    for ch in text:
        if ch in _D:
            digit = _D[ch]
        elif ch in _U:
            section += digit * _U[ch]
            digit = 0
        elif ch == "万":
            total += (section + digit) * 10_000
            section = digit = 0
        elif ch == "亿":
            total = (total + section + digit) * 100_000_000
            section = digit = 0
    return total + section + digit


def capitals_to_fen(text: str) -> int:
    if text == "零元整":
        return 0
    yuan_part, _, rest = text.partition("元") if "元" in text else ("", "", text)
    fen = _read_int(yuan_part) * 100
    m = re.search(r"(.)角", rest)
    if m:
        fen += _D[m.group(1)] * 10
    m = re.search(r"(.)分", rest)
    if m:
        fen += _D[m.group(1)]
    return fen


@given(st.integers(min_value=0, max_value=MAX_FEN * 100))
def test_capitals_round_trip_and_no_forbidden_forms(fen):
    text = to_capitals(fen)
    assert capitals_to_fen(text) == fen
    if fen == 0:
        assert text == "零元整"
        return
    assert "零零" not in text
    assert not re.search(r"零[元角万亿]", text)
    assert not text.endswith("分整")
    assert text.endswith("整") == (fen % 10 == 0)
    assert not text.startswith("零")
    assert "亿万" not in text
    assert set(text) <= set("零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整")


@given(st.integers(min_value=1, max_value=MAX_FEN))
def test_format_then_parse_round_trips(fen):
    assert parse_yuan(format_fen(fen)) == fen
    assert parse_yuan(format_fen(fen, symbol=True)) == fen


@pytest.mark.parametrize("value", [1234567.125, 650000.005, 0.001])
def test_a_real_third_decimal_in_a_spreadsheet_number_is_refused(value):
    with pytest.raises(MoneyError) as e:
        parse_yuan(value)
    assert e.value.reason == "too_many_decimals"


def test_binary_noise_from_formulas_is_not_a_third_decimal():
    assert parse_yuan(0.1 + 0.2) == 30
