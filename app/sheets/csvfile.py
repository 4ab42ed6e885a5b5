"""CSV and tab-separated text as saved by Excel, WPS and other programs.

The encoding is detected: UTF-8 with or without a BOM, UTF-16 with a BOM
(Excel's "Unicode text"), otherwise GB18030, which also reads GBK and GB2312
files as Chinese Windows saves them. Bytes that decode as none of these, or
text full of control characters, are not a table.
"""

from __future__ import annotations

import csv
import io
import unicodedata

from app.sheets.problems import SheetError

_DELIMITERS = (",", "\t", ";", "|")


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name) for the bytes of a text table."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _decode(data[3:], "utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode(data, "utf-16"), "utf-16"
    if b"\x00" in data[:65536]:
        raise SheetError("not_spreadsheet", "这个文件不是表格（里面是二进制数据，不是文字）")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    return _decode(data, "gb18030"), "gb18030"


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise SheetError(
            "not_spreadsheet",
            "这个文件不是表格：既不是 Excel 文件，也不是能读懂的文字（UTF-8 或 GBK 编码的 CSV）",
        ) from None


def _looks_like_text(text: str) -> bool:
    sample = text[:65536]
    if not sample:
        return True
    controls = sum(1 for ch in sample if ch not in "\t\r\n" and unicodedata.category(ch) == "Cc")
    odd = sum(1 for ch in sample if unicodedata.category(ch) in ("Co", "Cn", "Cs"))
    return controls + odd <= max(2, len(sample) // 1000)


def sniff_delimiter(text: str) -> str:
    """The separator used in the first lines: comma unless tabs or semicolons clearly win."""
    lines = [ln for ln in text[:65536].splitlines()[:50] if ln.strip()]
    if not lines:
        return ","
    best, best_score = ",", 0.0
    for d in _DELIMITERS:
        counts = [ln.count(d) for ln in lines]
        if not any(counts):
            continue
        steady = sum(1 for c in counts if c == max(counts)) / len(counts)
        score = max(counts) * steady
        if score > best_score:
            best, best_score = d, score
    return best


def read(data: bytes, *, max_rows: int, max_cell: int) -> tuple[list[list[str]], str]:
    """The rows of a CSV file and the encoding it was read in."""
    text, encoding = decode(data)
    if not _looks_like_text(text):
        raise SheetError("not_spreadsheet", "这个文件不是表格（里面有大量不可见的控制字符）")
    delimiter = sniff_delimiter(text)
    rows: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append(row)
            if len(rows) > max_rows:
                raise SheetError(
                    "too_many_rows",
                    f"这个文件超过 {max_rows:,} 行，太大了。如果大部分是空行，请删除多余的行后重试。",
                    limit=max_rows,
                )
    except csv.Error as exc:
        if "field larger" in str(exc):
            raise SheetError(
                "cell_too_long",
                f"第 {len(rows) + 1} 行有一个格子的内容超过 {max_cell:,} 个字，这不像是名单或清单。请检查文件。",
                row=len(rows) + 1,
            ) from None
        raise SheetError("damaged", f"CSV 文件格式有误（第 {len(rows) + 1} 行）：{exc}") from None
    return rows, encoding
