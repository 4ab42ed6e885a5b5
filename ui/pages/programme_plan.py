"""Parts of the 发放名单 tab: the plan in one paragraph, and the two lists — who is in, who is out
and why."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QLabel, QSplitter, QVBoxLayout, QWidget

from app.db import Database
from app.programmes.eligibility import OUT_WORDS, Plan
from app.rules.money import format_fen
from ui.models.distribution_models import ExcludedModel, IncludedModel
from ui.pages.programme_records import _table


class PlanSummary(QLabel):
    """People and money, the fund and budget, why people are out, and what would stop confirming."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setText(self.tr("选好项目和发放日期，点“生成名单”。"))
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)

    def show_plan(self, plan: Plan) -> None:
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
        self.setText(text)


class CandidateLists(QSplitter):
    """列入名单 above 未列入（及原因）; the people left out are explained a page at a time."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.included_model = IncludedModel(self)
        self.excluded_model = ExcludedModel(db, self)
        self.box_in = QGroupBox(self.tr("列入名单"))
        self.included = _table(self.included_model)
        QVBoxLayout(self.box_in).addWidget(self.included)
        self.box_out = QGroupBox(self.tr("未列入（及原因）"))
        self.excluded = _table(self.excluded_model)
        QVBoxLayout(self.box_out).addWidget(self.excluded)
        self.addWidget(self.box_in)
        self.addWidget(self.box_out)

    def show_plan(self, plan: Plan | None) -> None:
        self.included_model.reset(plan)
        self.excluded_model.reset(plan)
        self.box_in.setTitle(self.tr("列入名单 %d 人") % (plan.people if plan else 0))
        self.box_out.setTitle(self.tr("未列入 %d 人（及原因）") % (plan.excluded_count if plan else 0))
        if plan is not None:
            self.included.resizeColumnsToContents()
            self.excluded.resizeColumnsToContents()
