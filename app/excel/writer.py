"""Write one report table to .xlsx, streaming, in the layout every CharityDesk export shares.

Layout: the first sheet is the table itself — row 1 is the one header row,
then one row per record, then (for tables with amounts) one 合计 row. So a
township clerk can sort and filter it and an importer can read it back. The
title, station, period and generation time are in the page header and footer
when printed, in the file's document properties, and on a second sheet 说明.

Rows stream through openpyxl's write-only mode (lxml), so 100,000 rows take a
few tens of MiB. The file is written beside its target and renamed into place
when complete, so a cancelled or failed export never leaves half a file.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from app.errors import CharityDeskError
from app.safe_write import refuse_folder, write_file

MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
KINDS = ("text", "int", "money", "date", "datetime", "value")
#: The height of an empty row (Excel's 15 pt; LibreOffice's is less) and of what an A4 landscape
#: page prints between the margins, for placing charts so that none is cut by a page break.
ROW_CM = 0.53
CHART_PAGE_CM = 14.5  # 21 cm less margins, header and footer (LibreOffice prints them inside)
#: How many rows are read before the column widths are fixed (widths precede rows in the file).
WIDTH_SAMPLE = 200
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


class Cancelled(CharityDeskError):
    """The person cancelled the export; nothing was written."""


class Fen(int):
    """An amount in fen inside a `value` column (a label-and-figure sheet): written as yuan
    with the money format, so it stays a number that adds up. Wrap the final figure:
    arithmetic on a Fen gives a plain int, which a `value` column writes as it is."""


@dataclass(frozen=True)
class Column:
    """One column of the table.

    `kind`: text, int, money (values in integer fen, shown as yuan `#,##0.00`),
    date or datetime (`datetime.date`/`datetime` or ISO text), or value (written as
    given: a label-and-figure sheet whose numbers should stay numbers). `total`: sum it
    on the grand-total row (int and money columns). `width` in characters;
    None measures the header and the first rows.
    """

    header: str
    kind: str = "text"
    width: float | None = None
    total: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"column kind {self.kind!r} is not one of {KINDS}")
        if self.total and self.kind not in ("int", "money"):
            raise ValueError("only int and money columns have totals")


@dataclass(frozen=True)
class Report:
    """What the file is: shown in the print header/footer, the properties and the 说明 sheet."""

    title: str
    station: str
    period: str = ""
    sheet: str = ""
    notes: tuple[tuple[str, str], ...] = ()
    #: The first cell that scrolls: "A2" keeps the header row in view, "B2" the first column too.
    freeze: str = "A2"
    #: The 说明 sheet first instead of last (a file meant to be read by a program as well: the
    #: station exchange file says what it is before its tables).
    about_first: bool = False
    #: What the period is called in the print header (a township form says 统计时间).
    period_label: str = "统计期间"
    #: A line in the middle of the print footer (a township form: 制表人：……).
    footer: str = ""
    generated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))

    @property
    def period_text(self) -> str:
        return self.period or "全部"


@dataclass(frozen=True)
class Table:
    """A further sheet after the main table (a summary or pivot): same layout — one header row,
    one row per record, one 合计 row when a column has `total`."""

    name: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    in_total: Callable[[Sequence[Any]], bool] | None = None


@dataclass(frozen=True)
class Chart:
    """A chart on the sheet 图表, drawn from the records (not the 合计 row) of one table.

    `table` is the sheet name ("" for the main table); `labels` the column (0-based)
    holding the category labels; `values` the columns drawn as series (their
    headers name the series). `kind` is "col" (vertical bars) or "bar" (horizontal).
    """

    title: str
    labels: int
    values: tuple[int, ...]
    table: str = ""
    kind: str = "col"
    y_title: str = "元"


@dataclass(frozen=True)
class Written:
    path: Path
    rows: int
    totals: dict[str, int]
    sheet: str
    #: Records and totals of each further sheet, by sheet name.
    tables: dict[str, tuple[int, dict[str, int]]] = field(default_factory=dict)
    #: Per sheet name: the headers whose totals are money, in fen.
    money: dict[str, frozenset[str]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """For `--json`: money totals in fen, named so — "金额（元）" becomes "金额（分）"."""
        out: dict[str, Any] = {"path": str(self.path), "rows": self.rows,
                               "totals": self._named(self.sheet, self.totals), "sheet": self.sheet}
        if self.tables:
            out["tables"] = {name: {"rows": n, "totals": self._named(name, t)}
                             for name, (n, t) in self.tables.items()}
        return out

    def _named(self, sheet: str, totals: dict[str, int]) -> dict[str, int]:
        money = self.money.get(sheet, frozenset())
        return {fen_header(h) if h in money else h: v for h, v in totals.items()}


def fen_header(header: str) -> str:
    """The name of a money column's total in fen: 金额（元） → 金额（分）, 支出 → 支出（分）."""
    return header.replace("（元）", "（分）") if "（元）" in header else f"{header}（分）"


def display_width(text: str) -> int:
    """Columns a text takes in Excel: CJK and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def sheet_name(text: str) -> str:
    """A valid sheet name: no []:*?/\\ and at most 31 characters."""
    name = _BAD_SHEET_CHARS.sub("_", text).strip("'") or "Sheet1"
    return name[:31]


def _header_footer_text(text: str) -> str:
    return text.replace("&", "&&")


def _as_date(value: Any, kind: str) -> Any:
    if isinstance(value, str):
        if not value:
            return None
        try:
            if kind == "date":
                return dt.date.fromisoformat(value[:10])
            parsed = dt.datetime.fromisoformat(value)
            return parsed.replace(tzinfo=None)  # Excel has no time zones: local wall time
        except ValueError:
            return value
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return value


class _Styles:
    """One styled template cell per kind; each written cell shares its style (fast)."""

    def __init__(self, ws: Any) -> None:
        thin = Side(style="thin", color="808080")

        def make(**kw: Any) -> Any:
            cell = WriteOnlyCell(ws)
            for k, v in kw.items():
                setattr(cell, k, v)
            return cell._style

        self.header = make(font=Font(bold=True), fill=PatternFill("solid", fgColor="E8E4DA"),
                           alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
                           border=Border(bottom=thin))
        self.money = make(number_format=MONEY_FORMAT)
        self.date = make(number_format=DATE_FORMAT)
        self.datetime = make(number_format=DATETIME_FORMAT)
        self.total_label = make(font=Font(bold=True), border=Border(top=thin))
        self.total_money = make(font=Font(bold=True), number_format=MONEY_FORMAT, border=Border(top=thin))
        self.total_int = make(font=Font(bold=True), border=Border(top=thin))
        self.bold = make(font=Font(bold=True), alignment=Alignment(vertical="top"))
        self.left = make(alignment=Alignment(horizontal="left", vertical="top", wrap_text=True))
        self.left_money = make(number_format=MONEY_FORMAT, alignment=Alignment(horizontal="left"))


def _cell(ws: Any, value: Any, style: Any) -> Any:
    cell = WriteOnlyCell(ws, value)
    cell._style = style
    return cell


def write_table(path: str | Path, report: Report, columns: Sequence[Column], rows: Iterable[Sequence[Any]],
                *, progress: Callable[[int, int], None] | None = None, expected_rows: int = 0,
                cancelled: Callable[[], bool] | None = None,
                in_total: Callable[[Sequence[Any]], bool] | None = None,
                tables: Sequence[Table] = (), charts: Sequence[Chart] = ()) -> Written:
    """Write `rows` (one sequence of values per record, in `columns` order) to an .xlsx file.

    `progress(done, expected_rows)` is called every 1,000 rows; `cancelled()`
    returning True stops the export and raises `Cancelled` (no file is left).
    `in_total(row)` returning False leaves a record out of the 合计 row (a
    voided donation is listed but not counted); None counts every record.
    `tables` are further sheets after the main one (summaries, pivots); `charts`
    go on a sheet 图表 before the closing 说明 sheet.
    """
    for cols in [columns, *(t.columns for t in tables)]:
        if cols and cols[0].total:
            raise ValueError("the first column holds the word 合计 and cannot be summed")
    names = [sheet_name(report.sheet or report.title), *(sheet_name(t.name) for t in tables)]
    if len(set(names)) != len(names) or {"说明", "图表"} & set(names):
        raise ValueError(f"sheet names must differ and not be 说明 or 图表: {names}")
    for chart in charts:
        if chart.kind not in ("col", "bar"):
            raise ValueError(f"chart kind {chart.kind!r} is not col or bar")
        if chart.table and sheet_name(chart.table) not in names:
            raise ValueError(f"chart {chart.title!r} refers to no table {chart.table!r}")
    target = Path(path)
    refuse_folder(target)
    if target.suffix.lower() != ".xlsx":
        target = target.with_name(target.name + ".xlsx")
    result: list[Written] = []
    # All or nothing on a USB stick: the shared temp-file-and-rename writer.
    write_file(target, lambda tmp: result.append(
        _write(tmp, target, report, columns, rows, progress, expected_rows, cancelled, in_total, tables, charts)))
    return result[0]


def _write(tmp: Path, target: Path, report: Report, columns: Sequence[Column], rows: Iterable[Sequence[Any]],
           progress: Callable[[int, int], None] | None, expected: int,
           cancelled: Callable[[], bool] | None,
           in_total: Callable[[Sequence[Any]], bool] | None,
           tables: Sequence[Table], charts: Sequence[Chart]) -> Written:
    wb = Workbook(write_only=True)
    _properties(wb, report)
    title = sheet_name(report.sheet or report.title)
    sheets: dict[str, tuple[Any, Sequence[Column], int]] = {}
    n, total_map = _table_sheet(wb, title, report, columns, rows, progress, expected, cancelled, in_total,
                                report.freeze)
    sheets[""] = sheets[title] = (wb.worksheets[-1], columns, n)
    extra: dict[str, tuple[int, dict[str, int]]] = {}
    for t in tables:
        name = sheet_name(t.name)
        # A pivot keeps its first column (the fund, programme...) in view while scrolling the months.
        tn, tt = _table_sheet(wb, name, report, t.columns, t.rows, None, 0, cancelled, t.in_total, "B2")
        sheets[name] = (wb.worksheets[-1], t.columns, tn)
        extra[name] = (tn, tt)
    if charts:
        _chart_sheet(wb, report, charts, sheets)
    last = n + 1 + (1 if any(c.total for c in columns) else 0)
    _about_sheet(wb, report, n, columns, total_map, last, extra)
    try:
        wb.save(tmp)
    except BaseException:  # a full disk while saving: close the streams so nothing is left behind
        for sheet in wb.worksheets:
            _abandon(sheet)
        raise
    if progress is not None:
        progress(n, max(expected, n))
    money = {name: frozenset(c.header for c in cols if c.total and c.kind == "money")
             for name, (_, cols, _) in sheets.items() if name}
    return Written(target, n, total_map, title, extra, money)


def _table_sheet(wb: Any, name: str, report: Report, columns: Sequence[Column], rows: Iterable[Sequence[Any]],
                 progress: Callable[[int, int], None] | None, expected: int,
                 cancelled: Callable[[], bool] | None,
                 in_total: Callable[[Sequence[Any]], bool] | None, freeze: str = "A2") -> tuple[int, dict[str, int]]:
    """One sheet in the shared layout: header row, records, 合计 row; frozen, filtered, set for print."""
    ws = wb.create_sheet(name)
    styles = _Styles(ws)
    iterator = iter(rows)
    sample = list(itertools.islice(iterator, WIDTH_SAMPLE))
    _widths(ws, columns, sample)
    ws.freeze_panes = freeze
    _print_setup(ws, report, len(columns))
    try:
        n, total_map = _rows(ws, styles, columns, itertools.chain(sample, iterator), progress, expected,
                             cancelled, in_total)
    except BaseException:
        for sheet in wb.worksheets:
            _abandon(sheet)
        raise
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{n + 1}"
    ws.print_title_rows = "1:1"
    return n, total_map


def _chart_sheet(wb: Any, report: Report, charts: Sequence[Chart],
                 sheets: dict[str, tuple[Any, Sequence[Column], int]]) -> None:
    """The sheet 图表: each chart reads its table's record rows (never the 合计 row)."""
    from openpyxl.chart import BarChart, Reference

    ws = wb.create_sheet("图表")
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_margins.top = 0.8
    ws.page_margins.bottom = 0.7
    ws.oddHeader.left.text = _header_footer_text(report.station)
    ws.oddHeader.center.text = _header_footer_text(report.title)
    ws.oddHeader.right.text = _header_footer_text(f"{report.period_label}：{report.period_text}")
    if report.footer:
        ws.oddFooter.center.text = _header_footer_text(report.footer)
    row, used = 1, 0.0  # the next free row; centimetres used on the current printed page
    for chart in charts:
        data_ws, columns, n = sheets[sheet_name(chart.table) if chart.table else ""]
        if n == 0:
            continue
        c = BarChart()
        c.type = chart.kind
        c.grouping = "clustered"
        c.title = chart.title
        c.y_axis.title = chart.y_title
        c.y_axis.numFmt = MONEY_FORMAT if columns[chart.values[0]].kind == "money" else "General"
        c.y_axis.majorGridlines = c.y_axis.majorGridlines  # keep the default grid lines
        c.y_axis.delete = False
        c.y_axis.scaling.min = 0  # bars start at zero, or their lengths lie
        c.x_axis.delete = False
        c.height = 9.5 if chart.kind == "col" else max(6.0, 2.5 + 0.75 * n * len(chart.values))
        c.width = 24
        c.x_axis.tickLblSkip = 1  # every label, never every other one
        if len(chart.values) == 1:
            c.legend = None  # the title says what the one series is
        for col in chart.values:
            data = Reference(data_ws, min_col=col + 1, min_row=1, max_row=n + 1)
            c.add_data(data, titles_from_data=True)
        c.set_categories(Reference(data_ws, min_col=chart.labels + 1, min_row=2, max_row=n + 1))
        if chart.kind == "bar":
            c.x_axis.scaling.orientation = "maxMin"  # first record on top, as in the table
        if used and used + c.height > CHART_PAGE_CM:  # a chart is never cut in two when printed
            ws.row_breaks.append(Break(id=row - 1))
            used = 0.0
        ws.add_chart(c, f"A{row}")
        rows = math.ceil(c.height / ROW_CM) + 1
        row += rows
        used += rows * ROW_CM


def _rows(ws: Any, styles: _Styles, columns: Sequence[Column], rows: Iterable[Sequence[Any]],
          progress: Callable[[int, int], None] | None, expected: int,
          cancelled: Callable[[], bool] | None,
          in_total: Callable[[Sequence[Any]], bool] | None = None) -> tuple[int, dict[str, int]]:
    """The header row, the records and the grand-total row; returns (records, totals in fen)."""
    ws.append([_cell(ws, c.header, styles.header) for c in columns])
    kinds = [c.kind for c in columns]
    totals = [0] * len(columns)
    summed = [i for i, c in enumerate(columns) if c.total]
    n = 0
    for values in rows:
        out: list[Any] = []
        for kind, v in zip(kinds, values, strict=True):
            if v is None or v == "":
                out.append(None)
            elif kind == "text":
                out.append(v if isinstance(v, str) else str(v))
            elif kind == "money" or isinstance(v, Fen):  # a Fen in a value column too
                out.append(_cell(ws, v / 100, styles.money))
            elif kind in ("int", "value"):
                out.append(v)
            else:
                d = _as_date(v, kind)
                out.append(_cell(ws, d, styles.date if kind == "date" else styles.datetime)
                           if isinstance(d, dt.date) else d)
        if in_total is None or in_total(values):
            for i in summed:
                v = values[i]
                if v:
                    totals[i] += int(v)
        ws.append(out)
        n += 1
        if n % 1000 == 0:
            if cancelled is not None and cancelled():
                raise Cancelled("cancelled", "导出已取消，没有生成文件")
            if progress is not None:
                progress(n, max(expected, n))
    total_map: dict[str, int] = {}
    if summed:
        row: list[Any] = [_cell(ws, "合计", styles.total_label)]
        for i, c in enumerate(columns[1:], 1):
            if c.total:
                row.append(_cell(ws, totals[i] / 100 if c.kind == "money" else totals[i],
                                 styles.total_money if c.kind == "money" else styles.total_int))
                total_map[c.header] = totals[i]
            else:
                row.append(_cell(ws, None, styles.total_label))
        ws.append(row)
    return n, total_map


def _abandon(ws: Any) -> None:
    """Close a half-written sheet and remove openpyxl's temporary file."""
    try:
        ws.close()
    except Exception:  # already failing: the original error is the one to report
        pass
    writer = getattr(ws, "_writer", None)
    if writer is not None:
        try:
            writer.cleanup()
        except Exception:
            pass


def _properties(wb: Any, report: Report) -> None:
    p = wb.properties
    p.title = report.title
    p.subject = f"{report.station} {report.period_text}"
    p.creator = "CharityDesk"
    p.lastModifiedBy = "CharityDesk"
    p.description = f"{report.title}；{report.station}；统计期间：{report.period_text}；" \
                    f"生成时间：{report.generated_at:%Y-%m-%d %H:%M}"
    p.keywords = report.station
    p.created = report.generated_at
    p.modified = report.generated_at


def _widths(ws: Any, columns: Sequence[Column], sample: list[Sequence[Any]]) -> None:
    for i, c in enumerate(columns):
        if c.width is not None:
            width = c.width
        else:
            longest = display_width(c.header)
            for values in sample:
                v = values[i]
                if v is None or v == "":
                    continue
                if c.kind == "money":
                    text = f"{v / 100:,.2f}"
                elif c.kind == "date":
                    text = "2024-01-01"
                elif c.kind == "datetime":
                    text = "2024-01-01 00:00"
                else:
                    text = str(v)
                longest = max(longest, display_width(text))
            width = min(max(longest + 2, 6), 50)
        ws.column_dimensions[get_column_letter(i + 1)].width = width


def _print_setup(ws: Any, report: Report, n_columns: int) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.gridLines = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = 0.8
    ws.page_margins.bottom = 0.7
    ws.page_margins.header = 0.3
    ws.page_margins.footer = 0.3
    ws.oddHeader.left.text = _header_footer_text(report.station)
    ws.oddHeader.center.text = _header_footer_text(report.title)
    ws.oddHeader.center.size = 14
    ws.oddHeader.right.text = _header_footer_text(f"{report.period_label}：{report.period_text}")
    if report.footer:
        ws.oddFooter.center.text = _header_footer_text(report.footer)
    ws.oddFooter.left.text = _header_footer_text(f"生成时间：{report.generated_at:%Y-%m-%d %H:%M}")
    ws.oddFooter.right.text = "第 &P 页，共 &N 页"


def _about_sheet(wb: Any, report: Report, n: int, columns: Sequence[Column], totals: dict[str, int],
                 last_row: int, tables: dict[str, tuple[int, dict[str, int]]]) -> None:
    ws = wb.create_sheet("说明", 0 if report.about_first else None)
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    styles = _Styles(ws)
    lines: list[tuple[str, Any]] = [
        ("报表", report.title),
        ("工作站", report.station),
        ("统计期间", report.period_text),
        ("生成时间", report.generated_at.strftime("%Y-%m-%d %H:%M:%S")),
        ("记录数", n),
    ]
    for header, fen in totals.items():
        kind = next(c.kind for c in columns if c.header == header)
        lines.append((f"合计：{header}", Fen(fen) if kind == "money" else fen))
    lines.extend(report.notes)
    first = f"第一张表“{sheet_name(report.sheet or report.title)}”：第 1 行是表头，"
    if n:
        layout = first + ("第 2 行是唯一的一条记录" if n == 1 else f"第 2–{n + 1} 行每行一条记录")
    else:
        layout = first + "本期没有记录"
    if totals:
        layout += f"，第 {last_row} 行是合计"
    lines.append(("表格说明", layout + "。可直接排序、筛选。"))
    summed = [name for name, (_, t) in tables.items() if t]
    plain = [name for name, (_, t) in tables.items() if not t]
    if summed:
        lines.append(("其他工作表", "、".join(summed) + "：第 1 行是表头，最后一行是合计。"))
    if plain:
        lines.append(("其他工作表" if not summed else "", "、".join(plain) + "：第 1 行是表头，以下每行一项。"))
    lines.append(("生成程序", "CharityDesk 慈善工作站助手"))
    ws.column_dimensions["A"].width = max(display_width(label) for label, _ in lines) + 4
    width = min(max(display_width(str(v)) for _, v in lines) + 4, 90)  # longer notes wrap
    ws.column_dimensions["B"].width = width
    for row, (label, value) in enumerate(lines, start=1):
        need = math.ceil(display_width(str(value)) / (width - 2))
        if need > 1:  # a wrapped note gets the rows' height it needs (streamed rows are not measured)
            ws.row_dimensions[row].height = 15 * need + 2
        ws.append([_cell(ws, label, styles.bold),
                   _cell(ws, value / 100, styles.left_money) if isinstance(value, Fen)
                   else _cell(ws, value, styles.left)])
