"""Cells as people typed them: text/number confusion, long numbers, dates in every form, amounts."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.sheets import cells
from app.sheets.cells import CellError, MonthOnly


def serial(day: dt.date) -> int:
    """The number Excel stores for a date (1900 date system)."""
    return (day - dt.date(1899, 12, 30)).days


# ---------- text and numbers ----------

@pytest.mark.parametrize("value, text", [
    (3.0, "3"), (3.5, "3.5"), (13812345678.0, "13812345678"), (42, "42"), ("  王秀英 ", "王秀英"),
    (dt.datetime(2026, 9, 5), "2026-09-05"), (dt.date(2026, 9, 5), "2026-09-05"), (True, "TRUE"), ("", ""),
])
def test_text_shows_numbers_as_excel_does(value, text):
    assert cells.to_text(value) == text


def test_code_keeps_digits_and_refuses_a_number_that_lost_its_last_digits():
    assert cells.to_code("370303195201203210") == "370303195201203210"
    assert cells.to_code(13812345678.0) == "13812345678"
    assert cells.to_code(370303520120321.0) == "370303520120321"  # 15 digits fit in Excel's precision
    assert cells.to_code("３７０３ ０３") == "370303"  # full-width digits and spaces
    with pytest.raises(CellError) as e:
        cells.to_code(370303195201203210.0)  # what Excel keeps of an 18-digit ID typed as a number
    assert e.value.reason == "stored_as_number"
    assert "3.70303E+17" in e.value.message and "后几位已经丢失" in e.value.message
    with pytest.raises(CellError) as e:
        cells.to_code("6.21751E+18")  # the same number after a trip through CSV
    assert e.value.reason == "stored_as_number"


def test_int_reads_ages_typed_with_units_and_refuses_fractions():
    assert cells.to_int("86岁") == 86
    assert cells.to_int("80周岁") == 80
    assert cells.to_int(86.0) == 86
    assert cells.to_int("") is None
    with pytest.raises(CellError):
        cells.to_int(86.5)
    with pytest.raises(CellError):
        cells.to_int("八十")


# ---------- dates ----------

@pytest.mark.parametrize("value", [
    dt.date(2026, 9, 5), dt.datetime(2026, 9, 5), dt.datetime(2026, 9, 5, 14, 30), serial(dt.date(2026, 9, 5)),
    float(serial(dt.date(2026, 9, 5))) + 0.5, "2026-09-05", "2026.9.5", "2026/9/5", "2026年9月5日",
    "2026年9月5号", "20260905", 20260905, "2026-09-05 00:00:00", " 2026 年 9 月 5 日 ", "２０２６．９．５",
])
def test_every_form_of_a_day(value):
    got = cells.to_date(value)
    assert got == dt.date(2026, 9, 5)
    assert cells.precision(got) == "day"


@pytest.mark.parametrize("value", ["194003", 194003, 194003.0, "1940.03", 1940.03, "1940年3月", "1940-3", "1940/03",
                                   "1940.3", 1940.3])
def test_year_and_month_forms_give_a_month_precision(value):
    got = cells.to_date(value)
    assert isinstance(got, MonthOnly)
    assert (got.year, got.month, cells.precision(got)) == (1940, 3, "month")
    assert got.iso() == "1940-03"


def test_a_month_written_as_1940_point_1_is_ambiguous_only_as_a_number():
    with pytest.raises(CellError) as e:
        cells.to_date(1940.1)  # typed 1940.10 or 1940.1? Excel kept 1940.1 either way
    assert e.value.reason == "ambiguous_month" and "10月" in e.value.message
    assert cells.to_date("1940.10") == MonthOnly(1940, 10, 1)  # as text it is what was typed
    assert cells.to_date("1940.1") == MonthOnly(1940, 1, 1)
    assert cells.to_date(1940.12) == MonthOnly(1940, 12, 1)


@pytest.mark.parametrize("value, reason", [
    ("2026-02-30", "no_such_date"), ("2026年13月1日", "bad_month"), ("1840-01-01", "bad_year"), ("明年", "not_a_date"),
    (1940, "year_only"), (60, "no_such_date"), (True, "not_a_date"), ("2026.9.5.1", "not_a_date"),
    (1940.123, "not_a_date"),
])
def test_dates_that_cannot_be(value, reason):
    with pytest.raises(CellError) as e:
        cells.to_date(value)
    assert e.value.reason == reason


def test_empty_date_is_none():
    assert cells.to_date("") is None
    assert cells.to_date("  ") is None


@given(st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2099, 12, 31)))
def test_written_forms_of_any_day_read_back(day):
    y, m, d = day.year, day.month, day.day
    for text in (f"{y}年{m}月{d}日", f"{y}.{m}.{d}", f"{y}/{m:02d}/{d:02d}", day.isoformat(), f"{y}{m:02d}{d:02d}"):
        assert cells.to_date(text) == day, text
    if day.year > 1905:  # serials 1900–2100 are 1905's dates, read as years: nobody means those
        assert cells.to_date(serial(day)) == day


# ---------- amounts ----------

@pytest.mark.parametrize("value, fen", [
    ("¥300", 30000), ("300元", 30000), ("1,000.00", 100000), (300.5, 30050), (1000, 100000), ("￥ 3,200.50", 320050),
    (0.1 + 0.2, 30),  # a formula's float result is read to the fen
])
def test_amounts_as_people_write_them(value, fen):
    assert cells.to_amount_fen(value) == fen


def test_amounts_in_wan_yuan():
    assert cells.to_amount_fen("1.5", scale=10000) == 1_500_000
    assert cells.to_amount_fen(0.05, scale=10000) == 50_000
    with pytest.raises(CellError) as e:
        cells.to_amount_fen("0.0000001", scale=10000)
    assert e.value.reason == "too_many_decimals"


@pytest.mark.parametrize("value, reason", [("三百元", "not_a_number"), (300.123, "too_many_decimals"),
                                           ("-5", "negative"), (dt.date(2026, 9, 5), "not_a_number")])
def test_amounts_that_are_not(value, reason):
    with pytest.raises(CellError) as e:
        cells.to_amount_fen(value)
    assert e.value.reason == reason
