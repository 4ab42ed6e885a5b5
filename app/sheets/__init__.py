"""One spreadsheet reader for every import: .xlsx, .xls and CSV as volunteers really make them.

    table = sheets.read_table(path, FIELDS, sheet=None, header_row=None, mapping=None)
    for row in table.rows:          # data rows only, with row.number as Excel shows it
        row.get("name"), row.problems, row.notes
    table.skipped                   # totals, footers, repeated headers passed over

A wizard first offers `list_sheets(path)` and `peek(path, sheet)`, then lets
the person fix `mapping` (field key → header text) or `header_row`.

`FIELDS` comes from `sheets.fields("recipients", [...])`, which adds the column
names people use from `synonyms.json`. Files that are not spreadsheets raise
`SheetError`; cells that cannot be read become `Problem`s on their rows.
"""

from app.sheets.cells import (
    CellError,
    MonthOnly,
    precision,
    to_amount_fen,
    to_code,
    to_date,
    to_int,
    to_text,
)
from app.sheets.headers import AMOUNT, CODE, DATE, INT, TEXT, Field, Layout, fields, normalise
from app.sheets.problems import Problem, SheetError
from app.sheets.table import Row, Skipped, Table, peek, read_table
from app.sheets.workbook import (
    FORMAT_NAMES,
    MAX_CELL_CHARS,
    MAX_ROWS,
    list_sheets,
    open_workbook,
    sniff,
)

__all__ = [
    "AMOUNT", "CODE", "DATE", "FORMAT_NAMES", "INT", "MAX_CELL_CHARS", "MAX_ROWS", "TEXT",
    "CellError", "Field", "MonthOnly", "Layout", "Problem", "Row", "SheetError", "Skipped", "Table",
    "fields", "list_sheets", "normalise", "open_workbook", "peek", "precision", "read_table", "sniff",
    "to_amount_fen", "to_code", "to_date", "to_int", "to_text",
]
