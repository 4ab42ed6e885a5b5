"""公示: the public notice of money in and out, fit to post on a wall.

One table: first every valid donation (收入), then every aid line that holds
money and every direct payment to a person (支出), each in date order, then the station's
other spending (purchases, grants, costs) by purpose; a 合计 row totals both columns, and a
sheet 支出按用途 sums the spending per purpose. Reversed spending and payments are not listed. Voided
donations and reversed or not-collected aid lines are not published. Every
person's name is masked (张*明, 王*), anonymous givers stay 匿名爱心人士,
organisations keep their name, and every ID number is masked
(3703**********1234). Free text (purposes, notes, proxies) is left out, since
it may name people.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from app.db import Database
from app.donations.donations import METHOD_NAMES
from app.excel import Column, Report, Written, write_table
from app.excel.writer import Table
from app.programmes.eligibility import MONEY_STATUSES
from app.reports.period import Period, station_text
from app.rules.masking import mask_donor, mask_id, mask_name

TITLE = "慈善款物收支公示"
COLUMNS: tuple[Column, ...] = (
    Column("日期", "date", width=12),
    Column("收支", width=6),
    Column("捐赠人 / 受助人"),
    Column("身份证号", width=22),
    Column("村（社区）"),
    Column("基金 / 项目"),
    Column("内容"),
    Column("收入（元）", "money", total=True),
    Column("支出（元）", "money", total=True),
)
_MONEY_SQL = "(" + ", ".join(f"'{s}'" for s in MONEY_STATUSES) + ")"

_SQL = """
SELECT 0 AS section, d.donated_on AS on_, dn.name, dn.kind, '' AS id_number, '' AS village,
       COALESCE(p.name, f.name), d.kind AS what, d.method,
       CASE WHEN d.kind = 'goods' THEN
         (SELECT group_concat(g.item || ' ' || g.quantity || g.unit, '、')
            FROM (SELECT item, quantity, unit FROM goods_lines WHERE donation_id = d.id ORDER BY line_no) g)
       END, d.amount_fen, d.created_at AS at_, d.rowid AS n_, '' AS g_
  FROM donations d
  JOIN donors dn ON dn.id = d.donor_id
  JOIN funds f ON f.id = d.fund_id
  LEFT JOIN programmes p ON p.id = d.programme_id
 WHERE d.status = 'active' {donation_where}
UNION ALL
SELECT 1, x.distributed_on, b.name, 'person', b.id_number, b.village, p.name, 'aid', NULL,
       NULLIF(b.goods, ''), b.amount_fen, x.created_at, b.line_no, ''
  FROM disbursements b
  JOIN distributions x ON x.id = b.distribution_id
  JOIN programmes p ON p.id = x.programme_id
 WHERE x.status = 'confirmed' AND b.status IN {money} {aid_where}
UNION ALL
SELECT 1, y.paid_on, r.name, 'person', COALESCE(r.id_number, ''), r.village, f.name, 'payment', NULL, NULL,
       y.amount_fen, y.created_at, y.rowid, ''
  FROM fund_payments y
  JOIN recipients r ON r.id = y.recipient_id
  JOIN funds f ON f.id = y.fund_id
 WHERE y.status = 'active' {pay_where}
UNION ALL
SELECT 1, ms.paid_on, r.name, 'person', COALESCE(r.id_number, ''), r.village, f.name, 'meals', NULL,
       ms.month || ' ' || mc.name || ' ' || ml.meals || ' 餐', ml.subsidy_fen, ms.created_at, ml.line_no, ''
  FROM meal_statement_lines ml
  JOIN meal_statements ms ON ms.id = ml.statement_id
  JOIN meal_canteens mc ON mc.id = ms.canteen_id
  JOIN recipients r ON r.id = ml.recipient_id
  JOIN funds f ON f.id = ms.fund_id
 WHERE ms.status = 'confirmed' {meal_where}
UNION ALL
SELECT 2, s.spent_on, s.payee, 'enterprise', '', '', f.name, 'spending', NULL, s.purpose || '（凭证 ' || s.voucher || '）',
       s.amount_fen, s.created_at, s.rowid, s.purpose
  FROM fund_spending s
  JOIN funds f ON f.id = s.fund_id
 WHERE s.status = 'active' {spend_where}
 ORDER BY section, g_, on_, at_, n_
"""


def _content(what: str, method: str | None, items: str | None) -> str:
    if what == "cash":
        return f"捐款（{METHOD_NAMES.get(method or '', method or '')}）"
    if what == "goods":
        return f"捐物：{items}" if items else "捐物"
    if what == "payment":
        return "定向拨付"
    if what == "spending":
        return f"支出：{items}"
    if what == "meals":
        return f"助餐补贴：{items}"
    return f"救助物资：{items}" if items else "救助金"


def iter_rows(db: Database, period: Period) -> Iterator[list[Any]]:
    d_terms, d_params = period.where("d.donated_on")
    a_terms, a_params = period.where("x.distributed_on")
    y_terms, y_params = period.where("y.paid_on")
    m_terms, m_params = period.where("ms.paid_on")
    s_terms, s_params = period.where("s.spent_on")
    sql = _SQL.format(donation_where="".join(f" AND {t}" for t in d_terms), money=_MONEY_SQL,
                      aid_where="".join(f" AND {t}" for t in a_terms),
                      pay_where="".join(f" AND {t}" for t in y_terms),
                      meal_where="".join(f" AND {t}" for t in m_terms),
                      spend_where="".join(f" AND {t}" for t in s_terms))
    cur = db.tuples(sql, d_params + a_params + y_params + m_params + s_params)
    for section, on, name, kind, id_number, village, fund, what, method, items, amount, _, _, _ in cur:
        if section == 0:
            yield [on, "收入", mask_donor(name, kind), None, None, fund, _content(what, method, items),
                   amount, None]
        elif section == 2:
            yield [on, "支出", name, None, None, fund, _content(what, method, items), None, amount]
        else:
            yield [on, "支出", mask_name(name), mask_id(id_number) if id_number else None, village or None,
                   fund, _content(what, method, items), None, amount]


def summary(db: Database, period: Period) -> dict[str, int]:
    d_terms, d_params = period.where("donated_on")
    a_terms, a_params = period.where("x.distributed_on")
    row_in = db.one("SELECT count(*), COALESCE(sum(amount_fen), 0) FROM donations WHERE status = 'active'"
                    + "".join(f" AND {t}" for t in d_terms), d_params)
    row_out = db.one(
        "SELECT count(*), COALESCE(sum(b.amount_fen), 0) FROM disbursements b"
        " JOIN distributions x ON x.id = b.distribution_id"
        f" WHERE x.status = 'confirmed' AND b.status IN {_MONEY_SQL}" + "".join(f" AND {t}" for t in a_terms),
        a_params)
    y_terms, y_params = period.where("paid_on")
    s_terms, s_params = period.where("spent_on")
    row_pay = db.one("SELECT count(*), COALESCE(sum(amount_fen), 0) FROM fund_payments WHERE status = 'active'"
                     + "".join(f" AND {t}" for t in y_terms), y_params)
    row_spend = db.one("SELECT count(*), COALESCE(sum(amount_fen), 0) FROM fund_spending WHERE status = 'active'"
                       + "".join(f" AND {t}" for t in s_terms), s_params)
    m_terms, m_params = period.where("s.paid_on")
    row_meals = db.one("SELECT count(*), COALESCE(sum(l.subsidy_fen), 0) FROM meal_statement_lines l"
                       " JOIN meal_statements s ON s.id = l.statement_id WHERE s.status = 'confirmed'"
                       + "".join(f" AND {t}" for t in m_terms), m_params)
    assert row_in is not None and row_out is not None and row_pay is not None and row_spend is not None
    assert row_meals is not None
    aid_lines, aid_fen = row_out[0] + row_meals[0], row_out[1] + row_meals[1]  # meal subsidies count as aid
    return {"donations": row_in[0], "in_fen": row_in[1], "aid_lines": aid_lines, "aid_fen": aid_fen,
            "meal_lines": row_meals[0], "meal_fen": row_meals[1],
            "payments": row_pay[0], "payment_fen": row_pay[1], "spendings": row_spend[0],
            "spending_fen": row_spend[1], "out_fen": aid_fen + row_pay[1] + row_spend[1]}


def spending_by_purpose(db: Database, period: Period) -> list[tuple[str, int, int]]:
    """(purpose, how many, fen) of the station's valid spending in the period, largest first."""
    terms, params = period.where("spent_on")
    return [(r[0], int(r[1]), int(r[2])) for r in db.tuples(
        "SELECT purpose, count(*), sum(amount_fen) FROM fund_spending WHERE status = 'active'"
        + "".join(f" AND {t}" for t in terms) + " GROUP BY purpose ORDER BY sum(amount_fen) DESC, purpose", params)]


def export_notice(db: Database, path: str | Path, period: Period | None = None, *,
                  progress: Callable[[int, int], None] | None = None,
                  cancelled: Callable[[], bool] | None = None) -> tuple[Written, dict[str, int]]:
    period = period or Period()
    s = summary(db, period)
    notes = [
        ("收入", f"有效捐赠 {s['donations']:,} 笔，{s['in_fen'] / 100:,.2f} 元（已作废的捐赠不公示、不计入）"),
        ("支出", f"救助发放 {s['aid_lines']:,} 人次，{s['aid_fen'] / 100:,.2f} 元（已冲销、未领取的不公示、不计入）；"
                 f"定向拨付 {s['payments']:,} 笔，{s['payment_fen'] / 100:,.2f} 元；"
                 f"其他支出 {s['spendings']:,} 笔，{s['spending_fen'] / 100:,.2f} 元（按用途见“支出按用途”）；"
                 f"合计 {s['out_fen'] / 100:,.2f} 元"),
        ("脱敏", "个人姓名只显示姓和末字（如 张*明、王*），匿名捐赠显示为匿名爱心人士，单位名称照录；"
                 "身份证号只显示前四位和后四位；不公示电话、住址、备注。"),
        ("物资", "无法确认价值的物资金额为 0。"),
        ("监督", "如有疑问，请与本工作站联系。"),
    ]
    report = Report(title=TITLE, station=station_text(db), period=period.text, sheet="公示", notes=tuple(notes))
    purposes = Table("支出按用途", (Column("用途"), Column("笔数", "int", total=True),
                                   Column("金额（元）", "money", total=True)),
                     [list(r) for r in spending_by_purpose(db, period)])
    written = write_table(path, report, COLUMNS, iter_rows(db, period), progress=progress,
                          expected_rows=s["donations"] + s["aid_lines"] + s["payments"] + s["spendings"],
                          cancelled=cancelled, tables=(purposes,))
    return written, s
