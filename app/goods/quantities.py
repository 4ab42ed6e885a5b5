"""Exact goods quantities: decimal text as people type it ↔ integer thousandths of the unit."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

#: Quantities are kept in thousandths of the unit, so sums are exact integers.
MILLI = 1000
_NUMBER = re.compile(r"\d+(?:\.\d{1,3})?|\.\d{1,3}")
_PACK_PART = re.compile(r"^(?P<item>.+?)\s*(?P<qty>\d+(?:\.\d{1,3})?)\s*(?P<unit>[^\d\s]*)$")


def parse_quantity(text: object, what: str = "数量", *, allow_zero: bool = False) -> int:
    """'10', '2.5', '0.125' → thousandths; words, negatives, zero and more than 3 decimals are refused."""
    from app.errors import InputError

    s = str(text if text is not None else "").strip().replace("，", "").replace(",", "")
    if s.startswith("-") or s.startswith("－"):
        raise InputError("negative_quantity", f"{what}不能是负数：{text}")
    if not _NUMBER.fullmatch(s):
        raise InputError("bad_quantity", f"{what}应写成阿拉伯数字，如 10 或 2.5（最多三位小数）：{text}")
    try:
        milli = int(Decimal(s) * MILLI)
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        raise InputError("bad_quantity", f"{what}不是数字：{text}") from None
    if milli == 0 and not allow_zero:
        raise InputError("zero_quantity", f"{what}应大于零：{text}")
    return milli


def as_decimal(milli: int) -> Decimal:
    """Thousandths → the quantity as an exact Decimal without trailing zeros (10, 2.5)."""
    d = (Decimal(milli) / MILLI).normalize()
    return d.quantize(Decimal(1)) if d == d.to_integral_value() else d


def format_quantity(milli: int) -> str:
    return format(as_decimal(milli), "f")


def parse_pack(text: str) -> list[tuple[str, str, int]]:
    """A goods programme's pack, as typed on the programme ('大米 10 公斤、食用油 1 桶'), as
    (item, unit, thousandths) per part; parts without a number are left out (not counted in stock)."""
    out: list[tuple[str, str, int]] = []
    for part in re.split(r"[、，,;；+＋/]", text or ""):
        m = _PACK_PART.match(part.strip())
        if m and m.group("item").strip():
            milli = int(Decimal(m.group("qty")) * MILLI)
            if milli:
                out.append((m.group("item").strip(), m.group("unit").strip(), milli))
    return out
