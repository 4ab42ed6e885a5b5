"""The reports a station can export, listed once for the 报表 page and the command line.

Each `ReportKind` says what it covers (a date range, or a year), whether names
may be masked, which file types it writes, and how to write it. `export`
returns the same plain dict the command line prints with `--json`: at least
`path` and `rows`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.db import Database
from app.errors import InputError
from app.reports.period import Period

Progress = Callable[[int, int], None] | None
Cancelled = Callable[[], bool] | None


@dataclass(frozen=True)
class Request:
    """What the person chose: the period (or the year), masking and the file."""

    path: Path
    period: Period = Period()
    year: int = 0
    mask: bool = False


@dataclass(frozen=True)
class ReportKind:
    key: str
    title: str
    help: str
    #: "range" (from/to dates, none: everything) or "year".
    covers: str
    #: True: the person may ask for names and ID numbers to be masked; the notice always masks.
    maskable: bool
    suffixes: tuple[str, ...]
    write: Callable[[Database, Request, Progress, Cancelled], dict[str, Any]]
    #: True: names and ID numbers are masked whatever the person chooses (the public notice).
    always_masked: bool = False

    def file_name(self, req: Request, suffix: str = ".xlsx") -> str:
        """A file name a clerk recognises: 捐赠台账_2024-01-01至2024-12-31.xlsx, 2024年度收支报表.xlsx."""
        if self.covers == "year":
            return f"{req.year}年{self.title}{suffix}"
        p = req.period
        if p.date_from and p.date_to:
            when = f"{p.date_from.isoformat()}至{p.date_to.isoformat()}"
        elif p.date_from or p.date_to:
            when = f"{p.date_from.isoformat()}起" if p.date_from else f"截至{p.date_to.isoformat()}"  # type: ignore[union-attr]
        else:
            when = f"全部_{dt.date.today().isoformat()}"
        masked = "（脱敏）" if req.mask and self.maskable else ""
        return f"{self.title}{masked}_{when}{suffix}"

    def export(self, db: Database, req: Request, *, progress: Progress = None,
               cancelled: Cancelled = None) -> dict[str, Any]:
        suffix = req.path.suffix.lower()
        if suffix not in self.suffixes:
            raise InputError("bad_suffix", f"{self.title}应保存为 {' 或 '.join(self.suffixes)} 文件：{req.path}")
        if self.covers == "year" and not 1900 <= req.year <= 9999:
            raise InputError("bad_year", f"年份不对：{req.year}")
        with db.snapshot():  # every sheet of the file from the same moment
            return {"kind": self.key, **self.write(db, req, progress, cancelled)}


def _donations(db: Database, req: Request, progress: Progress, cancelled: Cancelled) -> dict[str, Any]:
    from app.reports.donation_ledger import export_donations

    written, s = export_donations(db, req.path, req.period, mask=req.mask, progress=progress, cancelled=cancelled)
    return {**written.to_dict(), "period": req.period.to_dict(), "masked": req.mask, **s}


def _disbursements(db: Database, req: Request, progress: Progress, cancelled: Cancelled) -> dict[str, Any]:
    from app.reports.disbursement_ledger import export_disbursements

    written, s = export_disbursements(db, req.path, req.period, mask=req.mask, progress=progress,
                                      cancelled=cancelled)
    return {**written.to_dict(), "period": req.period.to_dict(), "masked": req.mask, **s}


def _funds(db: Database, req: Request, progress: Progress, cancelled: Cancelled) -> dict[str, Any]:
    from app.reports.fund_statement import export_funds

    written, funds = export_funds(db, req.path, req.period, progress=progress, cancelled=cancelled)
    return {**written.to_dict(), "period": req.period.to_dict(), "funds": funds}


def _monthly(db: Database, req: Request, progress: Progress, cancelled: Cancelled) -> dict[str, Any]:
    from app.reports.annual import export_monthly

    written, s = export_monthly(db, req.path, req.year, progress=progress, cancelled=cancelled)
    return {**written.to_dict(), **s}


def _notice(db: Database, req: Request, progress: Progress, cancelled: Cancelled) -> dict[str, Any]:
    if req.path.suffix.lower() == ".pdf":
        from app.reports.notice_pdf import write_notice_pdf

        result, s = write_notice_pdf(db, req.path, req.period, progress=progress, cancelled=cancelled)
        return {**result.to_dict(), "format": "pdf", "period": req.period.to_dict(), "masked": True, **s}
    from app.reports.public_notice import export_notice

    written, s = export_notice(db, req.path, req.period, progress=progress, cancelled=cancelled)
    return {**written.to_dict(), "format": "xlsx", "period": req.period.to_dict(), "masked": True, **s}


KINDS: dict[str, ReportKind] = {k.key: k for k in (
    ReportKind("donations", "捐赠台账", "每笔捐赠一行：日期、收据编号、捐赠人、金额、基金、是否定向、用途、经办人；"
               "作废的列出但不计入合计", "range", True, (".xlsx",), _donations),
    ReportKind("disbursements", "发放台账", "每条发放明细一行：日期、项目、姓名、身份证号、金额、领取状态；"
               "冲销和未领取的列出但不计入合计", "range", True, (".xlsx",), _disbursements),
    ReportKind("funds", "基金收支表", "每个基金一行：期初余额、本期收入、本期支出、期末余额；定向基金单列",
               "range", False, (".xlsx",), _funds),
    ReportKind("monthly", "年度收支报表", "一年按月的收入和支出，另有按基金、项目、人员类别、村的汇总表和图表",
               "year", False, (".xlsx",), _monthly),
    ReportKind("notice", "慈善款物收支公示", "对外公示的收入和支出明细，姓名、身份证号一律脱敏；"
               "可存为 Excel 或可打印张贴的 PDF", "range", False, (".xlsx", ".pdf"), _notice, always_masked=True),
)}
