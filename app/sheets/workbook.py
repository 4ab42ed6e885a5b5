"""Opening a file as a workbook, whatever its name says: .xlsx, .xls or CSV, told apart by content.

python-calamine reads the cells (fast, also merged ranges); the sheet XML of
an .xlsx is only looked into for formulas saved without a result (see
`formulas`). Anything that is not a readable spreadsheet leaves as one
`SheetError` with a plain message.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from app.sheets import csvfile, formulas
from app.sheets.problems import SheetError

#: Limits past which a file is refused before it can exhaust time or memory.
MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_SHEET_XML_BYTES = 1024 * 1024 * 1024
MAX_ROWS = 300_000
MAX_CELL_CHARS = 5_000

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_WORKBOOK_STREAMS = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))
_WORD_STREAM = "WordDocument".encode("utf-16-le")
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"

FORMAT_NAMES = {"xlsx": "Excel 工作簿（.xlsx）", "xls": "旧版 Excel 工作簿（.xls）", "csv": "CSV 文本"}


@dataclass
class Grid:
    """One sheet's cells. `rows[i][j]` is the cell at Excel row `first_row + i` and
    column `first_col + j` (both counted from 1 as Excel shows them, A = 1)."""

    sheet: str
    rows: list[list[Any]]
    first_row: int = 1
    first_col: int = 1
    #: Merged ranges as (top, left, bottom, right) indices into `rows`, inclusive.
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    #: (row, column) indices into `rows` of formulas saved without a result.
    uncached: set[tuple[int, int]] = field(default_factory=set)
    #: Rows of different lengths (CSV lines); a workbook's rows all have the sheet's width.
    ragged: bool = False


@dataclass
class Workbook:
    path: Path
    format: str                 # "xlsx", "xls" or "csv"
    sheet_names: list[str]
    hidden: set[str] = field(default_factory=set)
    encoding: str = ""          # for CSV
    _book: Any = None
    _parts: dict[str, str] = field(default_factory=dict)
    _csv_rows: list[list[str]] | None = None

    @property
    def visible_sheets(self) -> list[str]:
        return [n for n in self.sheet_names if n not in self.hidden]

    def grid(self, sheet: str) -> Grid:
        """The cells of one sheet, by its name."""
        if sheet not in self.sheet_names:
            raise SheetError("no_sheet", f"文件中没有名为“{sheet}”的工作表。现有：{'、'.join(self.sheet_names)}",
                             sheets=self.sheet_names)
        if self._csv_rows is not None:
            return Grid(sheet, self._csv_rows, ragged=True)
        return _calamine_grid(self, sheet)

    def close(self) -> None:
        if self._book is not None:
            try:
                self._book.close()
            except Exception:  # closing twice is harmless
                pass
            self._book = None

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def sniff(path: str | Path) -> str:
    """"xlsx", "xls" or "csv" from the file's first bytes and structure, not its name."""
    p = _checked_path(path)
    with open(p, "rb") as fh:
        head = fh.read(8)
    if head.startswith(_ZIP_MAGIC):
        with _zip(p) as zf:
            return _zip_kind(zf)
    if head == _OLE_MAGIC:
        return _ole_kind(p.read_bytes())
    return "csv"


def open_workbook(path: str | Path) -> Workbook:
    """Open a spreadsheet file for reading its sheets."""
    p = _checked_path(path)
    kind = sniff(p)
    if kind == "csv":
        rows, encoding = csvfile.read(p.read_bytes(), max_rows=MAX_ROWS, max_cell=MAX_CELL_CHARS)
        return Workbook(p, "csv", [p.stem or "CSV"], encoding=encoding, _csv_rows=rows)
    book = _calamine(lambda m: m.CalamineWorkbook.from_path(str(p)))
    wb = Workbook(p, kind, list(book.sheet_names), _book=book)
    try:
        import python_calamine as pc

        for meta in book.sheets_metadata:
            if meta.visible != pc.SheetVisibleEnum.Visible or meta.typ != pc.SheetTypeEnum.WorkSheet:
                wb.hidden.add(meta.name)
    except (AttributeError, ImportError):  # an older python-calamine without metadata: all visible
        pass
    if kind == "xlsx":
        with _zip(p) as zf:
            wb._parts = _sheet_parts(zf)
    if not wb.sheet_names:
        wb.close()
        raise SheetError("no_sheet", "这个文件里没有工作表")
    return wb


def list_sheets(path: str | Path) -> list[str]:
    """The names of the sheets a person can choose from (hidden sheets left out)."""
    with open_workbook(path) as wb:
        return wb.visible_sheets or wb.sheet_names


# ---------- inside ----------

def _checked_path(path: str | Path) -> Path:
    p = Path(path)
    if not p.exists():
        raise SheetError("missing", f"找不到文件：{p}")
    if p.is_dir():
        raise SheetError("not_spreadsheet", f"{p} 是一个文件夹，不是表格文件")
    size = p.stat().st_size
    if size == 0:
        raise SheetError("empty_file", f"文件是空的（0 字节）：{p.name}")
    if size > MAX_FILE_BYTES:
        raise SheetError("too_large", f"文件太大（{size // (1024 * 1024)} MB），无法导入：{p.name}")
    return p


def _zip(p: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(p)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise SheetError("damaged", f"文件已损坏，无法打开：{p.name}") from None


def _zip_kind(zf: zipfile.ZipFile) -> str:
    names = set(zf.namelist())
    if "xl/workbook.xml" in names or any(n.lower() == "xl/workbook.xml" for n in names):
        return "xlsx"
    if "content.xml" in names and b"spreadsheet" in _safe_read(zf, "mimetype"):
        raise SheetError("unsupported", "这是 OpenDocument 表格（.ods）。请在 WPS 或 LibreOffice 中另存为 .xlsx 后再导入")
    if "word/document.xml" in names:
        raise SheetError("not_spreadsheet", "这是 Word 文档，不是表格")
    if "ppt/presentation.xml" in names:
        raise SheetError("not_spreadsheet", "这是 PowerPoint 演示文稿，不是表格")
    raise SheetError("not_spreadsheet", "这是一个压缩包，里面没有 Excel 表格")


def _safe_read(zf: zipfile.ZipFile, name: str) -> bytes:
    try:
        return zf.read(name)[:200]
    except (KeyError, zipfile.BadZipFile, OSError):
        return b""


def _ole_kind(data: bytes) -> str:
    if _ENCRYPTED in data:
        raise SheetError("encrypted", "这个表格设置了打开密码。请在 Excel/WPS 中取消密码、另存后再导入")
    if any(s in data for s in _WORKBOOK_STREAMS):
        return "xls"
    if _WORD_STREAM in data:
        raise SheetError("not_spreadsheet", "这是 Word 文档，不是表格")
    raise SheetError("not_spreadsheet", "这个文件不是 Excel 表格")


def _calamine(call: Any) -> Any:
    """Run a python-calamine call, turning its failures into `SheetError`."""
    import python_calamine

    try:
        return call(python_calamine)
    except SheetError:
        raise
    except python_calamine.PasswordError:
        raise SheetError("encrypted", "这个表格设置了密码。请在 Excel/WPS 中取消密码、另存后再导入") from None
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException as exc:  # calamine errors and Rust panics alike: the file is not readable
        text = str(exc).lower()
        if "password" in text or "encrypt" in text:
            raise SheetError("encrypted", "这个表格设置了密码。请在 Excel/WPS 中取消密码、另存后再导入") from None
        raise SheetError("damaged", f"表格文件已损坏，或者不是 Excel 能打开的格式（{exc}）") from None


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → path of its XML inside the .xlsx."""
    import xml.etree.ElementTree as ET

    try:
        book = ET.fromstring(zf.read("xl/workbook.xml"))
        rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ET.ParseError, zipfile.BadZipFile, OSError):
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter() if r.get("Id")}
    out = {}
    for sheet in book.iter():
        if not sheet.tag.endswith("}sheet"):
            continue
        target = targets.get(sheet.get(_REL_ID))
        name = sheet.get("name")
        if target and name:
            part = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
            out[name] = re.sub(r"[^/]+/\.\./", "", part)
    return out


def _calamine_grid(wb: Workbook, sheet: str) -> Grid:
    scan = None
    part = wb._parts.get(sheet)
    if wb.format == "xlsx" and part:
        with _zip(wb.path) as zf:
            try:
                size = zf.getinfo(part).file_size
            except KeyError:
                size = 0
            if size > MAX_SHEET_XML_BYTES:
                raise SheetError("too_large", f"工作表“{sheet}”太大（解压后 {size // (1024 * 1024)} MB），无法导入")
            if size and not formulas.saved_by_calculating_program(zf):
                scan = formulas.FormulaScan(str(wb.path), part)
    try:
        ws = _calamine(lambda m: wb._book.get_sheet_by_name(sheet))
        height = ws.height
        if height > MAX_ROWS:
            raise SheetError(
                "too_many_rows",
                f"工作表“{sheet}”有 {height:,} 行，超过了可导入的 {MAX_ROWS:,} 行。"
                "如果大部分是空行，请在 Excel 中删除多余的空行后重试。",
                rows=height, limit=MAX_ROWS,
            )
        rows = _calamine(lambda m: ws.to_python(skip_empty_area=True))
        merged_ranges = _calamine(lambda m: ws.merged_cell_ranges) or ()
    except BaseException:
        if scan is not None:
            scan.wait()
        raise
    uncached = _scan_result(scan, sheet)
    r0, c0 = ws.start or (0, 0)
    merged = [(top - r0, left - c0, bottom - r0, right - c0) for (top, left), (bottom, right) in merged_ranges]
    shifted = {(r - r0, c - c0) for r, c in uncached if r >= r0 and c >= c0}
    return Grid(sheet, rows, r0 + 1, c0 + 1, merged, shifted)


def _scan_result(scan: formulas.FormulaScan | None, sheet: str) -> set[tuple[int, int]]:
    if scan is None:
        return set()
    try:
        return scan.result()
    except (zipfile.BadZipFile, OSError, EOFError, KeyError, ValueError):
        raise SheetError("damaged", f"工作表“{sheet}”已损坏，无法读取") from None
