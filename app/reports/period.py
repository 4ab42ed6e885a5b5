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
