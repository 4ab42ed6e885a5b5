"""The bank transfer list (银行代发清单) of a confirmed distribution, as .xlsx for the bank.

First sheet: one header row 姓名 | 开户银行 | 银行账号 | 金额（元）, one row per person
whose line still holds money (not the ones reversed or marked not collected), then
a 合计 row — written by the shared Excel writer (`app.excel`). Account numbers are
text, so Excel never turns them into 6.2E+18. Bank details come from each person's
current record; people with no account are listed in the result (and on the 说明
sheet) so they can be paid in cash or have their account added first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.db import Database
from app.errors import Conflict, InputError
from app.excel import Column, Report, write_table
from app.programmes import distributions
from app.programmes.programmes import get_programme
from app.rules.money import format_fen
from app.station import station

COLUMNS = (Column("姓名", width=12), Column("开户银行", width=22), Column("银行账号", width=26),
           Column("金额（元）", kind="money", width=14, total=True))


@dataclass(frozen=True)
class TransferList:
    path: str
    rows: int
    total_fen: int
    missing_accounts: tuple[str, ...]  # names of people without a bank account

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "rows": self.rows, "total_fen": self.total_fen,
                "total_yuan": format_fen(self.total_fen), "missing_accounts": list(self.missing_accounts)}


def transfer_rows(db: Database, distribution_id: str) -> list[tuple[str, str, str, int]]:
    """(name, bank, account, amount in fen) for each line that still holds money, in line order."""
    d = distributions.get_distribution(db, distribution_id)
    if d.status != "confirmed":
        raise Conflict("not_confirmed", "发放批次确认后才能生成银行转账清单")
    return [(r[0], r[1], r[2], r[3]) for r in db.query(
        "SELECT b.name, r.bank_name, r.bank_account, b.amount_fen FROM disbursements b"
        " JOIN recipients r ON r.id = b.recipient_id"
        " WHERE b.distribution_id = ? AND b.status IN ('pending', 'signed', 'paid', 'proxy') AND b.amount_fen > 0"
        " ORDER BY b.line_no", (distribution_id,))]


def write_transfer_list(db: Database, distribution_id: str, path: str | Path, *,
                        progress: Callable[[int, int], None] | None = None) -> TransferList:
    """Write the .xlsx; returns what went in and who has no account."""
    d = distributions.get_distribution(db, distribution_id)
    prog = get_programme(db, d.programme_id)
    if prog.kind != "cash":
        raise InputError("goods_programme", f"“{prog.name}”发放的是物资，没有银行转账清单")
    rows = transfer_rows(db, distribution_id)
    missing = tuple(name for name, _, account, _ in rows if not account)
    notes: list[tuple[str, str]] = [("救助项目", prog.name), ("发放日期", d.distributed_on),
                                    ("发放批次", distribution_id)]
    if missing:
        notes.append(("缺少银行账号", f"{len(missing)} 人：" + "、".join(missing)))
    report = Report(title=f"{prog.name}银行转账清单", station=station.get_station(db).name,
                    period=d.distributed_on, sheet="转账清单", notes=tuple(notes))
    written = write_table(path, report, COLUMNS, rows, progress=progress, expected_rows=len(rows))
    return TransferList(str(written.path), written.rows, sum(r[3] for r in rows), missing)
