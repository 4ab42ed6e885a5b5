"""The sign-off sheet (发放签收表) of a distribution, as a PDF for printing.

Laid out like the 发放签字表 stations already use: a title, 制表单位 and 发放日期;
columns 序号 | 地区/村 | 姓名 | 身份证号 (masked) | 类别 | 金额（元） (or the goods and
their value) | 领取人签字（手印） | 备注; a subtotal on every page with the running
total, the grand total in figures and capitals on the last page, and lines for
制表人, 审核人 and 单位负责人 on every page. Headers repeat on every page. Drawn
with the shared toolkit in `app.pdf` (one embedded CJK font, no Helvetica).

A draft prints from its preview with a 草稿 stamp; a confirmed distribution prints
its lines — reversed lines left out, 代领 and 未领取 noted in 备注.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import IO, Any

from app.db import Database
from app.funds.funds import get_fund
from app.pdf import draw, table
from app.pdf.draw import date_cn
from app.pdf.fonts import FONT, new_canvas
from app.pdf.frames import A4, MM, Box
from app.programmes import distributions
from app.programmes.programmes import get_programme
from app.rules.masking import mask_id, mask_name
from app.rules.money import format_fen, to_capitals
from app.safe_write import write_bytes
from app.station import station

PAGE = (A4[1], A4[0])  # landscape
MARGIN_X = 12 * MM
MARGIN_Y = 9 * MM
HEAD_H = 19 * MM
COLHEAD_H = 9 * MM
ROW_H = 8.6 * MM
FOOT_H = 19 * MM
TEXT = 10.5


@dataclass(frozen=True)
class SheetRow:
    no: int
    village: str
    name: str
    id_masked: str
    categories: str
    amount_fen: int
    goods: str
    note: str
    counted: bool = True  # False: not collected, shown but left out of the totals


@dataclass(frozen=True)
class SheetView:
    """Everything printed on the sheet, already in words (amounts in fen)."""

    title: str
    organisation: str
    station: str
    programme: str
    kind: str  # cash / goods
    per_person: str
    fund: str
    date: str  # YYYY-MM-DD
    batch: str
    rows: tuple[SheetRow, ...]
    draft: bool = False
    preparer: str = ""
    made_on: str = ""  # YYYY-MM-DD


@dataclass(frozen=True)
class SheetResult:
    path: str
    lines: int
    pages: int
    people: int
    total_fen: int

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _note(line: distributions.Line) -> tuple[str, bool]:
    if line.status == "proxy":
        return f"代领：{line.proxy_name}（{line.proxy_note}）", True
    if line.status == "not_collected":
        return "未领取，不计入合计", False
    if line.status == "paid":
        return "已转账", True
    return ("人工添加" if line.by_hand else ""), True


def sheet_view(db: Database, distribution_id: str, *, preparer: str = "", mask_names: bool = False,
               today: dt.date | None = None) -> SheetView:
    """The sheet for a distribution: its lines once confirmed, its preview while a draft."""
    d = distributions.get_distribution(db, distribution_id)
    st = station.get_station(db)
    prog = get_programme(db, d.programme_id)
    name = mask_name if mask_names else (lambda n: n)
    rows: list[SheetRow] = []
    if d.status == "draft":
        plan = distributions.preview(db, distribution_id)
        fund_name = plan.fund.fund_name
        for i, c in enumerate(plan.included, start=1):
            rows.append(SheetRow(i, c.village + c.village_group, name(c.name), mask_id(c.id_number)
                                 if c.id_number else "", "、".join(c.categories), c.amount_fen,
                                 prog.goods if prog.kind == "goods" else "", "人工添加" if c.by_hand else ""))
    else:
        fund_name = get_fund(db, d.fund_id).name if d.fund_id else prog.fund_name
        groups: dict[str, str] = {r[0]: r[1] for r in db.query(
            "SELECT b.id, r.village_group FROM disbursements b JOIN recipients r ON r.id = b.recipient_id"
            " WHERE b.distribution_id = ?", (distribution_id,))}
        n = 0
        for line in distributions.lines(db, distribution_id, include_reversed=False):
            n += 1
            note, counted = _note(line)
            rows.append(SheetRow(n, line.village + (groups.get(line.id) or ""), name(line.name),
                                 mask_id(line.id_number) if line.id_number else "", line.categories,
                                 line.amount_fen, line.goods, note, counted))
    return SheetView(
        title=f"{prog.name}发放签收表", organisation=st.organisation or st.name, station=st.name,
        programme=prog.name, kind=prog.kind, per_person=prog.per_person, fund=fund_name,
        date=d.distributed_on, batch=distribution_id[-8:].upper(), rows=tuple(rows),
        draft=d.status == "draft", preparer=preparer,
        made_on=(today or dt.date.today()).isoformat())


# ---------- drawing ----------
def _columns(kind: str) -> list[table.Col]:
    """Widths in mm add up to the landscape A4 width less the margins."""
    if kind == "goods":
        return [table.Col("序号", 12, "center"), table.Col("地区/村", 28), table.Col("姓名", 22),
                table.Col("身份证号", 40, "center"), table.Col("类别", 30), table.Col("发放物资", 45),
                table.Col("价值（元）", 22, "right"), table.Col("领取人签字（手印）", 44, "center"),
                table.Col("备注", 30)]
    return [table.Col("序号", 12, "center"), table.Col("地区/村", 30), table.Col("姓名", 24),
            table.Col("身份证号", 42, "center"), table.Col("类别", 40), table.Col("金额（元）", 26, "right"),
            table.Col("领取人签字（手印）", 55, "center"), table.Col("备注", 44)]


def rows_per_page() -> int:
    return int((PAGE[1] - 2 * MARGIN_Y - HEAD_H - COLHEAD_H - FOOT_H) // ROW_H)


def page_count(n_rows: int) -> int:
    return table.pages_for(n_rows, rows_per_page())


def _cells(row: SheetRow, kind: str) -> list[str]:
    money = format_fen(row.amount_fen)
    if kind == "goods":
        return [str(row.no), row.village, row.name, row.id_masked, row.categories, row.goods,
                money if row.amount_fen else "—", "", row.note]
    return [str(row.no), row.village, row.name, row.id_masked, row.categories, money, "", row.note]


def _header(pen: draw.Pen, v: SheetView, box: Box, page: int, pages: int) -> None:
    c = pen.c
    title = v.title + ("（草稿）" if v.draft else "")
    draw.bold(c, title, box.cx, box.top - 17, 17, align="center")
    y = box.y + 4
    third = box.w / 3
    pen.fit(f"制表单位：{v.organisation}", box.x, y, third - 6, TEXT)
    pen.fit(f"项目：{v.programme}　每人：{v.per_person}", box.x + third, y, third - 6, TEXT,
                  align="center")
    pen.fit(f"发放日期：{date_cn(v.date)}", box.x + 2 * third, y, third, TEXT, align="right")
    pen.fit(f"资金来源：{v.fund}", box.x, box.top - 15, third, 9, color=draw.GREY)
    pen.fit(f"批次号 {v.batch}　第 {page} 页 / 共 {pages} 页", box.x + 2 * third, box.top - 15, third, 9,
                  align="right", color=draw.GREY)


def _table(pen: draw.Pen, v: SheetView, box: Box, rows: Sequence[SheetRow]) -> None:
    table.grid(pen, box, _columns(v.kind), [_cells(r, v.kind) for r in rows], head_h=COLHEAD_H, row_h=ROW_H,
               size=TEXT, colors=[draw.BLACK if r.counted else draw.GREY for r in rows])


def _footer(pen: draw.Pen, v: SheetView, box: Box, page_rows: Sequence[SheetRow], so_far: list[SheetRow],
            last: bool) -> None:
    def money(rows: Sequence[SheetRow]) -> tuple[int, int]:
        counted = [r for r in rows if r.counted]
        return len(counted), sum(r.amount_fen for r in counted)

    c = pen.c
    n, fen = money(page_rows)
    cn, cfen = money(so_far)
    unit = "价值" if v.kind == "goods" else "金额"
    y = box.top - 15
    pen.fit(f"本页小计：{n} 人，{unit} ¥{format_fen(fen)}", box.x, y, box.w * 0.34, TEXT)
    if last:
        draw.bold(c, f"合计：{cn} 人，{unit} ¥{format_fen(cfen)}", box.x + box.w * 0.34, y, TEXT + 0.5)
        pen.fit(f"（人民币{to_capitals(cfen)}）", box.x + box.w * 0.62, y, box.w * 0.38, TEXT,
                      align="right")
    else:
        pen.fit(f"累计至本页：{cn} 人，{unit} ¥{format_fen(cfen)}", box.x + box.w * 0.34, y,
                      box.w * 0.4, TEXT)
        pen.fit("（接下页）", box.right - box.w * 0.2, y, box.w * 0.2, TEXT, align="right",
                      color=draw.GREY)
    y2 = box.y + 8
    parts = box.cols([1.0, 1.0, 1.1, 1.2, 1.0])
    preparer = v.preparer or "__________"
    labels = [f"制表人：{preparer}", "审核人：__________", "单位负责人：__________",
              f"制表日期：{date_cn(v.made_on)}", "单位（盖章）"]
    for part, text in zip(parts, labels, strict=True):
        pen.fit(text, part.x, y2, part.w - 6, TEXT, align="right" if text.startswith("单位（") else "left")


def draw_sheet(c: Any, v: SheetView) -> int:
    """All pages of the sheet; returns the number of pages."""
    per = rows_per_page()
    pages = page_count(len(v.rows))
    body = Box(MARGIN_X, MARGIN_Y, PAGE[0] - 2 * MARGIN_X, PAGE[1] - 2 * MARGIN_Y)
    head, rest = body.take_top(HEAD_H)
    so_far: list[SheetRow] = []
    for page in range(pages):
        chunk = v.rows[page * per:(page + 1) * per]
        so_far.extend(chunk)
        c.setFont(FONT, TEXT)
        pen = draw.Pen(c)
        _header(pen, v, head, page + 1, pages)
        table_h = COLHEAD_H + ROW_H * max(len(chunk), 1)
        grid = Box(rest.x, rest.top - table_h, rest.w, table_h)
        _table(pen, v, grid, chunk)
        foot = Box(rest.x, grid.y - FOOT_H, rest.w, FOOT_H)
        _footer(pen, v, foot, chunk, so_far, page == pages - 1)
        pen.flush()
        if v.draft:
            draw.stamp(c, "草稿 未确认 不作发放凭证", PAGE[0] / 2, PAGE[1] / 2, 40, angle=20, alpha=0.25)
        c.showPage()
    return pages


def render(v: SheetView, target: str | Path | IO[bytes] | None = None) -> bytes | None:
    """The sheet as PDF bytes (no `target`), or written to the file or stream."""
    out: Any = BytesIO() if target is None else target
    c = new_canvas(out, PAGE, title=v.title, author=v.organisation, subject=f"{v.programme} {v.date}")
    draw_sheet(c, v)
    c.save()
    return out.getvalue() if target is None else None


def write_sheet(db: Database, distribution_id: str, path: str | Path, *, preparer: str = "",
                mask_names: bool = False) -> SheetResult:
    """Write the sign-off sheet PDF to `path` (all or nothing: see `app.safe_write`)."""
    v = sheet_view(db, distribution_id, preparer=preparer, mask_names=mask_names)
    data = render(v)
    assert data is not None
    target = Path(path)
    write_bytes(target, data)
    counted = [r for r in v.rows if r.counted]
    return SheetResult(str(target), len(v.rows), page_count(len(v.rows)), len(counted),
                       sum(r.amount_fen for r in counted))
