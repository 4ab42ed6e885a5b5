"""Drawing helpers on a reportlab canvas, all in the embedded CJK font.

A `Pen` writes every string of a page into one PDF text object (one BT…ET,
font and colour set only when they change), which is what keeps a thousand
receipts fast; lines, boxes and stamps go straight to its canvas. Call
`flush()` before drawing something that must lie over the text, and before
`showPage()`.

Text never runs out of its box: `fit` shrinks a line down to a floor size and
then cuts it with …; `wrap` breaks Chinese anywhere and Latin between words;
`paragraph` fills a box. Widths come from the font's own metrics, cached.
Stamps (补打, 作废), the seal circle, cut lines and vertical part labels are
here so receipts, sign-off sheets and notices look alike.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from reportlab.lib.colors import Color

from app.pdf.fonts import FONT, register
from app.pdf.frames import Box

Canvas = Any  # reportlab.pdfgen.canvas.Canvas (reportlab ships no type hints)

RED = Color(0.80, 0.10, 0.10)
GREY = Color(0.45, 0.45, 0.45)
LIGHT = Color(0.75, 0.75, 0.75)
BLACK = Color(0, 0, 0)
ELLIPSIS = "…"

_metrics: tuple[Any, float] | None = None


def _glyph_widths() -> tuple[Any, float]:
    global _metrics
    if _metrics is None:
        from reportlab.pdfbase.pdfmetrics import getFont

        face = getFont(register()).face
        _metrics = (face.charWidths.get, float(face.defaultWidth))
    return _metrics


@lru_cache(maxsize=16384)
def _units(text: str) -> float:
    get, default = _glyph_widths()
    return float(sum(get(ord(ch), default) for ch in text))


def width(text: str, size: float) -> float:
    """Width in points of `text` in the CJK font at `size`."""
    return _units(text) * size * 0.001


def cut(text: str, max_width: float, size: float) -> str:
    """`text` cut with … so it fits `max_width` at `size`."""
    if width(text, size) <= max_width:
        return text
    room = max_width / size * 1000 - _units(ELLIPSIS)
    used, n = 0.0, 0
    for ch in text:
        used += _units(ch)
        if used > room:
            break
        n += 1
    return text[:n] + ELLIPSIS


def fit_size(text: str, max_width: float, size: float, min_size: float) -> float:
    """The largest size from `size` down to `min_size` at which `text` fits, else `min_size`."""
    w = width(text, size)
    if w <= max_width or w == 0:
        return size
    return max(min_size, size * max_width / w * 0.999)


def wrap(text: str, max_width: float, size: float) -> list[str]:
    """Break text into lines that fit: Chinese anywhere, Latin words and numbers kept whole."""
    return list(_wrap(text, max_width, size))


@lru_cache(maxsize=1024)
def _wrap(text: str, max_width: float, size: float) -> tuple[str, ...]:
    room = max_width / size * 1000
    lines: list[str] = []
    for para in text.split("\n"):
        pieces: list[str] = []
        word = ""
        for ch in para:
            if ch.isascii() and not ch.isspace():
                word += ch
                continue
            if word:
                pieces.append(word)
                word = ""
            pieces.append(ch)
        if word:
            pieces.append(word)
        line, used = "", 0.0
        for piece in pieces:
            w = _units(piece)
            if used + w <= room or not line:
                line, used = line + piece, used + w
            else:
                lines.append(line.rstrip())
                line = piece.lstrip()
                used = _units(line)
            while used > room and len(line) > 1:  # one word wider than the box
                k, acc = 0, 0.0
                for ch in line:
                    if acc + _units(ch) > room and k:
                        break
                    acc += _units(ch)
                    k += 1
                lines.append(line[:k])
                line = line[k:]
                used = _units(line)
        lines.append(line.rstrip())
    return tuple(lines)


def date_cn(iso: str) -> str:
    """2026-03-05 → 2026年03月05日, as forms print dates (anything shorter is returned as it is)."""
    return f"{iso[:4]}年{iso[5:7]}月{iso[8:10]}日" if len(iso) >= 10 else iso


def spaced(text: str) -> str:
    """Letter-space a short title the way printed forms do: 捐赠收据 → 捐 赠 收 据."""
    return " ".join(text) if len(text) <= 6 else text


class Pen:
    """Text for one page gathered into one text object; graphics straight to the canvas."""

    def __init__(self, c: Canvas) -> None:
        self.c = c
        self._t: Any = None
        self._size = 0.0
        self._color: Color = BLACK

    def text(self, x: float, y: float, text: str, size: float, color: Color = BLACK) -> None:
        t = self._t
        if t is None:
            t = self._t = self.c.beginText()
            t.setFillColor(BLACK)
            self._color, self._size = BLACK, 0.0
        if size != self._size:
            t.setFont(FONT, size)
            self._size = size
        if color is not self._color:
            t.setFillColor(color)
            self._color = color
        t.setTextOrigin(x, y)
        t.textOut(text)

    def flush(self) -> None:
        """Put the gathered text on the page (before stamps over it, and before showPage)."""
        if self._t is not None:
            self.c.drawText(self._t)
            self._t = None

    def fit(self, text: str, x: float, y: float, max_width: float, size: float, *,
            min_size: float = 7.0, align: str = "left", color: Color = BLACK) -> float:
        """One line that fits `max_width` (shrunk, then cut); returns the size used."""
        units = _units(text)
        s = size
        if units * s * 0.001 > max_width:
            s = max(min_size, max_width / units * 999)
            if units * s * 0.001 > max_width:
                text = cut(text, max_width, s)
                units = _units(text)
        if align != "left":
            w = units * s * 0.001
            x += (max_width - w) / 2 if align == "center" else max_width - w
        self.text(x, y, text, s, color)
        return s

    def paragraph(self, text: str, box: Box, size: float, *, min_size: float = 7.0,
                  leading: float = 1.25, valign: str = "middle", color: Color = BLACK) -> float:
        """Fill a box with wrapped text, shrinking until it fits (cut with … at `min_size`)."""
        s = size
        while True:
            lines = list(_wrap(text, box.w, s))
            max_lines = max(1, int((box.h + s * (leading - 1)) // (s * leading)))
            if len(lines) <= max_lines or s <= min_size:
                break
            s = max(min_size, s - 0.5)
        if len(lines) > max_lines:
            lines = lines[:max_lines]
            lines[-1] = cut(lines[-1] + ELLIPSIS * 2, box.w, s)
        block = s * leading * (len(lines) - 1) + s
        y = box.top - s if valign == "top" else box.y + (box.h + block) / 2 - s * 0.88
        for line in lines:
            self.text(box.x, y, line, s, color)
            y -= s * leading
        return s

    def vertical(self, text: str, box: Box, size: float, *, color: Color = BLACK) -> None:
        """Chinese set top to bottom, centred in a narrow box (存根联 at a part's edge)."""
        chars = [ch for ch in text if not ch.isspace()]
        step = min(size * 1.15, box.h / max(1, len(chars)))
        y = box.cy + step * len(chars) / 2 - size * 0.85
        for ch in chars:
            self.text(box.cx - width(ch, size) / 2, y, ch, size, color)
            y -= step


# ---------- marks drawn straight on the canvas ----------
def bold(c: Canvas, text: str, x: float, y: float, size: float, *, align: str = "left") -> None:
    """Heavier text for titles: the font has no bold face, so fill and stroke the glyphs."""
    t = c.beginText()
    t.setFont(FONT, size)
    t.setTextRenderMode(2)
    w = width(text, size)
    t.setTextOrigin(x - (w / 2 if align == "center" else w if align == "right" else 0), y)
    c.saveState()
    c.setLineWidth(size / 40)
    c.setFillColor(BLACK)
    c.setStrokeColor(BLACK)
    t.textOut(text)
    c.drawText(t)
    c.restoreState()


def stamp(c: Canvas, text: str, cx: float, cy: float, size: float, *, angle: float = 0,
          color: Color = RED, alpha: float = 1.0, frame: bool = True) -> None:
    """A rubber-stamp mark (补打, 作废) centred on (cx, cy), optionally boxed and turned."""
    c.saveState()
    c.translate(cx, cy)
    c.rotate(angle)
    c.setFillColor(color)
    c.setStrokeColor(color)
    if alpha < 1:
        c.setFillAlpha(alpha)
        c.setStrokeAlpha(alpha)
    w = width(text, size)
    t = c.beginText()
    t.setFont(FONT, size)
    t.setTextOrigin(-w / 2, -size * 0.36)
    t.textOut(text)
    c.drawText(t)
    if frame:
        pad = size * 0.25
        c.setLineWidth(max(0.8, size / 14))
        c.roundRect(-w / 2 - pad, -size * 0.62, w + 2 * pad, size * 1.24, size * 0.12, stroke=1, fill=0)
    c.restoreState()


def seal_circle(pen: Pen, cx: float, cy: float, r: float, label: str = "盖章处") -> None:
    """A dashed circle showing where the station's seal goes."""
    c = pen.c
    c.saveState()
    c.setStrokeColor(LIGHT)
    c.setDash(2, 2)
    c.setLineWidth(0.6)
    c.circle(cx, cy, r, stroke=1, fill=0)
    c.restoreState()
    pen.fit(label, cx - r, cy - 2.5, 2 * r, 7.5, align="center", color=LIGHT)


def dashed(c: Canvas, x1: float, y1: float, x2: float, y2: float, *, color: Color = GREY) -> None:
    c.saveState()
    c.setStrokeColor(color)
    c.setDash(4, 3)
    c.setLineWidth(0.5)
    c.line(x1, y1, x2, y2)
    c.restoreState()


def cut_line(pen: Pen, y: float, x1: float, x2: float, label: str = "沿虚线撕开") -> None:
    """A dashed line across the page where parts are separated, with a small label."""
    size = 6.5
    w = width(label, size) + 8
    mid = (x1 + x2) / 2
    dashed(pen.c, x1, y, mid - w / 2, y)
    dashed(pen.c, mid + w / 2, y, x2, y)
    pen.fit(label, mid - w / 2, y - size * 0.35, w, size, align="center", color=GREY)
