"""Rows that are not data: totals, footers, repeated headers and titles, section headings.

Past the header of a volunteer's sheet come people, but also 合计/小计 rows
(their formulas often skip amounts typed as text, so they are passed over,
never checked), footers (制表人, 审核人, 经办人, 复核人, 盖章…), the header and
title again at the top of each printed page, and headings such as
“第二村民小组” that group the people below them. Blank rows, and rows with only
a 序号 or an 年龄 filled in, are not counted at all.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from app.sheets import cells
from app.sheets.headers import TEXT, Layout
from app.sheets.workbook import Grid

TOTAL_WORDS = ("合计", "总计", "小计", "本页合计", "本页小计", "累计", "共计")
FOOTER_WORDS = ("制表人", "制表", "填表人", "填报人", "审核人", "审核", "审批人", "经办人", "经办", "复核人",
                "复核", "负责人", "单位负责人", "分管领导", "主管领导", "领导签字", "制表时间", "制表日期",
                "填表日期", "填报日期", "填报时间", "填报单位", "制表单位", "统计单位", "统计时间", "报送单位",
                "日期:", "时间:", "备注:", "说明:", "注:", "注1", "以上", "盖章", "(盖章)", "单位(盖章)")
_FOOTER_INSIDE = ("盖章", "(章)", "签字", "签名")
_JUNK_FIRST = frozenset(w[0] for w in TOTAL_WORDS + FOOTER_WORDS) | {" ", "\u3000", "（", "＊"}



class Checked(NamedTuple):
    """A column the import reads and checks: where, what kind, and whether it must be filled."""

    col: int
    kind: str
    required: bool


@dataclass(frozen=True)
class Skipped:
    """A row passed over: kind is total, footer, header, title or section."""

    row: int
    kind: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.row, "kind": self.kind, "text": self.text}


def sort_rows(grid: Grid, layout: Layout, info: Sequence[int], specs: Sequence[Checked],
              width: int) -> tuple[list[int], list[Skipped]]:
    """Indices into `grid.rows` of the data rows under the header, and the rows passed over.

    `info` are the columns read only for people (序号, 年龄, our own 错误说明);
    `specs` the columns the import checks.
    """
    rows = grid.rows
    required = [s.col for s in specs if s.required]
    probe = required[0] if required else (specs[0].col if specs else 0)
    header_cells = rows[layout.header_index] if layout.header_index < len(rows) else []
    header_probe = header_cells[probe] if probe < len(header_cells) else None
    if not header_probe:
        header_probe = object()
    heading_cols = max(sorted(s.col for s in specs)[:2], default=0)
    code_cols = {s.col for s in specs if s.kind != TEXT}
    titles = {_squash(v) for r in rows[: layout.header_index] for v in r if v.__class__ is str and v.strip()}
    junk_first = _JUNK_FIRST
    data: list[int] = []
    skipped: list[Skipped] = []
    for i in range(layout.first_data_index, len(rows)):
        row = rows[i]
        if not any(row):
            continue
        filled = width - row.count("")
        for c in info:
            if row[c] != "":
                filled -= 1
        first = next(filter(None, row))
        kind = ""
        p = row[probe]
        if (first.__class__ is str and (first[:1] in junk_first or first.lstrip()[:1] in junk_first
                                        or "章" in first or "签" in first)) or (
                p.__class__ is str and p[:1] in junk_first):
            kind = _junk_kind(row)
        if not kind and p == header_probe and _is_repeat_header(row, header_cells, specs):
            kind = "header"
        if not kind and filled <= 1:
            # A lone value: in 序号 alone it is a number (blank row) or a heading across the table.
            if filled <= 0:
                col, lone = next((c, v) for c, v in enumerate(row) if v != "")
            else:
                col, lone = next((c, v) for c, v in enumerate(row) if v != "" and c not in info)
            text = _squash(lone) if lone.__class__ is str else ""
            if not text or (filled <= 0 and text.isdigit()):
                if filled <= 0:
                    continue
            elif filled <= 0:
                kind = _lone_kind(row, text, col, titles, col, code_cols) or "section"
            elif not any(row[c] != "" for c in required):
                kind = _lone_kind(row, text, col, titles, heading_cols, code_cols)
        if kind:
            skipped.append(Skipped(grid.first_row + i, kind, " ".join(_texts(row, 6))[:100]))
            continue
        data.append(i)
    return data, skipped


def _squash(value: Any) -> str:
    """Text without spaces, full-width folded: for comparing what people typed."""
    return "".join(unicodedata.normalize("NFKC", cells.to_text(value)).split())


def _texts(row: Sequence[Any], n: int) -> list[str]:
    out = []
    for v in row:
        if not cells.is_blank(v):
            out.append(_squash(v))
            if len(out) >= n:
                break
    return out


def _junk_kind(row: Sequence[Any]) -> str:
    """"total" or "footer" when one of the first three filled cells says so, else ""."""
    seen = 0
    for v in row:
        if v == "" or v is None:
            continue
        seen += 1
        if v.__class__ is str:
            text = _squash(v)
            if text.startswith(TOTAL_WORDS):
                return "total"
            if seen == 1 and (text.startswith(FOOTER_WORDS) or any(w in text for w in _FOOTER_INSIDE)):
                return "footer"
        if seen >= 3:
            break
    return ""


def _lone_kind(row: Sequence[Any], text: str, col: int, titles: set[str], heading_cols: int,
               code_cols: set[int]) -> str:
    """What a single text alone on its row is: a footer, a repeated title, or a section heading."""
    kind = _junk_kind(row)
    if kind:
        return kind
    if text in titles:
        return "title"
    try:
        if cells.to_date(text) is not None:
            return "footer"  # the date written under the signatures
    except cells.CellError:
        pass
    if col <= heading_cols and col not in code_cols and len(text) <= 30 and not text.isdigit():
        return "section"
    return ""


def _is_repeat_header(row: Sequence[Any], header_cells: Sequence[Any], specs: Sequence[Checked]) -> bool:
    same = 0
    for col, *_ in specs:
        if col < len(row) and col < len(header_cells) and header_cells[col] and row[col] == header_cells[col]:
            same += 1
    return same >= 2
