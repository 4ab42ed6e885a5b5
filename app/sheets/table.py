"""Reading the table out of a sheet: which sheet, where the header is, and the data rows.

Rows under the header that are not data (totals, footers, repeated headers,
headings) are told apart in `junk`. Every other row is data: its cells are
converted for the fields the import wants, and each cell that cannot be read
becomes a `Problem` carrying the row number Excel shows and the column's header.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import is_not, not_
from pathlib import Path
from typing import Any, NamedTuple

from app.sheets import cells, junk
from app.sheets.headers import (
    AMOUNT,
    CODE,
    DATE,
    HEADER_SEARCH_ROWS,
    INT,
    TEXT,
    Field,
    Layout,
    find_layout,
    remap,
)
from app.sheets.junk import Skipped
from app.sheets.problems import Problem, SheetError
from app.sheets.workbook import MAX_CELL_CHARS, Grid, Workbook, open_workbook

UNCACHED_MESSAGE = ("这个格子是公式，但文件里没有保存计算结果，无法知道它的值。"
                    "请用 Excel 或 WPS 打开文件、保存一次后再导入")


class Row:
    """One data row: converted values by field key, notes from unknown columns, problems.

    `number` is the row number Excel shows; `cells` the row as read (merged
    cells filled down); `notes` (header, text) pairs from unknown columns;
    `problems` what is wrong on the row (services add theirs with `add`).
    Rows without notes or problems share an empty tuple, to keep 100,000 rows light.
    """

    __slots__ = ("number", "cells", "notes", "problems", "_index", "_columns", "_at")

    def __init__(self, number: int, index: Mapping[str, int], columns: Sequence[Sequence[Any]], at: int,
                 notes: Sequence[tuple[str, str]] = (), problems: Sequence[Problem] = (),
                 cells: list[Any] | None = None) -> None:
        self.number = number
        self._index = index
        self._columns = columns  # the table's converted columns, shared by all its rows
        self._at = at
        self.notes = notes
        self.problems = problems
        self.cells = cells if cells is not None else []

    def get(self, key: str, default: Any = None) -> Any:
        i = self._index.get(key)
        return default if i is None else self._columns[i][self._at]

    def __getitem__(self, key: str) -> Any:
        return self._columns[self._index[key]][self._at]

    @property
    def values(self) -> dict[str, Any]:
        """Field key → converted value ("" or None when the cell was empty or unreadable)."""
        return {key: self._columns[i][self._at] for key, i in self._index.items()}

    def add(self, problem: Problem) -> None:
        """Add a problem found after reading (a service's own rule)."""
        if isinstance(self.problems, list):
            self.problems.append(problem)
        else:
            self.problems = [*self.problems, problem]

    @property
    def ok(self) -> bool:
        return not self.problems

    def __repr__(self) -> str:
        return f"Row({self.number}, {self.values!r}, notes={self.notes!r}, problems={self.problems!r})"


@dataclass
class Table:
    path: Path
    format: str
    sheet: str
    sheet_names: list[str]
    fields: tuple[Field, ...]
    layout: Layout
    grid: Grid
    rows: list[Row] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def header_row(self) -> int:
        """The header's row number as Excel shows it (the lower row of a two-row header)."""
        return self.grid.first_row + self.layout.header_index

    @property
    def columns(self) -> dict[str, str]:
        """Field key → header text of the column it was read from."""
        return {k: self.layout.headers[c] for k, c in self.layout.columns.items()}

    @property
    def note_columns(self) -> list[str]:
        return [self.layout.headers[c] for c in self.layout.notes]

    @property
    def problems(self) -> list[Problem]:
        return [p for r in self.rows for p in r.problems]

    def column(self, key: str) -> list[Any]:
        """One field's converted values for every data row, in order."""
        return [r.get(key) for r in self.rows]

    def column_header(self, key: str) -> str:
        """The header of a field's column, or the field's usual label when it has none."""
        header = self.layout.header_of(key)
        if header:
            return header
        return next((f.label for f in self.fields if f.key == key), key)


def read_table(path: str | Path, fields: Sequence[Field], *, sheet: str | None = None,
               header_row: int | None = None, mapping: Mapping[str, str | int | None] | None = None) -> Table:
    """Read the table of one sheet for an import that wants `fields`.

    `sheet` chooses a sheet by name; without it the one sheet whose header names
    the fields is used (several such sheets: `SheetError` "choose_sheet").
    `header_row` (as Excel numbers rows) overrides header detection; `mapping`
    (field key → header text or 0-based column, None to leave out) overrides
    the columns found by name.
    """
    fs = tuple(fields)
    with _bulk(), open_workbook(path) as wb:
        grid, layout = _choose_sheet(wb, fs, sheet, header_row)
        if mapping:
            layout = remap(layout, fs, mapping)
        missing = [f for f in fs if f.required and f.key not in layout.columns]
        if missing:
            names = "、".join(f"“{f.label}”" for f in missing)
            hints = "；".join(f"{f.label}可以写作 {'、'.join(f.synonyms[:6])}" for f in missing)
            raise SheetError(
                "missing_columns",
                f"工作表“{grid.sheet}”第 {grid.first_row + layout.header_index} 行的表头里找不到 {names} 列（{hints}）",
                missing=[f.key for f in missing], headers=layout.headers,
                header_row=grid.first_row + layout.header_index, sheet=grid.sheet,
            )
        table = Table(wb.path, wb.format, grid.sheet, wb.sheet_names, fs, layout, grid)
        _read_rows(table)
    if not table.rows:
        raise SheetError("no_data", f"工作表“{grid.sheet}”在表头（第 {table.header_row} 行）下面没有数据",
                         sheet=grid.sheet, header_row=table.header_row)
    return table


def peek(path: str | Path, sheet: str | None = None, rows: int = HEADER_SEARCH_ROWS) -> list[list[str]]:
    """The first rows of a sheet as text, in Excel's positions, for a wizard to show
    before any column is chosen (row 1 of the list is Excel's row 1)."""
    with open_workbook(path) as wb:
        grid = wb.grid(sheet or (wb.visible_sheets or wb.sheet_names)[0])
    pad = [""] * (grid.first_col - 1)
    out: list[list[str]] = [[] for _ in range(min(rows, grid.first_row - 1))]
    for r in grid.rows[: max(0, rows - len(out))]:
        out.append(pad + [cells.to_text(v)[:200] for v in r])
    return out


@contextmanager
def _bulk() -> Iterator[None]:
    """Pause the cyclic garbage collector while a million cells become Python objects.

    None of them form cycles; left running, the collector would walk them again
    and again and make reading a third slower.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# ---------- choosing the sheet and the header ----------

def _head(grid: Grid, limit: int = HEADER_SEARCH_ROWS) -> list[list[Any]]:
    """The first rows with merged cells filled in every direction, for finding the header."""
    limit = min(len(grid.rows), limit)
    head = [list(r) for r in grid.rows[:limit]]
    for top, left, bottom, right in grid.merged:
        if top >= limit or top < 0 or left < 0:
            continue
        value = head[top][left] if left < len(head[top]) else ""
        for r in range(top, min(bottom, limit - 1) + 1):
            row = head[r]
            if len(row) <= right:
                row.extend([""] * (right + 1 - len(row)))
            for c in range(left, right + 1):
                row[c] = value
    return head


def _layout_for(grid: Grid, fs: Sequence[Field], header_row: int | None) -> Layout | None:
    if header_row is None:
        return find_layout(_head(grid), fs)
    index = header_row - grid.first_row
    if not 0 <= index < len(grid.rows):
        raise SheetError("bad_mapping", f"第 {header_row} 行不在工作表“{grid.sheet}”的表格范围内")
    return find_layout(_head(grid, max(HEADER_SEARCH_ROWS, index + 2)), fs, index)


def _choose_sheet(wb: Workbook, fs: Sequence[Field], sheet: str | None,
                  header_row: int | None) -> tuple[Grid, Layout]:
    wanted = [f.label for f in fs if not f.informational]
    labels = "、".join(wanted[:6]) + ("等" if len(wanted) > 6 else "")
    if sheet is not None:
        grid = wb.grid(sheet)
        if not grid.rows:
            raise SheetError("no_data", f"工作表“{sheet}”是空的", sheet=sheet)
        layout = _layout_for(grid, fs, header_row)
        if layout is None:
            raise SheetError(
                "no_header",
                f"在工作表“{sheet}”的前 {HEADER_SEARCH_ROWS} 行里找不到表头。表头应含有 {labels} 中的至少两项",
                sheet=sheet,
            )
        return grid, layout
    candidates = wb.visible_sheets or wb.sheet_names
    found: list[tuple[Grid, Layout]] = []
    empty = 0
    for name in candidates:
        grid = wb.grid(name)
        if not grid.rows:
            empty += 1
            continue
        layout = _layout_for(grid, fs, header_row)
        if layout is not None:
            found.append((grid, layout))
    if not found:
        if empty == len(candidates):
            raise SheetError("no_data", "这个表格是空的，没有任何内容")
        where = f"“{candidates[0]}”" if len(candidates) == 1 else f"任何一张工作表（{'、'.join(candidates)}）"
        raise SheetError(
            "no_header",
            f"在{where}的前 {HEADER_SEARCH_ROWS} 行里找不到表头。表头应含有 {labels} 中的至少两项",
            sheets=candidates,
        )
    if len(found) > 1:
        names = "、".join(f"“{g.sheet}”" for g, _ in found)
        raise SheetError("choose_sheet", f"这个文件有 {len(found)} 张工作表都像是要导入的表格：{names}。请指定其中一张",
                         sheets=[g.sheet for g, _ in found])
    return found[0]


# ---------- the rows ----------

def _fill_down(grid: Grid, layout: Layout, no_fill: set[int]) -> None:
    """A merged cell in the data area (a village spanning its people) copies its value down."""
    rows = grid.rows
    start = layout.first_data_index
    for top, left, bottom, _right in grid.merged:
        if bottom < start or left < 0 or left in no_fill or top < 0 or top >= len(rows):
            continue
        source = rows[top]
        value = source[left] if left < len(source) else ""
        if cells.is_blank(value):
            continue
        for r in range(max(top + 1, start), min(bottom, len(rows) - 1) + 1):
            row = rows[r]
            if left >= len(row):
                row.extend([""] * (left + 1 - len(row)))
            row[left] = value


def _converter(f: Field, unit: str) -> Callable[[Any], Any]:
    if f.kind == CODE:
        return cells.to_code
    if f.kind == DATE:
        return cells.to_date
    if f.kind == INT:
        return cells.to_int
    if f.kind == AMOUNT:
        scale = 10000 if unit == "万元" else 1
        return lambda v: cells.to_amount_fen(v, scale=scale)
    return cells.to_text


def _too_long(number: int, header: str, length: int) -> SheetError:
    return SheetError(
        "cell_too_long",
        f"第 {number} 行“{header}”列的内容有 {length:,} 个字，超过了 {MAX_CELL_CHARS:,} 字的上限，"
        "这不像是名单或清单。请检查文件是否选对",
        row=number, column=header,
    )


def _read_rows(table: Table) -> None:
    """Sort the rows under the header into data and junk, then convert the data column by column.

    Working a column at a time lets the common case (a column of plain text, of
    digits, of real dates) go through C-level `map` calls; only unusual cells
    take the careful path. That keeps 100,000 rows close to the speed of the
    bare reader.
    """
    grid, layout, fs = table.grid, table.layout, table.fields
    rows = grid.rows
    start = layout.first_data_index
    if grid.ragged:
        width = max(len(layout.headers), max(map(len, rows[start:]), default=0))
        _square(rows, start, width)
    else:
        width = max(len(layout.headers), len(rows[start]) if start < len(rows) else 0)
        if rows and len(rows[-1]) < width:  # a header wider than the cells below it
            _square(rows, start, width)
    by_key = {f.key: f for f in fs}
    headers = layout.headers
    no_fill = {layout.columns[f.key] for f in fs if f.kind in (AMOUNT, CODE) and f.key in layout.columns}
    _fill_down(grid, layout, no_fill)
    specs = []
    for key, col in sorted(layout.columns.items(), key=lambda kv: kv[1]):
        f = by_key[key]
        if not f.informational:
            specs.append(_Spec(key, col, f.kind, _converter(f, layout.units.get(col, "")), headers[col], f.required))
    info = sorted({layout.columns[f.key] for f in fs if f.informational and f.key in layout.columns}
                  | set(layout.ignored))
    data, skipped = junk.sort_rows(grid, layout, info, [junk.Checked(sp.col, sp.kind, sp.required) for sp in specs],
                                   width)
    table.skipped.extend(skipped)
    drows = [rows[i] for i in data]
    by_col = list(zip(*drows, strict=True)) if drows else [() for _ in range(width)]
    uncached = _uncached_by_row(grid.uncached, data)
    problems: dict[int, list[Problem]] = {}
    columns = []
    first_row = grid.first_row
    for spec in specs:
        columns.append(_column(spec, by_col[spec.col], data, first_row, problems, uncached.get(spec.col, ())))
    notes: dict[int, list[tuple[str, str]]] = {}
    for col in layout.notes:
        _note_column(col, headers[col], by_col[col], data, first_row, notes, problems, uncached.get(col, ()))
    index = {spec.key: k for k, spec in enumerate(specs)}
    out = table.rows
    for j, number in enumerate(data):
        row_problems = problems.get(j)
        if row_problems is None:
            out.append(Row(first_row + number, index, columns, j, notes.get(j, ()), (), drows[j]))
        elif j in notes or any(column[j] for column in columns):
            out.append(Row(first_row + number, index, columns, j, notes.get(j, ()), row_problems, drows[j]))
        # else: only spaces on the row; not data


class _Spec(NamedTuple):
    key: str
    col: int
    kind: str
    convert: Callable[[Any], Any]
    header: str
    required: bool


def _square(rows: list[list[Any]], start: int, width: int) -> None:
    """Pad short rows (CSV lines, rows narrower than the header) so every column can be indexed."""
    for i in range(start, len(rows)):
        row = rows[i]
        if len(row) < width:
            row.extend([""] * (width - len(row)))


def _uncached_by_row(uncached: set[tuple[int, int]], data: list[int]) -> dict[int, list[tuple[int, int]]]:
    """Column → [(position among data rows, row index)] of formulas saved without a result."""
    if not uncached:
        return {}
    where = {i: j for j, i in enumerate(data)}
    out: dict[int, list[tuple[int, int]]] = {}
    for i, col in uncached:
        j = where.get(i)
        if j is not None:
            out.setdefault(col, []).append((j, i))
    return out


def _check_lengths(values: Sequence[Any], data: list[int], first_row: int, header: str) -> None:
    strs = [v for v in values if v.__class__ is str] if len(values) else []
    if strs and max(map(len, strs)) > MAX_CELL_CHARS:
        j = next(j for j, v in enumerate(values) if v.__class__ is str and len(v) > MAX_CELL_CHARS)
        raise _too_long(first_row + data[j], header, len(values[j]))


def _column(spec: _Spec, raw: Sequence[Any], data: list[int], first_row: int,
            problems: dict[int, list[Problem]], uncached: Sequence[tuple[int, int]]) -> list[Any]:
    """Convert one column of the data rows; problems go into `problems` by data-row position."""
    try:
        longest = max(map(len, raw), default=0)  # TypeError: not every cell is text
        only_str = True
    except TypeError:
        only_str = False
        _check_lengths(raw, data, first_row, spec.header)
    if only_str and longest > MAX_CELL_CHARS:
        _check_lengths(raw, data, first_row, spec.header)
    empty: Any = "" if spec.kind in (TEXT, CODE) else None
    n = len(raw)
    out: list[Any]
    if only_str and spec.kind == TEXT:
        out = list(map(str.strip, raw))
        careful = list(compress(range(n), map(not_, out))) if (spec.required or uncached) else []
    elif only_str and spec.kind == CODE:
        out = list(map(str.strip, raw))
        joined = "".join(out)
        if joined.isascii() and joined.isdigit() and "" not in out:
            careful = []
        else:
            careful = list(compress(range(n), map(not_, map(str.isdigit, out))))
            if not joined.isascii():
                careful = sorted(set(careful) | {j for j, v in enumerate(out) if not v.isascii()})
    elif spec.kind == DATE:
        # Real date cells pass as they are (after a check of their years); the rest one by one.
        out = list(raw)
        careful = list(compress(range(n), map(is_not, map(type, raw), repeat(dt.date))))
        if len(careful) < n:
            years = [v.year for v in raw if v.__class__ is dt.date]
            if min(years) < 1900 or max(years) > 2100:
                careful = list(range(n))
    else:
        out, careful = list(raw), list(range(n))
    header, convert, required = spec.header, spec.convert, spec.required
    formula_rows = {j for j, _ in uncached}
    memo: dict[Any, Any] = {}  # the same text again (a month, an amount): converted once
    for j in careful:
        v = raw[j]
        if v == "" or v is None or (v.__class__ is str and not v.strip()):
            out[j] = empty
            if j in formula_rows:
                problems.setdefault(j, []).append(
                    Problem(first_row + data[j], header, UNCACHED_MESSAGE, "formula_without_value"))
            elif required:
                problems.setdefault(j, []).append(Problem(first_row + data[j], header, "没有填写", "empty"))
            continue
        converted = memo.get(v, memo) if v.__class__ is str else memo
        if converted is memo:
            try:
                converted = convert(v)
            except cells.CellError as exc:
                converted = exc
            if v.__class__ is str:
                memo[v] = converted
        if isinstance(converted, cells.CellError):
            out[j] = empty
            problems.setdefault(j, []).append(Problem(first_row + data[j], header, converted.message,
                                                      converted.reason))
        elif converted is None or converted == "":
            out[j] = empty
            if required:
                problems.setdefault(j, []).append(Problem(first_row + data[j], header, "没有填写", "empty"))
        else:
            out[j] = converted
    return out


def _note_column(col: int, header: str, raw: Sequence[Any], data: list[int], first_row: int,
                 notes: dict[int, list[tuple[str, str]]], problems: dict[int, list[Problem]],
                 uncached: Sequence[tuple[int, int]]) -> None:
    """An unknown column: its filled cells become (header, text) notes on their rows."""
    _check_lengths(raw, data, first_row, header)
    for j in compress(range(len(raw)), raw):
        text = cells.to_text(raw[j])
        if text:
            notes.setdefault(j, []).append((header, text))
    for j, _i in uncached:
        if raw[j] == "":
            problems.setdefault(j, []).append(
                Problem(first_row + data[j], header, UNCACHED_MESSAGE, "formula_without_value"))


