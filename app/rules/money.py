"""Money: integer fen inside, yuan with two decimals only at the edges.

`parse_yuan` reads what people type into forms and spreadsheets, `format_fen`
writes 1,234.50 and `to_capitals` writes the amount in Chinese capitals as
accounting rules want it on receipts (壹仟零肆元伍角陆分).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from app.errors import InputError

#: The largest single amount accepted from a person: one hundred million yuan.
MAX_FEN = 100_000_000_00

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ["", "拾", "佰", "仟"]
_BIG_UNITS = ["", "万", "亿", "万亿"]

_PREFIXES = ("人民币", "rmb", "cny", "¥", "￥")
_SUFFIXES = ("元整", "元", "圆", "块", "整")
_NUMBER = re.compile(r"^(\d{1,3}(,\d{3})+|\d+)(\.\d*)?$|^\.\d+$")


class MoneyError(InputError):
    """An amount that cannot be read; `reason` is a short code for tests and callers."""


def parse_yuan(text: object, *, allow_zero: bool = False) -> int:
    """Read an amount in yuan as people type it and return integer fen.

    Accepts `1,234.5`, `¥300`, `300元`, full-width `３００`, `人民币300元`.
    Refuses negatives, more than two decimals, text and absurd sizes.
    """
    if isinstance(text, bool):
        raise MoneyError("not_a_number", "金额不是数字")
    if isinstance(text, int):
        raw = str(text)
    elif isinstance(text, float):
        if text != text or text in (float("inf"), float("-inf")):
            raise MoneyError("not_a_number", "金额不是数字")
        # A spreadsheet's float is its shortest repr (1234.5, 0.1): read that, never round it.
        # Binary noise from formulas (0.1+0.2 = 0.30000000000000004) shows as 15+ significant
        # digits and is rounded away; a real third decimal (650000.005) is refused below.
        d = Decimal(repr(text))
        if len(d.as_tuple().digits) >= 15 and d.as_tuple().exponent < -2:  # type: ignore[operator]
            d = d.quantize(Decimal("0.01"))
        raw = format(d, "f")
    elif isinstance(text, str):
        raw = text
    else:
        raise MoneyError("not_a_number", "金额不是数字")
    s = unicodedata.normalize("NFKC", raw).strip().replace(" ", "")
    s = s.replace("，", ",").replace("。", ".")
    if not s:
        raise MoneyError("empty", "金额是空的")
    if s.startswith("-") or s.startswith("负"):
        raise MoneyError("negative", f"金额不能为负数：{raw}")
    lowered = s.lower()
    changed = True
    while changed:
        changed = False
        for p in _PREFIXES:
            if lowered.startswith(p):
                s, lowered = s[len(p):], lowered[len(p):]
                changed = True
        for suf in _SUFFIXES:
            if s.endswith(suf):
                s, lowered = s[: -len(suf)], lowered[: -len(suf)]
                changed = True
    if s.startswith("+"):
        s = s[1:]
    if s.startswith("-"):
        raise MoneyError("negative", f"金额不能为负数：{raw}")
    if not s:
        raise MoneyError("empty", "金额是空的")
    if not _NUMBER.match(s):
        if re.fullmatch(r"[\d,]+(\.\d*)?", s):
            raise MoneyError("bad_grouping", f"千位分隔符位置不对：{raw}")
        raise MoneyError("not_a_number", f"金额不是数字：{raw}")
    whole, _, frac = s.replace(",", "").partition(".")
    frac = frac.rstrip("0") if len(frac) > 2 else frac
    if len(frac) > 2:
        raise MoneyError("too_many_decimals", f"金额最多两位小数（到分）：{raw}")
    fen = int(whole or "0") * 100 + int((frac + "00")[:2])
    if fen > MAX_FEN:
        raise MoneyError("too_large", f"金额过大：{raw}（单笔不超过 1 亿元）")
    if fen == 0 and not allow_zero:
        raise MoneyError("zero", "金额不能为零")
    return fen


def format_fen(fen: int, *, symbol: bool = False) -> str:
    """1234.5 yuan as fen (123450) → `1,234.50`; with symbol → `¥1,234.50`."""
    sign = "-" if fen < 0 else ""
    yuan, rest = divmod(abs(fen), 100)
    return f"{sign}{'¥' if symbol else ''}{yuan:,}.{rest:02d}"


def fen_to_yuan_str(fen: int) -> str:
    """Plain decimal yuan without grouping, `1234.50`, for files and JSON."""
    sign = "-" if fen < 0 else ""
    yuan, rest = divmod(abs(fen), 100)
    return f"{sign}{yuan}.{rest:02d}"


def _integer_capitals(n: int) -> str:
    """Capitals of a whole number of yuan, one 零 for each run of zeros."""
    if n == 0:
        return ""
    digits = str(n)
    if len(digits) > 16:
        raise MoneyError("too_large", "金额过大，无法写成大写")
    out: list[str] = []
    zero_pending = False
    group_has_digit = False
    length = len(digits)
    for i, ch in enumerate(digits):
        pos = length - 1 - i
        d = int(ch)
        small, big = pos % 4, pos // 4
        if d == 0:
            if out:
                zero_pending = True
        else:
            if zero_pending:
                out.append("零")
                zero_pending = False
            out.append(_DIGITS[d] + _SMALL_UNITS[small])
            group_has_digit = True
        if small == 0:
            if group_has_digit and big > 0:
                out.append(_BIG_UNITS[big])
            group_has_digit = False
    return "".join(out)


def to_capitals(fen: int, *, prefix: bool = False) -> str:
    """Amount in Chinese capitals: 100150 → 壹仟零壹元伍角整; 5 → 伍分."""
    if fen < 0:
        raise MoneyError("negative", "负数不能写成大写金额")
    yuan, rest = divmod(fen, 100)
    jiao, fen_digit = divmod(rest, 10)
    head = "人民币" if prefix else ""
    if fen == 0:
        return head + "零元整"
    text = _integer_capitals(yuan)
    if yuan:
        text += "元"
    if jiao == 0 and fen_digit == 0:
        return head + text + "整"
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif yuan:
        text += "零"
    if fen_digit:
        text += _DIGITS[fen_digit] + "分"
    else:
        text += "整"
    return head + text
