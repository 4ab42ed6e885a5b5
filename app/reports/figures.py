"""Totals by month and by fund, programme, category and village: the figures behind the annual
report (`app.reports.annual`) and the charts on the home and report pages.

Every figure is in fen and counts what the ledgers' 合计 rows count: valid (not
voided) donations by their donation date, and aid lines that hold money
(待领取, 已签领, 已转账, 代领) of confirmed distributions by their distribution
date. A period longer than 24 months is bucketed by year instead of by month.
Each query is one GROUP BY over an indexed date range, so 100,000 records take
a fraction of a second.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from app.db import Database
from app.donations.donations import DIRECTED_SQL
from app.programmes.eligibility import MONEY_STATUSES
from app.reports.period import Period

#: Buckets of a longer period are years.
MAX_MONTHS = 24
#: A period longer than this many years is narrowed to the records in it.
WIDE_YEARS = 30
NO_VILLAGE = "（未填村）"
NO_CATEGORY = "（无类别）"
NO_FUND = "（未指定基金）"
_MONEY_SQL = "(" + ", ".join(f"'{s}'" for s in sorted(MONEY_STATUSES)) + ")"


@dataclass(frozen=True)
class Bucket:
    key: str  # '2024-03' or '2024'
    label: str  # '3月', '2024年3月' or '2024年'


@dataclass(frozen=True)
class MonthRow:
    bucket: Bucket
    donations: int
    cash_fen: int
    goods_fen: int
    directed_fen: int
    aid_lines: int
    aid_fen: int
    other_out_fen: int = 0  # direct payments to a person and spending (支出), from the fund journal

    @property
    def received_fen(self) -> int:
        return self.cash_fen + self.goods_fen


@dataclass(frozen=True)
class PivotRow:
    """One fund, programme, category or village: its money per bucket and in all."""

    name: str
    by_bucket: tuple[int, ...]
    count: int

    @property
    def total_fen(self) -> int:
        return sum(self.by_bucket)


def span(db: Database, period: Period) -> tuple[dt.date, dt.date] | None:
    """The first and last day the period covers; open ends close on the first and last record,
    and so do the ends of a period of more than `WIDE_YEARS` years (0001-01-01 to 9999-12-31
    would be 9,999 empty bars)."""
    start, stop = period.date_from, period.date_to
    wide = start is not None and stop is not None and stop.year - start.year > WIDE_YEARS
    if start is None or stop is None or wide:
        row = db.one(
            "SELECT min(m), max(m) FROM ("
            " SELECT min(donated_on) AS m FROM donations WHERE status = 'active'"
            " UNION ALL SELECT max(donated_on) FROM donations WHERE status = 'active'"
            " UNION ALL SELECT min(distributed_on) FROM distributions WHERE status = 'confirmed'"
            " UNION ALL SELECT max(distributed_on) FROM distributions WHERE status = 'confirmed')")
        if row is None or row[0] is None:
            if start is None and stop is None:
                return None
            start = start or stop
            stop = stop or start
        else:
            first, last = dt.date.fromisoformat(row[0][:10]), dt.date.fromisoformat(row[1][:10])
            start = first if start is None else max(start, first) if wide else start
            stop = last if stop is None else min(stop, last) if wide else stop
    assert start is not None and stop is not None
    return (start, stop) if start <= stop else (start, start)


def buckets(db: Database, period: Period) -> list[Bucket]:
    """The months (or, over more than 24 months, the years) the period covers, in order."""
    s = span(db, period)
    if s is None:
        return []
    start, stop = s
    months = (stop.year - start.year) * 12 + stop.month - start.month + 1
    if months > MAX_MONTHS:
        return [Bucket(f"{y:04d}", f"{y}年") for y in range(start.year, stop.year + 1)]
    out: list[Bucket] = []
    y, m = start.year, start.month
    one_year = start.year == stop.year
    for _ in range(months):
        out.append(Bucket(f"{y:04d}-{m:02d}", f"{m}月" if one_year else f"{y}年{m}月"))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _key_sql(column: str, bs: list[Bucket]) -> str:
    return f"substr({column}, 1, {len(bs[0].key)})"


def _where(period: Period, column: str) -> tuple[str, list[Any]]:
    terms, params = period.where(column)
    return "".join(f" AND {t}" for t in terms), params


def by_month(db: Database, period: Period) -> list[MonthRow]:
    """One row per bucket, every bucket present (zeros where nothing happened)."""
    bs = buckets(db, period)
    if not bs:
        return []
    where, params = _where(period, "donated_on")
    gifts = {r[0]: r[1:] for r in db.query(
        f"SELECT {_key_sql('donated_on', bs)} AS k, count(*),"
        " COALESCE(sum(CASE WHEN kind = 'cash' THEN amount_fen END), 0),"
        " COALESCE(sum(CASE WHEN kind = 'goods' THEN amount_fen END), 0),"
        f" COALESCE(sum(CASE WHEN {DIRECTED_SQL} THEN amount_fen END), 0)"
        f" FROM donations d WHERE status = 'active'{where} GROUP BY k", params)}
    where, params = _where(period, "x.distributed_on")
    aid = {r[0]: r[1:] for r in db.query(
        f"SELECT {_key_sql('x.distributed_on', bs)} AS k, count(*), COALESCE(sum(b.amount_fen), 0)"
        " FROM distributions x JOIN disbursements b ON b.distribution_id = x.id"
        f" WHERE x.status = 'confirmed' AND b.status IN {_MONEY_SQL}{where} GROUP BY k", params)}
    where, params = _where(period, "s.paid_on")
    for k, n, fen in db.query(
            f"SELECT {_key_sql('s.paid_on', bs)} AS k, count(*), COALESCE(sum(l.subsidy_fen), 0)"
            f"{_MEALS_FROM}{where} GROUP BY k", params):
        a0 = aid.get(k, (0, 0))
        aid[k] = (int(a0[0]) + int(n), int(a0[1]) + int(fen))
    where, params = _where(period, "on_date")
    other = {r[0]: -int(r[1]) for r in db.query(
        f"SELECT {_key_sql('on_date', bs)} AS k, COALESCE(sum(amount_fen), 0) FROM fund_journal"
        " WHERE kind IN ('payment', 'payment_reversal', 'spending', 'spending_reversal')"
        f"{where} GROUP BY k", params)}
    rows = []
    for b in bs:
        g = gifts.get(b.key, (0, 0, 0, 0))
        a = aid.get(b.key, (0, 0))
        rows.append(MonthRow(b, int(g[0]), int(g[1]), int(g[2]), int(g[3]), int(a[0]), int(a[1]),
                             other.get(b.key, 0)))
    return rows


def spending_by_purpose(db: Database, period: Period) -> list[PivotRow]:
    """Money out that is not a distribution day: spending by its purpose, direct payments as 定向拨付."""
    bs = buckets(db, period)
    if not bs:
        return []
    w1, p1 = _where(period, "spent_on")
    w2, p2 = _where(period, "paid_on")
    return _pivot(db, bs,
                  f"SELECT purpose, {_key_sql('spent_on', bs)}, count(*), sum(amount_fen) FROM fund_spending"
                  f" WHERE status = 'active'{w1} GROUP BY 1, 2"
                  f" UNION ALL SELECT '定向拨付', {_key_sql('paid_on', bs)}, count(*), sum(amount_fen)"
                  f" FROM fund_payments WHERE status = 'active'{w2} GROUP BY 1, 2", p1 + p2)


def transfers_by_fund(db: Database, period: Period) -> list[PivotRow]:
    """Each fund's transfers (调拨), in (+) and out (−), per bucket: the station's total is 0."""
    bs = buckets(db, period)
    if not bs:
        return []
    where, params = _where(period, "j.on_date")
    return _pivot(db, bs,
                  f"SELECT f.name, {_key_sql('j.on_date', bs)}, count(*), sum(j.amount_fen) FROM fund_journal j"
                  " JOIN funds f ON f.id = j.fund_id WHERE j.kind IN ('transfer_in', 'transfer_out')"
                  f"{where} GROUP BY 1, 2", params, _fund_order(db))


def _pivot(db: Database, bs: list[Bucket], sql: str, params: list[Any],
           order: list[str] | None = None) -> list[PivotRow]:
    """Rows (name, bucket key, count, fen) → one PivotRow per name.

    With `order`, those names come first in that order (even with nothing in them);
    the rest follow by total, largest first.
    """
    index = {b.key: i for i, b in enumerate(bs)}
    money: dict[str, list[int]] = {name: [0] * len(bs) for name in order or []}
    counts: dict[str, int] = dict.fromkeys(order or [], 0)
    for name, key, count, fen in db.query(sql, params):
        if key not in index:
            continue
        money.setdefault(name, [0] * len(bs))[index[key]] += int(fen)
        counts[name] = counts.get(name, 0) + int(count)
    rows = [PivotRow(name, tuple(v), counts[name]) for name, v in money.items()]
    fixed = {name: i for i, name in enumerate(order or [])}
    rows.sort(key=lambda r: (0, fixed[r.name], 0, "") if r.name in fixed else (1, 0, -r.total_fen, r.name))
    return rows


def _fund_order(db: Database) -> list[str]:
    return [r[0] for r in db.query(
        "SELECT name FROM funds ORDER BY CASE kind WHEN 'general' THEN 0 WHEN 'named' THEN 1 ELSE 2 END,"
        " is_default DESC, name")]


def received_by_fund(db: Database, period: Period) -> list[PivotRow]:
    """Valid donations per fund (every fund listed, even with nothing received)."""
    bs = buckets(db, period)
    if not bs:
        return []
    where, params = _where(period, "d.donated_on")
    return _pivot(db, bs,
                  f"SELECT f.name, {_key_sql('d.donated_on', bs)} AS k, count(*), COALESCE(sum(d.amount_fen), 0)"
                  " FROM donations d JOIN funds f ON f.id = d.fund_id"
                  f" WHERE d.status = 'active'{where} GROUP BY f.name, k", params, _fund_order(db))


_AID_FROM = (" FROM distributions x JOIN disbursements b ON b.distribution_id = x.id"
             " JOIN programmes p ON p.id = x.programme_id"
             " LEFT JOIN funds f ON f.id = COALESCE(x.fund_id, p.fund_id)"
             f" WHERE x.status = 'confirmed' AND b.status IN {_MONEY_SQL}")


#: Meal subsidies (助餐补贴) paid by confirmed statements count as aid, one line per person and month,
#: on the day the statement was paid.
_MEALS_FROM = (" FROM meal_statement_lines l JOIN meal_statements s ON s.id = l.statement_id"
               " JOIN funds f ON f.id = s.fund_id JOIN meal_canteens c ON c.id = s.canteen_id"
               " JOIN recipients r ON r.id = l.recipient_id WHERE s.status = 'confirmed'")
MEALS = "助餐补贴"


def _aid_pivot(db: Database, period: Period, name_sql: str, order: list[str] | None = None, *,
               meal_name_sql: str = f"'{MEALS}'") -> list[PivotRow]:
    bs = buckets(db, period)
    if not bs:
        return []
    where, params = _where(period, "x.distributed_on")
    mwhere, mparams = _where(period, "s.paid_on")
    return _pivot(db, bs,
                  f"SELECT {name_sql} AS grp, {_key_sql('x.distributed_on', bs)} AS k, count(*),"
                  f" COALESCE(sum(b.amount_fen), 0){_AID_FROM}{where} GROUP BY grp, k"
                  f" UNION ALL SELECT {meal_name_sql} AS grp, {_key_sql('s.paid_on', bs)} AS k, count(*),"
                  f" COALESCE(sum(l.subsidy_fen), 0){_MEALS_FROM}{mwhere} GROUP BY grp, k", params + mparams, order)


def meals_by_canteen_and_tier(db: Database, period: Period) -> list[PivotRow]:
    """Meal subsidies per canteen and tier (助餐点 · 档次), by the day each statement was paid."""
    bs = buckets(db, period)
    if not bs:
        return []
    where, params = _where(period, "s.paid_on")
    return _pivot(db, bs,
                  f"SELECT c.name || ' · ' || CASE WHEN l.tier = '' THEN '无档次' ELSE l.tier END AS grp,"
                  f" {_key_sql('s.paid_on', bs)} AS k, count(*), COALESCE(sum(l.subsidy_fen), 0)"
                  f"{_MEALS_FROM}{where} GROUP BY grp, k", params)


def aid_by_fund(db: Database, period: Period) -> list[PivotRow]:
    """Aid paid per fund, as the aid ledger names it (the distribution's fund, else its programme's)."""
    rows = _aid_pivot(db, period, f"COALESCE(f.name, '{NO_FUND}')", meal_name_sql="f.name")
    order = {name: i for i, name in enumerate(_fund_order(db))}
    return sorted(rows, key=lambda r: (order.get(r.name, len(order)), r.name))


def aid_by_programme(db: Database, period: Period) -> list[PivotRow]:
    return _aid_pivot(db, period, "p.name")


def aid_by_category(db: Database, period: Period) -> list[PivotRow]:
    """Aid per person's first category as printed on the sign-off sheet (so each line counts once)."""
    first = ("CASE WHEN b.categories = '' THEN '" + NO_CATEGORY + "'"
             " WHEN instr(b.categories, '、') > 0 THEN substr(b.categories, 1, instr(b.categories, '、') - 1)"
             " ELSE b.categories END")
    meal_first = (f"COALESCE((SELECT g.name FROM recipient_categories rc JOIN categories g ON g.id = rc.category_id"
                  f" WHERE rc.recipient_id = l.recipient_id ORDER BY g.sort_order, g.name LIMIT 1), '{NO_CATEGORY}')")
    rows = _aid_pivot(db, period, first, meal_name_sql=meal_first)
    order = {r[0]: r[1] for r in db.query("SELECT name, sort_order FROM categories")}
    return sorted(rows, key=lambda r: (r.name == NO_CATEGORY, order.get(r.name, 10**9), -r.total_fen, r.name))


def aid_by_village(db: Database, period: Period) -> list[PivotRow]:
    return _aid_pivot(db, period, f"CASE WHEN b.village = '' THEN '{NO_VILLAGE}' ELSE b.village END",
                      meal_name_sql=f"CASE WHEN r.village = '' THEN '{NO_VILLAGE}' ELSE r.village END")
