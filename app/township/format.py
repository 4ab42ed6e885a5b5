"""The station exchange file, format version 1: its sheets, columns, metadata and checksum.

docs/exchange-format.md says the same in words. Every later version of the program reads every
earlier version: a column is found by its header, and a new version adds columns or sheets.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

#: The newest format this program writes and reads.
FORMAT_VERSION = 1
#: The words in 说明 that say which kind of file this is.
STATION_FILE = "CharityDesk 工作站交换文件"
RETURN_FILE = "CharityDesk 乡镇回执文件"


@dataclass(frozen=True)
class Col:
    key: str
    header: str
    kind: str  # text | int | money (integer fen, shown as yuan) | date (ISO)


@dataclass(frozen=True)
class SheetSpec:
    name: str
    cols: tuple[Col, ...]
    #: The money column whose total is in the metadata ("" when none).
    money: str = ""
    #: The column saying whether a row counts in that total ("" when all count).
    counted: str = ""

    def headers(self) -> list[str]:
        return [c.header for c in self.cols]


_STATION = (Col("station_code", "站点编号", "text"), Col("record_id", "记录编号", "text"))

REGISTER = SheetSpec("登记名册", _STATION + (
    Col("name", "姓名", "text"), Col("id_number", "身份证号", "text"), Col("sex", "性别", "text"),
    Col("birth_date", "出生日期", "date"), Col("village", "村（社区）", "text"),
    Col("village_group", "组", "text"), Col("household", "户编号", "text"),
    Col("categories", "人员类别", "text"), Col("status", "状态", "text"),
    Col("closed_on", "死亡或迁出日期", "date"),
))
AID = SheetSpec("发放明细", _STATION + (
    Col("date", "发放日期", "date"), Col("programme", "救助项目", "text"), Col("kind", "救助种类", "text"),
    Col("person_id", "受助人记录编号", "text"), Col("name", "姓名", "text"),
    Col("id_number", "身份证号", "text"), Col("village", "村（社区）", "text"),
    Col("amount_fen", "金额（元）", "money"), Col("goods", "物品", "text"),
    Col("status", "状态", "text"), Col("counted", "计入", "text"),
), money="amount_fen", counted="counted")
DONATIONS = SheetSpec("捐赠汇总", _STATION + (
    Col("fund", "基金", "text"), Col("month", "月份", "text"), Col("gifts", "笔数", "int"),
    Col("amount_fen", "金额（元）", "money"), Col("voided", "作废笔数", "int"),
), money="amount_fen")
FUNDS = SheetSpec("基金余额", _STATION + (
    Col("fund", "基金", "text"), Col("kind", "类型", "text"), Col("opening_fen", "期初（元）", "money"),
    Col("received_fen", "收入（元）", "money"), Col("paid_fen", "支出（元）", "money"),
    Col("balance_fen", "余额（元）", "money"),
), money="balance_fen")
SHEETS: tuple[SheetSpec, ...] = (REGISTER, AID, DONATIONS, FUNDS)

#: The township's return file: one sheet of flags for one station's own people.
FLAGS = SheetSpec("回执", (
    Col("id_number", "身份证号", "text"), Col("name", "姓名", "text"), Col("kind", "情况", "text"),
    Col("other_station", "其他站点", "text"), Col("detail", "详情", "text"),
))

#: Metadata in 说明: key → the label a clerk reads (the reader finds values by label).
META = {
    "file_kind": "文件类型", "format_version": "格式版本", "station_code": "站点编号",
    "station_uid": "站点标识", "station_name": "站点名称", "township": "乡镇",
    "date_from": "起始日期", "date_to": "截止日期", "generated_at": "导出时间",
    "program_version": "程序版本", "audit_head": "审计链末端", "return_id": "回执编号",
}
CHECKSUM_LABEL = "校验码"
ROWS_LABEL = "{sheet} 行数"
TOTAL_LABEL = "{sheet} 金额合计（分）"

COUNTED, NOT_COUNTED = "是", "否"
STATUS_WORDS = {"active": "在册", "moved": "迁出", "deceased": "死亡", "closed": "注销"}
AID_STATUS_WORDS = {"pending": "待发放", "signed": "已签收", "paid": "已转账", "proxy": "代领",
                    "not_collected": "未领取", "reversed": "已冲销"}
AID_KIND_WORDS = {"cash": "现金救助", "goods": "实物救助", "meals": "助餐补贴"}
FLAG_WORDS = {"aided_elsewhere": "他站已领取", "registered_elsewhere": "他站已登记",
              "deceased": "他站记为死亡", "moved": "他站记为迁出"}


def normalise(value: Any, kind: str) -> Any:
    """A cell as the checksum sees it, whoever saved the file: text without surrounding space,
    whole numbers, fen as integers, dates as ISO text. Raises ValueError on a cell that cannot
    be one (a word in a money column)."""
    if value is None or value == "":
        return ""
    if kind == "text":
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()
    if kind == "int":
        return int(round(float(value)))
    if kind == "money":
        return int(round(float(value) * 100))
    if kind == "date":
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, (int, float)):  # a date cell that lost its format: Excel's day count
            return (dt.date(1899, 12, 30) + dt.timedelta(days=int(value))).isoformat()
        return dt.date.fromisoformat(str(value).strip()[:10]).isoformat()
    raise ValueError(f"unknown column kind {kind!r}")


class Checksum:
    """sha256 over the metadata and every data row, in normalised form."""

    def __init__(self) -> None:
        self._h = hashlib.sha256()

    def meta(self, items: Iterable[tuple[str, str]]) -> None:
        for label, value in items:
            self._h.update(f"M\x1f{label}\x1f{value}\x1e".encode())

    def sheet(self, name: str, headers: Sequence[str]) -> None:
        self._h.update(("S\x1f" + name + "\x1f" + "\x1f".join(headers) + "\x1e").encode())

    def row(self, values: Sequence[Any]) -> None:
        self._h.update(("\x1f".join(map(str, values)) + "\x1e").encode())

    def rows(self, rows: Iterable[Sequence[Any]]) -> None:
        """Many rows at once: the same bytes as `row` for each."""
        self._h.update("".join(["\x1f".join(map(str, r)) + "\x1e" for r in rows]).encode())

    def hexdigest(self) -> str:
        return self._h.hexdigest()
