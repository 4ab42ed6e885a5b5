"""Pinyin keys for searching names: initials (`wxy`) and full (`wangxiuying`).

pypinyin is imported on first use (it is slow to load) and each character's
reading is cached, so bulk loads of 100,000 names stay fast.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

_lazy: Any = None


def _pinyin_module() -> Any:
    global _lazy
    if _lazy is None:
        import pypinyin

        _lazy = pypinyin
    return _lazy


@lru_cache(maxsize=20000)
def _char(ch: str) -> str:
    if ord(ch) < 128:
        return ch.lower() if ch.isalnum() else ""
    p = _pinyin_module()
    out = p.lazy_pinyin(ch, style=p.Style.NORMAL, errors="ignore")
    return out[0].lower() if out else ""


@lru_cache(maxsize=200000)
def keys(name: str) -> tuple[str, str]:
    """(initials, full) for a name: 王秀英 → ('wxy', 'wangxiuying')."""
    parts = [_char(ch) for ch in name or ""]
    parts = [x for x in parts if x]
    return "".join(x[0] for x in parts), "".join(parts)


def search_text(*fields: str) -> str:
    """One lower-case string that LIKE '%q%' searches over: fields joined by a separator."""
    return "|".join(f.lower() for f in fields if f)


def contains_pattern(term: str) -> str:
    """A LIKE pattern (with ESCAPE '\\') matching `term` anywhere, its % and _ taken literally."""
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
