"""The period a report covers: both dates inclusive, either may be open."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from app.db import Database
from app.errors import InputError
from app.station import station


@dataclass(frozen=True)
class Period:
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def __post_init__(self) -> None:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise InputError("bad_period", f"起始日期 {self.date_from} 晚于截止日期 {self.date_to}")

    @property
    def text(self) -> str:
        """2024-01-01 至 2024-12-31, 2024-01-01 起, 截至 2024-12-31, or '' for everything."""
        if self.date_from and self.date_to:
            return f"{self.date_from.isoformat()} 至 {self.date_to.isoformat()}"
        if self.date_from:
            return f"{self.date_from.isoformat()} 起"
        if self.date_to:
            return f"截至 {self.date_to.isoformat()}"
        return ""

    @property
    def stop_text(self) -> str | None:
        """The day after the period as ISO text (compare with `<`, so a date with a time on the last
        day still counts); None when the period has no end (or ends on the last day there is)."""
        if self.date_to is None or self.date_to == dt.date.max:
            return None
        return (self.date_to + dt.timedelta(days=1)).isoformat()

    def where(self, column: str) -> tuple[list[str], list[Any]]:
        """SQL conditions on an ISO date text column, and their parameters."""
        terms: list[str] = []
        params: list[Any] = []
        if self.date_from:
            terms.append(f"{column} >= ?")
            params.append(self.date_from.isoformat())
        if self.stop_text:  # before the next day, so the index serves
            terms.append(f"{column} < ?")
            params.append(self.stop_text)
        return terms, params

    def to_dict(self) -> dict[str, str | None]:
        return {"from": self.date_from.isoformat() if self.date_from else None,
                "to": self.date_to.isoformat() if self.date_to else None}


def station_text(db: Database) -> str:
    st = station.get_station(db)
    return f"{st.name}（{st.station_code}）"


def preset_dates(name: str, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """The first and last day of a named period (None, None for 全部)."""
    if name == "今年":
        return today.replace(month=1, day=1), today.replace(month=12, day=31)
    if name == "去年":
        return dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31)
    if name in ("本月", "上月"):
        first = today.replace(day=1)
        if name == "上月":
            first = (first - dt.timedelta(days=1)).replace(day=1)
        nxt = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return first, nxt - dt.timedelta(days=1)
    if name in ("本季度", "上季度"):
        first = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
        if name == "上季度":
            before = first - dt.timedelta(days=1)
            first = before.replace(month=(before.month - 1) // 3 * 3 + 1, day=1)
        nxt = first.replace(year=first.year + 1, month=1) if first.month == 10 else first.replace(month=first.month + 3)
        return first, nxt - dt.timedelta(days=1)
    return None, None
