"""Printing receipts: preview, real printers, save as PDF and batches — never on the GUI thread.

How a receipt reaches paper (PySide6-Essentials has no QtPdf): the receipt
PDF from `app.donations.receipt_print` is rasterised by PDFium (pypdfium2, shipped
inside the program; `app.pdf.raster`) at the printer's resolution and the page
images are painted onto a QPrinter, full page, one image per page, at the PDF
page's real size (an A5 receipt stays A5 on A4 paper; only a page larger than
the paper is shrunk to fit). The preview shows the same images in Qt's
QPrintPreviewDialog; "save as PDF" writes the original vector PDF. So preview,
paper and file show the same receipt, and any printer Qt knows works (CUPS
queues on Linux, Windows printers) with no outside tool.

The slow parts — building the PDF, rasterising, painting onto the printer —
run through `ui.worker.run_db_job`; only the printer dialog and the preview
window are on the GUI thread. A print is counted (`receipts.record_print`)
only after the page has gone to the printer, so the first print is the
original and later ones say 补打.

The seam for tests is `printer_factory(parent, ask, info) -> QPrinter | None`:
the real one remembers the printer and paper (settings PRINTER_NAME, PAPER)
and asks with QPrintDialog the first time; tests give a QPrinter writing a
PDF file, and everything else runs for real.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRectF, QSizeF, Signal
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo, QPrintPreviewDialog
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QProgressDialog, QWidget

from app import changes as ops
from app.db import Database
from app.donations import receipt_print, receipts
from app.errors import CharityDeskError
from app.pdf import raster
from app.pdf.raster import PageImage, PdfInfo
from app.safe_write import write_bytes
from app.station.accounts import Operator
from ui import settings
from ui.changes import announce
from ui.worker import Job, run_db_job, run_job

#: Resolution of the page images: the printer's own, capped (receipts are text and lines).
MAX_DPI = 300
PREVIEW_DPI = 150


def _paper_id(printer: QPrinter) -> int:
    return int(printer.pageLayout().pageSize().id().value)


def apply_paper(printer: QPrinter, info: PdfInfo) -> None:
    """The remembered paper if any, else the PDF's own page size; orientation from the PDF."""
    landscape = info.width_pt > info.height_pt
    remembered = settings.get(settings.PAPER)
    size: QPageSize
    if remembered and str(remembered).isdigit() and int(remembered) != QPageSize.PageSizeId.Custom.value:
        size = QPageSize(QPageSize.PageSizeId(int(remembered)))
    else:
        w, h = sorted((info.width_pt, info.height_pt))
        size = QPageSize(QSizeF(w, h), QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch)
    printer.setPageSize(size)
    printer.setPageOrientation(QPageLayout.Orientation.Landscape if landscape
                               else QPageLayout.Orientation.Portrait)
    printer.setFullPage(True)


def remember(printer: QPrinter) -> None:
    if printer.outputFormat() == QPrinter.OutputFormat.NativeFormat and printer.printerName():
        settings.put(settings.PRINTER_NAME, printer.printerName())
    settings.put(settings.PAPER, str(_paper_id(printer)))


def open_printer(parent: QWidget | None, ask: bool, info: PdfInfo) -> QPrinter | None:
    """The remembered printer, or ask with QPrintDialog (first time, or when `ask`)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    name = settings.get(settings.PRINTER_NAME)
    if name and name in QPrinterInfo.availablePrinterNames():
        printer.setPrinterName(name)
    else:
        ask = True
    apply_paper(printer, info)
    if ask:
        dlg = QPrintDialog(printer, parent)
        dlg.setWindowTitle(QApplication.translate("printing", "打印收据"))
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return None
        remember(printer)
    return printer


#: Replaced in tests by a factory that returns a QPrinter writing a PDF file.
printer_factory: Callable[[QWidget | None, bool, PdfInfo], QPrinter | None] = open_printer


def to_qimage(page: PageImage) -> QImage:
    """A Qt image of a rendered page (a copy: it owns its pixels)."""
    return QImage(page.pixels, page.width, page.height, page.stride, QImage.Format.Format_RGB888).copy()


def paint_page(painter: QPainter, image: QImage, area: QRectF, size_px: QSizeF) -> None:
    """One page image centred in `area` at `size_px` (the page's real size in device pixels);
    a page larger than `area` is shrunk to fit without distortion, a smaller one never grown."""
    if image.isNull() or size_px.width() <= 0 or size_px.height() <= 0:
        return
    scale = min(1.0, area.width() / size_px.width(), area.height() / size_px.height())
    w, h = size_px.width() * scale, size_px.height() * scale
    target = QRectF(area.x() + (area.width() - w) / 2, area.y() + (area.height() - h) / 2, w, h)
    painter.drawImage(target, image)


def real_size(page: PageImage, resolution: int) -> QSizeF:
    """The page's real size in device pixels at `resolution` dots per inch."""
    return QSizeF(page.width_pt / 72 * resolution, page.height_pt / 72 * resolution)


def paint_pdf(printer: QPrinter, path: str | Path, report: Callable[[int, int], None],
              cancelled: Callable[[], bool]) -> int:
    """Rasterise a PDF file and paint its pages onto `printer` (any thread); returns pages sent."""
    total = raster.info(path).pages
    dpi = max(72, min(MAX_DPI, printer.resolution()))
    painter = QPainter()
    if not painter.begin(printer):
        raise CharityDeskError("printer_failed", "打印机无法开始打印，请检查打印机是否连接、是否有纸。")
    sent = 0
    try:
        area = QRectF(printer.pageLayout().fullRectPixels(printer.resolution()))
        area.moveTo(0, 0)
        for page in raster.iter_pages(path, dpi, cancelled=cancelled):
            if cancelled():
                printer.abort()
                return sent
            if sent and not printer.newPage():
                raise CharityDeskError("printer_failed", "打印机无法换页，打印中断。")
            paint_page(painter, to_qimage(page), area, real_size(page, printer.resolution()))
            sent += 1
            report(sent, total)
    finally:
        painter.end()
    return sent


class ReceiptPrinting(QObject):
    """Print, preview, save and batch-print receipts for one page of the program."""

    #: A line for the status area.
    message = Signal(str)
    #: A receipt went to the printer and was counted (its number).
    printed = Signal(str)
    #: A batch went to the printer (how many pages).
    batch_printed = Signal(int)
    failed = Signal(str)

    def __init__(self, db: Database, operator: Callable[[], Operator], parent: QWidget) -> None:
        super().__init__(parent)
        self.db = db
        self.operator = operator
        self.widget = parent
        self.job: Job | None = None
        self.progress: QProgressDialog | None = None
        self.preview_dialog: QPrintPreviewDialog | None = None
        self._tmp = tempfile.TemporaryDirectory(prefix="charitydesk-print-")
        tmp = self._tmp
        self.destroyed.connect(lambda *_: tmp.cleanup())

    # ---------- helpers ----------
    def busy(self) -> bool:
        return self.job is not None

    def _run(self, fn: Callable[..., Any], done: Callable[[Any], None],
             progress_label: str | None = None, *, read: bool | None = None) -> None:
        """`fn(report, cancelled)` off the GUI thread; with `read` given it works on the database:
        `fn(db, report, cancelled)` through `run_db_job` (`read=True`: it only reads)."""
        def ok(result: Any) -> None:
            self.job = None
            self._close_progress()
            done(result)

        def err(exc: BaseException) -> None:
            self.job = None
            self._close_progress()
            text = exc.message if isinstance(exc, CharityDeskError) else str(exc)
            self.message.emit(self.tr("打印没有完成：%s") % text)
            self.failed.emit(text)

        on_progress = None
        if progress_label:
            self.progress = QProgressDialog(progress_label, self.tr("取消"), 0, 0, self.widget)
            self.progress.setWindowTitle(self.tr("打印收据"))
            self.progress.setMinimumDuration(400)
            self.progress.setAutoClose(False)
            self.progress.setAutoReset(False)

            def on_progress(done_n: int, total: int) -> None:
                if self.progress is not None:
                    self.progress.setMaximum(max(total, 1))
                    self.progress.setValue(done_n)
                    self.progress.setLabelText(self.tr("%s\n第 %d / %d 页") % (progress_label, done_n, total))
        if read is None:
            self.job = run_job(fn, ok, err, on_progress)
        else:
            self.job = run_db_job(self.db, fn, read=read, on_done=ok, on_error=err, on_progress=on_progress)
        if self.progress is not None:
            job = self.job
            self.progress.canceled.connect(job.cancel)

    def _close_progress(self) -> None:
        if self.progress is not None:
            self.progress.canceled.disconnect()
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None

    def _pdf_file(self, number: str) -> Callable[..., tuple[str, PdfInfo]]:
        path = Path(self._tmp.name) / f"{number}.pdf"

        def build(db: Database, report: Any, cancelled: Any) -> tuple[str, PdfInfo]:
            path.write_bytes(receipt_print.receipt_pdf(db, number))
            return str(path), raster.info(path)
        return build

    # ---------- one receipt ----------
    def print_receipt(self, number: str, *, ask: bool = False) -> None:
        """Send a receipt to the printer; counted as printed once it has gone."""
        self.message.emit(self.tr("正在准备收据 %s …") % number)
        self._run(self._pdf_file(number), lambda got: self._print_built(number, got[0], got[1], ask), read=True)

    def _print_built(self, number: str, path: str, info: PdfInfo, ask: bool) -> None:
        printer = printer_factory(self.widget, ask, info)
        if printer is None:
            self.message.emit(self.tr("收据 %s 没有打印（已取消）。可以在捐赠列表中补打。") % number)
            return
        self.message.emit(self.tr("正在打印收据 %s …") % number)
        self._printer = printer  # kept alive until the job ends

        def paint(report: Callable[[int, int], None], cancelled: Callable[[], bool]) -> int:
            return paint_pdf(printer, path, report, cancelled)

        self._run(paint, lambda pages: self._printed(number, pages), self.tr("正在打印收据 %s") % number)

    def _printed(self, number: str, pages: int) -> None:
        if not pages:
            self.message.emit(self.tr("收据 %s 的打印已取消。") % number)
            return
        try:
            r = receipts.record_print(self.db, self.operator(), number)
        except CharityDeskError as exc:
            self.message.emit(exc.message)
            self.failed.emit(exc.message)
            return
        note = self.tr("（补打）") if r.print_count > 1 else ""
        self.message.emit(self.tr("收据 %s 已送打印机%s。") % (number, note))
        self.printed.emit(number)
        announce(ops.RECEIPT_PRINTED, by=self.widget)

    def preview(self, number: str) -> None:
        """Show the receipt as it will print; printing from the preview counts as a print."""
        self.message.emit(self.tr("正在生成预览 %s …") % number)

        def build(db: Database, report: Any, cancelled: Any) -> tuple[list[PageImage], PdfInfo]:
            path, info = self._pdf_file(number)(db, report, cancelled)
            return list(raster.iter_pages(path, PREVIEW_DPI)), info

        self._run(build, lambda got: self._show_preview(number, got[0], got[1]), read=True)

    def _show_preview(self, number: str, pages: list[PageImage], info: PdfInfo) -> None:
        images = [to_qimage(p) for p in pages]
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        name = settings.get(settings.PRINTER_NAME)
        if name and name in QPrinterInfo.availablePrinterNames():
            printer.setPrinterName(name)
        apply_paper(printer, info)
        dlg = QPrintPreviewDialog(printer, self.widget)
        dlg.setWindowTitle(self.tr("收据预览 %s") % number)
        dlg.resize(900, 700)

        def paint(p: QPrinter) -> None:
            painter = QPainter(p)
            area = QRectF(p.pageLayout().fullRectPixels(p.resolution()))
            area.moveTo(0, 0)
            for i, img in enumerate(images):
                if i:
                    p.newPage()
                paint_page(painter, img, area, real_size(pages[i], p.resolution()))
            painter.end()

        dlg.paintRequested.connect(paint)
        self.preview_dialog = dlg
        self.message.emit(self.tr("收据 %s 预览中。") % number)

        def closed(result: int) -> None:
            self.preview_dialog = None
            if result == QDialog.DialogCode.Accepted:
                remember(printer)
                self._printed(number, len(images))

        dlg.finished.connect(closed)
        dlg.open()

    def save_pdf(self, number: str, path: str | None = None) -> None:
        """Write the receipt PDF to a file the person chooses (not counted as a print)."""
        if path is None:
            path, _ = QFileDialog.getSaveFileName(
                self.widget, self.tr("收据存为 PDF"), str(Path.home() / f"捐赠收据 {number}.pdf"),
                self.tr("PDF 文件 (*.pdf)"))
            if not path:
                return
        target = path

        def build(db: Database, report: Any, cancelled: Any) -> str:
            write_bytes(target, receipt_print.receipt_pdf(db, number))
            return target

        self._run(build, lambda p: self.message.emit(self.tr("收据已存为 %s") % p), read=True)

    # ---------- a date range ----------
    def print_batch(self, date_from: dt.date | None, date_to: dt.date | None,
                    *, save_to: str | None = None, ask: bool = True) -> None:
        """Every receipt of a date range: to a PDF file (`save_to`) or to the printer."""
        path = save_to or str(Path(self._tmp.name) / "batch.pdf")
        actor = self.operator()

        def build(db: Database, report: Any, cancelled: Any) -> tuple[str, PdfInfo, list[str]]:
            receipt_print.write_receipts(db, actor, path, date_from=date_from, date_to=date_to,
                                       count_prints=False)
            numbers = [v.number for v in receipt_print.batch_views(db, date_from, date_to)
                       if not v.voided]
            return path, raster.info(path), numbers

        def built(got: tuple[str, PdfInfo, list[str]]) -> None:
            p, info, numbers = got
            if save_to:
                self.message.emit(self.tr("%d 页收据已存为 %s") % (info.pages, p))
                return
            printer = printer_factory(self.widget, ask, info)
            if printer is None:
                self.message.emit(self.tr("批量打印已取消。"))
                return
            self._printer = printer

            def paint(db: Database, report: Callable[[int, int], None], cancelled: Callable[[], bool]) -> int:
                pages = paint_pdf(printer, p, report, cancelled)
                if pages == info.pages and numbers:
                    ids = [receipts.find_receipt(db, n).id for n in numbers]
                    receipts.record_prints(db, actor, ids)
                return pages

            def sent(pages: int) -> None:
                if pages < info.pages:
                    self.message.emit(self.tr("批量打印已取消（已送出 %d / %d 页）。") % (pages, info.pages))
                    return
                self.message.emit(self.tr("%d 页收据已送打印机。") % pages)
                self.batch_printed.emit(pages)
                announce(ops.RECEIPT_PRINTED, by=self.widget)

            self._run(paint, sent, self.tr("正在批量打印收据"), read=False)

        self._run(build, built, self.tr("正在生成收据"), read=True)
