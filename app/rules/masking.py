"""Masking personal details for anything that leaves the station: notices, receipts, lists.

Names keep their first and last character (张*明, 欧**娜) — two-character names
keep the surname (王*) — as public notices (公示) print them; anonymous givers
stay 匿名爱心人士 and organisations are not masked. ID numbers: `mask_id`.
"""

from __future__ import annotations

import re

from app.rules.idcard import mask_id

__all__ = ["ANONYMOUS", "mask_donor", "mask_id", "mask_name", "mask_phone"]

ANONYMOUS = "匿名爱心人士"
_ANONYMOUS_WORDS = {"", "匿名", "匿名爱心人士", "匿名人士", "爱心人士（匿名）"}
_LATIN = re.compile(r"^[A-Za-z][A-Za-z .'\-]*$")


def mask_name(name: str) -> str:
    """张三明 → 张*明, 王五 → 王*, 欧阳娜娜 → 欧**娜, 买买提·艾力 → 买**·*力."""
    n = (name or "").strip()
    if n in _ANONYMOUS_WORDS:
        return ANONYMOUS
    if _LATIN.match(n):
        return " ".join(w[0] + "*" * (len(w) - 1) for w in n.split())
    chars = list(n)
    if len(chars) == 1:
        return chars[0] + "*"
    if len(chars) == 2:
        return chars[0] + "*"
    return chars[0] + "".join("·" if ch in "·•." else "*" for ch in chars[1:-1]) + chars[-1]


def mask_donor(name: str, kind: str) -> str:
    """A donor as a public list shows them: persons masked, organisations in full."""
    if kind == "anonymous":
        return ANONYMOUS
    if kind == "enterprise":
        return (name or "").strip()
    return mask_name(name)


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678; landlines keep their last four digits."""
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) == 11 and digits.startswith("1"):
        return digits[:3] + "****" + digits[-4:]
    if len(digits) > 4:
        return "*" * (len(digits) - 4) + digits[-4:]
    return "*" * len(digits)
