"""基金收支表: per fund, the opening balance, money received, money paid out and the closing balance.

For a period the opening balance is the fund's opening balance plus everything
received and less everything paid out before the period starts, transfers included; received
counts valid (not voided) donations dated in the period, paid out counts the active (not
reversed) aid lines, direct payments and spending (支出) dated in it (the last two from the
fund journal); transfers (调拨) in and out have their own columns. Rows run 非定向, then 冠名基金, then 定向 funds, which a
column 类型 names; 其中定向捐赠 shows money given for a programme or a person or into a
directed fund (`app.donations.donations.DIRECTED_SQL`). Donated goods count at their value; two columns
say how much of the income, and of the balance, is goods rather than money.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from app.db import Database
from app.donations.donations import DIRECTED_SQL
from app.excel import Column, Report, Written, write_table
from app.funds.funds import KIND_NAMES
from app.reports.period import Period, station_text

TITLE = "基金收支表"
COLUMNS: tuple[Column, ...] = (
    Column("基金"),
    Column("类型", width=10),
    Column("期初余额（元）", "money", total=True),
    Column("本期收入（元）", "money", total=True),
    Column("其中物资折价（元）", "money", total=True),
    Column("其中定向捐赠（元）", "money", total=True),
    Column("本期支出（元）", "money", total=True),
    Column("其中其他支出（元）", "money", total=True),
    Column("其中定向拨付（元）", "money", total=True),
    Column("调入（元）", "money", total=True),
    Column("调出（元）", "money", total=True),
    Column("期末余额（元）", "money", total=True),
    Column("余额中的物资折价（元）", "money", total=True),
    Column("捐赠笔数", "int", total=True),
    Column("状态", width=8),
)
_ORDER = {"general": 0, "named": 1, "directed": 2}

_SQL = f"""
SELECT f.id, f.name, f.kind, f.status, f.opening_fen,
       COALESCE((SELECT sum(d.amount_fen) FROM donations d WHERE d.fund_id = f.id AND d.status = 'active'
                   AND d.donated_on < :start), 0) AS received_before,
       COALESCE((SELECT sum(o.amount_fen) FROM fund_outflows o WHERE o.fund_id = f.id AND o.status = 'active'
                   AND o.paid_on < :start), 0) AS paid_before,
       COALESCE((SELECT sum(d.amount_fen) FROM donations d WHERE d.fund_id = f.id AND d.status = 'active'
                   AND d.donated_on >= :start AND d.donated_on < :stop), 0) AS received,
       COALESCE((SELECT sum(d.amount_fen) FROM donations d WHERE d.fund_id = f.id AND d.status = 'active'
                   AND d.donated_on >= :start AND d.donated_on < :stop
                   AND {DIRECTED_SQL}), 0) AS directed,
       COALESCE((SELECT sum(d.amount_fen) FROM donations d WHERE d.fund_id = f.id AND d.status = 'active'
                   AND d.donated_on >= :start AND d.donated_on < :stop AND d.kind = 'goods'), 0) AS goods,
       COALESCE((SELECT sum(d.amount_fen) FROM donations d WHERE d.fund_id = f.id AND d.status = 'active'
                   AND d.donated_on < :stop AND d.kind = 'goods'), 0) AS goods_to_date,
       COALESCE((SELECT sum(o.amount_fen) FROM fund_outflows o
                   JOIN disbursements b ON o.source = 'disbursement' AND b.id = o.source_id
                   JOIN distributions x ON x.id = b.distribution_id
                   JOIN programmes p ON p.id = x.programme_id
                  WHERE o.fund_id = f.id AND o.status = 'active' AND o.paid_on < :stop
                    AND p.kind = 'goods'), 0) AS goods_out_to_date,
       (SELECT count(*) FROM donations d WHERE d.fund_id = f.id AND d.status = 'active'
                   AND d.donated_on >= :start AND d.donated_on < :stop) AS gifts,
       COALESCE((SELECT sum(o.amount_fen) FROM fund_outflows o WHERE o.fund_id = f.id AND o.status = 'active'
                   AND o.paid_on >= :start AND o.paid_on < :stop), 0) AS paid,
       COALESCE((SELECT -sum(j.amount_fen) FROM fund_journal j WHERE j.fund_id = f.id
                   AND j.kind IN ('spending', 'spending_reversal') AND j.on_date < :start), 0) AS spent_before,
       COALESCE((SELECT -sum(j.amount_fen) FROM fund_journal j WHERE j.fund_id = f.id
                   AND j.kind IN ('payment', 'payment_reversal') AND j.on_date < :start), 0) AS paid_direct_before,
       COALESCE((SELECT sum(j.amount_fen) FROM fund_journal j WHERE j.fund_id = f.id
                   AND j.kind IN ('transfer_in', 'transfer_out') AND j.on_date < :start), 0) AS moved_before,
       COALESCE((SELECT -sum(j.amount_fen) FROM fund_journal j WHERE j.fund_id = f.id
                   AND j.kind IN ('spending', 'spending_reversal') AND j.on_date >= :start
                   AND j.on_date < :stop), 0) AS spent,
       COALESCE((SELECT -sum(j.amount_fen) FROM fund_journal j WHERE j.fund_id = f.id
                   AND j.kind IN ('payment', 'payment_reversal') AND j.on_date >= :start
                   AND j.on_date < :stop), 0) AS paid_direct,
       COALESCE((SELECT -sum(j.amount_fen) FROM fund_journal j WHERE j.fund_id = f.id AND j.source = 'meal_statement'
                   AND j.kind IN ('aid', 'aid_reversal') AND j.on_date < :start), 0) AS meals_before,
       COALESCE((SELECT -sum(j.amount_fen) FROM fund_journal j WHERE j.fund_id = f.id AND j.source = 'meal_statement'
                   AND j.kind IN ('aid', 'aid_reversal') AND j.on_date >= :start AND j.on_date < :stop), 0) AS meals,
       COALESCE((SELECT sum(j.amount_fen) FROM fund_journal j WHERE j.fund_id = f.id AND j.kind = 'transfer_in'
                   AND j.on_date >= :start AND j.on_date < :stop), 0) AS moved_in,
       COALESCE((SELECT -sum(j.amount_fen) FROM fund_journal j WHERE j.fund_id = f.id AND j.kind = 'transfer_out'
                   AND j.on_date >= :start AND j.on_date < :stop), 0) AS moved_out
  FROM funds f
"""


def fund_rows(db: Database, period: Period) -> list[dict[str, Any]]:
    """One dict per fund (a station has a handful), in report order."""
    start = period.date_from.isoformat() if period.date_from else ""
    stop = period.stop_text or "9999-12-31~"
    out = []
    for r in db.query(_SQL, {"start": start, "stop": stop}):
        opening = (r["opening_fen"] + r["received_before"] - r["paid_before"] - r["meals_before"] - r["spent_before"]
                   - r["paid_direct_before"] + r["moved_before"])
        aid = r["paid"] + r["meals"]  # distribution days and meal subsidies (助餐补贴)
        paid = aid + r["spent"] + r["paid_direct"]
        closing = opening + r["received"] - paid + r["moved_in"] - r["moved_out"]
        out.append({"id": r["id"], "name": r["name"], "kind": r["kind"], "status": r["status"],
                    "opening_fen": opening, "received_fen": r["received"], "directed_fen": r["directed"],
                    "goods_fen": r["goods"],
                    # goods received and not yet handed out as goods, within what the fund holds
                    "goods_to_date_fen": max(0, min(r["goods_to_date"] - r["goods_out_to_date"], closing)),
                    "paid_fen": paid, "aid_fen": aid, "meals_fen": r["meals"], "spent_fen": r["spent"],
                    "paid_direct_fen": r["paid_direct"], "transfer_in_fen": r["moved_in"],
                    "transfer_out_fen": r["moved_out"], "closing_fen": closing,
                    "gifts": r["gifts"]})
    out.sort(key=lambda f: (_ORDER.get(f["kind"], 9), f["name"]))
    return out


def _rows(funds: list[dict[str, Any]]) -> Iterator[list[Any]]:
    for f in funds:
        yield [f["name"], KIND_NAMES.get(f["kind"], f["kind"]), f["opening_fen"], f["received_fen"],
               f["goods_fen"], f["directed_fen"], f["paid_fen"], f["spent_fen"], f["paid_direct_fen"],
               f["transfer_in_fen"], f["transfer_out_fen"], f["closing_fen"], f["goods_to_date_fen"], f["gifts"],
               "已关闭" if f["status"] == "closed" else "使用中"]


def export_funds(db: Database, path: str | Path, period: Period | None = None, *,
                 progress: Callable[[int, int], None] | None = None,
                 cancelled: Callable[[], bool] | None = None) -> tuple[Written, list[dict[str, Any]]]:
    period = period or Period()
    funds = fund_rows(db, period)
    directed = [f for f in funds if f["kind"] == "directed"]
    notes = [
        ("计算方法", "期末余额 = 期初余额 + 本期收入 − 本期支出 + 调入 − 调出。收入只计有效捐赠（已作废的不计）；"
                     "支出是未冲销的救助发放、定向拨付和其他支出（采购、拨给单位、管理费用），"
                     "“其中其他支出”“其中定向拨付”是其中两部分；调入、调出是基金之间按会议决定的调拨，"
                     "全站合计相互抵消。期初余额 = 基金设立时的余额 + 期初之前的收入 − 支出 ± 调拨。"),
        ("定向资金", "定向基金排在最后（“类型”列为“定向”），只能用于指定用途："
                     f"{len(directed)} 个，期末余额合计 {sum(f['closing_fen'] for f in directed) / 100:,.2f} 元。"
                     "“其中定向捐赠”是本期指定了项目或受助人、或捐入定向基金的捐赠。"),
        ("物资", "捐赠的物资按折价计入收入和余额，发放物资时按折价计入支出。“余额中的物资折价”是截至期末"
                 "收到而还没有作为物资发出的部分，并非可支出的现金：期末余额减去它，约为账上的钱款。"
                 "无法确认价值的物资金额为 0，不计入收入。"),
    ]
    report = Report(title=TITLE, station=station_text(db), period=period.text, sheet=TITLE, notes=tuple(notes))
    written = write_table(path, report, COLUMNS, _rows(funds), progress=progress, expected_rows=len(funds),
                          cancelled=cancelled)
    return written, funds
