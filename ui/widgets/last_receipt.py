"""The status line under a receipt-issuing form, and the last receipt's buttons: preview, print
again, save as PDF (through the shared `ReceiptPrinting`)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.printing import ReceiptPrinting


class LastReceiptBar(QWidget):
    """`status` says what was saved and what printing did; `number` is the last receipt's."""

    def __init__(self, printing: ReceiptPrinting, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.printing = printing
        self.number: str | None = None
        self._saved_text = ""
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        self.status = QLabel(self.tr("请输入捐赠人。"))
        self.status.setWordWrap(True)
        col.addWidget(self.status)
        row = QHBoxLayout()
        self.preview_button = QPushButton(self.tr("预览收据(&V)"))
        self.reprint_button = QPushButton(self.tr("再打印一次"))
        self.pdf_button = QPushButton(self.tr("存为 PDF"))
        for b in (self.preview_button, self.reprint_button, self.pdf_button):
            b.setEnabled(False)
            row.addWidget(b)
        row.addStretch(1)
        col.addLayout(row)
        self.preview_button.clicked.connect(lambda: self._with_last(self.printing.preview))
        self.reprint_button.clicked.connect(lambda: self._with_last(self.printing.print_receipt))
        self.pdf_button.clicked.connect(lambda: self._with_last(self.printing.save_pdf))
        self.printing.message.connect(
            lambda m: self.status.setText(f"{self._saved_text}\n{m}" if self._saved_text else m))

    def _with_last(self, act: Callable[[str], None]) -> None:
        if self.number:
            act(self.number)

    def show_saved(self, text: str, number: str | None) -> None:
        """After a save: say so, and offer the buttons when there is a receipt."""
        self.number = number
        self._saved_text = text
        self.status.setText(text)
        for b in (self.preview_button, self.reprint_button, self.pdf_button):
            b.setEnabled(number is not None)
