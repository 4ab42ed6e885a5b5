"""The print seam for tests: each print job goes to a PDF file through a real QPrinter."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtPrintSupport import QPrinter

from ui import printing


class PdfPrinters:
    """The print seam: each job goes to a PDF file through a real QPrinter; every other step is real."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: list[Path] = []
        self.asked: list[bool] = []

    def __call__(self, parent, ask, info):
        self.asked.append(ask)
        path = self.folder / f"job-{len(self.files) + 1}.pdf"
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(path))
        printer.setResolution(150)
        printing.apply_paper(printer, info)
        self.files.append(path)
        return printer
