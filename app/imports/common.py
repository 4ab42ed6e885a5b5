"""What every import shares: the result it reports, the all-or-nothing rule, the error report.

An import reads a table (`app.sheets`), checks every row, and only then
decides: any invalid row means nothing is written, unless the caller asked to
skip invalid rows; a dry run writes nothing at all. The result is the same
JSON shape for every kind of import: `imported` (rows written), `skipped`
(rows passed over as not data: totals, footers, repeated headers),
`duplicates` (rows matching records already in the database) and `errors`
(`{row, column, message}` with Excel's row numbers).

`write_report` gives the volunteer the sheet back with an added 错误说明
column, so the rows can be fixed in Excel and imported again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.db import Database
from app.errors import DataError
from app.safe_write import write_file
from app.sheets import Problem, SheetError, Table
from app.sheets.headers import normalise

REPORT_COLUMN = "错误说明"


class RowsPreview:
    """What the previews of collection lists and rosters share: their rows' problems, and how many
    rows are new, already there, wrong, or passed over by the reader (title rows, 合计 …).
    The preview dataclass holds `table` and `rows`; each row has `problems` and `status`."""

    table: Table
    rows: list[Any]

    @property
    def problems(self) -> list[Problem]:
        return [p for r in self.rows for p in r.problems]

    @property
    def counts(self) -> dict[str, int]:
        out = {"new": 0, "duplicate": 0, "invalid": 0}
        for r in self.rows:
            out[r.status] += 1
        out["skipped"] = len(self.table.skipped)
        return out


@dataclass
class ImportResult:
    """What an import did (or, on a dry run or a refusal, would have done)."""

    file: str
    sheet: str = ""
    imported: int = 0                  # rows written as new records
    updated: int = 0                   # existing records changed (only when asked to update)
    skipped: int = 0                   # rows passed over as not data
    duplicates: int = 0                # rows matching records already in the database
    errors: list[Problem] = field(default_factory=list)
    valid: int = 0                     # rows that passed every check
    dry_run: bool = False
    refused: bool = False              # nothing was written because of errors (or the file)
    message: str = ""                  # one sentence for people
    report: str | None = None          # the error report written, if any
    reason: str = ""                   # for a file that could not be read: SheetError.reason
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        return 1 if self.refused else 0

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "file": self.file, "sheet": self.sheet,
            "imported": self.imported, "updated": self.updated, "skipped": self.skipped,
            "duplicates": self.duplicates,
            "errors": [p.to_dict() for p in self.errors],
            "valid": self.valid, "dry_run": self.dry_run, "refused": self.refused,
            "message": self.message, "report": self.report,
        }
        if self.reason:
            out["reason"] = self.reason
        out.update(self.details)
        return out


def may_write(errors: list[Problem], *, skip_invalid: bool, dry_run: bool) -> bool:
    """The all-or-nothing rule: write only when no row is invalid, or invalid rows may be left out."""
    return not dry_run and (not errors or skip_invalid)


def stop_before_writing(result: ImportResult, *, skip_invalid: bool, ready: str, tail: str = "") -> bool:
    """Apply the all-or-nothing rule to `result`: True (with its message set) when nothing may be written.

    `ready` says what a clean dry run would import ("12 行可以导入"); `tail` adds a remark.
    """
    errors = result.errors
    if may_write(errors, skip_invalid=skip_invalid, dry_run=result.dry_run):
        return False
    if not result.dry_run:
        result.refused, result.message = True, refusal_message(errors)
    elif errors and not skip_invalid:
        result.refused = True
        result.message = f"检查发现 {len({p.row for p in errors})} 行有问题（没有写入任何数据）"
    else:
        result.message = f"检查完毕：{ready}（没有写入任何数据）{tail}"
    return True


def backup_before_writing(db: Database) -> None:
    """A verified backup of the database just before an import writes (kind 导入前): a bulk import
    that turns out wrong can be undone by restoring it. A backup that cannot be written stops
    the import with the reason; nothing is imported."""
    from app.safety import backup

    try:
        backup.take(db, backup.folder_for(db.path), "import")
    except DataError as exc:
        raise DataError(exc.reason, f"导入前的备份没有写成，没有导入任何数据：{exc.message}", **exc.facts) from exc


def refusal_message(errors: list[Problem]) -> str:
    rows = len({p.row for p in errors})
    return f"有 {rows} 行有问题（共 {len(errors)} 处），没有导入任何数据。请改正后重新导入"


def file_refused(path: str | Path, exc: SheetError, *, dry_run: bool = False) -> ImportResult:
    """The result for a file that could not be read as a table at all."""
    problem = Problem(int(exc.facts.get("row") or 0), str(exc.facts.get("column") or ""), exc.message, exc.reason)
    return ImportResult(file=Path(path).name, errors=[problem], dry_run=dry_run, refused=True,
                        message=exc.message, reason=exc.reason,
                        details={k: v for k, v in exc.facts.items()
                                 if k in ("sheets", "headers", "missing", "header_row", "sheet")})


# ---------- the error report ----------

def write_report(path: str | Path, table: Table, problems: Iterable[Problem]) -> Path:
    """Write the sheet's rows back, as read, with a 错误说明 column saying what is wrong on each row.

    Row numbers stay as in the original file (title rows included), so the
    messages and the row numbers of the import's errors match the report.
    Writing uses openpyxl's write-only mode: 100,000 rows in a few seconds.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font, PatternFill

    out = Path(path)
    if out.exists() and table.path.exists() and out.resolve() == table.path.resolve():
        raise SheetError("bad_report", "错误报告不能写到要导入的文件本身，请换一个文件名")
    by_row: dict[int, list[str]] = {}
    for p in problems:
        by_row.setdefault(p.row, []).append(p.text())
    grid, layout = table.grid, table.layout
    pad = grid.first_col - 1
    ignored = [c for c in layout.ignored if normalise(layout.headers[c])[0] == normalise(REPORT_COLUMN)[0]]
    width = max([len(layout.headers)] + [len(r) for r in grid.rows[: layout.header_index + 1]])
    report_col = ignored[0] if ignored else width
    last = _last_filled(grid.rows)

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=_sheet_title(table.sheet))
    ws.column_dimensions[_letter(pad + report_col)].width = 60
    bold = Font(bold=True, color="C00000")
    red = Font(color="C00000")
    fill = PatternFill("solid", fgColor="FFF2CC")

    def cell(value: Any) -> Any:
        if value == "" or value is None:
            return None
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
            if value.startswith("="):
                c = WriteOnlyCell(ws, value)
                c.data_type = "s"  # text that looks like a formula stays text
                return c
            return value
        if isinstance(value, dt.timedelta):
            return str(value)
        return value

    header_number = table.header_row
    for _ in range(grid.first_row - 1):
        ws.append([])
    for i, row in enumerate(grid.rows[: last + 1]):
        number = grid.first_row + i
        values = [None] * pad + [cell(v) for v in row]
        if len(values) <= pad + report_col:
            values.extend([None] * (pad + report_col + 1 - len(values)))
        if number == header_number:
            c = WriteOnlyCell(ws, REPORT_COLUMN)
            c.font = bold
            values[pad + report_col] = c
        elif number > header_number:
            messages = by_row.get(number)
            if messages:
                c = WriteOnlyCell(ws, "；".join(messages))
                c.font, c.fill = red, fill
                values[pad + report_col] = c
            else:
                values[pad + report_col] = None
        ws.append(values)
    return write_file(out, wb.save)


def run_import(path: str | Path, report: str | Path | None, dry_run: bool,
               preview: Callable[[], Any], apply: Callable[[Any], ImportResult]) -> ImportResult:
    """The shape of every import command: check the report path, preview, apply, write the report.

    `preview()` reads and checks the file (raising `SheetError` when it cannot be
    read); `apply(preview)` writes it. A file that cannot be read gives a refused
    result, never an exception; a report that cannot be written after an import
    is said in the message, and what was imported stays imported.
    """
    bad_report = report_path_problem(path, report)
    if bad_report is not None:
        return file_refused(path, bad_report, dry_run=dry_run)
    try:
        pv = preview()
    except SheetError as exc:
        return file_refused(path, exc, dry_run=dry_run)
    result = apply(pv)
    if report is not None and result.errors:
        try:
            result.report = str(write_report(report, pv.table, result.errors))
        except DataError as exc:
            result.message = f"{result.message}；错误报告没有写出：{exc.message}"
    return result


def report_path_problem(source: str | Path, report: str | Path | None) -> SheetError | None:
    """Why `report` cannot take the error report (checked before anything is written), or None."""
    if report is None:
        return None
    r = Path(report)
    if r.is_dir():
        return SheetError("bad_report", f"错误报告应是一个 .xlsx 文件名，{r} 是文件夹")
    if r.resolve() == Path(source).resolve():
        return SheetError("bad_report", "错误报告不能写到要导入的文件本身，请换一个文件名")
    return None


def _last_filled(rows: list[list[Any]]) -> int:
    for i in range(len(rows) - 1, -1, -1):
        if any(v != "" and v is not None for v in rows[i]):
            return i
    return -1


def _sheet_title(name: str) -> str:
    bad = '[]:*?/\\'
    title = "".join("_" if ch in bad else ch for ch in name).strip("'")[:31]
    return title or "Sheet1"


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index + 1))
