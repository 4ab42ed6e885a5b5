"""救助项目: programmes and distribution days — rules → candidates with reasons → adjust →
preview → confirm → print, then the sign-off status of each line.

The candidate list, confirming, the sign-off sheet and the transfer list run on
a worker (`ui.worker.run_db_job`) with their own database connection; the page
only shows results. Hand-made changes live on a draft distribution, so they
survive closing the program; a draft is confirmed (or cancelled) explicitly.
All rules and money checks are in `app.programmes.eligibility` and `app.programmes.distributions`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import changes as ops
from app.changes import Changes
from app.db import Database
from app.errors import CharityDeskError
from app.programmes import distributions, programmes
from app.programmes.distributions import Distribution
from app.programmes.eligibility import OUT_WORDS, Plan
from app.programmes.programmes import Programme
from app.rules.money import format_fen
from app.station.accounts import Operator
from ui.changes import announce
from ui.dialogs.programme_dialog import ProgrammeDialog
from ui.models.distribution_models import ExcludedModel, IncludedModel
from ui.pages.programme_records import ProxyDialog, RecordsPart, _date, _table
from ui.worker import Job, run_db_job


class ProgrammesPage(RecordsPart, QWidget):  # type: ignore[misc]
    cares = Changes(programmes=True, funds=True, recipients=True, distributions=True)

    def __init__(self, db: Database, operator: Operator | Callable[[], Operator],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self._operator: Callable[[], Operator] = operator if callable(operator) else (lambda: operator)
        self.plan: Plan | None = None
        self.job: Job | None = None
        self.last_message = ""
        self.last_file = ""
        layout = QVBoxLayout(self)

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("救助项目")))
        self.programme = QComboBox()
        self.programme.setMinimumContentsLength(14)
        top.addWidget(self.programme, 1)
        self.new_button = QPushButton(self.tr("新建项目(&N)…"))
        self.edit_button = QPushButton(self.tr("修改项目…"))
        top.addWidget(self.new_button)
        top.addWidget(self.edit_button)
        layout.addLayout(top)
        self.rules_label = QLabel()
        self.rules_label.setWordWrap(True)
        self.rules_label.setStyleSheet("color: #444;")
        layout.addWidget(self.rules_label)

        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)
        self.tabs.addTab(self._plan_tab(), self.tr("发放名单"))
        self.tabs.addTab(self._records_tab(), self.tr("发放记录与签收"))

        self.new_button.clicked.connect(self.new_programme)
        self.edit_button.clicked.connect(self.edit_programme)
        self.programme.currentIndexChanged.connect(lambda _i: self._programme_changed())
        self.refresh()

    # ---------- building ----------
    def _plan_tab(self) -> QWidget:
        w = QWidget()
        v = QVBoxLayout(w)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("发放日期")))
        self.date = QDateEdit(QDate.currentDate())
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setToolTip(self.tr("可以是过去的日期：年龄、是否在册、是否受助过都按这一天判断"))
        row.addWidget(self.date)
        self.fit = QCheckBox(self.tr("按优先顺序控制在预算内"))
        row.addWidget(self.fit)
        self.generate_button = QPushButton(self.tr("生成名单(&G)"))
        row.addWidget(self.generate_button)
        row.addStretch(1)
        v.addLayout(row)
        self.summary = QLabel(self.tr("选好项目和发放日期，点“生成名单”。"))
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        v.addWidget(self.summary)

        split = QSplitter(Qt.Orientation.Vertical)
        self.included_model = IncludedModel(self)
        self.excluded_model = ExcludedModel(self.db, self)
        box_in = QGroupBox(self.tr("列入名单"))
        lay_in = QVBoxLayout(box_in)
        self.included = _table(self.included_model)
        lay_in.addWidget(self.included)
        box_out = QGroupBox(self.tr("未列入（及原因）"))
        lay_out = QVBoxLayout(box_out)
        self.excluded = _table(self.excluded_model)
        lay_out.addWidget(self.excluded)
        self.box_in, self.box_out = box_in, box_out
        split.addWidget(box_in)
        split.addWidget(box_out)
        v.addWidget(split, 1)

        buttons = QHBoxLayout()
        self.remove_button = QPushButton(self.tr("移出名单…"))
        self.add_button = QPushButton(self.tr("加入名单…"))
        self.reset_button = QPushButton(self.tr("恢复按规则"))
        self.draft_sheet_button = QPushButton(self.tr("预览签收表…"))
        self.confirm_button = QPushButton(self.tr("确认发放(&C)"))
        self.confirm_button.setStyleSheet("font-weight: bold;")
        for b in (self.remove_button, self.add_button, self.reset_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.draft_sheet_button)
        buttons.addWidget(self.confirm_button)
        v.addLayout(buttons)
        self.generate_button.clicked.connect(self.generate)
        self.remove_button.clicked.connect(self.remove_selected)
        self.add_button.clicked.connect(self.add_selected)
        self.reset_button.clicked.connect(self.reset_selected)
        self.draft_sheet_button.clicked.connect(lambda: self.write_sheet(self._draft_id()))
        self.confirm_button.clicked.connect(self.confirm)
        return w

    # ---------- questions and answers (tests replace these) ----------
    def ask_reason(self, title: str, prompt: str) -> str | None:
        text, ok = QInputDialog.getText(self, title, prompt)
        return text.strip() if ok and text.strip() else None

    def ask_yes(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def ask_proxy(self, name: str) -> tuple[str, str] | None:
        dialog = ProxyDialog(name, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.proxy_name.text(), dialog.proxy_note.text()

    def ask_save(self, title: str, suggested: str, pattern: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(self, title, str(Path.home() / suggested), pattern)
        return path or None

    def notify(self, text: str, *, error: bool = False, file: str = "") -> None:
        """A message that does not block (the page stays usable); with `file`, an 打开 button."""
        self.last_message = text
        box = QMessageBox(QMessageBox.Icon.Warning if error else QMessageBox.Icon.Information,
                          self.tr("救助项目"), text, parent=self)
        if file:
            opener = box.addButton(self.tr("打开"), QMessageBox.ButtonRole.ActionRole)
            opener.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(file)))
        box.addButton(self.tr("好"), QMessageBox.ButtonRole.AcceptRole)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.message_box = box
        box.open()

    def _failed(self, exc: BaseException) -> None:
        self._busy(False)
        text = exc.message if isinstance(exc, CharityDeskError) else self.tr("程序内部错误：%s") % exc
        self.notify(text, error=True)

    # ---------- programmes ----------
    @property
    def operator(self) -> Operator:
        return self._operator()

    def current(self) -> Programme | None:
        pid = self.programme.currentData()
        return programmes.get_programme(self.db, pid) if pid else None

    def apply_changes(self, what: Changes) -> None:
        """Another page changed `what`: the programmes (and the list made from them) when programmes,
        funds or the register did; only the batches when distributions did."""
        if what.programmes or what.funds or what.recipients:
            self.refresh()
        elif what.distributions:
            self.fill_distributions()

    def refresh(self) -> None:
        """The page is shown again: programmes, funds or the register may have changed."""
        keep = self.programme.currentData()
        self.programme.blockSignals(True)
        self.programme.clear()
        for p in programmes.list_programmes(self.db):
            self.programme.addItem(f"{p.name}（每人 {p.per_person}）", p.id)
        if keep is not None and self.programme.findData(keep) >= 0:
            self.programme.setCurrentIndex(self.programme.findData(keep))
        self.programme.blockSignals(False)
        self._programme_changed()

    def _programme_changed(self) -> None:
        p = self.current()
        if p is None:
            self.rules_label.setText(self.tr("还没有救助项目：点“新建项目”设置发放标准和条件。"))
        else:
            rules = "；".join(programmes.describe_rules(p.rules)) or self.tr("不限条件")
            budget = "" if p.budget_fen is None else self.tr("；预算 ¥%s") % format_fen(p.budget_fen)
            self.rules_label.setText(self.tr("基金“%s”，每人 %s%s。条件：%s") % (p.fund_name, p.per_person, budget, rules))
        self._show_plan(None)
        draft = self._draft()
        if draft is not None:
            self.date.setDate(QDate.fromString(draft.distributed_on, "yyyy-MM-dd"))
            self.fit.setChecked(draft.fit_budget)
        self.fill_distributions()
        self._permissions()

    def _permissions(self) -> None:
        op = self.operator
        has = self.current() is not None
        self.new_button.setEnabled(op.is_admin)
        self.edit_button.setEnabled(op.is_admin and has)
        for b in (self.generate_button, self.signed_button, self.paid_button, self.proxy_button,
                  self.missed_button, self.cancel_button):
            b.setEnabled(op.can_write and has)
        self.confirm_button.setEnabled(op.is_admin and self.plan is not None and self.plan.ok)
        self.reverse_button.setEnabled(op.is_admin and has)
        for b in (self.remove_button, self.add_button, self.reset_button, self.draft_sheet_button):
            b.setEnabled(op.can_write and self.plan is not None)
        if not op.is_admin:
            self.confirm_button.setToolTip(self.tr("确认发放需要管理员"))

    def new_programme(self) -> None:
        self._edit(None)

    def edit_programme(self) -> None:
        self._edit(self.current())

    def _edit(self, p: Programme | None) -> None:
        dialog = ProgrammeDialog(self.db, self.operator, p, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._saved(dialog.saved))
        self.programme_dialog = dialog
        dialog.open()

    def _saved(self, p: Programme | None) -> None:
        if p is None:
            return
        announce(ops.PROGRAMME_SAVED, by=self)
        self.refresh()
        self.programme.setCurrentIndex(max(0, self.programme.findData(p.id)))

    # ---------- the candidate list ----------
    def _draft(self) -> Distribution | None:
        p = self.current()
        if p is None:
            return None
        drafts = [d for d in distributions.list_distributions(self.db, p.id) if d.status == "draft"]
        return drafts[0] if drafts else None

    def _draft_id(self) -> str | None:
        d = self._draft()
        return d.id if d else None

    def generate(self) -> None:
        """Make or update the programme's draft for the chosen date, then compute its list on a worker."""
        p = self.current()
        if p is None:
            return
        on, fit = _date(self.date.date()), self.fit.isChecked()
        try:
            draft = self._draft()
            if draft is None:
                draft = distributions.create_draft(self.db, self.operator, p.id, on, fit_budget=fit)
            else:
                draft = distributions.update_draft(self.db, self.operator, draft.id, on=on, fit_budget=fit)
        except CharityDeskError as exc:
            self._failed(exc)
            return
        announce(ops.DISTRIBUTION_DRAFTED, by=self)
        self.fill_distributions()
        self._preview(draft.id)

    def _preview(self, draft_id: str) -> None:
        def work(db: Database, report: Any, cancelled: Any) -> Plan:
            return distributions.preview(db, draft_id)

        self._busy(True, self.tr("正在按规则生成名单……"))
        self.job = run_db_job(self.db, work, read=True, on_done=self._show_plan, on_error=self._failed)

    def _busy(self, busy: bool, text: str = "") -> None:
        self.generate_button.setEnabled(not busy and self.operator.can_write)
        self.confirm_button.setEnabled(not busy and self.operator.is_admin and self.plan is not None and self.plan.ok)
        if busy:
            self.summary.setText(text)

    def _show_plan(self, plan: Plan | None) -> None:
        self.job = None
        self.plan = plan
        self.included_model.reset(plan)
        self.excluded_model.reset(plan)
        self.box_in.setTitle(self.tr("列入名单 %d 人") % (plan.people if plan else 0))
        self.box_out.setTitle(self.tr("未列入 %d 人（及原因）") % (plan.excluded_count if plan else 0))
        if plan is not None:
            self.summary.setText(self._summary_html(plan))
            self.included.resizeColumnsToContents()
            self.excluded.resizeColumnsToContents()
        elif self.current() is not None:
            self.summary.setText(self.tr("选好发放日期，点“生成名单”。"))
        self._permissions()

    def _summary_html(self, plan: Plan) -> str:
        f = plan.fund
        parts = [self.tr("<b>%s</b>，%s：<b>%d 人，共 ¥%s</b>") % (
            plan.programme.name, plan.on.isoformat(), plan.people, format_fen(plan.total_fen))]
        fund = self.tr("基金“%s”现有 ¥%s") % (f.fund_name, format_fen(f.balance_fen))
        if f.reserved_fen:
            fund += self.tr("（其中 ¥%s 定向用于其他用途）") % format_fen(f.reserved_fen)
        parts.append(fund)
        if plan.budget_fen is not None:
            parts.append(self.tr("预算 ¥%s，已发 ¥%s") % (format_fen(plan.budget_fen), format_fen(plan.budget_spent_fen)))
        if plan.excluded_count:
            why = "，".join(f"{OUT_WORDS.get(k, k)} {n}" for k, n in
                           sorted(plan.excluded_by().items(), key=lambda kv: -kv[1]))
            parts.append(self.tr("未列入 %d 人：%s") % (plan.excluded_count, why))
        if plan.fit_budget and plan.trimmed:
            parts.append(self.tr("按优先顺序少发 %d 人") % plan.trimmed)
        text = "；".join(parts)
        for problem in plan.problems:
            text += f"<br><span style='color:#b00020'>{self.tr('不能确认：')}{problem.message}</span>"
        if plan.ok:
            text += "<br>" + self.tr("核对无误后，点“确认发放”。")
        return text

    def _selected_rows(self, table: QTableView) -> list[int]:
        return sorted({i.row() for i in table.selectionModel().selectedRows()})

    def remove_selected(self) -> None:
        rows = self._selected_rows(self.included)
        draft = self._draft_id()
        if not rows or draft is None:
            self.notify(self.tr("请先在“列入名单”中选中要移出的人"))
            return
        names = "、".join(self.included_model.candidate(r).name for r in rows[:5])
        reason = self.ask_reason(self.tr("移出名单"), self.tr("为什么把 %s 移出名单？") % names)
        if reason is None:
            return
        try:
            for r in rows:
                distributions.remove_person(self.db, self.operator, draft, self.included_model.candidate(r).recipient_id,
                                            reason)
        except CharityDeskError as exc:
            self._failed(exc)
        self._preview(draft)

    def add_selected(self) -> None:
        rows = self._selected_rows(self.excluded)
        draft = self._draft_id()
        if not rows or draft is None:
            self.notify(self.tr("请先在“未列入”中选中要加入的人"))
            return
        names = "、".join(self.excluded_model.candidate(r).name for r in rows[:5])
        reason = self.ask_reason(self.tr("加入名单"), self.tr("为什么把 %s 加入名单（不符合规则）？") % names)
        if reason is None:
            return
        try:
            for r in rows:
                distributions.add_person(self.db, self.operator, draft, self.excluded_model.candidate(r).recipient_id,
                                         reason)
        except CharityDeskError as exc:
            self._failed(exc)
        self._preview(draft)

    def reset_selected(self) -> None:
        draft = self._draft_id()
        picked = [self.included_model.candidate(r) for r in self._selected_rows(self.included)]
        picked += [self.excluded_model.candidate(r) for r in self._selected_rows(self.excluded)]
        if draft is None or not picked:
            return
        try:
            for c in picked:
                distributions.reset_person(self.db, self.operator, draft, c.recipient_id)
        except CharityDeskError as exc:
            self._failed(exc)
        self._preview(draft)

    def confirm(self) -> None:
        plan, draft = self.plan, self._draft_id()
        if plan is None or draft is None:
            return
        question = self.tr("确认发放“%s”：%s，%d 人，共 ¥%s，从基金“%s”支出？\n确认后名单不能再改，错误只能逐条冲销。") % (
            plan.programme.name, plan.on.isoformat(), plan.people, format_fen(plan.total_fen), plan.fund.fund_name)
        if not self.ask_yes(self.tr("确认发放"), question):
            return
        actor, people, total = self.operator, plan.people, plan.total_fen

        def work(db: Database, report: Any, cancelled: Any) -> Distribution:
            return distributions.confirm(db, actor, draft, expected_people=people, expected_total_fen=total)

        self._busy(True, self.tr("正在确认发放……"))
        self.job = run_db_job(self.db, work, read=False, on_done=self._confirmed, on_error=self._confirm_failed)

    def _confirm_failed(self, exc: BaseException) -> None:
        self._failed(exc)
        draft = self._draft_id()
        if draft is not None:
            self._preview(draft)  # show the list as it is now

    def _confirmed(self, d: Distribution) -> None:
        self.job = None
        announce(ops.DISTRIBUTION_CONFIRMED, by=self)
        self._show_plan(None)
        self.fill_distributions(select=d.id)
        self.tabs.setCurrentIndex(1)
        self.notify(self.tr("已确认发放：%d 人，共 ¥%s。批次号 %s。现在可以打印签收表。") % (
            d.people, format_fen(d.total_fen), d.id[-8:].upper()))

    # ---------- records and the day ----------
