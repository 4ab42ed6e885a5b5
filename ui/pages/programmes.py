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
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
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
from app.programmes.eligibility import Plan
from app.programmes.programmes import Programme
from app.rules.money import format_fen
from app.station.accounts import Operator
from ui.changes import announce
from ui.dialogs.programme_dialog import ProgrammeDialog
from ui.pages.programme_asks import ProgrammeQuestions
from ui.pages.programme_plan import CandidateLists, PlanSummary
from ui.pages.programme_records import RecordsPart, _date
from ui.worker import Job, run_db_job


class ProgrammesPage(RecordsPart, ProgrammeQuestions):  # type: ignore[misc]
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
        self.summary = PlanSummary()
        v.addWidget(self.summary)
        self.lists = CandidateLists(self.db)
        self.included_model, self.excluded_model = self.lists.included_model, self.lists.excluded_model
        self.included, self.excluded = self.lists.included, self.lists.excluded
        self.box_in, self.box_out = self.lists.box_in, self.lists.box_out
        v.addWidget(self.lists, 1)

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
        self.lists.show_plan(plan)
        if plan is not None:
            self.summary.show_plan(plan)
        elif self.current() is not None:
            self.summary.setText(self.tr("选好发放日期，点“生成名单”。"))
        self._permissions()

    def _selected_rows(self, table: QTableView) -> list[int]:
        return sorted({i.row() for i in table.selectionModel().selectedRows()})

    def remove_selected(self) -> None:
        self._move_selected(self.included, self.included_model, distributions.remove_person,
                            self.tr("请先在“列入名单”中选中要移出的人"), self.tr("移出名单"),
                            self.tr("为什么把 %s 移出名单？"))

    def add_selected(self) -> None:
        self._move_selected(self.excluded, self.excluded_model, distributions.add_person,
                            self.tr("请先在“未列入”中选中要加入的人"), self.tr("加入名单"),
                            self.tr("为什么把 %s 加入名单（不符合规则）？"))

    def _move_selected(self, table: QTableView, model: Any, act: Callable[..., Any], empty: str, title: str,
                       prompt: str) -> None:
        """Move the selected people into or out of the draft's list, with a reason, then list again."""
        rows = self._selected_rows(table)
        draft = self._draft_id()
        if not rows or draft is None:
            self.notify(empty)
            return
        reason = self.ask_reason(title, prompt % "、".join(model.candidate(r).name for r in rows[:5]))
        if reason is None:
            return
        try:
            for r in rows:
                act(self.db, self.operator, draft, model.candidate(r).recipient_id, reason)
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
