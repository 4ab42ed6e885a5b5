"""The yearly receipt report: every number of the year's series, so no gap is unexplained.

One row per number from 1 to the counter's last value, for each station series
of the year: issued and valid (printed, reprinted N times, or never printed),
voided (with the reason and the number that replaced it), or — which should
never happen — missing, flagged as unexplained. Below the numbers, the year's
donations that have no valid receipt are listed with the reason.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.db import Database
from app.donations.receipts import ORIGIN_NAMES, STATUS_NAMES, format_number
from app.errors import InputError

COLUMNS = (
    ("number", "收据编号", 20), ("status_name", "状态", 7), ("explanation", "说明", 36),
    ("donated_on", "捐赠日期", 12), ("donor", "捐赠人", 22), ("amount_yuan", "金额（元）", 13),
    ("issued_at", "开具时间", 20), ("issued_by", "开具人", 10), ("origin_name", "来源", 12),
    ("print_count", "打印次数", 9), ("last_printed_at", "最后打印时间", 20),
    ("void_reason", "作废原因", 20), ("voided_at", "作废时间", 20), ("voided_by", "作废人", 10),
    ("replaces", "原收据", 20), ("replaced_by", "重开为", 20), ("official_number", "票据号", 16),
)


@dataclass
class ReportRow:
    number: str
    station_code: str
    seq: int
    status: str  # issued, voided, missing
    explanation: str
    donation_id: str = ""
    donated_on: str = ""
    donor: str = ""
    amount_fen: int = 0
    issued_at: str = ""
    issued_by: str = ""
    origin: str = ""
    print_count: int = 0
    last_printed_at: str = ""
    void_reason: str = ""
    voided_at: str = ""
    voided_by: str = ""
    replaces: str = ""
    replaced_by: str = ""
    official_number: str = ""

    @property
    def status_name(self) -> str:
        return STATUS_NAMES.get(self.status, "缺号")

    @property
    def origin_name(self) -> str:
        return ORIGIN_NAMES.get(self.origin, self.origin)

    @property
    def amount_yuan(self) -> Decimal | None:
        return Decimal(self.amount_fen) / 100 if self.status != "missing" else None


@dataclass
class ReceiptReport:
    year: int
    rows: list[ReportRow]
    unreceipted: list[dict[str, Any]] = field(default_factory=list)

    @property
    def missing(self) -> list[str]:
        return [r.number for r in self.rows if r.status == "missing"]

    def summary(self) -> dict[str, Any]:
        valid = [r for r in self.rows if r.status == "issued"]
        return {
            "year": self.year,
            "numbers": len(self.rows),
            "first": self.rows[0].number if self.rows else None,
            "last": self.rows[-1].number if self.rows else None,
            "valid": len(valid),
            "voided": sum(r.status == "voided" for r in self.rows),
            "printed": sum(r.print_count > 0 for r in valid),
            "reprinted": sum(r.print_count > 1 for r in valid),
            "never_printed": sum(r.print_count == 0 for r in valid),
            "missing": len(self.missing),
            "unreceipted_donations": len(self.unreceipted),
            "valid_amount_fen": sum(r.amount_fen for r in valid),
            "complete": not self.missing,
        }

    def to_dict(self) -> dict[str, Any]:
        return {"summary": self.summary(), "missing": self.missing,
                "rows": [asdict(r) for r in self.rows], "unreceipted": self.unreceipted}


_SQL = """
SELECT r.id, r.donation_id, r.number, r.station_code, r.seq, r.status, r.origin, r.replaces_id,
       r.issued_at, r.void_reason, r.voided_at, r.print_count, r.last_printed_at,
       r.official_number, d.donated_on, d.amount_fen, d.status AS donation_status,
       dn.name AS donor, oi.display_name AS issued_by, ov.display_name AS voided_by
  FROM receipts r
  JOIN donations d ON d.id = r.donation_id
  JOIN donors dn ON dn.id = d.donor_id
  JOIN operators oi ON oi.id = r.issued_by
  LEFT JOIN operators ov ON ov.id = r.voided_by
 WHERE r.year = ?
 ORDER BY r.station_code, r.seq
"""


def _explain(r: Any, replaced_by: str, replaces: str) -> str:
    if r["status"] == "voided":
        text = f"作废：{r['void_reason']}"
        if replaced_by:
            text += f"；已重开为 {replaced_by}"
        elif r["donation_status"] == "voided":
            text += "；捐赠已作废"
        else:
            text += "；捐赠待重开收据"
        return text
    bits = []
    if replaces:
        bits.append(f"重开（原 {replaces} 作废）")
    if r["origin"] == "migration":
        bits.append("升级时补编号")
    n = r["print_count"]
    bits.append("未打印" if n == 0 else "已打印" if n == 1 else f"已打印，补打 {n - 1} 次")
    return "；".join(bits)


def build(db: Database, year: int) -> ReceiptReport:
    """Every number of `year`'s series, with what became of it."""
    if not 1990 <= year <= 2200:
        raise InputError("bad_year", f"年份不对：{year}")
    found = db.query(_SQL, (year,))
    by_id = {r["id"]: r["number"] for r in found}
    replaced_by = {r["replaces_id"]: r["number"] for r in found if r["replaces_id"]}
    last = {row[0]: row[1] for row in db.query(
        "SELECT station_code, last_seq FROM receipt_counters WHERE year = ?", (year,))}
    by_seq: dict[tuple[str, int], Any] = {(r["station_code"], r["seq"]): r for r in found}
    for (code, seq) in by_seq:
        last[code] = max(last.get(code, 0), seq)
    rows: list[ReportRow] = []
    for code in sorted(last):
        for seq in range(1, last[code] + 1):
            r = by_seq.get((code, seq))
            if r is None:
                rows.append(ReportRow(format_number(code, year, seq), code, seq, "missing",
                                      "缺号：没有这个编号的收据记录（未解释）"))
                continue
            rep = by_id.get(r["replaces_id"], "") if r["replaces_id"] else ""
            nxt = replaced_by.get(r["id"], "")
            rows.append(ReportRow(
                r["number"], code, seq, r["status"], _explain(r, nxt, rep), r["donation_id"],
                r["donated_on"], r["donor"], r["amount_fen"], r["issued_at"], r["issued_by"],
                r["origin"], r["print_count"], r["last_printed_at"] or "", r["void_reason"],
                r["voided_at"] or "", r["voided_by"] or "", rep, nxt, r["official_number"],
            ))
    return ReceiptReport(year, rows, _unreceipted(db, year))


def _unreceipted(db: Database, year: int) -> list[dict[str, Any]]:
    out = []
    for r in db.query(
        "SELECT d.id, d.donated_on, d.amount_fen, d.status, dn.name AS donor,"
        " EXISTS (SELECT 1 FROM receipts x WHERE x.donation_id = d.id) AS had_receipt"
        " FROM donations d JOIN donors dn ON dn.id = d.donor_id"
        " WHERE d.donated_on >= ? AND d.donated_on < ?"
        " AND NOT EXISTS (SELECT 1 FROM receipts x WHERE x.donation_id = d.id AND x.status = 'issued')"
        " ORDER BY d.donated_on, d.created_at",
        (f"{year:04d}-01-01", f"{year + 1:04d}-01-01"),
    ):
        if r["status"] == "voided" and r["had_receipt"]:
            continue  # its voided receipt is already a row above
        reason = ("捐赠已作废，未开收据" if r["status"] == "voided"
                  else "收据已作废，待重开" if r["had_receipt"] else "未开收据")
        out.append({"donation_id": r["id"], "donated_on": r["donated_on"], "donor": r["donor"],
                    "amount_fen": r["amount_fen"], "reason": reason})
    return out


COLUMN_KINDS = {"donated_on": "date", "amount_fen": "money", "print_count": "int", "issued_at": "datetime",
                "last_printed_at": "datetime", "voided_at": "datetime"}
SUMMARY_LABELS = (("year", "年份"), ("first", "第一个编号"), ("last", "最后一个编号"),
                  ("numbers", "编号总数"), ("valid", "有效"), ("voided", "作废"), ("printed", "已打印"),
                  ("reprinted", "有补打"), ("never_printed", "未打印"), ("missing", "缺号（未解释）"),
                  ("unreceipted_donations", "未开收据的捐赠"))


def write_xlsx(report: ReceiptReport, path: str | Path, station: str = "") -> Path:
    """The report as .xlsx through the shared writer: sheet 1 the numbers (one header row, one
    row per number, 合计 of valid receipts), then 汇总 and 未开收据的捐赠, then 说明."""
    from app.excel import Column, Fen, Report, write_table
    from app.excel.writer import Table

    keys = [("amount_fen" if key == "amount_yuan" else key) for key, _, _ in COLUMNS]
    columns = [Column(title, COLUMN_KINDS.get(key, "text"), width=w, total=key == "amount_fen")
               for key, (_, title, w) in zip(keys, COLUMNS, strict=True)]
    status_col = keys.index("status_name")

    def rows() -> Any:
        for row in report.rows:
            values = [getattr(row, key) for key in keys]
            if row.status == "missing":
                values[keys.index("amount_fen")] = None
            yield values

    s = report.summary()
    summary = Table("汇总", (Column("项目", width=24), Column("数值", "value", width=22)),
                    [*([label, s[key]] for key, label in SUMMARY_LABELS),
                     ["有效收据金额合计（元）", Fen(s["valid_amount_fen"])]])
    unreceipted = Table("未开收据的捐赠", (Column("捐赠日期", "date", width=12), Column("捐赠人", width=22),
                                          Column("金额（元）", "money", width=13, total=True),
                                          Column("情况", width=34), Column("捐赠编号", width=34)),
                        [[u["donated_on"], u["donor"], u["amount_fen"], u["reason"], u["donation_id"]]
                         for u in report.unreceipted])
    meta = Report(title=f"{report.year}年收据使用情况", station=station, period=f"{report.year}年",
                  sheet=f"{report.year}年收据", freeze="B2",
                  notes=(("合计口径", "金额合计只计有效收据；作废和缺号的编号列出但不计入。"),))
    written = write_table(path, meta, columns, rows(), in_total=lambda v: v[status_col] == "有效",
                          tables=[summary, unreceipted])
    return written.path
