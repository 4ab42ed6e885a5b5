"""发放台账: the aid ledger, one row per disbursement line of every confirmed distribution, then
one row per person of every paid meal statement (助餐补贴, dated the day it was paid).

Lines that hold money (待领取, 已签领, 已转账, 代领) count in the 合计 row;
reversed (已冲销) and not-collected (未领取) lines are listed but not counted.
With `mask`, names (recipient and proxy) and ID numbers are masked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from app.db import Database
from app.excel import Column, Report, Written, write_table
from app.programmes.distributions import LINE_STATUS_NAMES
from app.programmes.eligibility import MONEY_STATUSES
from app.reports.period import Period, station_text
from app.rules.masking import mask_id, mask_name

TITLE = "发放台账"
COLUMNS: tuple[Column, ...] = (
    Column("发放日期", "date", width=12),
    Column("救助项目"),
    Column("基金"),
    Column("序号", "int", width=6),
    Column("姓名"),
    Column("身份证号", width=22),
    Column("村（社区）"),
    Column("人员类别"),
    Column("金额（元）", "money", total=True),
    Column("物资"),
    Column("领取状态", width=10),
    Column("计入合计", width=9),
    Column("代领人"),
    Column("备注"),
)
_COUNTED = [c.header for c in COLUMNS].index("计入合计")
_MONEY_SQL = "(" + ", ".join(f"'{s}'" for s in sorted(MONEY_STATUSES)) + ")"

_SQL = """
SELECT d.distributed_on, p.name, f.name, b.line_no, b.name, b.id_number, b.village, b.categories,
       b.amount_fen, b.goods, b.status, b.proxy_name, b.proxy_note, b.reason, b.reversal_reason
  FROM disbursements b
  JOIN distributions d ON d.id = b.distribution_id
  JOIN programmes p ON p.id = d.programme_id
  LEFT JOIN funds f ON f.id = COALESCE(d.fund_id, p.fund_id)
 WHERE d.status = 'confirmed' {where}
 ORDER BY d.distributed_on, d.created_at, d.id, b.line_no
"""


def _note(status: str, proxy_note: str, reason: str, reversal_reason: str) -> str | None:
    parts = [t for t in (reason, proxy_note if status == "proxy" else "",
                         f"冲销原因：{reversal_reason}" if reversal_reason else "") if t]
    return "；".join(parts) or None


def iter_rows(db: Database, period: Period, *, mask: bool = False) -> Iterator[list[Any]]:
    terms, params = period.where("d.distributed_on")
    cur = db.tuples(_SQL.format(where="".join(f" AND {t}" for t in terms)), params)
    for (on, programme, fund, line_no, name, id_number, village, categories, amount, goods, status,
         proxy_name, proxy_note, reason, reversal_reason) in cur:
        if mask:
            name = mask_name(name)
            id_number = mask_id(id_number) if id_number else id_number
            proxy_name = mask_name(proxy_name) if proxy_name else proxy_name
        yield [on, programme, fund, line_no, name, id_number or None, village or None, categories or None,
               amount, goods or None, LINE_STATUS_NAMES.get(status, status),
               "是" if status in MONEY_STATUSES else "否", proxy_name or None,
               None if mask else _note(status, proxy_note, reason, reversal_reason)]

    yield from _meal_rows(db, period, mask=mask)


_MEALS_SQL = """
SELECT s.paid_on, c.name, f.name, l.line_no, r.name, COALESCE(r.id_number, ''), r.village,
       (SELECT group_concat(g.name, '、') FROM recipient_categories rc JOIN categories g ON g.id = rc.category_id
         WHERE rc.recipient_id = r.id), l.subsidy_fen, s.month, l.meals, s.status, s.reversal_reason
  FROM meal_statement_lines l
  JOIN meal_statements s ON s.id = l.statement_id
  JOIN meal_canteens c ON c.id = s.canteen_id
  JOIN funds f ON f.id = s.fund_id
  JOIN recipients r ON r.id = l.recipient_id
 WHERE 1 {where}
 ORDER BY s.paid_on, s.created_at, l.line_no
"""


def _meal_rows(db: Database, period: Period, *, mask: bool) -> Iterator[list[Any]]:
    terms, params = period.where("s.paid_on")
    for (on, canteen, fund, line_no, name, id_number, village, categories, amount, month, meals, status,
         reason) in db.tuples(_MEALS_SQL.format(where="".join(f" AND {t}" for t in terms)), params):
        live = status == "confirmed"
        if mask:
            name, id_number = mask_name(name), mask_id(id_number) if id_number else id_number
        yield [on, f"助餐补贴：{canteen}", fund, line_no, name, id_number or None, village or None,
               categories or None, amount, f"{month} 补贴 {meals} 餐", "已转账" if live else "已冲销",
               "是" if live else "否", None, None if mask or live else f"冲销原因：{reason}"]


def counted(row: Sequence[Any]) -> bool:
    return row[_COUNTED] == "是"


def summary(db: Database, period: Period) -> dict[str, int]:
    terms, params = period.where("d.distributed_on")
    row = db.one(
        f"SELECT count(*) FILTER (WHERE b.status IN {_MONEY_SQL}),"
        f" COALESCE(sum(b.amount_fen) FILTER (WHERE b.status IN {_MONEY_SQL}), 0),"
        f" count(*) FILTER (WHERE b.status NOT IN {_MONEY_SQL}),"
        " count(DISTINCT d.id)"
        " FROM disbursements b JOIN distributions d ON d.id = b.distribution_id"
        " WHERE d.status = 'confirmed'" + "".join(f" AND {t}" for t in terms), params)
    assert row is not None
    terms, params = period.where("s.paid_on")
    meals = db.one(
        "SELECT count(*) FILTER (WHERE s.status = 'confirmed'),"
        " COALESCE(sum(l.subsidy_fen) FILTER (WHERE s.status = 'confirmed'), 0),"
        " count(*) FILTER (WHERE s.status != 'confirmed')"
        " FROM meal_statement_lines l JOIN meal_statements s ON s.id = l.statement_id"
        " WHERE 1" + "".join(f" AND {t}" for t in terms), params)
    assert meals is not None
    return {"live": row[0] + meals[0], "live_fen": row[1] + meals[1], "not_counted": row[2] + meals[2],
            "distributions": row[3]}


def export_disbursements(db: Database, path: str | Path, period: Period | None = None, *, mask: bool = False,
                         progress: Callable[[int, int], None] | None = None,
                         cancelled: Callable[[], bool] | None = None) -> tuple[Written, dict[str, int]]:
    period = period or Period()
    s = summary(db, period)
    notes = [
        ("合计口径", "合计只计待领取、已签领、已转账和代领的发放明细；已冲销、未领取的明细列在表中"
                     "（“计入合计”为“否”），不计入合计。只列已确认的发放批次。"),
        ("发放批次", f"{s['distributions']:,} 批"),
        ("计入合计", f"{s['live']:,} 人次，{s['live_fen'] / 100:,.2f} 元"),
        ("未计入", f"{s['not_counted']:,} 条（已冲销或未领取）"),
    ]
    if mask:
        notes.append(("脱敏", "姓名、代领人姓名和身份证号已部分隐藏；备注未导出。"))
    report = Report(title=TITLE, station=station_text(db), period=period.text, sheet=TITLE, notes=tuple(notes))
    written = write_table(path, report, COLUMNS, iter_rows(db, period, mask=mask), progress=progress,
                          expected_rows=s["live"] + s["not_counted"], cancelled=cancelled, in_total=counted)
    return written, s
