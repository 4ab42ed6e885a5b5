"""Figures for the home page: a few fast, indexed queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from app.db import Database


@dataclass(frozen=True)
class Overview:
    recipients_active: int
    donations_this_year: int
    received_this_year_fen: int
    donations_today: int
    received_today_fen: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def overview(db: Database, today: dt.date | None = None) -> Overview:
    today = today or dt.date.today()
    year_start = today.replace(month=1, day=1).isoformat()
    y = db.one("SELECT count(*), coalesce(sum(amount_fen), 0) FROM donations"
               " WHERE status = 'active' AND donated_on >= ? AND donated_on <= ?",
               (year_start, today.isoformat()))
    d = db.one("SELECT count(*), coalesce(sum(amount_fen), 0) FROM donations"
               " WHERE status = 'active' AND donated_on = ?", (today.isoformat(),))
    active = db.scalar("SELECT count(*) FROM recipients WHERE status = 'active'")
    assert y is not None and d is not None
    return Overview(int(active), int(y[0]), int(y[1]), int(d[0]), int(d[1]))
