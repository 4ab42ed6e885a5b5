"""Unified social credit codes (GB 32100) and phone numbers, as people type them."""

from __future__ import annotations

import re
import unicodedata

from app.errors import InputError

_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


class CreditCodeError(InputError):
    pass


class PhoneError(InputError):
    pass


def credit_check_char(first17: str) -> str:
    total = sum(_CREDIT_CHARS.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return _CREDIT_CHARS[(31 - total % 31) % 31]


def parse_credit_code(text: str) -> str:
    """Normalise and validate an 18-character unified social credit code."""
    s = re.sub(r"\s", "", unicodedata.normalize("NFKC", str(text or ""))).upper()
    if not s:
        raise CreditCodeError("empty", "统一社会信用代码是空的")
    if len(s) != 18:
        raise CreditCodeError("bad_length", f"统一社会信用代码应为18位，实际{len(s)}位：{text}")
    bad = [c for c in s if c not in _CREDIT_CHARS]
    if bad:
        raise CreditCodeError(
            "bad_chars", f"统一社会信用代码含有不允许的字符 {''.join(dict.fromkeys(bad))}（不用 I、O、Z、S、V）"
        )
    expected = credit_check_char(s[:17])
    if s[17] != expected:
        raise CreditCodeError(
            "bad_check", f"统一社会信用代码校验位不对：最后一位应为 {expected}，实际为 {s[17]}",
            expected=expected,
        )
    return s


def parse_phone(text: str) -> str:
    """A mobile (13812345678) or a landline with area code (0531-88776655).

    Spaces, dashes, brackets and a +86 prefix are tolerated; returns the
    normalised form.
    """
    raw = str(text or "")
    s = unicodedata.normalize("NFKC", raw)
    s = re.sub(r"[\s\-()（）]", "", s)
    if s.startswith("+86"):
        s = s[3:]
    elif s.startswith("0086"):
        s = s[4:]
    elif s.startswith("86") and len(s) == 13:
        s = s[2:]
    if not s:
        raise PhoneError("empty", "电话号码是空的")
    if not s.isdigit():
        raise PhoneError("bad_chars", f"电话号码只能包含数字：{raw}")
    if s.startswith("1"):
        if len(s) != 11:
            raise PhoneError("bad_length", f"手机号应为11位，实际{len(s)}位：{raw}")
        if s[1] not in "3456789":
            raise PhoneError("bad_prefix", f"手机号第二位应为3–9：{raw}")
        return s
    if s.startswith("0"):
        area_len = 3 if s.startswith(("010", "02")) else 4
        area, local = s[:area_len], s[area_len:]
        if len(local) not in (7, 8) or local.startswith(("0", "1")):
            raise PhoneError("bad_landline", f"固定电话应为区号加7–8位号码：{raw}")
        return f"{area}-{local}"
    raise PhoneError("no_area_code", f"固定电话请带区号（如 0531-88776655）：{raw}")
