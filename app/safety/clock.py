"""Is the PC's clock plausible? A dead CMOS battery sets it back years, and receipts take their
year and every record its date from it: before recording anything, compare it with the newest
record (the last audit entry, written at every change)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from app.db import Database

#: Clocks drift and PCs change time zone: a few minutes behind the last record is not a problem.
TOLERANCE = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class ClockProblem:
    now: dt.datetime
    newest: dt.datetime

    @property
    def message(self) -> str:
        return (f"电脑的时间（{self.now:%Y年%m月%d日 %H:%M}）比数据库里最新的记录"
                f"（{self.newest:%Y年%m月%d日 %H:%M}）还早，电脑的时钟可能不对（主板电池没电？）。"
                "捐赠日期和收据年份都取自电脑时间：请先把电脑的日期和时间改对，再登记。")

    def to_dict(self) -> dict[str, Any]:
        return {"now": self.now.isoformat(timespec="seconds"), "newest": self.newest.isoformat(timespec="seconds"),
                "message": self.message}


def newest_record(db: Database) -> dt.datetime | None:
    at = db.scalar("SELECT at FROM audit_log ORDER BY seq DESC LIMIT 1")
    try:
        return dt.datetime.fromisoformat(at) if at else None
    except ValueError:
        return None


def check(db: Database, now: dt.datetime | None = None) -> ClockProblem | None:
    """A `ClockProblem` when the clock is earlier than the newest record, else None."""
    newest = newest_record(db)
    if newest is None:
        return None
    current = now or dt.datetime.now().astimezone()
    if newest.tzinfo is None:
        newest = newest.astimezone()
    if current.tzinfo is None:
        current = current.astimezone()
    if current + TOLERANCE < newest:
        return ClockProblem(current, newest)
    return None
