"""The period a report covers: both dates inclusive, either may be open."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from app import station
from app.db import Database
from app.errors import InputError


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

    def where(self, column: str) -> tuple[list[str], list[Any]]:
        """SQL conditions on an ISO date text column, and their parameters."""
        terms: list[str] = []
        params: list[Any] = []
        if self.date_from:
            terms.append(f"{column} >= ?")
            params.append(self.date_from.isoformat())
        if self.date_to:
            # Before the next day, so a date with a time after it still counts (and the index serves).
            terms.append(f"{column} < ?")
            params.append((self.date_to + dt.timedelta(days=1)).isoformat())
        return terms, params

    def to_dict(self) -> dict[str, str | None]:
        return {"from": self.date_from.isoformat() if self.date_from else None,
                "to": self.date_to.isoformat() if self.date_to else None}


def station_text(db: Database) -> str:
    st = station.get_station(db)
    return f"{st.name}（{st.station_code}）"
