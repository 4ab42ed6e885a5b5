"""The donation receipt (捐赠收据) drawn on a page, in three layouts.

- ``a5``: one receipt on an A5 sheet, landscape — the donor's copy.
- ``a4-3``: an A4 sheet in three parts 存根联 / 收据联 / 记账联, with cut lines.
- ``slip``: the 190 × 101.6 mm three-part receipt paper, one part per page, so a
  receipt is three pages; each page says which part it is.

A `ReceiptView` holds the words and numbers already chosen (see
`app.donations.receipt_print`, which builds them from the database); this module only
draws, so a batch of a thousand costs little more than its text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import IO, Any

from app.pdf import draw
from app.pdf.draw import date_cn
from app.pdf.fonts import new_canvas
from app.pdf.frames import A4, A5_LANDSCAPE, MM, SLIP, Box, page_box, stacked_parts
from app.rules.money import format_fen, to_capitals

LAYOUTS = {"a5": "A5 单联", "a4-3": "A4 三联（存根联/收据联/记账联）", "slip": "三联收据纸 190×101.6mm"}
PARTS = (("第一联", "存根联"), ("第二联", "收据联"), ("第三联", "记账联"))


@dataclass(frozen=True)
class ReceiptView:
    """Everything printed on one receipt, as text (amounts in fen)."""

    number: str
    title: str
    organisation: str
    donated_on: str  # YYYY-MM-DD
    issued_on: str  # YYYY-MM-DD
    donor: str
    donor_code: str  # unified social credit code, enterprises only
    content: str  # 捐款（微信） or the goods lines
    amount_fen: int
    valued: bool  # False: goods whose value could not be established
    designation: str
    operator: str
    official_number: str = ""
    voided: bool = False
    void_reason: str = ""
    print_no: int = 1  # 1 is the original; 2 and later are copies (补打)

    @property
    def is_copy(self) -> bool:
        return self.print_no > 1 and not self.voided


def check_layout(layout: str) -> str:
    from app.errors import InputError

    if layout not in LAYOUTS:
        raise InputError("bad_layout", f"收据版式应为 {'、'.join(LAYOUTS)} 之一：{layout}")
    return layout


# ---------- one part ----------
class _Sizes:
    def __init__(self, box: Box) -> None:
        k = min(1.25, max(0.85, box.h / (86 * MM)))
        self.title = 17 * k
        self.number = 10.5 * k
        self.text = 10.5 * k
        self.small = 8.5 * k
        self.head = box.h * 0.2
        self.foot = box.h * 0.15


def draw_part(pen: draw.Pen, v: ReceiptView, box: Box, part: str = "") -> None:
    """One receipt (or one of its three parts) inside `box`."""
    s = _Sizes(box)
    head, rest = box.take_top(s.head)
    foot, table = rest.take_bottom(s.foot)
    _header(pen, v, head, s)
    _table(pen, v, table.inset(0, 1.5 * MM), s)
    _footer(pen, v, foot, s, part)
    if v.voided:
        pen.flush()  # the mark lies over the text
        draw.stamp(pen.c, "作 废", table.cx, table.cy, min(table.h * 0.55, 64), angle=18,
                   alpha=0.55)


def _header(pen: draw.Pen, v: ReceiptView, box: Box, s: _Sizes) -> None:
    c = pen.c
    title_y = box.top - s.title
    title = draw.spaced(v.title)
    tw = draw.width(title, s.title)
    draw.bold(c, title, box.cx, title_y, s.title, align="center")
    x1, x2 = box.cx - tw / 2 - 4, box.cx + tw / 2 + 4
    c.setLineWidth(0.6)
    c.lines([(x1, title_y - 4, x2, title_y - 4), (x1, title_y - 6, x2, title_y - 6)])
    side = (box.w - tw) / 2 - 12
    pen.fit(f"No. {v.number}", box.right - side, title_y + s.title * 0.1, side, s.number,
            align="right", color=draw.RED)
    note = ""
    if v.is_copy:
        draw.stamp(c, "补打", box.x + s.title * 1.3, title_y + s.title * 0.3, s.title * 0.85,
                   angle=-8)
        note = f"补打件（第 {v.print_no} 次打印）"
    elif v.voided:
        note = f"作废：{v.void_reason}" if v.void_reason else "作废"
    if note:
        pen.fit(note, box.right - side, title_y - s.small * 1.2, side, s.small, align="right",
                color=draw.RED)
    y = box.y + s.text * 0.4
    half = box.w * 0.62
    pen.fit(f"收款单位：{v.organisation}", box.x, y, half - 6, s.text)
    pen.fit(f"捐赠日期：{date_cn(v.donated_on)}", box.x + half, y, box.w - half, s.text,
            align="right")


def _table(pen: draw.Pen, v: ReceiptView, box: Box, s: _Sizes) -> None:
    c = pen.c
    donor = v.donor + (f"\n统一社会信用代码：{v.donor_code}" if v.donor_code else "")
    amount = f"¥{format_fen(v.amount_fen)}" + ("" if v.valued else "（物资未估值，不计金额）")
    rows = [
        ("捐 赠 人", donor, 1.0),
        ("捐赠内容", v.content, 1.3),
        ("大写金额", to_capitals(v.amount_fen, prefix=True), 1.0),
        ("小写金额", amount, 1.0),
        ("捐赠用途", v.designation, 1.3),
    ]
    label_w = min(30 * MM, box.w * 0.2)
    cells = box.rows([r[2] for r in rows])
    c.setLineWidth(0.9)
    c.rect(box.x, box.y, box.w, box.h, stroke=1, fill=0)
    c.setLineWidth(0.5)
    c.lines([(box.x + label_w, box.y, box.x + label_w, box.top)]
            + [(box.x, cell.top, box.right, cell.top) for cell in cells[1:]])
    pad = 2.2 * MM
    for i, ((label, value, _), cell) in enumerate(zip(rows, cells, strict=True)):
        lab, val = cell.take_left(label_w)
        pen.fit(label, lab.x + 1.5 * MM, lab.cy - s.text * 0.35, lab.w - 3 * MM, s.text,
                align="center")
        inner = val.inset(pad, 0.8 * MM)
        if i == 2:  # the capitals: larger, on one line
            pen.fit(value, inner.x, inner.cy - s.text * 0.4, inner.w, s.text * 1.2)
        else:
            pen.paragraph(value, inner, s.text, min_size=6.5, leading=1.2)


def _footer(pen: draw.Pen, v: ReceiptView, box: Box, s: _Sizes, part: str) -> None:
    r = min(box.h * 0.8, 13 * MM)
    draw.seal_circle(pen, box.right - r - 3 * MM, box.y + r * 0.95, r, "盖章处")
    y = box.top - s.text * 1.55
    cols = Box(box.x, box.y, box.w - 2 * r - 6 * MM, box.h).cols([1.0, 1.3, 1.1])
    pen.fit(f"经办人：{v.operator}", cols[0].x, y, cols[0].w - 4, s.text)
    pen.fit(f"开具日期：{date_cn(v.issued_on)}", cols[1].x, y, cols[1].w - 4, s.text)
    pen.fit("收款单位（盖章）", cols[2].x, y, cols[2].w, s.text, align="right")
    y2 = y - s.small * 1.9
    official = f"票据号：{v.official_number}" if v.official_number else "票据号："
    pen.fit(official, cols[0].x, y2, cols[0].w + cols[1].w - 4, s.small, color=draw.GREY)
    if part in ("", "收据联") and not v.voided:
        pen.fit("感谢您的爱心捐赠！", cols[2].x, y2, cols[2].w, s.small, align="right",
                color=draw.GREY)


# ---------- layouts ----------
def _finish_page(pen: draw.Pen) -> None:
    pen.flush()
    pen.c.showPage()


def draw_receipt(pen: draw.Pen, v: ReceiptView, layout: str) -> None:
    """All pages of one receipt in `layout`, each page finished."""
    c = pen.c
    if layout == "a5":
        c.setPageSize(A5_LANDSCAPE)
        draw_part(pen, v, page_box(A5_LANDSCAPE, 12 * MM))
        _finish_page(pen)
    elif layout == "a4-3":
        c.setPageSize(A4)
        for i, (third, part) in enumerate(zip(stacked_parts(A4, 3), PARTS, strict=True)):
            inner = Box(third.x + 10 * MM, third.y + 5 * MM, third.w - 20 * MM, third.h - 10 * MM)
            label, body = inner.take_right(7 * MM)
            draw_part(pen, v, body.take_left(body.w - 3 * MM)[0], part[1])
            pen.vertical(part[0] + part[1], label, 8, color=draw.GREY)
            if i:
                draw.cut_line(pen, third.top, 6 * MM, A4[0] - 6 * MM)
        _finish_page(pen)
    elif layout == "slip":
        for part in PARTS:
            c.setPageSize(SLIP)
            inner = Box(7 * MM, 5 * MM, SLIP[0] - 12 * MM, SLIP[1] - 10 * MM)
            label, body = inner.take_right(7 * MM)
            draw_part(pen, v, body.take_left(body.w - 3 * MM)[0], part[1])
            pen.vertical(part[0] + part[1], label, 8, color=draw.GREY)
            _finish_page(pen)
    else:
        check_layout(layout)


def render(views: Iterable[ReceiptView], layout: str,
           target: str | Path | IO[bytes] | None = None, *, title: str = "捐赠收据") -> bytes | None:
    """Draw receipts into one PDF: bytes when no `target`, else written to the file or stream."""
    check_layout(layout)
    out: Any = BytesIO() if target is None else target
    c = new_canvas(out, A5_LANDSCAPE if layout == "a5" else A4 if layout == "a4-3" else SLIP,
                   title=title)
    pen = draw.Pen(c)
    drawn = 0
    for v in views:
        draw_receipt(pen, v, layout)
        drawn += 1
    if not drawn:
        c.showPage()
    c.save()
    return out.getvalue() if target is None else None
