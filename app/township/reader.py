"""Reading and checking an exchange file (or a return file): every file is checked before it counts.

Not a spreadsheet, not an exchange file, a newer format than this program, a wrong or missing
password, a truncated file, rows or totals that differ from its 说明, a checksum that does not
match: each raises `Rejected` with a reason code and one line of plain Chinese.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.errors import InputError
from app.township import crypto
from app.township.format import (
    CHECKSUM_LABEL,
    COUNTED,
    FORMAT_VERSION,
    META,
    ROWS_LABEL,
    SHEETS,
    STATION_FILE,
    TOTAL_LABEL,
    Checksum,
    SheetSpec,
    normalise,
)

_LABEL_TO_KEY = {v: k for k, v in META.items()}
#: Read at most this much of a file: a station file is a few MB; anything far larger is not one.
MAX_BYTES = 200 * 1024 * 1024


class Rejected(InputError):
    """A file that cannot count, with the reason (see module docstring)."""


@dataclass
class ExchangeFile:
    path: Path
    meta: dict[str, str]
    #: Per sheet name: rows as tuples in the order of the sheet's `SheetSpec.cols`, normalised.
    sheets: dict[str, list[tuple[Any, ...]]]
    checksum: str
    file_hash: str
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def station_code(self) -> str:
        return self.meta.get("station_code", "")

    @property
    def station_uid(self) -> str:
        return self.meta.get("station_uid", "")


def _reject(reason: str, path: Path, why: str) -> Rejected:
    return Rejected(reason, f"{path.name}：{why}", file=str(path))


def load_bytes(path: Path) -> bytes:
    if not path.exists():
        raise _reject("missing", path, f"找不到这个文件或文件夹（{path}）")
    try:
        if path.stat().st_size > MAX_BYTES:
            raise _reject("not_exchange", path, "文件太大，不是工作站交换文件")
        return path.read_bytes()
    except OSError as exc:
        raise _reject("unreadable", path, f"无法读取文件（{exc.strerror or exc}）") from exc


def open_plain(path: Path, data: bytes, password: str) -> bytes:
    """The plain .xlsx bytes: decrypted when the file has a password."""
    if crypto.is_encrypted(data):
        try:
            return crypto.decrypt(data, password)
        except crypto.WrongPassword:
            if not password:
                raise _reject("password_needed", path, "文件设了密码，请输入乡镇密码后再汇总") from None
            raise _reject("wrong_password", path, "密码不对，打不开这个文件") from None
        except ValueError:
            raise _reject("not_exchange", path, "这是旧式 Excel（.xls）或其他 Office 文件，不是工作站交换文件") from None
    if not data.startswith(b"PK"):
        raise _reject("not_spreadsheet", path, "不是 Excel 文件（可能是改了扩展名的文本、图片或其他文件）")
    return data


def _open_workbook(path: Path, plain: bytes) -> Any:
    from python_calamine import CalamineWorkbook

    try:  # the zip's directory is at its end: a file cut short has none (the data is checked later)
        with zipfile.ZipFile(io.BytesIO(plain)):
            pass
    except zipfile.BadZipFile:
        raise _reject("truncated", path, "文件不完整或已损坏（可能没有复制完），请让工作站重新导出") from None
    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(plain))
    except Exception:  # calamine's own error kinds: the zip is not a workbook
        raise _reject("not_spreadsheet", path, "不是 Excel 工作簿") from None


def _sheet_rows(wb: Any, name: str, path: Path | None = None) -> list[list[Any]]:
    try:
        return list(wb.get_sheet_by_name(name).to_python(skip_empty_area=False))
    except Exception:  # calamine's own error kinds: a damaged part inside the zip
        where = path or Path("?")
        raise _reject("truncated", where, f"“{name}”表已损坏，文件不完整，请让工作站重新导出") from None


def read_meta(path: Path, wb: Any, kind: str) -> tuple[dict[str, str], list[tuple[str, str]], str]:
    """The 说明 metadata by key, the labelled lines the checksum covers, and the checksum."""
    if "说明" not in wb.sheet_names:
        raise _reject("not_exchange", path, "不是工作站交换文件（没有“说明”表）")
    lines: list[tuple[str, str]] = []
    started = False
    digest = ""
    for row in _sheet_rows(wb, "说明", path):
        if len(row) < 2:
            continue
        label, value = normalise(row[0], "text"), normalise(row[1], "text")
        if label == META["file_kind"]:
            started = True
        if label == CHECKSUM_LABEL:
            digest = value
            break
        if started:
            lines.append((label, value))
    meta = {_LABEL_TO_KEY[label]: value for label, value in lines if label in _LABEL_TO_KEY}
    if meta.get("file_kind") != kind:
        raise _reject("not_exchange", path, f"不是{kind.replace('CharityDesk ', '')}")
    try:
        version = int(meta.get("format_version", ""))
    except ValueError:
        raise _reject("damaged", path, "文件说明中的格式版本无法识别") from None
    if version > FORMAT_VERSION:
        raise _reject("too_new", path, f"由更新版本的程序生成（交换格式第 {version} 版，本程序只认到第 "
                                        f"{FORMAT_VERSION} 版），请升级程序后再汇总")
    if not digest:
        raise _reject("damaged", path, "文件说明中没有校验码，文件不完整或被改动过")
    return meta, lines, digest


def read_sheet(path: Path, wb: Any, spec: SheetSpec, ck: Checksum) -> list[tuple[Any, ...]]:
    if spec.name not in wb.sheet_names:
        raise _reject("truncated", path, f"缺少“{spec.name}”表，文件不完整")
    grid = _sheet_rows(wb, spec.name, path)
    if not grid:
        raise _reject("truncated", path, f"“{spec.name}”表是空的，文件不完整")
    headers = [normalise(h, "text") for h in grid[0]]
    while headers and headers[-1] == "":
        headers.pop()
    kinds_by_header = {c.header: c.kind for c in spec.cols}
    missing = [c.header for c in spec.cols if c.header not in headers]
    if missing:
        raise _reject("damaged", path, f"“{spec.name}”表缺少列：{'、'.join(missing)}")
    kinds = [kinds_by_header.get(h, "text") for h in headers]
    order = [headers.index(c.header) for c in spec.cols]
    width = len(headers)
    ck.sheet(spec.name, headers)
    body = grid[1:]
    for i, r in enumerate(body):
        if r and r[0] == "合计":  # the 合计 row the writer adds ends the records
            body = body[:i]
            break
    rows = [r[:width] if len(r) >= width else [*r, *[""] * (width - len(r))] for r in body]
    rows = [r for r in rows if any(r)]  # a record always has its station code or ID number
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in range(width)]
    converted = []
    for col, kind in zip(columns, kinds, strict=True):
        try:
            converted.append(_convert(col, kind))
        except (ValueError, TypeError, OverflowError):
            bad = next(i for i, v in enumerate(col) if not _fits(v, kind))
            raise _reject("edited", path, f"“{spec.name}”表第 {bad + 2} 行有一格不是应有的数字或日期，"
                                          "文件被改动过") from None
    values = list(zip(*converted, strict=True)) if rows else []
    ck.rows(values)
    if order == list(range(width)):
        return values
    return [tuple(r[i] for i in order) for r in values]


def _convert(col: tuple[Any, ...], kind: str) -> list[Any]:
    """One column normalised (see `format.normalise`), with the common cell types inline: fast."""
    if kind == "text":
        return [v.strip() if v.__class__ is str else normalise(v, kind) for v in col]
    if kind == "money":
        return [int(round(v * 100)) if v.__class__ is float else normalise(v, kind) for v in col]
    if kind == "int":
        return [v if v.__class__ is int else normalise(v, kind) for v in col]
    if kind == "date":
        return [v.isoformat() if v.__class__ is dt.date else normalise(v, kind) for v in col]
    return [normalise(v, kind) for v in col]


def _fits(value: Any, kind: str) -> bool:
    try:
        normalise(value, kind)
    except (ValueError, TypeError, OverflowError):
        return False
    return True


def read_exchange(path: str | Path, password: str = "", *, kind: str = STATION_FILE,
                  specs: tuple[SheetSpec, ...] = SHEETS) -> ExchangeFile:
    """Open, decrypt, read and check one file; raises `Rejected` with the reason."""
    p = Path(path)
    data = load_bytes(p)
    plain = open_plain(p, data, password)
    wb = _open_workbook(p, plain)
    try:
        meta, lines, digest = read_meta(p, wb, kind)
        ck = Checksum()
        ck.meta(lines)
        sheets = {spec.name: read_sheet(p, wb, spec, ck) for spec in specs}
    finally:
        wb.close()
    for spec in specs:
        rows = sheets[spec.name]
        stated = dict(lines)
        n = stated.get(ROWS_LABEL.format(sheet=spec.name))
        if n is not None and n != str(len(rows)):
            raise _reject("totals", p, f"“{spec.name}”表有 {len(rows)} 行，与文件说明中的 {n} 行不符"
                                       "（文件不完整或被改动过）")
        if spec.money:
            keys = [c.key for c in spec.cols]
            i = keys.index(spec.money)
            j = keys.index(spec.counted) if spec.counted else None
            total = sum(int(r[i] or 0) for r in rows if j is None or r[j] == COUNTED)
            stated_total = stated.get(TOTAL_LABEL.format(sheet=spec.name))
            if stated_total is not None and stated_total != str(total):
                raise _reject("totals", p, f"“{spec.name}”表的金额合计与文件说明不符（文件被改动过）")
    if ck.hexdigest() != digest:
        raise _reject("checksum", p, "校验不通过：文件内容在导出后被改动过，请让工作站重新导出")
    return ExchangeFile(p, meta, sheets, digest, hashlib.sha256(data).hexdigest())
