"""设置 › 备份与恢复: back up now, choose the backup stick, list backups, restore one (administrators).

Backups run on a worker thread with their own connection. Restoring needs every
connection closed, so the page only asks: it emits `restore_requested(plan)` and
the main window closes itself; `ui.app.run` then restores and opens the restored
database again (the volunteer logs in again).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.db import Database
from app.errors import CharityDeskError
from app.safety import backup, restore, stick
from app.station import station
from app.station.accounts import Operator
from ui import worker


class BackupSection(QGroupBox):
    restore_requested = Signal(object)  # a restore.Plan, confirmed by an administrator

    def __init__(self, db: Database, operator: Callable[[], Operator], parent: QWidget | None = None) -> None:
        super().__init__(self.tr("备份与恢复"), parent)
        self.db = db
        self.operator = operator
        self.job: worker.Job | None = None
        self.backups: list[tuple[backup.Backup, str]] = []
        v = QVBoxLayout(self)
        self.where = QLabel()
        self.where.setWordWrap(True)
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        v.addWidget(self.where)
        row = QHBoxLayout()
        self.backup_button = QPushButton(self.tr("立即备份(&B)"))
        self.backup_button.clicked.connect(self.back_up)
        self.stick_button = QPushButton(self.tr("设置备份U盘(&U)…"))
        self.stick_button.clicked.connect(self.choose_stick)
        row.addWidget(self.backup_button)
        row.addWidget(self.stick_button)
        row.addStretch(1)
        v.addLayout(row)
        self.status = QLabel()
        self.status.setWordWrap(True)
        v.addWidget(self.status)
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels([self.tr("备份时间"), self.tr("原因"), self.tr("捐赠笔数"),
                                              self.tr("受助对象"), self.tr("最后的收据号"), self.tr("位置")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setMinimumHeight(220)
        v.addWidget(self.table)
        row = QHBoxLayout()
        self.restore_button = QPushButton(self.tr("用选中的备份恢复(&R)…"))
        self.restore_button.clicked.connect(self.ask_restore)
        self.admin_note = QLabel(self.tr("恢复备份需要管理员登录。"))
        row.addWidget(self.restore_button)
        row.addWidget(self.admin_note)
        row.addStretch(1)
        v.addLayout(row)
        self.refresh()

    # ---------- showing ----------
    def refresh(self) -> None:
        admin = self.operator().is_admin
        self.restore_button.setEnabled(admin)
        self.admin_note.setVisible(not admin)
        code = station.get_station(self.db).station_code
        folder = backup.folder_for(self.db.path)
        on_stick = stick.find(code)
        self.where.setText(self.tr("备份保存在：%s\n备份U盘：%s") % (
            folder, on_stick if on_stick else self.tr("没有插入（或还没有设置）")))
        found = [(b, self.tr("本机")) for b in backup.list_backups(folder, code)]
        if on_stick is not None:
            found += [(b, self.tr("U盘")) for b in backup.list_backups(on_stick, code)]
        found.sort(key=lambda pair: pair[0].taken_at, reverse=True)
        self.backups = found
        self.table.setRowCount(len(found))
        for i, (b, place) in enumerate(found):
            s = b.summary
            cells: list[Any] = [b.taken_at.strftime("%Y-%m-%d %H:%M:%S"), b.label,
                                s.counts.get("donations", 0) if s else "?",
                                s.counts.get("recipients", 0) if s else "?",
                                (s.last_receipt if s else "") or "—", place]
            for j, value in enumerate(cells):
                item = QTableWidgetItem(str(value))
                if j in (2, 3):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, j, item)
        if found:
            self.table.selectRow(0)

    # ---------- backing up ----------
    def back_up(self) -> None:
        if self.job is not None:
            return
        def work(db: Database, report: Callable[[int, int], None], cancelled: Callable[[], bool]) -> dict[str, Any]:
            return backup.take_everywhere(db, "manual", progress=report)

        self.backup_button.setEnabled(False)
        self.status.setText(self.tr("正在备份……"))
        self.job = worker.run_db_job(self.db, work, read=False, on_done=self._backed_up, on_error=self._failed,
                                     on_progress=lambda done, total: self.status.setText(
                                         self.tr("正在备份……%d%%") % (100 * done // max(total, 1))))

    def _backed_up(self, result: dict[str, Any]) -> None:
        self.job = None
        self.backup_button.setEnabled(True)
        text = self.tr("已备份并检查完好：%s") % Path(result["backup"]["file"]).name
        if result.get("stick"):
            text += self.tr("；U盘上也有一份")
        if result.get("stick_error"):
            text += self.tr("；U盘备份没有写成：%s") % result["stick_error"]
        self.status.setText(text)
        self.refresh()

    def _failed(self, exc: BaseException) -> None:
        self.job = None
        self.backup_button.setEnabled(True)
        message = exc.message if isinstance(exc, CharityDeskError) else self.tr("程序内部错误：%s") % exc
        self.status.setText(self.tr("备份没有写成：%s") % message)
        QMessageBox.warning(self, self.tr("备份没有写成"), message)

    def choose_stick(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("选择U盘（或U盘上的一个文件夹）"))
        if folder:
            self.mark_stick(Path(folder))

    def mark_stick(self, folder: Path) -> None:
        st = station.get_station(self.db)
        try:
            stick.mark(folder, st.station_code, st.name)
        except CharityDeskError as exc:
            QMessageBox.warning(self, self.tr("无法设置备份U盘"), exc.message)
            return
        self.status.setText(self.tr("已把 %s 设为备份U盘：以后每次备份，插着它就会在上面也存一份。") % folder)
        self.refresh()

    # ---------- restoring ----------
    def selected(self) -> backup.Backup | None:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()][0] if rows else None

    def ask_restore(self) -> None:
        chosen = self.selected()
        if chosen is None or not self.operator().is_admin:
            return
        try:
            plan = restore.plan(self.db.path, chosen.path)
        except CharityDeskError as exc:
            QMessageBox.warning(self, self.tr("不能用这个备份恢复"), exc.message)
            return
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("恢复备份"), self.confirmation(plan),
                          parent=self)
        go = box.addButton(self.tr("恢复(&R)"), QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(self.tr("取消"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(cancel)
        self.confirm_box = box
        box.exec()
        if box.clickedButton() is go:
            self.restore_requested.emit(plan)

    def confirmation(self, plan: restore.Plan) -> str:
        b = plan.source
        s = b.summary
        lines = [self.tr("用 %s 的备份（%s）替换现在的数据库？") % (b.taken_at.strftime("%Y年%m月%d日 %H:%M"), b.label)]
        if s is not None:
            lines.append(self.tr("备份中有捐赠 %d 笔、受助对象 %d 人，最后的收据号 %s。") % (
                s.counts.get("donations", 0), s.counts.get("recipients", 0), s.last_receipt or self.tr("无")))
        if plan.losses:
            lines.append(self.tr("现在的数据库比备份多出：%s。恢复后这些都不在了，需要重新录入。") % "、".join(plan.losses))
        else:
            lines.append(self.tr("现在的数据库没有比备份多出的记录。"))
        lines.append(self.tr("现在的数据库不会删除：先备份一份，再改名保留在原来的文件夹里。"))
        lines.append(self.tr("恢复时程序会关闭主窗口，恢复后重新打开，请重新登录。"))
        return "\n\n".join(lines)
