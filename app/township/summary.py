"""The township workbook (乡镇救助情况汇总): the summary in the form townships use, then 重复救助,
重复登记, 疑似重复, 收支 and 文件. Names and ID numbers are masked throughout."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.db import Database
from app.excel import Column, Report, write_table
from app.excel.writer import Table

if TYPE_CHECKING:  # consolidate imports this module
    from app.township.consolidate import Outcome


def _kinds(db: Database) -> list[str]:
    return [k for (k,) in db.tuples("SELECT DISTINCT kind FROM aid WHERE counted = '是' ORDER BY kind")]


def _summary_rows(db: Database, kinds: list[str]) -> list[list[Any]]:
    by_kind: dict[tuple[str, str], tuple[int, int, int]] = {}
    # One join of the aid lines with the register (for the household), grouped twice: by kind of
    # aid, and for the station as a whole ('' as the kind).
    sql = """
        WITH x AS (
            SELECT a.station_uid, a.kind, a.person_id, a.amount_fen,
                   COALESCE(NULLIF(r.household, ''), 'p:' || a.person_id) AS hh
              FROM aid a LEFT JOIN register r ON r.station_uid = a.station_uid AND r.record_id = a.person_id
             WHERE a.counted = '是')
        SELECT station_uid, kind, count(DISTINCT hh), count(DISTINCT person_id), sum(amount_fen)
          FROM x GROUP BY station_uid, kind
        UNION ALL
        SELECT station_uid, '', count(DISTINCT hh), count(DISTINCT person_id), sum(amount_fen)
          FROM x GROUP BY station_uid"""
    for uid, kind, hh, people, fen in db.tuples(sql):
        by_kind[(uid, kind)] = (hh, people, fen)
    whole = {uid: v for (uid, kind), v in by_kind.items() if kind == ""}
    rows = []
    for uid, code, name in db.tuples("SELECT station_uid, station_code, station_name FROM files "
                                     "GROUP BY station_uid ORDER BY station_code"):
        row: list[Any] = [name, code]
        for k in kinds:
            row.extend(by_kind.get((uid, k), (0, 0, 0)))
        row.extend(whole.get(uid, (0, 0, 0)))
        rows.append(row)
    return rows


def _money_rows(db: Database) -> list[list[Any]]:
    sql = """
        WITH m AS (SELECT station_uid, month, sum(gifts) AS gifts, sum(amount_fen) AS don, 0 AS lines, 0 AS aid
                     FROM donations GROUP BY station_uid, month
                   UNION ALL
                   SELECT station_uid, substr(date, 1, 7), 0, 0, count(*), sum(amount_fen)
                     FROM aid WHERE counted = '是' GROUP BY station_uid, substr(date, 1, 7))
        SELECT f.station_code, f.station_name, m.month, sum(m.gifts), sum(m.don), sum(m.lines), sum(m.aid)
          FROM m JOIN (SELECT station_uid, station_code, station_name FROM files GROUP BY station_uid) f
            ON f.station_uid = m.station_uid
         GROUP BY m.station_uid, m.month ORDER BY f.station_code, m.month"""
    return [list(r) for r in db.tuples(sql)]


def write_summary(db: Database, output: str | Path, outcome: Outcome, *, preparer: str = "",
                  cancelled: Callable[[], bool] | None = None) -> Path:
    kinds = _kinds(db)
    columns = [Column("统计单位"), Column("站点编号")]
    for k in kinds:
        columns += [Column(f"{k} 户数", "int", total=True), Column(f"{k} 人数", "int", total=True),
                    Column(f"{k} 金额（元）", "money", total=True)]
    columns += [Column("合计 户数", "int", total=True), Column("合计 人数", "int", total=True),
                Column("合计 金额（元）", "money", total=True)]
    names = {s["station_code"]: s["name"] for s in outcome.stations}

    dup_rows = [[i, d["id_masked"], d["name_masked"], d["why"], ln["station"], names.get(ln["station"], ""),
                 ln["date"], ln["programme"], ln["kind"], ln["amount_fen"], ln["goods"], ln["village"]]
                for i, d in enumerate(outcome.duplicate_aid, start=1) for ln in d["lines"]]
    reg_rows = [[i, d["id_masked"], d["name_masked"], e["station"], names.get(e["station"], ""), e["village"],
                 e["group"], e["status"], e["closed_on"]]
                for i, d in enumerate(outcome.duplicates, start=1) for e in d["entries"]]
    maybe_rows = [[i, d["name_masked"], d["birth_date"], e["id_masked"], e["station"],
                   names.get(e["station"], ""), e["village"]]
                  for i, d in enumerate(outcome.possible_duplicates, start=1) for e in d["entries"]]
    file_rows = [[f.path.name, f.meta.get("station_code", ""), f.meta.get("station_name", ""),
                  f"{f.meta.get('date_from') or '最早'} 至 {f.meta.get('date_to', '')}" if f.file else "",
                  f.rows() if f.file else None, "已采用" if f.accepted else "未采用",
                  "" if f.accepted else f.reason.split("：", 1)[-1]] for f in outcome.files]
    t = outcome.totals
    period = f"{outcome.period[0] or '最早'} 至 {outcome.period[1]}" if outcome.period[1] else ""
    notes = (
        ("汇总说明", f"{len(outcome.stations)} 个工作站的交换文件汇总；采用 "
                   f"{sum(1 for f in outcome.files if f.accepted)} 个文件，未采用 {len(outcome.rejected)} 个"
                   "（原因见“文件”表）。姓名和身份证号已脱敏。"),
        ("捐赠收入合计", f"{t['donations_fen'] / 100:,.2f} 元（{t['gifts']:,} 笔）"),
        ("救助支出合计", f"{t['aid_fen'] / 100:,.2f} 元（{t['aid_lines']:,} 人次，{t['people_aided']:,} 人）"),
        ("重复救助", f"{len(outcome.duplicate_aid):,} 人（多个工作站发放，或同一项目同一个月多次发放）"),
        ("重复登记", f"{len(outcome.duplicates):,} 人（在两个以上工作站登记）"),
        ("疑似重复", f"{len(outcome.possible_duplicates):,} 组（姓名、出生日期相同，身份证号对不上）"),
    )
    report = Report(title="救助情况统计表", station=f"统计单位：{outcome.township or '乡镇'}", period=period,
                    sheet="汇总", notes=notes, period_label="统计时间", freeze="C2",
                    footer=f"制表人：{preparer or '＿＿＿＿＿＿'}　　制表日期：{dt.date.today().isoformat()}")
    tables = [
        Table("重复救助", [Column("序号", "int"), Column("身份证号"), Column("姓名"), Column("原因"),
                       Column("站点编号"), Column("站点名称"), Column("发放日期", "date"), Column("救助项目"),
                       Column("救助种类"), Column("金额（元）", "money", total=True), Column("物品"),
                       Column("村（社区）")], dup_rows),
        Table("重复登记", [Column("序号", "int"), Column("身份证号"), Column("姓名"), Column("站点编号"),
                       Column("站点名称"), Column("村（社区）"), Column("组"), Column("状态"),
                       Column("死亡或迁出日期", "date")], reg_rows),
        Table("疑似重复", [Column("序号", "int"), Column("姓名"), Column("出生日期", "date"), Column("身份证号"),
                       Column("站点编号"), Column("站点名称"), Column("村（社区）")], maybe_rows),
        Table("收支", [Column("站点编号"), Column("站点名称"), Column("月份"), Column("捐赠笔数", "int", total=True),
                     Column("捐赠收入（元）", "money", total=True), Column("救助人次", "int", total=True),
                     Column("救助支出（元）", "money", total=True)], _money_rows(db)),
        Table("文件", [Column("文件"), Column("站点编号"), Column("站点名称"), Column("统计期间"),
                     Column("行数", "int"), Column("结果"), Column("原因")], file_rows),
    ]
    written = write_table(output, report, columns, _summary_rows(db, kinds), tables=tables, cancelled=cancelled)
    return written.path
