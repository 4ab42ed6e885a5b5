"""Finding the header row and mapping columns to fields by name.

Headers are compared after normalising: full-width to half-width, spaces and
line breaks removed, `*` markers dropped, and bracketed parts such as （元）
or （社区） removed (a unit in brackets is remembered: 金额（万元） is read in
万元). Synonyms per import kind live in `synonyms.json` beside this module.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from typing import Any

from app.sheets.cells import to_text
from app.sheets.problems import SheetError

#: Kinds of field, each read by one helper in `app.sheets.cells`.
TEXT, CODE, DATE, AMOUNT, INT = "text", "code", "date", "amount", "int"
KINDS = (TEXT, CODE, DATE, AMOUNT, INT)

#: How many rows from the top may hold titles and notes before the header.
HEADER_SEARCH_ROWS = 30

_BRACKETS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】|〔[^〔〕]*〕")
_STRIP = str.maketrans("", "", "*:：?？、．·")
_UNITS = {"元": "元", "人民币元": "元", "单位元": "元", "万元": "万元", "单位万元": "万元"}
_SUBTITLE_UNIT = re.compile(r"(?:金额)?单位[:：]?\s*(万元|元)")


@dataclass(frozen=True)
class Field:
    """One column an import wants.

    `label` is the usual header (used when the column is missing);
    `required` means the column must exist and each data row must fill it;
    `informational` columns (序号, 年龄) are recognised so they are not taken as
    notes, but never checked and never make a row count as data.
    """

    key: str
    label: str
    kind: str = TEXT
    required: bool = False
    informational: bool = False
    synonyms: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def synonyms() -> dict[str, Any]:
    """The synonym table, read once from the package."""
    text = resources.files("app.sheets").joinpath("synonyms.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def fields(kind: str, base: Sequence[Field]) -> tuple[Field, ...]:
    """`base` with each field's synonyms filled in from the table for import kind `kind`."""
    table = synonyms().get(kind, {})
    out = []
    for f in base:
        names = [f.label, *table.get(f.key, ()), *f.synonyms]
        out.append(replace(f, synonyms=tuple(dict.fromkeys(names))))
    return tuple(out)


def normalise(text: Any) -> tuple[str, str]:
    """(comparison key, unit) for a header: `捐款金额（元）` → ("捐款金额", "元")."""
    s = unicodedata.normalize("NFKC", to_text(text))
    s = "".join(s.split()).translate(_STRIP).lower()
    unit = ""
    for m in _BRACKETS.finditer(s):
        inner = m.group(0)[1:-1]
        unit = _UNITS.get(inner, unit)
    stripped = _BRACKETS.sub("", s)
    return (stripped or s), unit


def display(text: Any) -> str:
    """A header as a person reads it in messages: line breaks and doubled spaces gone."""
    s = to_text(text)
    return "".join(s.split()) if not s.isascii() else " ".join(s.split())


@dataclass
class Layout:
    """Where the table is: header rows, which column holds which field, and the rest."""

    header_index: int                      # 0-based index in the grid of the (last) header row
    first_data_index: int                  # 0-based index of the first row under the header
    headers: list[str]                     # display text of each column's header
    columns: dict[str, int]                # field key → column index
    notes: list[int] = field(default_factory=list)    # unknown columns, kept as notes
    ignored: list[int] = field(default_factory=list)  # columns of our own (错误说明)
    units: dict[int, str] = field(default_factory=dict)  # 元 / 万元 per amount column
    unit: str = ""                         # 金额单位 written above the header, if any
    score: int = 0

    def header_of(self, key: str) -> str:
        col = self.columns.get(key)
        return self.headers[col] if col is not None else ""


def _lookup(fs: Sequence[Field]) -> dict[str, tuple[str, int]]:
    """Normalised synonym → (field key, rank); the earlier synonym has the lower rank."""
    out: dict[str, tuple[str, int]] = {}
    for f in fs:
        for rank, name in enumerate(f.synonyms):
            out.setdefault(normalise(name)[0], (f.key, rank))
    return out


def _ignored_names() -> set[str]:
    return {normalise(n)[0] for n in synonyms().get("_ignore", ())}


def _match_row(row: Sequence[Any], lookup: Mapping[str, tuple[str, int]]) -> dict[int, tuple[str, int]]:
    hits = {}
    for col, value in enumerate(row):
        if value.__class__ is str and value.strip() and len(value) < 60:
            hit = lookup.get(normalise(value)[0])
            if hit:
                hits[col] = hit
    return hits


def _score(hits: Mapping[int, tuple[str, int]], informational: set[str]) -> int:
    keys = {k for k, _ in hits.values()}
    real = keys - informational
    return len(real) * 2 + len(keys & informational) if real else 0


def find_layout(grid: Sequence[Sequence[Any]], fs: Sequence[Field],
                header_index: int | None = None) -> Layout | None:
    """Find the header among the first rows (or use `header_index`) and map the columns.

    A header split over two rows (a merged group title above its sub-headers)
    is read as one: each column takes the lower row's name when it means a field.
    Returns None when no row names at least two of the fields.
    """
    lookup = _lookup(fs)
    informational = {f.key for f in fs if f.informational}
    limit = min(len(grid), HEADER_SEARCH_ROWS)
    if header_index is None:
        best, best_score = -1, 0
        for i in range(limit):
            s = _score(_match_row(grid[i], lookup), informational)
            if s > best_score:
                best, best_score = i, s
        if best < 0 or best_score < 3:
            return None
        header_index = best
    elif not 0 <= header_index < len(grid):
        raise SheetError("bad_mapping", f"第 {header_index + 1} 行不在表格范围内")
    top = header_index
    rows = [header_index]
    hits = _match_row(grid[header_index], lookup)
    # A two-row header: the row above or below names other fields in columns this row leaves empty.
    for other in (header_index + 1, header_index - 1):
        if not 0 <= other < len(grid):
            continue
        extra = _match_row(grid[other], lookup)
        row = grid[header_index]
        if extra and all(col not in hits or grid[other][col] == row[col] for col in extra) and all(
            col >= len(grid[other]) or not to_text(grid[other][col]) or grid[other][col] == row[col]
            for col in hits
        ):
            rows.append(other)
            for col, hit in extra.items():
                hits[col] = hit
            top = min(top, other)
            break
    last = max(rows)
    width = max(len(grid[i]) for i in rows)
    headers = []
    for col in range(width):
        texts = [to_text(grid[i][col]) for i in sorted(rows) if col < len(grid[i])]
        texts = [t for t in texts if t]
        headers.append(display(texts[-1]) if texts else "")
    return _assign(hits, headers, fs, last, _subtitle_unit(grid, top), _score(hits, informational))


def _subtitle_unit(grid: Sequence[Sequence[Any]], top: int) -> str:
    """`金额单位：万元` in the lines above the header."""
    for row in grid[:top]:
        for value in row:
            if value.__class__ is str:
                m = _SUBTITLE_UNIT.search("".join(unicodedata.normalize("NFKC", value).split()))
                if m:
                    return m.group(1)
    return ""


def _assign(hits: Mapping[int, tuple[str, int]], headers: list[str], fs: Sequence[Field],
            header_index: int, default_unit: str, score: int) -> Layout:
    columns: dict[str, int] = {}
    rank_of: dict[str, int] = {}
    for col in sorted(hits):
        key, rank = hits[col]
        if key not in columns or rank < rank_of[key]:
            columns[key], rank_of[key] = col, rank
    ignored_names = _ignored_names()
    taken = set(columns.values())
    notes: list[int] = []
    ignored: list[int] = []
    for col, text in enumerate(headers):
        if col in taken or not text:
            continue
        (ignored if normalise(text)[0] in ignored_names else notes).append(col)
    units = {}
    kinds = {f.key: f.kind for f in fs}
    for key, col in columns.items():
        if kinds.get(key) == AMOUNT:
            units[col] = normalise(headers[col])[1] or default_unit or "元"
    return Layout(header_index, header_index + 1, headers, columns, notes, ignored, units, default_unit, score)


def remap(layout: Layout, fs: Sequence[Field], mapping: Mapping[str, str | int | None]) -> Layout:
    """The layout with some fields moved to other columns, chosen by header text or index.

    `mapping` is field key → header text as shown, 0-based column index, or None
    (do not read that field). A column taken from another field leaves it unmapped.
    """
    known = {f.key for f in fs}
    columns = dict(layout.columns)
    for key, target in mapping.items():
        if key not in known:
            raise SheetError("bad_mapping", f"没有这个字段：{key}")
        columns.pop(key, None)
        if target is None or target == "":
            continue
        if isinstance(target, int):
            col = target
        else:
            wanted = display(target)
            found = [i for i, h in enumerate(layout.headers) if h == wanted]
            if not found:
                raise SheetError("bad_mapping", f"表头中没有“{target}”这一列")
            col = found[0]
        if not 0 <= col < len(layout.headers):
            raise SheetError("bad_mapping", f"第 {col + 1} 列不在表格范围内")
        for other, c in list(columns.items()):
            if c == col:
                del columns[other]
        columns[key] = col
    hits = {col: (key, 0) for key, col in columns.items()}
    return _assign(hits, layout.headers, fs, layout.header_index, layout.unit, layout.score)
