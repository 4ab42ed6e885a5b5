"""Bar charts drawn with QPainter: money by month, by fund or by category.

PySide6-Essentials has no QtCharts, and the pages need only one plain kind of
chart, so it is drawn here. The widget holds a `ChartData` and draws it in
`paintEvent`; the page that owns it fetches the figures and calls `set_data`.
Amounts are integer fen; the axis shows 元 or 万元, the tooltip exact yuan.
Every size comes from the widget's font, so the large-text mode scales it.
"""

from __future__ import annotations

from typing import Literal

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from app.reports.charts import ChartData, Series
from app.rules.money import format_fen
from ui.widgets.chart_geometry import horizontal_layout, vertical_layout
from ui.widgets.chart_scale import (  # noqa: F401  (PALETTE, nice_scale … are the chart's too)
    _CLOSERS,
    _FEN_PER_WAN,
    _FEN_PER_YUAN,
    _OPENERS,
    PALETTE,
    WAN_FROM_FEN,
    Bar,
    _balanced,
    _break_at,
    _elide,
    _fit_lines,
    _Layout,
    _steps,
    best_scale,
    nice_scale,
    tick_text,
    unit_for,
)

__all__ = ["BarChart", "ChartData", "Series"]  # the figures come from app.reports.charts

Orientation = Literal["vertical", "horizontal"]

class BarChart(QWidget):
    """Grouped bars, one colour per series; vertical for months, horizontal for long names."""

    def __init__(self, parent: QWidget | None = None, *,
                 orientation: Orientation = "vertical") -> None:
        super().__init__(parent)
        if orientation not in ("vertical", "horizontal"):
            raise ValueError(f"orientation must be 'vertical' or 'horizontal', not {orientation!r}")
        self._orientation: Orientation = orientation
        self._data: ChartData | None = None
        self._layout_cache: tuple[tuple[int, int, str], _Layout] | None = None
        self._hovered: int | None = None
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    # --- data ---------------------------------------------------------------------------

    def orientation(self) -> Orientation:
        return self._orientation

    def data(self) -> ChartData | None:
        return self._data

    def set_data(self, data: ChartData | None) -> None:
        """Show these figures (None clears the chart)."""
        self._data = data
        self._layout_cache = None
        self._hovered = None
        self.setAccessibleName(data.title if data else "")
        self.setAccessibleDescription(self.tr("暂无数据") if self.is_empty() else "")
        self.update()

    def is_empty(self) -> bool:
        """True when there is nothing to draw: no data, no labels, or every amount zero."""
        d = self._data
        return d is None or not d.labels or not any(v > 0 for s in d.series for v in s.values)

    def unit(self) -> str:
        """The axis unit now in use: 元 or 万元 ('' when empty)."""
        return "" if self.is_empty() else unit_for(self._max_fen())[1]

    def bars(self) -> list[Bar]:
        """The bars as they are drawn at the current size: for tests and hit-testing."""
        return list(self._layout().bars)

    def bar_at(self, pos: QPoint | QPointF) -> Bar | None:
        """The bar whose lane is under `pos`, if any."""
        i = self._bar_index_at(QPointF(pos))
        return None if i is None else self._layout().bars[i]

    def tooltip_at(self, pos: QPoint | QPointF) -> str:
        """The tooltip for a point: '3月 捐赠收入：12,345.00 元', or '' off the bars."""
        bar = self.bar_at(pos)
        if bar is None:
            return ""
        return self.tr("{label} {series}：{amount} 元").format(
            label=bar.label, series=bar.series, amount=format_fen(bar.fen))

    def axis_labels(self) -> list[tuple[QRectF, str]]:
        """The labels actually drawn (thinned, elided or wrapped to fit) and where."""
        return list(self._layout().labels)

    def axis_ticks(self) -> list[str]:
        """The numbers on the value axis, in `unit()`: ['0', '20,000', …]."""
        return [text for _, text in self._layout().ticks]

    def legend_names(self) -> list[str]:
        """The series named in the legend; none for a single series."""
        return [name for _, _, name, _ in self._layout().legend]

    # --- sizes --------------------------------------------------------------------------

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        # Two charts side by side must fit beside the menu of a 1024×768 window.
        h = QFontMetrics(self.font()).height()
        return QSize(max(240, h * 13), max(160, h * 10))

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        h = QFontMetrics(self.font()).height()
        return QSize(max(360, h * 22), max(240, h * 15))

    # --- events -------------------------------------------------------------------------

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ToolTip and isinstance(e, QHelpEvent):
            text = self.tooltip_at(e.pos())
            if text:
                QToolTip.showText(e.globalPos(), text, self)
            else:
                QToolTip.hideText()
                e.ignore()
            return True
        return super().event(e)

    def changeEvent(self, e: QEvent) -> None:  # noqa: N802 (Qt name)
        if e.type() in (QEvent.Type.FontChange, QEvent.Type.PaletteChange):
            self._layout_cache = None
            self.updateGeometry()
            self.update()
        super().changeEvent(e)

    def resizeEvent(self, e: QResizeEvent) -> None:  # noqa: N802 (Qt name)
        self._layout_cache = None
        super().resizeEvent(e)

    def mouseMoveEvent(self, e: QMouseEvent) -> None:  # noqa: N802 (Qt name)
        self._set_hovered(self._bar_index_at(e.position()))
        super().mouseMoveEvent(e)

    def leaveEvent(self, e: QEvent) -> None:  # noqa: N802 (Qt name)
        self._set_hovered(None)
        super().leaveEvent(e)

    def _set_hovered(self, i: int | None) -> None:
        if i != self._hovered:
            self._hovered = i
            self.update()

    def _bar_index_at(self, pos: QPointF) -> int | None:
        for i, r in enumerate(self._layout().hit):
            if r.contains(pos):
                return i
        return None

    # --- layout -------------------------------------------------------------------------

    def _max_fen(self) -> int:
        d = self._data
        if d is None:
            return 0
        return max((v for s in d.series for v in s.values), default=0)

    def _title_font(self) -> QFont:
        f = QFont(self.font())
        f.setBold(True)
        return f

    def _layout(self) -> _Layout:
        key = (self.width(), self.height(), self.font().key())
        if self._layout_cache is None or self._layout_cache[0] != key:
            self._layout_cache = (key, self._build_layout())
        return self._layout_cache[1]

    def _build_layout(self) -> _Layout:
        fm = QFontMetrics(self.font())
        tfm = QFontMetrics(self._title_font())
        lh = fm.height()
        pad = max(6, lh // 2)
        area = QRectF(self.rect()).adjusted(pad, pad * 0.6, -pad, -pad * 0.6)
        d = self._data
        top = area.top()

        title_rect = QRectF(area.left(), top, area.width(), 0)
        if d and d.title:
            title_rect.setHeight(tfm.height())
            top += tfm.height() + pad * 0.5

        empty = self.is_empty()
        if empty or d is None:
            return _Layout(title_rect, "", QPointF(), [], QRectF(), [], [], [], [],
                           QRectF(area.left(), top, area.width(), area.bottom() - top))

        # Second row: unit caption on the left, legend to its right (wrapping if need be).
        per_unit, unit_name = unit_for(self._max_fen())
        caption = self.tr("单位：{unit}").format(unit=unit_name)
        caption_w = fm.horizontalAdvance(caption)
        legend: list[tuple[QRectF, QPointF, str, QColor]] = []
        swatch = round(lh * 0.65)
        item_gap = fm.horizontalAdvance("中") * 1.5
        row_top = top
        if len(d.series) > 1:
            items = [(s.name, swatch + fm.horizontalAdvance(" ") + fm.horizontalAdvance(s.name))
                     for s in d.series]
            x = area.left() + caption_w + item_gap * 2
            if x + sum(w for _, w in items) + item_gap * (len(items) - 1) > area.right():
                row_top += lh
                x = area.left()
            for i, (name, w) in enumerate(items):
                if x + w > area.right() and x > area.left():
                    row_top += lh
                    x = area.left()
                sw = QRectF(x, row_top + (lh - swatch) / 2, swatch, swatch)
                legend.append((sw, QPointF(x + swatch + fm.horizontalAdvance(" "),
                                           row_top + fm.ascent()), name, self._colour(i)))
                x += w + item_gap
        caption_pos = QPointF(area.left(), top + fm.ascent())
        top = row_top + lh + pad * 0.5

        if self._orientation == "vertical":
            return vertical_layout(d, fm, area, top, title_rect, caption, caption_pos, legend,
                                   per_unit, self._max_fen())
        return horizontal_layout(d, fm, area, top, title_rect, caption, caption_pos, legend,
                                 per_unit, self._max_fen())

    def _colour(self, i: int) -> QColor:
        return QColor(PALETTE[i % len(PALETTE)])

    # --- painting -----------------------------------------------------------------------

    def paintEvent(self, e: QPaintEvent) -> None:  # noqa: N802 (Qt name)
        lay = self._layout()
        p = QPainter(self)
        try:
            self._paint(p, lay)
        finally:
            p.end()

    def _paint(self, p: QPainter, lay: _Layout) -> None:
        pal = self.palette()
        text = pal.color(pal.ColorRole.WindowText)
        muted = QColor(text)
        muted.setAlphaF(0.65)
        grid = QColor(text)
        grid.setAlphaF(0.12)
        p.fillRect(self.rect(), pal.color(pal.ColorRole.Base))
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        font = self.font()
        fm = QFontMetrics(font)
        d = self._data

        if d and d.title:
            p.setFont(self._title_font())
            p.setPen(text)
            tfm = QFontMetrics(self._title_font())
            p.drawText(lay.title_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                       tfm.elidedText(d.title, Qt.TextElideMode.ElideRight,
                                      int(lay.title_rect.width())))
        p.setFont(font)

        if lay.empty_rect is not None:
            p.setPen(muted)
            p.drawText(lay.empty_rect, Qt.AlignmentFlag.AlignCenter, self.tr("暂无数据"))
            return

        p.setPen(muted)
        p.drawText(lay.caption_pos, lay.caption)
        for sw, pos, name, colour in lay.legend:
            p.fillRect(sw, colour)
            p.setPen(text)
            p.drawText(pos, name)

        vertical = self._orientation == "vertical"
        self._paint_ticks(p, lay, fm, grid, muted, vertical)
        self._paint_bars(p, lay, muted, text, vertical)

    def _paint_ticks(self, p: QPainter, lay: _Layout, fm: QFontMetrics, grid: QColor, muted: QColor,
                     vertical: bool) -> None:
        """The value axis: a faint line and its value at every tick."""
        plot = lay.plot
        for at, label in lay.ticks:
            if vertical:
                y = round(at)
                p.setPen(QPen(grid, 1))
                p.drawLine(QPointF(plot.left(), y + 0.5), QPointF(plot.right(), y + 0.5))
                p.setPen(muted)
                r = QRectF(0, y - fm.height() / 2, plot.left() - fm.horizontalAdvance(" ") / 2,
                           fm.height())
                p.drawText(r, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, label)
            else:
                x = round(at)
                p.setPen(QPen(grid, 1))
                p.drawLine(QPointF(x + 0.5, plot.top()), QPointF(x + 0.5, plot.bottom()))
                p.setPen(muted)
                w = fm.horizontalAdvance(label) + 2
                r = QRectF(x - w / 2, plot.bottom() + fm.height() * 0.3, w, fm.height())
                p.drawText(r, Qt.AlignmentFlag.AlignCenter, label)

    def _paint_bars(self, p: QPainter, lay: _Layout, muted: QColor, text: QColor, vertical: bool) -> None:
        """The bars (the hovered one darker), the zero line over their feet, and the labels."""
        plot = lay.plot
        for i, bar in enumerate(lay.bars):
            if bar.rect.width() <= 0 or bar.rect.height() <= 0:
                continue
            colour = self._colour(bar.series_index)
            if i == self._hovered:
                colour = colour.darker(135)
            p.fillRect(bar.rect, colour)

        # The zero line, drawn over the bars' feet.
        p.setPen(QPen(muted, 1))
        if vertical:
            y = round(plot.bottom())
            p.drawLine(QPointF(plot.left(), y + 0.5), QPointF(plot.right(), y + 0.5))
        else:
            x = round(plot.left())
            p.drawLine(QPointF(x - 0.5, plot.top()), QPointF(x - 0.5, plot.bottom()))

        p.setPen(text)
        align = (Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop if vertical
                 else Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        for r, label in lay.labels:
            p.drawText(r, align, label)


__all__ = ["PALETTE", "Bar", "BarChart", "ChartData", "Series", "nice_scale", "tick_text",
           "unit_for"]
