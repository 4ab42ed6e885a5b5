"""A corpus of files that are not what they claim to be, for every command that reads a file.

`bad_files(folder)` writes them into `folder` and returns (name, path) pairs. The importers,
`restore` and (later) `consolidate` are each fed all of them: each must give one clear
message, a non-zero exit, no traceback and leave the database as it was.
"""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def bad_files(folder: Path, suffix: str = ".xlsx") -> list[tuple[str, Path]]:
    """The corpus. `suffix` names the files as the command expects (.xlsx, or .db for restore)."""
    folder.mkdir(parents=True, exist_ok=True)
    out: list[tuple[str, Path]] = []

    def add(name: str, data: bytes) -> None:
        p = folder / f"{name}{suffix}"
        p.write_bytes(data)
        out.append((name, p))

    add("empty", b"")
    add("random_bytes", os.urandom(8192))
    # Text of another kind under an Excel name. (A real list renamed .xlsx is read by its
    # content on purpose — see app/sheets/workbook.py — so the corpus holds one that is not.)
    add("csv_renamed", "日期,气温,天气\n2025-01-01,5,晴\n2025-01-02,3,多云\n".encode())
    buf = folder / "zip_no_sheet.zip"
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "这个压缩包里没有工作表")
    add("zip_no_sheet", buf.read_bytes())
    buf.unlink()
    add("password_protected", (FIXTURES / "encrypted.xlsx").read_bytes())
    add("million_empty_rows", _workbook(folder, {"A1000000": "x"}))
    add("ten_thousand_char_cell", _workbook(folder, {"A1": "姓名", "B1": "身份证号", "C1": "金额",
                                                     "A2": "王" * 10_000, "B2": "370303195001011234",
                                                     "C2": "100"}))
    d = folder / f"a_folder{suffix}"
    d.mkdir(exist_ok=True)
    out.append(("directory", d))
    out.append(("missing", folder / f"no_such_file{suffix}"))
    return out


def _workbook(folder: Path, cells: dict[str, str]) -> bytes:
    """A real .xlsx with these cells only (a cell at row 1,000,000 keeps the file a few KB)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for ref, value in cells.items():
        ws[ref] = value
    p = folder / "_tmp_book.xlsx"
    wb.save(p)
    data = p.read_bytes()
    p.unlink()
    return data


def copy_corpus(src: list[tuple[str, Path]], folder: Path) -> list[tuple[str, Path]]:
    """The same corpus under another folder (a command that must not see the others' files)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, p in src:
        q = folder / p.name
        if p.is_dir():
            q.mkdir(exist_ok=True)
        elif p.exists():
            shutil.copyfile(p, q)
        out.append((name, q))
    return out
