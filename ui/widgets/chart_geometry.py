"""Where a bar chart's parts go: the plot, the ticks, the bars and their labels, for columns
(`vertical_layout`) or rows of bars (`horizontal_layout`). Pure geometry from the font's metrics;
`ui.widgets.charts.BarChart` draws what these return."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QFontMetrics

from app.reports.charts import ChartData
from ui.widgets.chart_scale import (
    Bar,
    _elide,
    _fit_lines,
    _Layout,
    best_scale,
    tick_text,
)


def vertical_layout(d: ChartData, fm: QFontMetrics, area: QRectF, top: float,
                    title_rect: QRectF, caption: str, caption_pos: QPointF,
                    legend: list[tuple[QRectF, QPointF, str, QColor]], per_unit: int, max_fen: int) -> _Layout:
    """Columns rising from the zero line, one group per label, the label under each group."""
    lh = fm.height()
    plot_top = top + lh * 0.5  # room for the top tick's text, which is centred on its line
    plot_bottom = area.bottom() - lh - lh * 0.3
    plot_h = max(1.0, plot_bottom - plot_top)
    step, axis_top = best_scale(max_fen, max(2, min(8, int(plot_h / (lh * 1.6)))))
    ticks_fen = list(range(0, axis_top + 1, step))
    tick_texts = [tick_text(t, per_unit) for t in ticks_fen]
    axis_w = max(fm.horizontalAdvance(t) for t in tick_texts) + fm.horizontalAdvance(" ")
    plot = QRectF(area.left() + axis_w, plot_top, max(1.0, area.width() - axis_w), plot_h)
    ticks = [(plot.bottom() - t / axis_top * plot.height(), s)
             for t, s in zip(ticks_fen, tick_texts, strict=True)]

    n, k = len(d.labels), len(d.series)
    group_w = plot.width() / n
    bar_w = min(group_w * 0.75 / k, lh * 1.6)
    sep = 1.0 if bar_w >= 5 else 0.0  # a hair of white between bars of one group
    bars: list[Bar] = []
    hit: list[QRectF] = []
    for li, label in enumerate(d.labels):
        x0 = plot.left() + group_w * li + (group_w - bar_w * k) / 2
        for si, s in enumerate(d.series):
            left = round(x0 + bar_w * si)
            right = round(x0 + bar_w * (si + 1) - sep)
            right = max(right, left + 1)
            h = bar_length(s.values[li], axis_top, plot.height())
            rect = QRectF(left, round(plot.bottom() - h), right - left, 0)
            rect.setBottom(round(plot.bottom()))
            bars.append(Bar(rect, label, s.name, s.values[li], li, si))
            hit.append(QRectF(left, plot.top(), right - left + sep, plot.height()))

    # Labels under the groups: elide long ones, then show every n-th so none overlap.
    gap = fm.horizontalAdvance("中") * 0.6
    widest = max(fm.horizontalAdvance(t) for t in d.labels)
    # Short labels such as 10月 or 2024年10月 are thinned, never cut; long names are cut to four characters.
    short = widest <= fm.horizontalAdvance("0000年00月")
    target = widest if short else min(widest, max(group_w - gap, fm.horizontalAdvance("中中中中")))
    stride = max(1, math.ceil((target + gap) / group_w))
    labels: list[tuple[QRectF, str]] = []
    for li in range(0, n, stride):
        text = _elide(fm, d.labels[li], math.ceil(target))
        cx = plot.left() + group_w * (li + 0.5)
        w = fm.horizontalAdvance(text) + 2
        x = min(max(cx - w / 2, area.left()), area.right() - w)  # keep the end labels inside
        if labels and x < labels[-1][0].right():  # an end label pushed inside onto its neighbour
            if li + stride < n:
                continue
            while labels and x < labels[-1][0].right():
                labels.pop()  # the last one stays: it says where the axis ends
        labels.append((QRectF(x, plot.bottom() + lh * 0.3, w, lh), text))
    return _Layout(title_rect, caption, caption_pos, legend, plot, ticks, labels, bars, hit,
                   None)


def horizontal_layout(d: ChartData, fm: QFontMetrics, area: QRectF, top: float,
                      title_rect: QRectF, caption: str, caption_pos: QPointF,
                      legend: list[tuple[QRectF, QPointF, str, QColor]], per_unit: int, max_fen: int) -> _Layout:
    """Bars growing rightwards, one group per label, the (wrapped or cut) label on the left."""
    lh = fm.height()
    gap = fm.horizontalAdvance("中") * 0.6
    widest = max(fm.horizontalAdvance(t) for t in d.labels)
    label_w = min(widest, max(area.width() * 0.38, fm.horizontalAdvance("中中中…")))
    plot_left = area.left() + label_w + gap
    plot_bottom = area.bottom() - lh - lh * 0.3
    plot = QRectF(plot_left, top, 1.0, max(1.0, plot_bottom - top))
    max_fen = max_fen
    right_pad = fm.horizontalAdvance(tick_text(max_fen, per_unit)) / 2 + gap
    width = area.right() - right_pad - plot_left

    def fits(step: int, top: int) -> bool:
        tw = max(fm.horizontalAdvance(tick_text(t, per_unit)) for t in range(0, top + 1, step))
        return width * step / top >= tw + gap * 2

    step, axis_top = best_scale(max_fen, 8, fits)
    tick_texts = [tick_text(t, per_unit) for t in range(0, axis_top + 1, step)]
    right_pad = fm.horizontalAdvance(tick_texts[-1]) / 2
    plot.setWidth(max(1.0, area.right() - right_pad - plot_left))
    ticks = [(plot.left() + i * step / axis_top * plot.width(), s)
             for i, s in enumerate(tick_texts)]

    n, k = len(d.labels), len(d.series)
    group_h = plot.height() / n
    bar_h = min(group_h * 0.75 / k, lh * 1.2)
    sep = 1.0 if bar_h >= 5 else 0.0
    bars: list[Bar] = []
    hit: list[QRectF] = []
    for li, label in enumerate(d.labels):
        y0 = plot.top() + group_h * li + (group_h - bar_h * k) / 2
        for si, s in enumerate(d.series):
            t = round(y0 + bar_h * si)
            b = max(round(y0 + bar_h * (si + 1) - sep), t + 1)
            w = bar_length(s.values[li], axis_top, plot.width())
            rect = QRectF(round(plot.left()), t, 0, b - t)
            rect.setRight(round(plot.left() + w))
            bars.append(Bar(rect, label, s.name, s.values[li], li, si))
            hit.append(QRectF(plot.left(), t, plot.width(), b - t + sep))

    stride = max(1, math.ceil(lh / group_h))
    lines = 2 if group_h >= lh * 2.2 else 1  # long names take a second line when there is room
    labels: list[tuple[QRectF, str]] = []
    for li in range(0, n, stride):
        text = _fit_lines(fm, d.labels[li], math.floor(label_w), lines)
        cy = plot.top() + group_h * (li + 0.5)
        h = lh * (text.count("\n") + 1)
        labels.append((QRectF(area.left(), cy - h / 2, label_w, h), text))
    return _Layout(title_rect, caption, caption_pos, legend, plot, ticks, labels, bars, hit,
                   None)


def bar_length(fen: int, axis_top: int, extent: float) -> float:
    """Bar length in pixels: 0 for zero (or a stray negative), at least 1 px for any gift."""
    if fen <= 0:
        return 0.0
    return max(1.0, fen / axis_top * extent)

