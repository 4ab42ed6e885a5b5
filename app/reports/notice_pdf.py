"""公示 as a PDF: the public notice of money in and out, printed and posted on a wall.

The same rows as the Excel notice (`public_notice.iter_rows`: every name and ID
masked, free text left out), on landscape A4 so the nine columns keep an
11-point type that reads from a metre away. Every page carries the title, the
period's totals (a page posted alone still says them), the station, the period,
第 X 页 共 Y 页 and the table header; the last page closes
with 收入合计 / 支出合计 (from `public_notice.summary`), a line on masking and
the 公示期, the 制表 date and a circle for the seal. An empty period prints
本期无收支 with zero totals.

Rows stream from the database page by page; the page count comes from the
summary's counts, which are taken first. The file is written beside its target
and moved into place (`app.safe_write`), so a cancel or a failure leaves none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.db import Database
from app.errors import DataError
from app.excel.writer import Cancelled
from app.pdf import draw, table
from app.pdf.fonts import FONT, new_canvas
from app.pdf.frames import A4, MM, Box
from app.reports.period import Period, station_text
from app.reports.public_notice import TITLE, iter_rows, summary
from app.rules.money import format_fen
from app.safe_write import write_file
from app.station import station

__all__ = ["Cancelled", "NoticeResult", "page_sizes", "write_notice_pdf"]

PAGE = (A4[1], A4[0])  # landscape: nine columns at a size read from a metre away
MARGIN_X = 12 * MM
MARGIN_Y = 10 * MM
HEAD_H = 32 * MM  # title, the period's totals, the station/period/page line
COLHEAD_H = 9 * MM
ROW_H = 8 * MM
FOOT_H = 7 * MM
CLOSE_H = 48 * MM  # the totals, notes and seal below the table on the last page
TEXT = 11.0
TITLE_SIZE = 24.0
EMPTY = "本期无收支"
NOTICE_PERIOD = "公示期：自张贴之日起 7 日。如有异议，请向本工作站反映。"
MASKING = ("说明：个人姓名只显示姓和末字（如 张*明、王*），匿名捐赠显示为匿名爱心人士，单位名称照录；"
           "身份证号只显示前四位和后四位。已作废的捐赠、已冲销或未领取的发放不公示、不计入合计；"
           "无法确认价值的物资金额记为 0。")

COLS = (
    table.Col("日期", 23, "center"),
    table.Col("收支", 12, "center"),
    table.Col("捐赠人 / 受助人", 42, wrap=True),
    table.Col("身份证号", 41, "center"),
    table.Col("村（社区）", 21, wrap=True),
    table.Col("基金 / 项目", 40, wrap=True),
    table.Col("内容", 48, wrap=True),
    table.Col("收入（元）", 26, "right"),
    table.Col("支出（元）", 26, "right"),
)


@dataclass(frozen=True)
class NoticeResult:
    path: str
    rows: int
    pages: int
    in_fen: int
    out_fen: int

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class _Head:
    station: str  # 东风村慈善工作站（ST01）
    organisation: str  # who seals it
    period: str
    made_on: str  # YYYY-MM-DD
    totals: str  # 本期收入 12 笔 ¥3,400.00　支出 8 人次 ¥1,600.00: on every page, for a page posted alone


def _body() -> Box:
    return Box(MARGIN_X, MARGIN_Y, PAGE[0] - 2 * MARGIN_X, PAGE[1] - 2 * MARGIN_Y)


def _room(below: float) -> int:
    return int((_body().h - HEAD_H - COLHEAD_H - below) // ROW_H)


def page_sizes(n_rows: int) -> list[int]:
    """Rows on each page: full pages, then a last page that leaves room for the totals."""
    return table.page_sizes(n_rows, _room(FOOT_H), _room(CLOSE_H))


def _cells(row: list[Any]) -> list[str]:
    on, kind, who, id_masked, village, fund, content, fen_in, fen_out = row
    return [str(on or "")[:10], kind, who or "", id_masked or "", village or "", fund or "", content or "",
            "" if fen_in is None else format_fen(fen_in), "" if fen_out is None else format_fen(fen_out)]


def _header(pen: draw.Pen, h: _Head, box: Box, page: int, pages: int) -> None:
    c = pen.c
    y = box.top - TITLE_SIZE
    draw.bold(c, TITLE, box.cx, y, TITLE_SIZE, align="center")
    w = draw.width(TITLE, TITLE_SIZE) / 2 + 6
    c.setLineWidth(0.7)
    c.lines([(box.cx - w, y - 5, box.cx + w, y - 5), (box.cx - w, y - 7.5, box.cx + w, y - 7.5)])
    pen.flush()
    draw.bold(c, h.totals, box.cx, box.y + 5 + TEXT * 1.9, TEXT + 1, align="center")
    y = box.y + 5
    part = box.w / 3
    pen.fit(f"公示单位：{h.station}", box.x, y, part * 1.2 - 6, TEXT)
    pen.fit(f"公示期间：{h.period}", box.x + part * 1.2, y, part * 0.9 - 6, TEXT, align="center")
    pen.fit(table.page_x_of_y(page, pages), box.x + part * 2.1, y, part * 0.9, TEXT, align="right")


def _empty_row(pen: draw.Pen, box: Box) -> float:
    """The table's header and one merged row that says there is nothing to publish."""
    bottom = table.grid(pen, box, COLS, [], head_h=COLHEAD_H, row_h=ROW_H, size=TEXT)
    pen.c.setLineWidth(1.0)
    pen.c.rect(box.x, bottom - ROW_H, box.w, ROW_H, stroke=1, fill=0)
    pen.fit(EMPTY, box.x, bottom - ROW_H / 2 - TEXT * 0.36, box.w, TEXT, align="center")
    return bottom - ROW_H


def _closing(pen: draw.Pen, h: _Head, s: dict[str, int], box: Box) -> None:
    """Totals, the notes on masking and the 公示期, the date and the seal."""
    c = pen.c
    left, right = box.take_left(box.w * 0.64)
    big = 14.0
    y = left.top - 8 - big
    pen.flush()  # bold text is drawn straight on the canvas
    draw.bold(c, f"收入合计：{s['donations']:,} 笔　¥{format_fen(s['in_fen'])}", left.x, y, big)
    draw.bold(c, f"支出合计：{s['aid_lines']:,} 人次　¥{format_fen(s['out_fen'])}", left.x, y - big * 1.6, big)
    notes = Box(left.x, left.y, left.w - 8 * MM, y - big * 1.6 - 6 - left.y)
    pen.paragraph(MASKING + "\n" + NOTICE_PERIOD, notes, 10.0, min_size=8.0, leading=1.35, valign="top")
    r = min(15 * MM, right.h / 2 - 4)
    cx, cy = right.right - r - 4, right.top - 8 - r
    draw.seal_circle(pen, cx, cy, r)
    text_w = right.w - 2 * r - 12
    pen.fit(f"公示单位：{h.organisation}", right.x, cy + 4, text_w, TEXT, align="right")
    pen.fit(f"制表日期：{draw.date_cn(h.made_on)}", right.x, cy - TEXT - 4, text_w, TEXT, align="right")


def _draw(c: Any, h: _Head, s: dict[str, int], rows: Iterator[list[Any]], sizes: list[int],
          progress: Callable[[int, int], None] | None, cancelled: Callable[[], bool] | None) -> int:
    body = _body()
    head, rest = body.take_top(HEAD_H)
    total, done, pages = sum(sizes), 0, len(sizes)
    for page, n in enumerate(sizes, start=1):
        if cancelled is not None and cancelled():
            raise Cancelled("cancelled", "导出已取消，没有生成文件")
        chunk = [_cells(r) for _, r in zip(range(n), rows, strict=False)]  # range first: no row lost
        if len(chunk) < n:
            raise _changed()
        c.setFont(FONT, TEXT)
        pen = draw.Pen(c)
        _header(pen, h, head, page, pages)
        last = page == pages
        if total == 0:
            bottom = _empty_row(pen, rest)
        else:
            bottom = table.grid(pen, rest, COLS, chunk, head_h=COLHEAD_H, row_h=ROW_H, size=TEXT, min_size=7.5)
        if last:
            if next(rows, None) is not None:
                raise _changed()
            _closing(pen, h, s, Box(rest.x, bottom - CLOSE_H, rest.w, CLOSE_H))
        else:
            pen.fit("（接下页）", rest.x, bottom - FOOT_H + 3, rest.w, TEXT - 1, align="right",
                    color=draw.GREY)
        pen.flush()
        c.showPage()
        done += n
        if progress is not None:
            progress(done, total)
    return done


def _changed() -> DataError:
    return DataError("changed_during_export", "导出期间收支记录有变动，请重新导出公示")


def write_notice_pdf(db: Database, path: str | Path, period: Period | None = None, *,
                     progress: Callable[[int, int], None] | None = None,
                     cancelled: Callable[[], bool] | None = None,
                     today: dt.date | None = None) -> tuple[NoticeResult, dict[str, int]]:
    """Write the notice PDF to `path`, all or nothing; returns what was written and the summary.

    `progress(rows_done, rows)` is called after each page; `cancelled()` is asked
    before each page and, when true, stops with `Cancelled` and writes nothing.
    """
    period = period or Period()
    s = summary(db, period)
    st = station.get_station(db)
    totals = (f"本期收入 {s['donations']:,} 笔　¥{format_fen(s['in_fen'])}　　"
              f"支出 {s['aid_lines']:,} 人次　¥{format_fen(s['out_fen'])}")
    h = _Head(station=station_text(db), organisation=st.organisation or st.name, period=period.text or "全部",
              made_on=(today or dt.date.today()).isoformat(), totals=totals)
    sizes = page_sizes(s["donations"] + s["aid_lines"])

    def write(tmp: Path) -> None:
        c = new_canvas(tmp, PAGE, title=TITLE, author=h.organisation, subject=f"{TITLE} {h.period}")
        _draw(c, h, s, iter_rows(db, period), sizes, progress, cancelled)
        c.save()

    target = write_file(path, write, example="公示.pdf")
    result = NoticeResult(str(target), sum(sizes), len(sizes), s["in_fen"], s["out_fen"])
    return result, s
