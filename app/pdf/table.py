"""A ruled table drawn on one page: shaded header row, fixed-height rows, text kept in its cell.

Sign-off sheets and public notices print their lists with it, so both look
alike. Column widths are relative (millimetres by convention) and scaled to the
box. A cell's text never leaves its cell: it shrinks to a floor size and is
cut with …; a `wrap` column first tries two lines, for long organisation names
and goods lists. Pages are cut by the caller (see `page_sizes`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.colors import Color

from app.pdf import draw
from app.pdf.frames import MM, Box

HEAD_FILL = Color(0.93, 0.92, 0.89)
PAD = 1.6 * MM


@dataclass(frozen=True)
class Col:
    header: str
    width: float  # relative; millimetres by convention
    align: str = "left"  # left / center / right
    wrap: bool = False  # two lines before cutting with …


def page_x_of_y(page: int, pages: int) -> str:
    """第 2 页 共 5 页 (page numbers from 1)."""
    return f"第 {page} 页 共 {pages} 页"


def page_sizes(n_rows: int, per_page: int, per_last: int) -> list[int]:
    """Rows on each page when the last page also holds a block below its table.

    Every page but the last takes up to `per_page` rows; the last takes at most
    `per_last` and at least one (none only when there are no rows at all).
    """
    if per_page < 1 or not 1 <= per_last <= per_page:
        raise ValueError(f"bad page capacity: {per_page} rows, {per_last} on the last page")
    sizes: list[int] = []
    left = n_rows
    while left > per_last:
        take = min(per_page, left - 1)
        sizes.append(take)
        left -= take
    sizes.append(left)
    return sizes


def pages_for(n_rows: int, per_page: int) -> int:
    """Pages for `n_rows` at `per_page` a page (an empty table still has one page)."""
    return max(1, math.ceil(n_rows / per_page))


def edges(box: Box, cols: Sequence[Col]) -> list[float]:
    """The x of each column's left edge, and the table's right edge last."""
    scale = box.w / sum(c.width for c in cols)
    xs = [box.x]
    for c in cols:
        xs.append(xs[-1] + c.width * scale)
    xs[-1] = box.right
    return xs


def height(n_rows: int, head_h: float, row_h: float) -> float:
    return head_h + row_h * n_rows


def grid(pen: draw.Pen, box: Box, cols: Sequence[Col], rows: Sequence[Sequence[str]], *,
         head_h: float, row_h: float, size: float, head_size: float | None = None, min_size: float = 6.5,
         colors: Sequence[Color] | None = None) -> float:
    """Draw the table from the top of `box` down; returns the y of its bottom edge.

    `rows` hold one text per column ('' for an empty cell); `colors`, if given,
    one text colour per row (grey for lines that do not count).
    """
    c = pen.c
    xs = edges(box, cols)
    top = box.top
    bottom = top - height(len(rows), head_h, row_h)
    c.setStrokeColor(draw.BLACK)
    c.setFillColor(HEAD_FILL)
    c.rect(box.x, top - head_h, box.w, head_h, stroke=0, fill=1)
    c.setFillColor(draw.BLACK)
    c.setLineWidth(0.5)
    for i in range(len(rows) + 1):  # the rule under the header and under each row
        y = top - head_h - row_h * i
        c.line(box.x, y, box.right, y)
    for x in xs[1:-1]:
        c.line(x, top, x, bottom)
    c.setLineWidth(1.0)
    c.rect(box.x, bottom, box.w, top - bottom, stroke=1, fill=0)
    hs = head_size or size
    for col, x0, x1 in zip(cols, xs[:-1], xs[1:], strict=True):
        pen.fit(col.header, x0 + PAD, top - head_h / 2 - hs * 0.36, x1 - x0 - 2 * PAD, hs,
                min_size=min(7.0, hs), align="center")
    for i, row in enumerate(rows):
        cell_top = top - head_h - row_h * i
        color = colors[i] if colors is not None else draw.BLACK
        for col, x0, x1, text in zip(cols, xs[:-1], xs[1:], row, strict=True):
            if text:
                cell(pen, text, Box(x0 + PAD, cell_top - row_h, x1 - x0 - 2 * PAD, row_h), col, size,
                     min_size=min_size, color=color)
    return bottom


def cell(pen: draw.Pen, text: str, box: Box, col: Col, size: float, *, min_size: float,
         color: Color = draw.BLACK) -> None:
    """One cell's text: one line shrunk to fit; in a wrap column, two lines if one would be cut."""
    base = box.cy - size * 0.36
    if not col.wrap or draw.width(text, max(min_size, size * 0.85)) <= box.w:
        pen.fit(text, box.x, base, box.w, size, min_size=min_size, align=col.align, color=color)
        return
    s = max(min_size, min(size * 0.85, (box.h - 2) / 2.2))  # two lines must fit the row
    lines = _two_lines(text, box.w, s)
    y = box.cy + s * 0.215
    for line in lines:
        pen.fit(line, box.x, y, box.w, s, min_size=s, align=col.align, color=color)
        y -= s * 1.15


#: Where a cell breaks into two lines, best first: list separators, then labels and brackets, then spaces.
_BREAKS = ("、，,；;", "：:（(", " /")


def _two_lines(text: str, max_width: float, size: float) -> list[str]:
    """Two lines broken at the best separator that gives two lines that fit; else wrapped and cut with …."""
    for tier in _BREAKS:
        best: tuple[float, int] | None = None
        for i, ch in enumerate(text[:-1]):
            if ch not in tier:
                continue
            k = i if ch in "（(" else i + 1  # an opening bracket starts the second line
            w = max(draw.width(text[:k].rstrip(), size), draw.width(text[k:].lstrip(), size))
            if w <= max_width and (best is None or w < best[0]):
                best = (w, k)
        if best is not None:
            return [text[:best[1]].rstrip(), text[best[1]:].lstrip()]
    lines = draw.wrap(text, max_width, size)
    if len(lines) > 2:
        lines = [lines[0], draw.cut(lines[1] + draw.ELLIPSIS * 2, max_width, size)]
    return lines
