"""Hand-made-looking spreadsheets for the reader's tests, written into a temporary folder.

Volunteers' rosters have a title, a 填报单位/填报日期 line, sometimes 金额单位：元,
a header (now and then over two rows with a merged group title), people,
a 合计 row with formulas, and a footer with 制表人/审核人. The helpers below
write such files as .xlsx (openpyxl, which saves formulas without results,
as some programs do) and as CSV in the encodings Chinese Windows uses.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import openpyxl

from app.rules.idcard import check_char

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

TITLE = "东风村困难群众花名册"
UNIT_LINE = ["填报单位：东风村村民委员会", None, None, None, "填报日期：2026年9月5日"]
HEADER = ["序号", "姓名", "身份证号码", "性别", "出生年月", "年龄", "所在村组", "联系电话", "人员类别", "备注"]
FOOTER = ["制表人：李文", None, "审核人：王强", None, "填报单位（盖章）"]


def make_id(birth: dt.date, male: bool = True, seq: int = 12, region: str = "370303") -> str:
    """A valid 18-digit ID number for a birth date and sex."""
    last = seq * 10 + (1 if male else 2)
    body = f"{region}{birth:%Y%m%d}{last:03d}"
    return body + check_char(body)


def bad_check(number: str) -> str:
    """The same number with a wrong check character."""
    wrong = "0" if number[-1] != "0" else "1"
    return number[:-1] + wrong


def person(n: int, name: str, birth: dt.date, male: bool = True, **extra: Any) -> list[Any]:
    """One roster line in HEADER order."""
    row: list[Any] = [n, name, make_id(birth, male, seq=n), "男" if male else "女", birth,
                      2026 - birth.year, "东风村三组", f"138{n:08d}", "低保户", ""]
    for key, value in extra.items():
        row[HEADER.index(key)] = value
    return row


PEOPLE = [
    person(1, "王秀英", dt.date(1940, 3, 15), male=False),
    person(2, "李国华", dt.date(1952, 11, 2)),
    person(3, "张 丽", dt.date(2015, 6, 1), male=False, 人员类别="留守儿童、低保家庭儿童"),
]


def roster(people: Sequence[Sequence[Any]] = PEOPLE, *, title: bool = True, total: bool = True,
           footer: bool = True, header: Sequence[Any] = HEADER) -> list[list[Any]]:
    """A roster as a volunteer lays it out: title, unit line, header, people, 合计, footer."""
    rows: list[list[Any]] = []
    if title:
        rows += [[TITLE], list(UNIT_LINE)]
    rows.append(list(header))
    first = len(rows) + 1
    rows += [list(p) for p in people]
    last = len(rows)
    if total:
        rows.append(["合计", None, None, None, None, f"=SUM(F{first}:F{last})"])
    if footer:
        rows += [[], list(FOOTER)]
    return rows


def xlsx(path: Path, rows: Iterable[Sequence[Any]], *, sheet: str = "花名册", merges: Iterable[str] = (),
         more_sheets: dict[str, Iterable[Sequence[Any]]] | None = None, start: str = "A1",
         text_columns: Iterable[str] = ("C",), hidden: Iterable[str] = ()) -> Path:
    """Write rows into an .xlsx. `start` moves the table (B3: one blank column and two blank rows)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    _fill(ws, rows, start, text_columns)
    for ref in merges:
        ws.merge_cells(ref)
    for name, more in (more_sheets or {}).items():
        other = wb.create_sheet(name)
        _fill(other, more, "A1", ())
        if name in hidden:
            other.sheet_state = "hidden"
    wb.save(path)
    return path


def _fill(ws: Any, rows: Iterable[Sequence[Any]], start: str, text_columns: Iterable[str]) -> None:
    m = re.fullmatch(r"([A-Z]+)(\d+)", start)
    assert m
    col0 = openpyxl.utils.column_index_from_string(m.group(1))
    row0 = int(m.group(2))
    texts = {openpyxl.utils.column_index_from_string(c) - col0 for c in text_columns}
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if value is None or value == "":
                continue
            cell = ws.cell(row=row0 + i, column=col0 + j, value=value)
            if j in texts and isinstance(value, str):
                cell.number_format = "@"
            if isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"


def csv_file(path: Path, rows: Iterable[Sequence[Any]], encoding: str = "utf-8", *, bom: bool = False,
             delimiter: str = ",") -> Path:
    """Rows as a CSV text file in `encoding` (gbk, gb18030, utf-8), with a BOM if asked."""
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else (v.isoformat() if isinstance(v, dt.date) else v) for v in row])
    data = buf.getvalue().encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def rewrite_part(path: Path, part: str, change: Any) -> Path:
    """Rewrite one XML part inside an .xlsx with `change(text) -> text`."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == part:
                data = change(data.decode("utf-8")).encode("utf-8")
            dst.writestr(item.filename, data)
    shutil.move(tmp, path)
    return path


def saved_by_excel(path: Path, cached: dict[str, str] | None = None) -> Path:
    """Make an openpyxl file look as Excel saves it: results next to formulas, Excel as the application."""
    def results(xml: str) -> str:
        for ref, value in (cached or {}).items():
            xml = re.sub(rf'(<c r="{ref}"[^>]*>)(<f>[^<]*</f>)<v\s*/?>(</v>)?', rf"\g<1>\g<2><v>{value}</v>", xml)
        return xml

    rewrite_part(path, "xl/worksheets/sheet1.xml", results)
    return rewrite_part(path, "docProps/app.xml",
                        lambda xml: re.sub(r"<Application>[^<]*</Application>",
                                           "<Application>Microsoft Excel</Application>", xml))


def million_empty_rows(path: Path, rows: int = 1_000_000) -> Path:
    """A sheet whose used range runs to row one million: a title, then empty text cells all the way down
    (what a formula like =IF(B3="","",…) filled down a whole column leaves behind)."""
    xlsx(path, [["姓名", "身份证号码"], ["王秀英", make_id(dt.date(1940, 3, 15), male=False)]])
    body = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t></t></is></c></row>'
                   for r in range(3, rows + 1))
    return rewrite_part(path, "xl/worksheets/sheet1.xml",
                        lambda xml: re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:B{rows}"/>', xml)
                        .replace("</sheetData>", body + "</sheetData>"))
