"""At start, a database that failed the quick check: say what is wrong and offer the newest sound backup.

The damaged file is never opened for writing. Restoring keeps it aside under a
name with the time (app.safety.restore), so nothing is thrown away.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

from app.errors import CharityDeskError
from app.safety import backup, health, restore


class DamagedDialog(QDialog):
    """Accepted once the newest sound backup has been put back; rejected: the program stops."""

    def __init__(self, db_path: Path, found: health.Health, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db_path = db_path
        self.restored: restore.Restored | None = None
        self.setWindowTitle(self.tr("CharityDesk — 数据库文件有问题"))  # opened before any window
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        head = QLabel(self.tr("数据库文件有问题，为了不弄坏数据，程序没有打开它。"))
        head.setStyleSheet("font-size: 14pt; font-weight: bold; color: #b00020;")
        head.setWordWrap(True)
        layout.addWidget(head)
        self.problems = QLabel(self.tr("文件：%s\n发现的问题：%s") % (db_path, "\n".join(found.problems[:5])))
        self.problems.setWordWrap(True)
        layout.addWidget(self.problems)
        self.newest = backup.newest_sound(backup.folder_for(db_path))
        if self.newest is not None:
            s = self.newest.summary
            text = self.tr("最新的完好备份：%s（%s）\n其中有捐赠 %s 笔、受助对象 %s 人，最后的收据号 %s。\n"
                           "恢复后，这个备份之后登记的内容需要重新录入；有问题的文件会改名保留，不会删除。") % (
                self.newest.taken_at.strftime("%Y年%m月%d日 %H:%M"), self.newest.label,
                s.counts.get("donations", 0) if s else "?", s.counts.get("recipients", 0) if s else "?",
                (s.last_receipt if s else "") or self.tr("无"))
        else:
            text = self.tr("在备份文件夹 %s 里没有找到完好的备份。请不要再使用这台电脑上的这个文件，"
                           "联系乡镇或技术人员帮助处理（U盘上可能还有备份）。") % backup.folder_for(db_path)
        self.offer = QLabel(text)
        self.offer.setWordWrap(True)
        layout.addWidget(self.offer)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox()
        self.restore_button = QPushButton(self.tr("用这个备份恢复(&R)"))
        self.restore_button.setVisible(self.newest is not None)
        self.restore_button.clicked.connect(self._restore)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.quit_button = buttons.addButton(self.tr("退出(&Q)"), QDialogButtonBox.ButtonRole.RejectRole)
        self.quit_button.clicked.connect(self.reject)
        layout.addWidget(buttons)

    def _restore(self) -> None:
        assert self.newest is not None, "the button shows only with a backup"
        try:
            # The damaged file's station cannot be read: the backup was found beside it.
            p = restore.plan(self.db_path, self.newest.path, other_station=True)
            self.restored = restore.restore(p)
        except CharityDeskError as exc:
            self.error.setText(exc.message)
            return
        self.accept()
