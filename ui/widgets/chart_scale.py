"""The arithmetic of a bar chart's drawing: the axis scale and unit, the tick texts, where a long
label breaks; and the bars and layout a `BarChart` computes for a size and font. No painting here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetrics

#: From this amount (100,000 元, in fen) the axis counts in 万元.
WAN_FROM_FEN = 100_000 * 100
_FEN_PER_YUAN = 100
_FEN_PER_WAN = 10_000 * 100

#: Okabe–Ito colours: told apart by people with colour-blindness, and the first
#: two (blue, orange) stay apart when printed in grey.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000")


@dataclass(frozen=True)
class Bar:
    """One drawn bar, in widget coordinates, with what it stands for."""

    rect: QRectF
    label: str
    series: str
    fen: int
    label_index: int
    series_index: int


@dataclass
class _Layout:
    """Where everything goes for one size and font; rebuilt when either changes."""

    title_rect: QRectF
    caption: str
    caption_pos: QPointF
    legend: list[tuple[QRectF, QPointF, str, QColor]]
    plot: QRectF
    ticks: list[tuple[float, str]]  # position along the value axis, text
    labels: list[tuple[QRectF, str]]  # where each shown label goes, elided text
    bars: list[Bar]
    hit: list[QRectF]  # hover area of each bar: its whole lane, so short bars are easy to point at
    empty_rect: QRectF | None


def unit_for(max_fen: int) -> tuple[int, str]:
    """Fen per axis unit and the unit's name: 万元 from 100,000 元 up, else 元."""
    return (_FEN_PER_WAN, "万元") if max_fen >= WAN_FROM_FEN else (_FEN_PER_YUAN, "元")


def _steps() -> Iterator[int]:
    """Round steps in fen, smallest first: 1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, …"""
    exp = 0
    while True:
        base = 10 ** exp
        yield from (base, 2 * base) if exp == 0 else (base, 2 * base, 25 * base // 10)
        yield 5 * base
        exp += 1


def nice_scale(max_fen: int, max_ticks: int) -> tuple[int, int]:
    """A round tick step and the axis top (a multiple of it ≥ max_fen), at most max_ticks steps."""
    max_fen = max(1, max_fen)
    max_ticks = max(1, max_ticks)
    for step in _steps():
        if step * max_ticks >= max_fen:
            return step, math.ceil(max_fen / step) * step
    raise AssertionError("unreachable")


def best_scale(max_fen: int, max_ticks: int,
               fits: Callable[[int, int], bool] | None = None) -> tuple[int, int]:
    """The scale with the least empty room past the biggest bar, among those whose ticks fit.

    Ties go to about four intervals. `fits(step, top)` says whether the tick texts have room.
    """
    options = [nice_scale(max_fen, n) for n in range(max(1, max_ticks), 0, -1)]
    good = [o for o in options if fits is None or fits(*o)] or options[-1:]
    return min(good, key=lambda o: (o[1], abs(o[1] // o[0] - 4)))


def tick_text(fen: int, per_unit: int) -> str:
    """An axis number in the axis unit, grouped and without trailing zeros: 80,000 / 1.5."""
    d = (Decimal(fen) / Decimal(per_unit)).normalize()
    return f"{d:,f}"


_OPENERS = "（(《“‘【["
_CLOSERS = "）)》”’】]」』〕、，。；：！？,.;:!?"


def _elide(fm: QFontMetrics, text: str, width: int) -> str:
    """`text` cut to `width` pixels with …, left whole when it fits."""
    if fm.horizontalAdvance(text) <= width:
        return text
    cut = fm.elidedText(text, Qt.TextElideMode.ElideRight, width)
    if len(cut) >= 2 and cut[-2] in _OPENERS:  # 慈善基金（… reads badly: 慈善基金…
        cut = cut[:-2] + cut[-1]
    return cut


def _break_at(text: str, cut: int) -> int:
    """Move a line break back to a better place: before a bracket, never inside a number."""
    if cut >= len(text):
        return cut
    opener = max(text.rfind(ch, 1, cut + 1) for ch in _OPENERS)
    if opener >= cut // 2:
        return opener
    start = cut
    while start > 0 and text[start - 1].isascii() and text[start - 1].isalnum():
        start -= 1
    if start < cut and text[cut].isascii() and text[cut].isalnum() and start > 0:
        return start
    return cut


def _fit_lines(fm: QFontMetrics, text: str, width: int, lines: int) -> str:
    """Break `text` into at most `lines` lines of `width` pixels, the last one elided."""
    out: list[str] = []
    rest = text
    while len(out) < lines - 1 and fm.horizontalAdvance(rest) > width:
        cut = 1
        while cut < len(rest) and fm.horizontalAdvance(rest[:cut + 1]) <= width:
            cut += 1
        cut = _break_at(rest, cut)
        if len(out) == lines - 2 and rest[cut:cut + 1] not in _OPENERS:
            cut = _balanced(fm, rest, width, cut)
        out.append(rest[:cut])
        rest = rest[cut:]
    out.append(_elide(fm, rest, width))
    return "\n".join(out)


def _balanced(fm: QFontMetrics, text: str, width: int, cut: int) -> int:
    """For the last two lines: the break that makes them most even (爱心企业 / 冠名基金, not
    爱心企业冠名基 / 金), when both halves fit; else `cut`."""
    if fm.horizontalAdvance(text[cut:]) > width:
        return cut  # the rest is cut short anyway
    best, best_w = cut, max(fm.horizontalAdvance(text[:cut]), fm.horizontalAdvance(text[cut:]))
    for k in range(1, len(text)):
        if text[k - 1].isascii() and text[k - 1].isalnum() and text[k].isascii() and text[k].isalnum():
            continue  # never inside a number or a word
        if text[k - 1] in _OPENERS or text[k] in _CLOSERS:
            continue  # never 阳光助学（ / 2024年春季）, never a line that starts with ）or 、
        w = max(fm.horizontalAdvance(text[:k]), fm.horizontalAdvance(text[k:]))
        if w < best_w:
            best, best_w = k, w
    return best
