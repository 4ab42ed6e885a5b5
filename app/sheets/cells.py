"""Cells as people typed them: text that is a number, numbers that are text, dates in every form.

Each helper takes one cell value as the readers give it (str, int, float,
bool, date, datetime, time or timedelta; "" for an empty cell) and returns
the value or raises `CellError` with a short reason and a plain Chinese
message that does not repeat the column name (the caller adds it).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, DecimalException, InvalidOperation
from functools import lru_cache
from typing import Any

from app.errors import InputError
from app.rules.money import MAX_FEN, MoneyError, parse_yuan


class CellError(InputError):
    """One cell that cannot be read as the column wants it."""


class MonthOnly(dt.date):
    """A date known only to the month (1940年3月, 194003): the day is set to 1.

    Day-precise dates are plain `datetime.date`; `precision()` tells them apart.
    """

    precision = "month"

    def iso(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def precision(value: dt.date) -> str:
    """"month" for a `MonthOnly`, "day" for any other date."""
    return "month" if isinstance(value, MonthOnly) else "day"


#: Serial numbers Excel uses for 1900-01-01 … 2099-12-31 (1900 date system).
_SERIAL_MIN, _SERIAL_MAX = 1, 73050
_EPOCH = dt.date(1899, 12, 30)
_YEARS = (1900, 2100)

_SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$")
_TIME_TAIL = re.compile(r"[ T]+\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_YMD = re.compile(r"^(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})[日号]?$")
_YMD8 = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_YM = re.compile(r"^(\d{4})[-./年](\d{1,2})月?$")
_YM6 = re.compile(r"^(\d{4})(\d{2})$")


def is_blank(value: Any) -> bool:
    return value is None or value == "" or (value.__class__ is str and not value.strip())


def number_text(value: float) -> str:
    """A number as Excel would show it in a General cell: 3 → "3", 3.5 → "3.5"."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    if abs(value) >= 1e15:
        return f"{value:.5E}"
    return repr(value)


def to_text(value: Any) -> str:
    """Any cell as text, stripped; numbers without a spurious ".0", dates as 2026-09-05."""
    cls = value.__class__
    if cls is str:
        return str(value).strip()
    if value is None:
        return ""
    if cls is float:
        return number_text(value)
    if cls is bool:
        return "TRUE" if value else "FALSE"
    if cls is int:
        return str(value)
    if cls is dt.datetime:
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value).strip()


def _lost_digits(shown: str) -> CellError:
    return CellError(
        "stored_as_number",
        f"号码被 Excel 存成了数字（显示为 {shown}），后几位已经丢失；"
        "请把这一列设为“文本”格式，重新填写完整的号码",
    )


def to_code(value: Any) -> str:
    """A long number kept as text (ID number, bank account, phone); "" when empty.

    Excel keeps 15 significant digits: a longer number typed into a General cell
    comes back as a float whose last digits are gone. That is refused, never guessed.
    """
    cls = value.__class__
    if cls is str:
        s = str(value)
        if s.isascii() and s.isdigit():
            return s
        s = "".join(unicodedata.normalize("NFKC", s).split())
        if _SCIENTIFIC.match(s):
            raise _lost_digits(s)
        return s
    if value is None:
        return ""
    if cls is int:
        return str(value)
    if cls is float:
        if value == int(value) and 0 <= value < 1e15:
            return str(int(value))
        if abs(value) >= 1e15:
            raise _lost_digits(f"{value:.5E}")
        raise CellError("not_a_code", f"不是号码：{number_text(value)}")
    if cls is bool:
        raise CellError("not_a_code", "不是号码")
    raise CellError("not_a_code", f"不是号码：{to_text(value)}")


def to_int(value: Any) -> int | None:
    """A whole number (age, quantity, household size); None when empty."""
    cls = value.__class__
    if cls is float:
        if value != int(value):
            raise CellError("not_whole", f"应为整数：{number_text(value)}")
        return int(value)
    if cls is int:
        return int(value)
    if is_blank(value):
        return None
    s = "".join(unicodedata.normalize("NFKC", to_text(value)).split()).replace(",", "")
    for suffix in ("周岁", "岁", "人", "个", "户", "件"):
        s = s.removesuffix(suffix)
    try:
        return int(s)
    except ValueError:
        pass
    try:
        f = float(s)
    except ValueError:
        raise CellError("not_a_number", f"不是整数：{to_text(value)}") from None
    if f != int(f):
        raise CellError("not_whole", f"应为整数：{to_text(value)}")
    return int(f)


def to_amount_fen(value: Any, *, scale: int = 1) -> int | None:
    """An amount in yuan (or in 万元 with scale=10000) as integer fen; None when empty.

    Accepts what `app.rules.money.parse_yuan` accepts: 300, "¥300", "300元", "1,000.00".
    """
    if is_blank(value):
        return None
    if value.__class__ is bool or isinstance(value, (dt.date, dt.time, dt.timedelta)):
        raise CellError("not_a_number", f"金额不是数字：{to_text(value)}")
    if scale == 1:
        try:
            return parse_yuan(value, allow_zero=True)
        except MoneyError as exc:
            raise CellError(exc.reason, exc.message) from None
    text = number_text(value) if value.__class__ is float else to_text(value)
    text = "".join(unicodedata.normalize("NFKC", text).split()).replace(",", "")
    text = text.removesuffix("万元").removesuffix("万")
    try:
        amount = Decimal(text)
        if not amount.is_finite() or abs(amount.adjusted()) > 20:
            raise InvalidOperation
        amount = amount * scale * 100
    except DecimalException:
        raise CellError("not_a_number", f"金额不是数字：{to_text(value)}") from None
    if amount < 0:
        raise CellError("negative", f"金额不能为负数：{to_text(value)}")
    if amount != amount.to_integral_value():
        raise CellError("too_many_decimals", f"金额换算成元后最多两位小数：{to_text(value)}")
    if amount > MAX_FEN:
        raise CellError("too_large", f"金额过大：{to_text(value)}")
    return int(amount)


def _checked(year: int, month: int, day: int | None, shown: str) -> dt.date:
    if not _YEARS[0] <= year <= _YEARS[1]:
        raise CellError("bad_year", f"年份不合理：{shown}")
    if not 1 <= month <= 12:
        raise CellError("bad_month", f"月份不对：{shown}")
    if day is None:
        return MonthOnly(year, month, 1)
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError("no_such_date", f"日期不存在：{shown}") from None


def _from_number(value: float) -> dt.date:
    shown = number_text(value)
    if value == int(value):
        n = int(value)
        if 19000101 <= n <= 21001231:
            return _checked(n // 10000, n // 100 % 100, n % 100, shown)
        if 190001 <= n <= 210012:
            return _checked(n // 100, n % 100, None, shown)
        if _YEARS[0] <= n <= _YEARS[1]:
            raise CellError("year_only", f"只有年份，没有月份：{shown}")
        if _SERIAL_MIN <= n <= _SERIAL_MAX:
            return _serial(n)
        raise CellError("not_a_date", f"不是日期：{shown}")
    if _YEARS[0] <= value < _YEARS[1] + 1:
        # 1940.03 typed into a General cell: year.month. 1940.1 may have been 1940.10.
        year, frac = shown.split(".")
        if len(frac) == 1 and frac == "1":
            raise CellError(
                "ambiguous_month",
                f"{shown} 分不清是1月还是10月（Excel 会把 {year}.10 存成 {shown}）；"
                "请把这一列设为“文本”格式，写成 1940年10月 这样",
            )
        if len(frac) > 2:
            raise CellError("not_a_date", f"不是日期：{shown}")
        return _checked(int(year), int(frac), None, shown)
    if _SERIAL_MIN <= value < _SERIAL_MAX + 1:
        return _serial(int(value))  # a serial with a time of day
    raise CellError("not_a_date", f"不是日期：{shown}")


def _serial(n: int) -> dt.date:
    if n == 60:
        raise CellError("no_such_date", "日期不存在：1900-02-29（Excel 的序号 60）")
    return _EPOCH + dt.timedelta(days=n if n > 60 else n + 1)


def to_date(value: Any) -> dt.date | None:
    """A date cell, an Excel serial, or text: 2026-09-05, 2026.9.5, 2026/9/5, 2026年9月5日,
    20260905; year and month only (a `MonthOnly`): 194003, 1940.03, 1940-3, 1940年3月.
    None when empty."""
    cls = value.__class__
    if cls is dt.date or cls is dt.datetime:
        if not _YEARS[0] <= value.year <= _YEARS[1]:
            raise CellError("bad_year", f"年份不合理：{value.isoformat()}")
        return value if cls is dt.date else value.date()
    if cls is float or cls is int:
        return _from_number(float(value))
    if is_blank(value):
        return None
    if cls is not str:
        raise CellError("not_a_date", f"不是日期：{to_text(value)}")
    return _text_date(str(value).strip())


@lru_cache(maxsize=4096)
def _text_date(shown: str) -> dt.date:
    """A date typed as text; a roster repeats the same months, so answers are remembered."""
    s = unicodedata.normalize("NFKC", shown)
    s = _TIME_TAIL.sub("", s.strip())
    s = "".join(s.split())
    for pattern, has_day in ((_YMD, True), (_YMD8, True), (_YM, False), (_YM6, False)):
        m = pattern.match(s)
        if m:
            day = int(m.group(3)) if has_day else None
            return _checked(int(m.group(1)), int(m.group(2)), day, shown)
    if s.isascii() and s.isdigit() and len(s) == 5:
        return _from_number(float(s))  # an Excel serial that lost its date format on the way
    raise CellError("not_a_date", f"不是日期：{shown}")
