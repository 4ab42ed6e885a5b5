"""The 助餐 page's 结算单 tab: the month's statement, its export, 确认付款 and 冲销."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import CharityDeskError
from app.meals import statement
from app.meals.jobs import export_statement
from app.rules.money import format_fen
from ui.pages.meal_tables import MealsBase, _item, _table  # noqa: F401
from ui.worker import run_db_job


class StatementTab(MealsBase):
    """Part of `MealsPage` (it shares the page's widgets and state): the 结算单 tab."""

    def _build_statement_tab(self) -> None:
        tab = QWidget()
        v = QVBoxLayout(tab)
        self.statement_label = QLabel()
        self.statement_label.setWordWrap(True)
        v.addWidget(self.statement_label)
        self.statement_table = _table([self.tr("姓名"), self.tr("村组"), self.tr("档次"), self.tr("补贴餐次"),
                                       self.tr("标准（元/餐）"), self.tr("补贴（元）"), self.tr("未补贴及原因")])
        v.addWidget(self.statement_table, 1)
        row = QHBoxLayout()
        self.pdf_button = QPushButton(self.tr("导出 PDF…"))
        self.xlsx_button = QPushButton(self.tr("导出 Excel…"))
        self.confirm_button = QPushButton(self.tr("确认付款"))
        self.reverse_button = QPushButton(self.tr("冲销…"))
        for b in (self.pdf_button, self.xlsx_button):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.reverse_button)
        row.addWidget(self.confirm_button)
        v.addLayout(row)
        self.tabs.addTab(tab, self.tr("结算单"))
        self.pdf_button.clicked.connect(lambda: self.export("pdf"))
        self.xlsx_button.clicked.connect(lambda: self.export("xlsx"))
        self.confirm_button.clicked.connect(self.confirm)
        self.reverse_button.clicked.connect(self.reverse)

    def load_statement(self) -> None:
        canteen = self.canteen()
        t = self.statement_table
        t.setRowCount(0)
        if canteen is None:
            self.statement_label.setText(self.tr("请先添加助餐点"))
            return
        st = self.current = statement.statement(self.db, canteen, self.month())
        t.setRowCount(len(st.lines))
        for r, ln in enumerate(st.lines):
            rate = format_fen(ln.rate_fen) if ln.rate_fen is not None else "、".join(
                format_fen(x["rate_fen"]) for x in ln.rates)
            why = "；".join(dict.fromkeys(n["reason"] for n in ln.not_subsidised))
            for c, v in enumerate((ln.name, ln.village + ln.village_group, ln.tier or "—", ln.meals, rate,
                                   format_fen(ln.subsidy_fen), f"{ln.unsubsidised} 餐：{why}" if why else "")):
                t.setItem(r, c, _item(v, align_right=c in (3, 4, 5)))
        state = {"draft": self.tr("草稿，未付款"), "confirmed": self.tr("已确认付款（%s）") % st.paid_on}[st.status]
        self.statement_label.setText(
            self.tr("%s %s 结算单 — %s：%d 人，补贴 %d 餐，合计 ¥%s（由“%s”支付）") % (
                canteen.name, st.month, state, len(st.lines), st.meals, format_fen(st.total_fen), st.fund or "—"))
        self.confirm_button.setEnabled(st.status == "draft" and st.total_fen > 0)
        self.reverse_button.setEnabled(st.status == "confirmed")

    def export(self, kind: str) -> None:
        canteen = self.canteen()
        if canteen is None:
            return
        name = f"{canteen.name}{self.month()}助餐结算单.{kind}"
        path, _ = QFileDialog.getSaveFileName(self, self.tr("导出结算单"), name,
                                              "PDF (*.pdf)" if kind == "pdf" else "Excel (*.xlsx)")
        if not path:
            return
        month = self.month()

        def done(out: Any) -> None:
            self.notify(self.tr("结算单已导出：%s") % out["path"])

        def failed(exc: BaseException) -> None:
            self.notify(exc.message if isinstance(exc, CharityDeskError) else self.tr("程序内部错误：%s") % exc,
                        error=True)

        self.job = run_db_job(self.db, lambda own, _report, _cancelled: export_statement(own, canteen.id, month, path),
                              read=False, on_done=done, on_error=failed)

    def confirm(self) -> None:
        canteen, st = self.canteen(), self.current
        if canteen is None or st is None:
            return
        answer = QMessageBox.question(self, self.tr("确认付款"), self.tr(
            "确认“%s”%s 的结算单，从“%s”付给助餐点 ¥%s？\n确认后不能修改，只能冲销。") % (
            canteen.name, st.month, st.fund, format_fen(st.total_fen)))
        if answer != QMessageBox.StandardButton.Yes:
            return
        done = self._guard(lambda: statement.confirm(self.db, self.operator(), canteen, st.month))
        if done:
            self.notify(self.tr("已确认并付款 ¥%s") % format_fen(done.total_fen))
            self.load_statement()

    def reverse(self) -> None:
        canteen = self.canteen()
        if canteen is None:
            return
        reason, ok = QInputDialog.getText(self, self.tr("冲销结算单"), self.tr("冲销原因（必填）"))
        if not ok:
            return
        out = self._guard(lambda: statement.reverse(self.db, self.operator(), canteen, self.month(), reason))
        if out:
            self.notify(out["message"])
            self.load_statement()
