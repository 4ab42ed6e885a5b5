"""救助项目 → 发放记录与签收: a distribution day's lines, marked as signed, paid, collected by a proxy
or not collected; reversed one at a time; its sign-off sheet and bank transfer list. The records part
of `ProgrammesPage` (`ui.pages.programmes`), whose plan part makes and confirms the list."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import changes as ops
from app.db import Database
from app.errors import CharityDeskError
from app.programmes import distributions, signoff_sheet, transfer_list
from app.programmes.distributions import Distribution
from app.programmes.eligibility import Plan
from app.programmes.programmes import Programme
from app.rules.money import format_fen
from app.station.accounts import Operator
from ui.changes import announce
from ui.models.distribution_models import LineModel
from ui.worker import Job, run_db_job


def _table(model: Any) -> QTableView:
    t = QTableView()
    t.setModel(model)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setAlternatingRowColors(True)
    t.setWordWrap(False)
    t.verticalHeader().hide()
    t.horizontalHeader().setStretchLastSection(True)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return t


def _qdate(d: dt.date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _date(q: QDate) -> dt.date:
    return dt.date(q.year(), q.month(), q.day())


class ProxyDialog(QDialog):
    """代领: who collected, and the written authorisation they brought."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("代领登记：%s") % name)
        form = QFormLayout(self)
        self.proxy_name = QLineEdit()
        self.proxy_note = QLineEdit(self.tr("书面委托书已留存"))
        form.addRow(self.tr("代领人姓名"), self.proxy_name)
        form.addRow(self.tr("书面委托"), self.proxy_note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class RecordsPart:
    """The 发放记录与签收 tab of `ProgrammesPage`: its widgets and what they do. A part of the page
    (a mixin): it shares the page's database, operator, questions and messages."""

    db: Database
    tabs: QTabWidget
    job: Job | None
    last_file: str

    if TYPE_CHECKING:  # what the page provides
        @property
        def operator(self) -> Operator:
            ...

        def tr(self, text: str) -> str:
            ...

        def ask_reason(self, title: str, prompt: str) -> str | None:
            ...

        def ask_proxy(self, name: str) -> tuple[str, str] | None:
            ...

        def ask_save(self, title: str, suggested: str, pattern: str) -> str | None:
            ...

        def notify(self, text: str, *, error: bool = False, file: str = "") -> None:
            ...

        def _failed(self, exc: BaseException) -> None:
            ...

        def _show_plan(self, plan: Plan | None) -> None:
            ...

        def current(self) -> Programme | None:
            ...

        def _selected_rows(self, table: QTableView) -> list[int]:
            ...

    def _widget(self) -> QWidget:
        """The page this part belongs to."""
        return cast(QWidget, self)

    def _records_tab(self) -> QWidget:
        w = QWidget()
        v = QVBoxLayout(w)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("发放批次")))
        self.distribution = QComboBox()
        self.distribution.setMinimumContentsLength(24)
        row.addWidget(self.distribution, 1)
        self.sheet_button = QPushButton(self.tr("打印签收表…"))
        self.transfer_button = QPushButton(self.tr("银行转账清单…"))
        self.cancel_button = QPushButton(self.tr("取消草稿…"))
        row.addWidget(self.sheet_button)
        row.addWidget(self.transfer_button)
        row.addWidget(self.cancel_button)
        v.addLayout(row)
        self.records_label = QLabel()
        v.addWidget(self.records_label)
        self.line_model = LineModel(self._widget())
        self.lines = _table(self.line_model)
        v.addWidget(self.lines, 1)
        marks = QHBoxLayout()
        self.signed_button = QPushButton(self.tr("已签领(&S)"))
        self.paid_button = QPushButton(self.tr("已转账"))
        self.proxy_button = QPushButton(self.tr("代领…"))
        self.missed_button = QPushButton(self.tr("未领取"))
        self.reverse_button = QPushButton(self.tr("冲销…"))
        for b in (self.signed_button, self.paid_button, self.proxy_button, self.missed_button):
            marks.addWidget(b)
        marks.addStretch(1)
        marks.addWidget(self.reverse_button)
        v.addLayout(marks)
        self.distribution.currentIndexChanged.connect(lambda _i: self.show_lines())
        self.sheet_button.clicked.connect(lambda: self.write_sheet(self.distribution.currentData()))
        self.transfer_button.clicked.connect(self.write_transfer_list)
        self.cancel_button.clicked.connect(self.cancel_draft)
        self.signed_button.clicked.connect(lambda: self.mark("signed"))
        self.paid_button.clicked.connect(lambda: self.mark("paid"))
        self.missed_button.clicked.connect(lambda: self.mark("not_collected"))
        self.proxy_button.clicked.connect(self.mark_proxy)
        self.reverse_button.clicked.connect(self.reverse)
        return w

    def fill_distributions(self, select: str | None = None) -> None:
        p = self.current()
        keep = select or self.distribution.currentData()
        self.distribution.blockSignals(True)
        self.distribution.clear()
        if p is not None:
            for d in distributions.list_distributions(self.db, p.id):
                origin = self.tr("（导入）") if d.origin == "import" else ""
                self.distribution.addItem(
                    f"{d.distributed_on}  {distributions.STATUS_NAMES[d.status]}{origin}  {d.people} 人  "
                    f"¥{format_fen(d.total_fen)}  批次 {d.id[-8:].upper()}", d.id)
        if keep is not None and self.distribution.findData(keep) >= 0:
            self.distribution.setCurrentIndex(self.distribution.findData(keep))
        self.distribution.blockSignals(False)
        self.show_lines()

    def show_lines(self) -> None:
        did = self.distribution.currentData()
        if not did:
            self.line_model.reset([])
            self.records_label.setText(self.tr("还没有发放批次。"))
            return
        d = distributions.get_distribution(self.db, did)
        self.line_model.reset(distributions.lines(self.db, did))
        self.lines.resizeColumnsToContents()
        self._records_text(d)

    def _records_text(self, d: Distribution) -> None:
        counts = "，".join(f"{distributions.LINE_STATUS_NAMES[k]} {n}" for k, n in d.counts.items())
        if d.status == "draft":
            self.records_label.setText(self.tr("草稿：名单在“发放名单”中调整，确认后才有明细。"))
        else:
            self.records_label.setText(self.tr("%s：%d 人，¥%s（%s）") % (
                distributions.STATUS_NAMES[d.status], d.people, format_fen(d.total_fen), counts or "—"))
        self.cancel_button.setEnabled(d.status == "draft" and self.operator.can_write)
        self.transfer_button.setEnabled(d.status == "confirmed")

    def _selected_lines(self) -> list[str]:
        return [self.line_model.line(r).id for r in self._selected_rows(self.lines)]

    def _after_marks(self, changed: list[Any]) -> None:
        announce(ops.DISTRIBUTION_MARKED, by=self._widget())
        for line in changed:
            self.line_model.replace(line)
        did = self.distribution.currentData()
        if did:
            self._records_text(distributions.get_distribution(self.db, did))

    def mark(self, status: str) -> None:
        ids = self._selected_lines()
        if not ids:
            self.notify(self.tr("请先选中要登记的行（可按住 Ctrl 或 Shift 多选）"))
            return
        try:
            changed = distributions.mark_lines(self.db, self.operator, ids, status)
        except CharityDeskError as exc:
            self._failed(exc)
            return
        self._after_marks(changed)

    def mark_proxy(self) -> None:
        ids = self._selected_lines()
        if len(ids) != 1:
            self.notify(self.tr("代领请逐人登记：选中一行"))
            return
        line = distributions.get_line(self.db, ids[0])
        answer = self.ask_proxy(line.name)
        if answer is None:
            return
        try:
            changed = distributions.mark_line(self.db, self.operator, line.id, "proxy", proxy_name=answer[0],
                                              proxy_note=answer[1])
        except CharityDeskError as exc:
            self._failed(exc)
            return
        self._after_marks([changed])

    def reverse(self) -> None:
        ids = self._selected_lines()
        if len(ids) != 1:
            self.notify(self.tr("冲销请逐条进行：选中一行"))
            return
        line = distributions.get_line(self.db, ids[0])
        reason = self.ask_reason(self.tr("冲销"), self.tr("冲销第 %d 行（%s，¥%s）的原因：") % (
            line.line_no, line.name, format_fen(line.amount_fen)))
        if reason is None:
            return
        try:
            changed = distributions.reverse_line(self.db, self.operator, line.id, reason)
        except CharityDeskError as exc:
            self._failed(exc)
            return
        self._after_marks([changed])
        announce(ops.DISTRIBUTION_REVERSED, by=self._widget())
        self.fill_distributions()

    def cancel_draft(self) -> None:
        did = self.distribution.currentData()
        if not did:
            return
        reason = self.ask_reason(self.tr("取消草稿"), self.tr("取消这个发放草稿的原因："))
        if reason is None:
            return
        try:
            distributions.cancel_draft(self.db, self.operator, did, reason)
        except CharityDeskError as exc:
            self._failed(exc)
            return
        announce(ops.DISTRIBUTION_DRAFTED, by=self._widget())
        self._show_plan(None)
        self.fill_distributions()

    # ---------- files ----------
    def write_sheet(self, distribution_id: str | None) -> None:
        if not distribution_id:
            self.notify(self.tr("请先生成名单或选择一个发放批次"))
            return
        d = distributions.get_distribution(self.db, distribution_id)
        suggested = f"{d.programme_name}签收表{d.distributed_on}{'（草稿）' if d.status == 'draft' else ''}.pdf"
        path = self.ask_save(self.tr("保存签收表"), suggested, self.tr("PDF 文件 (*.pdf)"))
        if not path:
            return
        preparer = self.operator.display_name

        def work(db: Database, report: Any, cancelled: Any) -> signoff_sheet.SheetResult:
            return signoff_sheet.write_sheet(db, distribution_id, path, preparer=preparer)

        def done(r: signoff_sheet.SheetResult) -> None:
            self.job = None
            self.last_file = r.path
            self.notify(self.tr("签收表已保存：%d 页，合计 %d 人 ¥%s。\n%s") % (
                r.pages, r.people, format_fen(r.total_fen), r.path), file=r.path)

        self.job = run_db_job(self.db, work, read=True, on_done=done, on_error=self._failed)

    def write_transfer_list(self) -> None:
        did = self.distribution.currentData()
        if not did:
            return
        d = distributions.get_distribution(self.db, did)
        path = self.ask_save(self.tr("保存银行转账清单"), f"{d.programme_name}转账清单{d.distributed_on}.xlsx",
                             self.tr("Excel 文件 (*.xlsx)"))
        if not path:
            return
        def work(db: Database, report: Any, cancelled: Any) -> transfer_list.TransferList:
            return transfer_list.write_transfer_list(db, did, path)

        def done(r: transfer_list.TransferList) -> None:
            self.job = None
            self.last_file = r.path
            text = self.tr("转账清单已保存：%d 人，共 ¥%s。\n%s") % (r.rows, format_fen(r.total_fen), r.path)
            if r.missing_accounts:
                text += "\n" + self.tr("注意：%d 人没有银行账号：%s") % (
                    len(r.missing_accounts), "、".join(r.missing_accounts[:10]))
            self.notify(text, file=r.path)

        self.job = run_db_job(self.db, work, read=True, on_done=done, on_error=self._failed)
