"""The shareable list of open wishes (心愿清单): A4 PDF to print or send, and .xlsx.

Only wishes waiting for a claimant (已发布). Each child's name is masked (张*明); no ID number, no
address, no village — the list is meant to travel to donors' phones and notice boards. A wish is
named by the last 8 characters of its id, which the desk and `wish claim` accept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app.db import Database
from app.errors import InputError
from app.excel.writer import Column, Report, write_table
from app.pdf import draw, table
from app.pdf.fonts import FONT, new_canvas
from app.pdf.frames import A4, MM, Box
from app.rules.masking import mask_name
from app.rules.money import format_fen
from app.safe_write import write_file
from app.station import station
from app.wishes import wishes

TITLE = "微心愿清单"
NOTE = "孩子姓名只显示姓和末字；认领请联系本工作站，报心愿编号。"
MARGIN = 14 * MM
HEAD_H = 26 * MM
COLHEAD_H = 9 * MM
ROW_H = 13 * MM
FOOT_H = 8 * MM
TEXT = 10.5
COLS = (table.Col("编号", 20, "center"), table.Col("孩子", 18, "center"), table.Col("年龄", 11, "center"),
        table.Col("学校", 28, wrap=True), table.Col("心愿", 45, wrap=True), table.Col("价值（元）", 20, "right"),
        table.Col("小故事", 50, wrap=True))


def rows(db: Database, today: dt.date | None = None) -> list[list[Any]]:
    """One row per open wish: code, masked name, age, school, wish, value (fen), story."""
    return [[wishes.code(w.id), mask_name(w.child), w.age if w.age is not None else "", w.school, w.wish, w.value_fen,
             w.story] for w in reversed(wishes.list_wishes(db, "published", today))]


def _station(db: Database) -> str:
    st = station.get_station(db)
    return f"{st.name}（{st.station_code}）"


def write(db: Database, path: str | Path, today: dt.date | None = None) -> dict[str, Any]:
    """Write the list as .pdf or .xlsx by the file's ending; returns the path and how many wishes."""
    suffix = Path(path).suffix.lower()
    data = rows(db, today)
    if suffix == ".xlsx":
        written = write_table(path, Report(TITLE, _station(db), notes=(("说明", NOTE),)), (
            Column("编号"), Column("孩子"), Column("年龄", "int"), Column("学校"), Column("心愿"),
            Column("价值（元）", "money", total=True), Column("小故事")), data)
        return {"path": str(written.path), "wishes": len(data), "value_fen": sum(r[5] for r in data)}
    if suffix != ".pdf":
        raise InputError("bad_output", f"心愿清单应保存为 .pdf 或 .xlsx 文件：{path}")
    return {"path": str(write_pdf(db, path, data, today)), "wishes": len(data), "value_fen": sum(r[5] for r in data)}


def write_pdf(db: Database, path: str | Path, data: Sequence[Sequence[Any]], today: dt.date | None = None) -> Path:
    body = Box(MARGIN, MARGIN, A4[0] - 2 * MARGIN, A4[1] - 2 * MARGIN)
    per_page = int((body.h - HEAD_H - COLHEAD_H - FOOT_H) // ROW_H)
    sizes = table.page_sizes(len(data), per_page, per_page) if data else [0]
    made = (today or dt.date.today()).isoformat()
    where = _station(db)

    def draw_all(tmp: Path) -> None:
        c = new_canvas(tmp, A4, title=TITLE, author=where, subject=TITLE)
        start = 0
        for page, n in enumerate(sizes, start=1):
            chunk = data[start:start + n]
            start += n
            c.setFont(FONT, TEXT)
            pen = draw.Pen(c)
            head, rest = body.take_top(HEAD_H)
            draw.bold(c, TITLE, head.cx, head.top - 22, 20, align="center")
            pen.fit(f"{where}　制表日期：{made}　共 {len(data)} 个心愿", head.x, head.y + 14, head.w, TEXT)
            pen.fit(table.page_x_of_y(page, len(sizes)), head.x, head.y + 14, head.w, TEXT, align="right")
            pen.fit(NOTE, head.x, head.y + 2, head.w, TEXT - 1, color=draw.GREY)
            cells = [[str(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]), format_fen(int(r[5])), str(r[6])]
                     for r in chunk]
            bottom = table.grid(pen, rest, COLS, cells, head_h=COLHEAD_H, row_h=ROW_H, size=TEXT, min_size=7.0)
            if not data:
                pen.fit("目前没有待认领的心愿", rest.x, bottom - ROW_H / 2 - TEXT * 0.36, rest.w, TEXT, align="center")
            pen.flush()
            c.showPage()
        c.save()

    return write_file(path, draw_all, example="微心愿清单.pdf")
