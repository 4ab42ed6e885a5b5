"""The questions the programmes page asks and the messages it shows: one place, so tests can
answer them without dialogs."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMessageBox, QWidget

from ui.pages.programme_records import ProxyDialog


class ProgrammeQuestions(QWidget):
    """Reasons, yes/no, who collected by proxy, where to save; `notify` does not block."""

    last_message = ""

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
