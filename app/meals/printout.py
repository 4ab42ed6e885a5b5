"""The statement (结算单) on paper and in Excel: an A4 PDF with the canteen's and the station's
signature lines on the last page (app.pdf), and an .xlsx through the shared writer (app.excel)."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from pathlib import Path
from typing import Any

from app.db import Database
from app.excel import Column, Report, write_table
from app.meals.statement import Line, Statement
from app.pdf import draw, table
from app.pdf.fonts import FONT, new_canvas
from app.pdf.frames import A4, MM, Box
from app.rules.idcard import mask_id
from app.rules.money import format_fen, to_capitals
from app.safe_write import write_bytes
from app.station import station

MARGIN = 12 * MM
HEAD_H = 24 * MM
COLHEAD_H = 8 * MM
ROW_H = 7 * MM
FOOT_H = 34 * MM
TEXT = 9.5
COLS = [table.Col("序号", 10, "center"), table.Col("村/组", 19), table.Col("姓名", 15),
        table.Col("身份证号", 30, "center"), table.Col("档次", 24), table.Col("补贴餐次", 14, "right"),
        table.Col("元/餐", 17, "right"), table.Col("补贴（元）", 17, "right"),
        table.Col("未补贴及原因", 40, wrap=True)]


def _rate_text(ln: Line) -> str:
    return "、".join(dict.fromkeys(format_fen(r["rate_fen"]) for r in ln.rates)) or "—"


def _note(ln: Line) -> str:
    if not ln.unsubsidised:
        return ""
    reasons = "；".join(dict.fromkeys(n["reason"] for n in ln.not_subsidised))
    return f"{ln.unsubsidised} 餐：{reasons}"


def _rows(st: Statement) -> list[list[str]]:
    return [[str(i), ln.village + ln.village_group, ln.name, mask_id(ln.id_number) if ln.id_number else "",
             ln.tier or "—", str(ln.meals), _rate_text(ln), format_fen(ln.subsidy_fen), _note(ln)]
            for i, ln in enumerate(st.lines, start=1)]


def render(st: Statement, organisation: str) -> bytes:
    out = BytesIO()
    c = new_canvas(out, A4, title=f"助餐补贴结算单 {st.canteen.name} {st.month}", author=organisation,
                   subject="助餐补贴结算单")
    body = Box(MARGIN, MARGIN, A4[0] - 2 * MARGIN, A4[1] - 2 * MARGIN)
    rows = _rows(st) or [["", "", "（本月没有就餐记录）", "", "", "", "", "", ""]]
    per = int((body.h - HEAD_H - COLHEAD_H - 10 * MM) // ROW_H)
    per_last = int((body.h - HEAD_H - COLHEAD_H - FOOT_H) // ROW_H)
    sizes = table.page_sizes(len(rows), per, per_last)
    at = 0
    for page, n in enumerate(sizes, start=1):
        chunk = rows[at:at + n]
        at += n
        c.setFont(FONT, TEXT)
        pen = draw.Pen(c)
        top = body.top
        draw.bold(c, "助餐补贴结算单", A4[0] / 2, top - 8 * MM, 17, align="center")
        pen.fit(f"助餐点：{st.canteen.name}　　结算月份：{st.month}　　支付基金：{st.fund or '—'}",
                body.x, top - 15 * MM, body.w * 0.75, TEXT)
        pen.fit(table.page_x_of_y(page, len(sizes)), body.right - body.w * 0.2, top - 15 * MM, body.w * 0.2, TEXT,
                align="right")
        pen.fit(f"补贴标准：{st.scheme}", body.x, top - 20.5 * MM, body.w, 8, color=draw.GREY)
        grid = Box(body.x, top - HEAD_H - COLHEAD_H - ROW_H * len(chunk), body.w, COLHEAD_H + ROW_H * len(chunk))
        bottom = table.grid(pen, grid, COLS, chunk, head_h=COLHEAD_H, row_h=ROW_H, size=TEXT, head_size=8.5)
        if page == len(sizes):
            y = bottom - 7 * MM
            pen.fit(f"合计：{len(st.lines)} 人，补贴 {st.meals} 餐，未补贴 "
                    f"{sum(ln.unsubsidised for ln in st.lines)} 餐，补贴金额 ¥{format_fen(st.total_fen)}"
                    f"（大写：{to_capitals(st.total_fen)}）", body.x, y, body.w, TEXT + 0.5)
            y -= 12 * MM
            half = body.w / 2
            pen.fit("助餐点（签章）：______________", body.x, y, half, TEXT + 0.5)
            pen.fit("工作站（签章）：______________", body.x + half, y, half, TEXT + 0.5)
            y -= 9 * MM
            pen.fit("经办人：__________　日期：________", body.x, y, half, TEXT)
            pen.fit("审核人：__________　日期：________", body.x + half, y, half, TEXT)
            state = {"confirmed": f"已确认付款（{st.paid_on}）", "draft": "草稿，未确认付款"}.get(st.status, st.status)
            pen.fit(f"{organisation}　状态：{state}　打印于 {dt.date.today().isoformat()}", body.x, body.y, body.w, 8,
                    color=draw.GREY)
        pen.flush()
        if st.status == "draft":
            draw.stamp(c, "草稿 未确认付款", A4[0] / 2, A4[1] / 2, 40, angle=25, alpha=0.18)
        c.showPage()
    c.save()
    return out.getvalue()


def write(db: Database, st: Statement, path: str | Path) -> dict[str, Any]:
    """The statement to `path`: .pdf or .xlsx by its suffix."""
    target = Path(path)
    st_row = station.get_station(db)
    organisation = st_row.organisation or st_row.name
    if target.suffix.lower() == ".pdf":
        write_bytes(target, render(st, organisation))
        return {"path": str(target), "format": "pdf", "lines": len(st.lines)}
    if target.suffix.lower() != ".xlsx":
        from app.errors import InputError

        raise InputError("bad_output", f"结算单只能导出为 .pdf 或 .xlsx，写的是“{target.name}”")
    columns = (Column("序号", "int"), Column("村"), Column("组"), Column("姓名"), Column("身份证号"), Column("档次"),
               Column("补贴餐次", "int", total=True), Column("标准（元/餐）"), Column("补贴金额", "money", total=True),
               Column("未补贴餐次", "int", total=True), Column("未补贴原因"))
    rows = ([i, ln.village, ln.village_group, ln.name, ln.id_number, ln.tier, ln.meals, _rate_text(ln),
             ln.subsidy_fen, ln.unsubsidised, "；".join(f"{n['date']} {n['meals']} 餐 {n['reason']}"
                                                       for n in ln.not_subsidised)]
            for i, ln in enumerate(st.lines, start=1))
    report = Report(title=f"助餐补贴结算单：{st.canteen.name}", station=organisation, period=st.month, sheet="结算单",
                    notes=(("支付基金", st.fund), ("补贴标准", st.scheme),
                           ("状态", "已确认付款 " + st.paid_on if st.status == "confirmed" else "草稿，未确认付款"),
                           ("签字", "助餐点（签章）：　　　　工作站（签章）：")))
    written = write_table(target, report, columns, rows, expected_rows=len(st.lines))
    return {**written.to_dict(), "format": "xlsx", "lines": len(st.lines)}
