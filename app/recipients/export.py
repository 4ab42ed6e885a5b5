"""The register as an Excel file (受助对象名单): one header row, one row per person.

Headers use the names rosters already use (姓名, 身份证号, 联系电话 …), so the
file reads back through the roster import. With `mask` the file is fit to
leave the station: names 张*明 / 王*, ID numbers 3703**********1234, phones
138****5678 and bank accounts cut to their last four digits; birth date,
address and notes are left out (the ID mask would be pointless beside them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from app.db import Database
from app.excel import Column, Report, Written, write_table
from app.recipients import search
from app.recipients.recipients import STATUS_NAMES
from app.recipients.search import Filters, Sort
from app.rules.masking import mask_id, mask_name, mask_phone
from app.station import station

#: (field, column); fields marked private are left out of a masked file.
_COLUMNS: tuple[tuple[str, Column, bool], ...] = (
    ("name", Column("姓名"), False),
    ("sex", Column("性别", width=6), False),
    ("birth_date", Column("出生日期", "date"), True),
    ("age", Column("年龄（周岁）", "int"), False),
    ("id_number", Column("身份证号", width=22), False),
    ("village", Column("所在村（社区）"), False),
    ("village_group", Column("组"), False),
    ("address", Column("居住地址"), True),
    ("phone", Column("联系电话"), False),
    ("categories", Column("人员类别"), False),
    ("household_head", Column("户主", width=6), False),
    ("guardian_name", Column("监护人姓名"), False),
    ("guardian_phone", Column("监护人电话"), False),
    ("bank_name", Column("开户行"), False),
    ("bank_account", Column("银行账号", width=24), False),
    ("status", Column("状态"), False),
    ("closed_on", Column("注销日期", "date"), False),
    ("note", Column("备注"), True),
    ("created_at", Column("登记时间", "datetime"), False),
)


def _mask_account(account: str) -> str:
    return "*" * max(len(account) - 4, 0) + account[-4:] if account else ""


def _value(row: dict[str, Any], key: str, mask: bool) -> Any:
    v = row.get(key)
    if key == "categories":
        return "、".join(v or ())
    if key == "household_head":
        return "是" if v else ""
    if key == "status":
        return STATUS_NAMES.get(str(v), v)
    if not mask or not v:
        return v
    if key in ("name", "guardian_name"):
        return mask_name(v)
    if key == "id_number":
        return mask_id(v)
    if key in ("phone", "guardian_phone"):
        return mask_phone(v)
    if key == "bank_account":
        return _mask_account(v)
    return v


def export_recipients(db: Database, path: str | Path, *, mask: bool = False, text: str = "",
                      filters: Filters | None = None, sort: Sort | None = None,
                      today: dt.date | None = None,
                      progress: Callable[[int, int], None] | None = None,
                      cancelled: Callable[[], bool] | None = None) -> Written:
    """Write the register — everyone, or those matching `text`/`filters` — to `path`.

    The default is every person, closed records included, by village, group and name.
    """
    today = today or dt.date.today()
    filters = filters if filters is not None else Filters(status=None)
    ids = search.search_ids(db, text, filters, sort or Sort("village"))
    fields = [(k, c) for k, c, private in _COLUMNS if not (mask and private)]
    st = station.get_station(db)
    notes: list[tuple[str, str]] = []
    if mask:
        notes.append(("脱敏", "姓名、身份证号、电话、银行账号已部分隐藏；出生日期、居住地址和备注未导出"))
    report = Report(title="受助对象名单", station=f"{st.name}（{st.station_code}）",
                    period=f"截至 {today.isoformat()}", sheet="受助对象", notes=tuple(notes))

    def rows() -> Iterator[list[Any]]:
        for row in search.iter_rows(db, ids, today=today):
            yield [_value(row, k, mask) for k, _ in fields]

    return write_table(path, report, [c for _, c in fields], rows(), progress=progress,
                       expected_rows=len(ids), cancelled=cancelled)
