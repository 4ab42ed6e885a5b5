"""What needs doing (首页提醒): the few things a volunteer should look at today, each with the page
where it is done. Counted with indexed queries at open; the home page only shows them.

Birthdays (80, or any running programme's minimum age, this month); wishes open too long and claims
past their contact deadline; pledges overdue; funds low (below the station's threshold or below
what running programmes' budgets still need); receipts recorded but never printed; the last backup
older than 7 days; children in the register who turn 18 this year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from app.db import Database
from app.funds import funds
from app.rules.money import format_fen
from app.safety import backup
from app.station import station
from app.wishes import pledges, wishes

#: The page each reminder is done on (the window maps these to its pages).
PAGES = ("recipients", "wishes", "funds", "donations", "backups")
BIRTHDAY_AGE = 80
BACKUP_DAYS = 7
ADULT_AGE = 18


@dataclass(frozen=True)
class Reminder:
    kind: str
    text: str
    count: int
    page: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _one(db: Database, sql: str, params: Any = ()) -> int:
    return int(db.scalar(sql, params) or 0)


def _month_range(year: int, month: int) -> tuple[str, str]:
    first = dt.date(year, month, 1)
    last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return first.isoformat(), last.isoformat()


def birthday_ages(db: Database) -> list[int]:
    """80, and the minimum age of each running programme."""
    ages = {BIRTHDAY_AGE} | {int(a) for (a,) in db.tuples(
        "SELECT DISTINCT rule_min_age FROM programmes WHERE status = 'active' AND rule_min_age > 0")}
    return sorted(ages)


def birthdays(db: Database, today: dt.date) -> list[Reminder]:
    out = []
    for age in birthday_ages(db):
        try:
            lo, hi = _month_range(today.year - age, today.month)
        except ValueError:
            continue
        n = _one(db, "SELECT count(*) FROM recipients WHERE status = 'active' AND birth_date BETWEEN ? AND ?",
                 (lo, hi))
        if n:
            out.append(Reminder("birthday", f"本月满 {age} 岁的受助对象 {n} 人", n, "recipients"))
    return out


def wish_reminders(db: Database, today: dt.date) -> list[Reminder]:
    out = []
    since = (today - dt.timedelta(days=wishes.OPEN_TOO_LONG_DAYS)).isoformat()
    n = _one(db, "SELECT count(*) FROM wishes WHERE state = 'published' AND COALESCE(published_on,"
                 " substr(created_at, 1, 10)) < ?", (since,))
    if n:
        out.append(Reminder("wish_open", f"已发布超过 {wishes.OPEN_TOO_LONG_DAYS} 天无人认领的心愿 {n} 个", n, "wishes"))
    n = _one(db, "SELECT count(*) FROM wishes w JOIN wish_claims c ON c.id = w.claim_id WHERE w.state = 'claimed'"
                 " AND c.contact_by < ?", (today.isoformat(),))
    if n:
        out.append(Reminder("claim_overdue", f"认领后超过联系期限的心愿 {n} 个", n, "wishes"))
    return out


def pledge_reminders(db: Database, today: dt.date) -> list[Reminder]:
    late = [p for p in pledges.list_pledges(db) if p.overdue(today)]
    if not late:
        return []
    owed = sum(p.outstanding_fen for p in late)
    return [Reminder("pledge_overdue", f"逾期未到账的认捐 {len(late)} 项，共差 ¥{format_fen(owed)}", len(late),
                     "wishes")]


def fund_reminders(db: Database) -> list[Reminder]:
    low = int(station.get_setting(db, "fund_low_fen"))
    need = {fid: int(n) for fid, n in db.tuples(
        "SELECT p.fund_id, sum(max(0, p.budget_fen - COALESCE((SELECT sum(x.total_fen) FROM distributions x"
        " WHERE x.programme_id = p.id AND x.status = 'confirmed'), 0))) FROM programmes p"
        " WHERE p.status = 'active' AND p.budget_fen > 0 GROUP BY p.fund_id")}
    out = []
    for f in funds.list_funds(db):
        wanted = need.get(f.id, 0)
        if wanted and f.balance_fen < wanted:
            out.append(Reminder("fund_short", f"基金“{f.name}”余额 ¥{format_fen(f.balance_fen)}，不够进行中项目还需的 "
                                              f"¥{format_fen(wanted)}", 1, "funds"))
        elif f.balance_fen < low:
            out.append(Reminder("fund_low", f"基金“{f.name}”余额 ¥{format_fen(f.balance_fen)}，低于提醒线 "
                                            f"¥{format_fen(low)}", 1, "funds"))
    return out


def receipt_reminders(db: Database) -> list[Reminder]:
    n = _one(db, "SELECT count(*) FROM receipts WHERE status = 'issued' AND print_count = 0")
    return [Reminder("unprinted", f"已登记但还没打印的收据 {n} 张", n, "donations")] if n else []


def backup_reminders(db_path: str | Path | None, station_code: str, now: dt.datetime) -> list[Reminder]:
    if not db_path:
        return []
    found = backup.list_backups(backup.folder_for(db_path), station_code)
    if not found:
        return [Reminder("backup", "还没有备份过数据", 1, "backups")]
    days = (now - found[0].taken_at).days
    if days > BACKUP_DAYS:
        return [Reminder("backup", f"最近一次备份是 {days} 天前（{found[0].taken_at:%Y-%m-%d}）", days, "backups")]
    return []


def adults(db: Database, today: dt.date) -> list[Reminder]:
    year = today.year - ADULT_AGE
    n = _one(db, "SELECT count(*) FROM recipients WHERE status = 'active' AND birth_date BETWEEN ? AND ?",
             (f"{year}-01-01", f"{year}-12-31"))
    return [Reminder("adult", f"今年满 {ADULT_AGE} 岁的受助儿童 {n} 人", n, "recipients")] if n else []


def reminders(db: Database, *, today: dt.date | None = None, now: dt.datetime | None = None) -> list[Reminder]:
    """Everything that needs doing, in the order a volunteer would take it."""
    today = today or dt.date.today()
    now = now or dt.datetime.now()
    code = station.get_station(db).station_code
    return [*birthdays(db, today), *wish_reminders(db, today), *pledge_reminders(db, today), *fund_reminders(db),
            *receipt_reminders(db), *backup_reminders(getattr(db, "path", None), code, now), *adults(db, today)]
