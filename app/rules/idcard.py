"""Resident ID numbers (GB 11643) and the one age rule used everywhere.

`parse_id` normalises what people type (spaces, full-width digits, lower-case
x), upgrades 15-digit legacy numbers, and checks length, region, birth date and
the check character, raising `IdNumberError` with a precise reason.
`age_on` gives the age in completed years (周岁) on a given day.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from app.errors import InputError

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
#: Province-level codes in use (the first two digits of the region code).
PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
     50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83}
)


class IdNumberError(InputError):
    """An ID number that is not valid; `reason` names the rule it breaks."""


@dataclass(frozen=True)
class IdNumber:
    number: str
    birth_date: dt.date
    sex: str  # "男" or "女"
    upgraded_from: str | None = None

    @property
    def region(self) -> str:
        return self.number[:6]


def normalise(text: str) -> str:
    """Spaces gone, full-width to half-width, lower-case x to X."""
    s = unicodedata.normalize("NFKC", str(text))
    s = re.sub(r"[\s\-]", "", s)
    return s.upper()


def check_char(first17: str) -> str:
    """The check character for the first 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def upgrade15(number15: str) -> str:
    """A 15-digit legacy number as the 18-digit number it became (births 1900–1999)."""
    body = number15[:6] + "19" + number15[6:15]
    return body + check_char(body)


def parse_id(text: object, *, today: dt.date | None = None) -> IdNumber:
    """Validate and normalise an ID number; raise `IdNumberError` with the reason."""
    if isinstance(text, float):
        raise IdNumberError(
            "stored_as_number",
            "身份证号被 Excel 存成了数字，后几位已经丢失，请把该列设为文本后重新填写",
        )
    if isinstance(text, int):
        text = str(text)
    raw = "" if text is None else str(text)
    s = normalise(raw)
    if not s:
        raise IdNumberError("empty", "身份证号是空的")
    if re.fullmatch(r"\d(\.\d+)?E\+?\d+", s):
        raise IdNumberError(
            "stored_as_number",
            f"身份证号被 Excel 存成了数字（{raw}），后几位已经丢失，请把该列设为文本后重新填写",
        )
    upgraded_from = None
    if len(s) == 15:
        if not s.isdigit():
            raise IdNumberError("bad_chars", f"15位身份证号只能是数字：{raw}")
        upgraded_from = s
        s = upgrade15(s)
    if len(s) != 18:
        raise IdNumberError("bad_length", f"身份证号应为18位，实际{len(s)}位：{raw}", length=len(s))
    if not (s[:17].isdigit() and (s[17].isdigit() or s[17] == "X")):
        raise IdNumberError("bad_chars", f"身份证号前17位应为数字，最后一位为数字或X：{raw}")
    if int(s[:2]) not in PROVINCES:
        raise IdNumberError("bad_region", f"身份证号前两位 {s[:2]} 不是有效的省份代码")
    try:
        birth = dt.date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        raise IdNumberError(
            "bad_birth_date", f"身份证号中的出生日期 {s[6:14]} 不存在"
        ) from None
    today = today or dt.date.today()
    if birth.year < 1900 or birth > today:
        raise IdNumberError("bad_birth_date", f"身份证号中的出生日期 {s[6:14]} 不合理")
    expected = check_char(s[:17])
    if s[17] != expected:
        raise IdNumberError(
            "bad_check",
            f"身份证号校验位不对：最后一位应为 {expected}，实际为 {s[17]}",
            expected=expected,
        )
    sex = "男" if int(s[16]) % 2 == 1 else "女"
    return IdNumber(number=s, birth_date=birth, sex=sex, upgraded_from=upgraded_from)


def is_valid(text: object) -> bool:
    try:
        parse_id(text)
    except IdNumberError:
        return False
    return True


def age_on(birth: dt.date, on: dt.date) -> int:
    """Age in completed years (周岁) on `on`; someone born 29 Feb turns a year older on 1 Mar."""
    years = on.year - birth.year
    if (on.month, on.day) < (birth.month, birth.day):
        years -= 1
    return years


def mask_id(number: str) -> str:
    """3703**********1234, as public notices print them (DOMAIN: 1101**********1234): the
    province and city kept, county, birth date and sequence hidden, the last four kept."""
    s = normalise(number)
    if len(s) <= 8:
        return "*" * len(s)
    return s[:4] + "*" * (len(s) - 8) + s[-4:]
