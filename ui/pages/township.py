"""乡镇汇总: the township clerk picks the folder of station files (or drops files on the page), and
sees the stations, what was accepted, what was set aside and why, and the duplicate lists.

The consolidation runs on a pool thread (ui/worker.py) with a progress bar and 取消; it writes the
township workbook, and with 回执 ticked one return file per station beside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import CharityDeskError
from app.excel import Cancelled
from app.rules.money import format_fen
from ui import settings
from ui.worker import Job, run_job


class TownshipPage(QWidget):
    def __init__(self, parent: QWidget | None = None, *, cache: Path | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.cache = cache
        self.job: Job | None = None
        self.paths: list[Path] = []
        self.result: dict[str, Any] | None = None
        layout = QVBoxLayout(self)

        box = QGroupBox(self.tr("各工作站的交换文件"))
        grid = QGridLayout(box)
        self.folder = QLineEdit(readOnly=True, placeholderText=self.tr("选择放交换文件的文件夹，或把文件拖到这里"))
        self.folder.setAccessibleName(self.tr("交换文件所在的文件夹"))
        self.choose_button = QPushButton(self.tr("选择文件夹……"))
        self.choose_button.clicked.connect(lambda: self.choose_folder())
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password,
                                  placeholderText=self.tr("文件设了密码时填写"))
        self.password.setAccessibleName(self.tr("乡镇密码"))
        self.returns_box = QCheckBox(self.tr("同时给每个工作站写回执（在其他站领取、登记的人）"))
        self.returns_box.setChecked(True)
        self.run_button = QPushButton(self.tr("汇总……"))
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(lambda: self.consolidate())
        grid.addWidget(QLabel(self.tr("文件夹：")), 0, 0)
        grid.addWidget(self.folder, 0, 1)
        grid.addWidget(self.choose_button, 0, 2)
        grid.addWidget(QLabel(self.tr("乡镇密码：")), 1, 0)
        grid.addWidget(self.password, 1, 1)
        grid.addWidget(self.returns_box, 2, 1)
        grid.addWidget(self.run_button, 2, 2)
        progress = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setFormat(self.tr("%p%"))
        self.cancel_button = QPushButton(self.tr("取消"))
        self.cancel_button.clicked.connect(self.cancel)
        progress.addWidget(self.progress, 1)
        progress.addWidget(self.cancel_button)
        grid.addLayout(progress, 3, 0, 1, 3)
        done = QHBoxLayout()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.open_button = QPushButton(self.tr("打开汇总表"))
        self.open_button.clicked.connect(self._open)
        done.addWidget(self.message, 1)
        done.addWidget(self.open_button)
        grid.addLayout(done, 4, 0, 1, 3)
        layout.addWidget(box)

        self.tabs = QTabWidget()
        self.files = self._table([self.tr("文件"), self.tr("站点编号"), self.tr("站点名称"), self.tr("结果"),
                                  self.tr("原因")])
        self.dup_aid = self._table([self.tr("身份证号"), self.tr("姓名"), self.tr("工作站"), self.tr("原因"),
                                    self.tr("发放次数"), self.tr("金额（元）")])
        self.dup_reg = self._table([self.tr("身份证号"), self.tr("姓名"), self.tr("工作站"), self.tr("登记情况")])
        self.maybe = self._table([self.tr("姓名"), self.tr("出生日期"), self.tr("工作站"), self.tr("村（社区）")])
        for table, title in ((self.files, self.tr("文件")), (self.dup_aid, self.tr("重复救助")),
                             (self.dup_reg, self.tr("重复登记")), (self.maybe, self.tr("疑似重复"))):
            self.tabs.addTab(table, title)
        layout.addWidget(self.tabs, 1)
        self._busy(False)
        self.open_button.setVisible(False)

    def _table(self, headers: list[str]) -> QTableWidget:
        # A few dozen files and the people listed: small lists, shown whole.
        t = QTableWidget(0, len(headers))
        t.setHorizontalHeaderLabels(headers)
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        t.horizontalHeader().setStretchLastSection(True)
        t.verticalHeader().setVisible(False)
        return t

    # ---------- choosing ----------
    def choose_folder(self, folder: str | None = None) -> None:
        if folder is None:
            start = settings.get(settings.EXPORT_FOLDER) or str(Path.home())
            folder = QFileDialog.getExistingDirectory(self, self.tr("选择放交换文件的文件夹"), start)
            if not folder:
                return
        self.set_paths([Path(folder)])

    def set_paths(self, paths: list[Path]) -> None:
        self.paths = paths
        self.folder.setText("；".join(str(p) for p in paths))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt name)
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt name)
        dropped = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if dropped:
            self.set_paths(dropped)
            event.acceptProposedAction()

    # ---------- consolidating ----------
    def consolidate(self, output: str | None = None) -> Job | None:
        if self.job is not None:
            return None
        if not self.paths:
            self._say(self.tr("请先选择放交换文件的文件夹。"), error=True)
            return None
        if output is None:
            base = self.paths[0] if self.paths[0].is_dir() else self.paths[0].parent
            suggested = base.parent / f"乡镇汇总_{dt.date.today():%Y%m%d}.xlsx"
            output, _ = QFileDialog.getSaveFileName(self, self.tr("保存乡镇汇总表"), str(suggested),
                                                    self.tr("Excel 文件 (*.xlsx)"))
            if not output:
                return None
            if not output.lower().endswith(".xlsx"):
                output += ".xlsx"
        target = Path(output)
        returns = target.parent / f"回执_{target.stem}" if self.returns_box.isChecked() else None
        paths, password = list(self.paths), self.password.text()
        cache = self.cache

        def work(report: Callable[[int, int], None], cancelled: Callable[[], bool]) -> Any:
            from app.paths import data_dir
            from app.township.consolidate import consolidate

            outcome = consolidate(paths, target, cache=cache or data_dir() / "township-cache.db",
                                  return_dir=returns, password=password, progress=report, cancelled=cancelled)
            return outcome.to_dict()

        self._say("")
        self.progress.setRange(0, 0)
        self._busy(True)
        self.job = run_job(work, self._done, self._failed, self._progress)
        return self.job

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self._say(self.tr("正在取消……"))

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, max(total, 1)))

    def _busy(self, busy: bool) -> None:
        self.run_button.setEnabled(not busy)
        self.choose_button.setEnabled(not busy)
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.cancel_button.setEnabled(busy)

    def _failed(self, exc: BaseException) -> None:
        self.job = None
        self._busy(False)
        if isinstance(exc, Cancelled):
            self._say(self.tr("已取消，没有生成汇总表。"))
        elif isinstance(exc, CharityDeskError):
            self._say(self.tr("汇总失败：%s") % exc.message, error=True)
        else:
            self._say(self.tr("程序内部错误：%s") % exc, error=True)

    def _done(self, r: dict[str, Any]) -> None:
        self.job = None
        self._busy(False)
        self.result = r
        self._fill(r)
        if not r["stations"]:
            self._say(self.tr("没有可以汇总的文件，没有生成汇总表。原因见下面的“文件”表。"), error=True)
            self.open_button.setVisible(False)
            return
        t = r["totals"]
        self._say(self.tr("汇总了 %1 个工作站（采用 %2 个文件，未采用 %3 个）：捐赠收入 %4 元，救助支出 %5 元。"
                          "重复救助 %6 人，重复登记 %7 人，疑似重复 %8 组。汇总表：%9")
                  .replace("%1", str(r["stations"])).replace("%2", str(len(r["accepted"])))
                  .replace("%3", str(len(r["rejected"]))).replace("%4", format_fen(t["donations_fen"]))
                  .replace("%5", format_fen(t["aid_fen"])).replace("%6", str(len(r["duplicate_aid"])))
                  .replace("%7", str(len(r["duplicates"]))).replace("%8", str(len(r["possible_duplicates"])))
                  .replace("%9", str(r["path"])))
        self.open_button.setVisible(True)

    def _fill(self, r: dict[str, Any]) -> None:
        names = {s["station_code"]: s["name"] for s in r["station_list"]}
        files = [[Path(f["file"]).name, f["station_code"], names.get(f["station_code"], ""), self.tr("已采用"), ""]
                 for f in r["accepted"]]
        files += [[Path(f["file"]).name, f["station_code"], names.get(f["station_code"], ""), self.tr("未采用"),
                   f["reason"].split("：", 1)[-1]] for f in r["rejected"]]
        self._rows(self.files, files)
        self._rows(self.dup_aid, [[d["id_masked"], d["name_masked"], "、".join(d["stations"]), d["why"],
                                   str(len(d["lines"])), format_fen(d["amount_fen"])] for d in r["duplicate_aid"]])
        self._rows(self.dup_reg, [[d["id_masked"], d["name_masked"], "、".join(d["stations"]),
                                   "；".join(f"{e['station']} {e['village']}{e['group']} {e['status']}"
                                            for e in d["entries"])] for d in r["duplicates"]])
        self._rows(self.maybe, [[d["name_masked"], d["birth_date"], "、".join(d["stations"]),
                                 "、".join(sorted({e["village"] for e in d["entries"]}))]
                                for d in r["possible_duplicates"]])
        self.tabs.setTabText(1, self.tr("重复救助（%s）") % len(r["duplicate_aid"]))
        self.tabs.setTabText(2, self.tr("重复登记（%s）") % len(r["duplicates"]))
        self.tabs.setTabText(3, self.tr("疑似重复（%s）") % len(r["possible_duplicates"]))

    @staticmethod
    def _rows(table: QTableWidget, rows: list[list[str]]) -> None:
        table.setRowCount(0)
        table.setRowCount(len(rows))
        for i, row in enumerate(rows):
            for j, text in enumerate(row):
                table.setItem(i, j, QTableWidgetItem(text))

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet("color: #b00020;" if error else "")
        self.message.setText(text)

    def _open(self) -> None:
        if self.result and self.result.get("path"):
            QDesktopServices.openUrl(QUrl.fromLocalFile(self.result["path"]))
