import pytest

from app.rules.codes import (
    CreditCodeError,
    PhoneError,
    credit_check_char,
    parse_credit_code,
    parse_phone,
)


def test_credit_code_known_example():
    # A published example code: 91350100M000100Y43
    assert parse_credit_code("91350100M000100Y43") == "91350100M000100Y43"
    assert credit_check_char("91350100M000100Y4") == "3"


def test_credit_code_normalises_case_and_spaces():
    assert parse_credit_code(" 91350100m000100y43 ") == "91350100M000100Y43"


@pytest.mark.parametrize("text, reason", [
    ("91350100M000100Y44", "bad_check"),
    ("91350100M000100Y4", "bad_length"),
    ("91350100M000100I43", "bad_chars"),
    ("", "empty"),
])
def test_credit_code_reasons(text, reason):
    with pytest.raises(CreditCodeError) as e:
        parse_credit_code(text)
    assert e.value.reason == reason


@pytest.mark.parametrize("text, out", [
    ("138 1234 5678", "13812345678"), ("138-1234-5678", "13812345678"), ("+86 13812345678", "13812345678"),
    ("0531-88776655", "0531-88776655"), ("(010) 6655 4433", "010-66554433"), ("053188776655", "0531-88776655"),
    ("０５３１－８８７７６６５５", "0531-88776655"),
])
def test_phone_accepts(text, out):
    assert parse_phone(text) == out


@pytest.mark.parametrize("text, reason", [
    ("1381234567", "bad_length"), ("12812345678", "bad_prefix"), ("88776655", "no_area_code"),
    ("0531-123", "bad_landline"), ("电话", "bad_chars"),
])
def test_phone_rejects(text, reason):
    with pytest.raises(PhoneError) as e:
        parse_phone(text)
    assert e.value.reason == reason
