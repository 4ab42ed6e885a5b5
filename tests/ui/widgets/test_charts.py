"""The QPainter bar chart: geometry follows the figures, text fits, empty says so."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint
from PySide6.QtGui import QColor, QFont, QHelpEvent
from PySide6.QtWidgets import QApplication, QHBoxLayout, QToolTip, QWidget

from ui import theme
from ui.widgets.charts import (
    PALETTE,
    BarChart,
    ChartData,
    Series,
    best_scale,
    nice_scale,
    tick_text,
    unit_for,
)

MONTHS = tuple(f"{i}月" for i in range(1, 13))
FUNDS = ("慈善基金（非定向）", "东风村冠名基金", "助学定向基金", "大病救助专项基金（2026年度）")


def make_chart(qtbot, data: ChartData | None, *, orientation="vertical", size=(600, 360)):
    chart = BarChart(orientation=orientation)
    qtbot.addWidget(chart)
    chart.set_data(data)
    chart.resize(*size)
    return chart


def monthly(don, aid=None) -> ChartData:
    series = [Series("捐赠收入", tuple(don))]
    if aid is not None:
        series.append(Series("救助支出", tuple(aid)))
    return ChartData("2026年 每月捐赠与救助", MONTHS[:len(don)], tuple(series))


def centre(bar) -> QPoint:
    return bar.rect.center().toPoint()


def test_taller_bar_for_bigger_value_on_a_shared_baseline(qtbot):
    chart = make_chart(qtbot, monthly([100_00, 300_00, 200_00]))
    bars = chart.bars()
    assert [(b.label, b.series, b.fen) for b in bars] == [
        ("1月", "捐赠收入", 100_00), ("2月", "捐赠收入", 300_00), ("3月", "捐赠收入", 200_00)]
    h = [b.rect.height() for b in bars]
    assert h[0] < h[2] < h[1]
    assert h[1] == pytest.approx(3 * h[0], abs=2)  # proportional, from a zero baseline
    assert len({b.rect.bottom() for b in bars}) == 1
    assert bars[0].rect.left() < bars[1].rect.left() < bars[2].rect.left()
    assert all(chart.rect().contains(b.rect.toRect()) for b in bars)


def test_grouped_bars_sit_side_by_side_in_series_colours(qtbot):
    chart = make_chart(qtbot, monthly([500_00, 800_00], [300_00, 900_00]))
    bars = chart.bars()
    assert [(b.label, b.series_index) for b in bars] == [("1月", 0), ("1月", 1), ("2月", 0), ("2月", 1)]
    assert bars[0].rect.right() <= bars[1].rect.left() < bars[2].rect.left()
    assert chart.legend_names() == ["捐赠收入", "救助支出"]
    image = chart.grab().toImage()
    for b in bars:  # what bars() reports is what is painted
        assert image.pixelColor(centre(b)) == QColor(PALETTE[b.series_index])
    assert QColor(PALETTE[0]) != QColor(PALETTE[1])


def test_single_series_has_no_legend(qtbot):
    chart = make_chart(qtbot, monthly([500_00, 800_00]))
    assert chart.legend_names() == []


def test_zero_and_negative_values_draw_no_bar(qtbot):
    chart = make_chart(qtbot, monthly([0, 400_00, -50_00, 1]))
    zero, full, negative, tiny = chart.bars()
    assert zero.rect.height() == 0 and negative.rect.height() == 0
    assert negative.fen == -50_00  # reported as given, drawn clamped
    assert 1 <= tiny.rect.height() < full.rect.height()  # a one-fen gift is still visible
    assert chart.tooltip_at(QPoint(int(zero.rect.center().x()), 150)) == "1月 捐赠收入：0.00 元"
    chart.grab()  # paints without error


@pytest.mark.parametrize("data", [
    None,
    ChartData("空", (), ()),
    ChartData("无系列", MONTHS, ()),
    monthly([0] * 12, [0] * 12),
])
def test_empty_or_all_zero_shows_no_data_text(qtbot, data):
    chart = make_chart(qtbot, data)
    assert chart.is_empty()
    assert chart.bars() == [] and chart.axis_ticks() == [] and chart.unit() == ""
    assert chart.tooltip_at(QPoint(300, 180)) == ""
    image = chart.grab().toImage()
    background = image.pixelColor(2, 2)
    middle = [image.pixelColor(x, y) for x in range(220, 380) for y in range(150, 230)]
    assert any(c != background for c in middle)  # 暂无数据 is painted in the middle


def test_data_then_none_clears(qtbot):
    chart = make_chart(qtbot, monthly([100_00]))
    assert not chart.is_empty() and chart.accessibleName() == "2026年 每月捐赠与救助"
    chart.set_data(None)
    assert chart.is_empty() and chart.bars() == [] and chart.accessibleName() == ""


@pytest.mark.qt_log_ignore("does not support raise")  # the offscreen platform cannot raise a tip
def test_tooltip_names_label_series_and_exact_yuan(qtbot):
    chart = make_chart(qtbot, monthly([1_00, 2_00, 12_345_00], [0, 0, 5_00]))
    bar = next(b for b in chart.bars() if b.label == "3月" and b.series == "捐赠收入")
    assert chart.tooltip_at(centre(bar)) == "3月 捐赠收入：12,345.00 元"
    small = next(b for b in chart.bars() if b.label == "3月" and b.series == "救助支出")
    above = QPoint(int(small.rect.center().x()), int(small.rect.top()) - 20)
    assert chart.tooltip_at(above) == "3月 救助支出：5.00 元"  # the whole lane answers
    assert chart.tooltip_at(QPoint(1, 1)) == ""

    chart.show()
    qtbot.waitExposed(chart)
    pos = centre(bar)
    event = QHelpEvent(QEvent.Type.ToolTip, pos, chart.mapToGlobal(pos))
    QApplication.sendEvent(chart, event)
    assert QToolTip.text() == "3月 捐赠收入：12,345.00 元"
    QToolTip.hideText()


def test_hover_highlights_the_bar_under_the_mouse(qtbot):
    chart = make_chart(qtbot, monthly([300_00, 300_00]))
    chart.show()
    qtbot.waitExposed(chart)
    first, second = chart.bars()
    qtbot.mouseMove(chart, centre(first))
    image = chart.grab().toImage()
    assert image.pixelColor(centre(first)) != image.pixelColor(centre(second))
    assert chart.bar_at(centre(first)) == first


def test_axis_counts_in_yuan_below_100000(qtbot):
    chart = make_chart(qtbot, monthly([79_800_00, 42_000_00]))
    assert chart.unit() == "元"
    ticks = chart.axis_ticks()
    assert ticks[0] == "0" and ticks[-1] == "80,000"
    assert all("." not in t for t in ticks)


def test_axis_switches_to_wan_yuan_for_big_figures(qtbot):
    chart = make_chart(qtbot, ChartData("各基金", FUNDS[:2], (Series("收入", (450_000_00, 128_000_00)),)))
    assert chart.unit() == "万元"
    ticks = chart.axis_ticks()
    assert ticks[0] == "0" and ticks[-1] == "50"
    values = [float(t.replace(",", "")) for t in ticks]
    assert values == sorted(values) and values[-1] >= 45


def test_unit_boundary():
    assert unit_for(99_999_99) == (100, "元")
    assert unit_for(100_000_00) == (1_000_000, "万元")


@pytest.mark.parametrize("max_fen", [1, 99, 12_345, 79_800_00, 450_000_00, 7_654_321_00])
@pytest.mark.parametrize("ticks", [2, 4, 6, 8])
def test_scale_is_round_and_covers_the_biggest_bar(max_fen, ticks):
    step, top = nice_scale(max_fen, ticks)
    assert top >= max_fen and top % step == 0 and top // step <= ticks
    assert top - step < max_fen  # no empty step past the biggest bar
    digits = str(step).rstrip("0")
    assert digits in ("1", "2", "25", "5")


def test_best_scale_prefers_a_snug_top_that_fits():
    assert best_scale(450_000_00, 8) == (10_000_000, 50_000_000)
    assert best_scale(450_000_00, 8, lambda step, top: top // step <= 2) == (25_000_000, 50_000_000)


def test_tick_text_is_grouped_without_trailing_zeros():
    assert tick_text(0, 100) == "0"
    assert tick_text(8_000_000, 100) == "80,000"
    assert tick_text(1_500_000, 1_000_000) == "1.5"
    assert tick_text(50, 100) == "0.5"


def test_month_labels_thin_out_instead_of_overlapping_when_narrow(qtbot):
    days = tuple(f"{i}日" for i in range(1, 32))
    data = ChartData("本月每日捐赠", days, (Series("捐赠收入", tuple(range(100, 3200, 100))),))
    chart = make_chart(qtbot, data, size=(320, 240))
    shown = chart.axis_labels()
    assert 2 <= len(shown) < 31
    assert all("…" not in text for _, text in shown)  # short labels are thinned, not cut
    for (a, _), (b, _) in zip(shown, shown[1:], strict=False):
        assert a.right() <= b.left()
    assert all(chart.rect().contains(r.toRect()) for r, _ in shown)
    chart.resize(1600, 240)
    assert len(chart.axis_labels()) == 31


def test_horizontal_bars_grow_rightwards_and_long_names_are_cut(qtbot):
    data = ChartData("各基金余额", FUNDS, (Series("余额", (450_000_00, 128_000_00, 86_500_00, 0)),))
    chart = make_chart(qtbot, data, orientation="horizontal", size=(260, 170))
    bars = chart.bars()
    w = [b.rect.width() for b in bars]
    assert w[0] > w[1] > w[2] > w[3] == 0
    assert len({b.rect.left() for b in bars}) == 1
    assert bars[0].rect.top() < bars[1].rect.top() < bars[2].rect.top()
    texts = [text for _, text in chart.axis_labels()]
    assert any(t.endswith("…") for t in texts)
    assert "助学定向基金" in texts
    for rect, _ in chart.axis_labels():
        assert rect.right() < bars[0].rect.left()  # names stay left of the bars
    shown = chart.axis_labels()
    for (a, _), (b, _) in zip(shown, shown[1:], strict=False):
        assert a.bottom() <= b.top()
    assert chart.tooltip_at(centre(bars[0])) == "慈善基金（非定向） 余额：450,000.00 元"


def test_horizontal_names_wrap_to_two_lines_when_rows_are_tall(qtbot):
    data = ChartData("各基金余额", FUNDS[2:], (Series("余额", (86_500_00, 200_000_00)),))
    chart = make_chart(qtbot, data, orientation="horizontal", size=(300, 360))
    texts = [text for _, text in chart.axis_labels()]
    assert texts[0] == "助学定向基金"
    first, second = texts[1].split("\n")
    assert first == "大病救助专项基金"  # broken before the bracket, not inside 2026
    assert second.startswith("（")


def test_series_must_match_labels():
    with pytest.raises(ValueError):
        ChartData("x", ("1月", "2月"), (Series("捐赠收入", (1,)),))
    with pytest.raises(ValueError):
        BarChart(orientation="diagonal")  # type: ignore[arg-type]


@pytest.mark.parametrize("orientation", ["vertical", "horizontal"])
def test_large_text_scales_and_two_charts_fit_side_by_side(qtbot, orientation):
    data = monthly([3_250_000 * (i % 5 + 1) for i in range(12)], [1_800_000] * 12)
    chart = make_chart(qtbot, data, orientation=orientation)
    normal = chart.minimumSizeHint()
    normal_ticks = chart.axis_ticks()
    font = QFont(chart.font())
    font.setPointSize(theme.LARGE_PT + 1)
    chart.setFont(font)
    large = chart.minimumSizeHint()
    assert large.width() > normal.width() and large.height() > normal.height()
    assert len(chart.axis_ticks()) <= len(normal_ticks)  # fewer, bigger numbers
    assert chart.bars() and all(b.rect.width() >= 0 for b in chart.bars())

    # Two charts side by side in a 1024×768 window, beside a menu, in large text.
    window = QWidget()
    qtbot.addWidget(window)
    row = QHBoxLayout(window)
    for _ in range(2):
        c = BarChart(orientation=orientation)
        c.setFont(font)
        c.set_data(data)
        row.addWidget(c)
    assert window.minimumSizeHint().width() <= 1024 - 200
    assert window.minimumSizeHint().height() <= 768 // 2
    window.resize(window.minimumSizeHint())
    window.grab()
    chart.resize(chart.minimumSizeHint())
    assert all(chart.rect().contains(b.rect.toRect()) for b in chart.bars())


def test_a_name_one_character_too_long_breaks_in_the_middle(qtbot):
    """爱心企业冠名基金 one character wider than the room: 爱心企业 / 冠名基金, not 爱心企业冠名基 / 金."""
    name = "爱心企业冠名基金"
    data = ChartData("各基金收入", ("慈善基金", name), (Series("收入", (100_00, 50_00)),))
    chart = make_chart(qtbot, data, orientation="horizontal", size=(260, 360))
    fm = chart.fontMetrics()
    texts = [text for _, text in chart.axis_labels()]
    assert "\n" in texts[1], texts  # 260 px leave a label column narrower than the name
    first, second = texts[1].split("\n")
    assert first + second == name
    assert abs(fm.horizontalAdvance(first) - fm.horizontalAdvance(second)) <= fm.horizontalAdvance("中")


def test_months_of_two_years_are_thinned_not_cut(qtbot):
    labels = tuple(f"{2024 + (m // 12)}年{m % 12 + 1}月" for m in range(2, 20))  # 2024年3月 … 2025年8月
    data = ChartData("每月捐赠收入", labels, (Series("捐赠收入", tuple(range(100, 1900, 100))),))
    chart = make_chart(qtbot, data, size=(600, 300))
    shown = [text for _, text in chart.axis_labels()]
    assert 2 <= len(shown) < len(labels) and all(t in labels for t in shown)  # whole labels, some left out
    rects = [r for r, _ in chart.axis_labels()]
    for a, b in zip(rects, rects[1:], strict=False):
        assert a.right() <= b.left()


def test_an_even_break_never_leaves_a_bracket_at_the_end_of_a_line(qtbot):
    from ui.widgets.charts import _fit_lines

    fm = BarChart().fontMetrics()
    for name in ("阳光助学（2024年春季）", "一二三（四五六七）"):
        for ems in range(5, 14):
            text = _fit_lines(fm, name, fm.horizontalAdvance("中") * ems, 2)
            for line in text.split("\n"):
                assert not line.endswith(("（", "(")) and not line.startswith(("）", ")", "、")), (name, ems, text)
