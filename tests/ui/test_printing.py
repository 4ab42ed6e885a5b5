"""Printing a receipt through the window's print path: real size on A5, A4 and the receipt slip,
rasterised by PDFium inside the program (no pdftoppm), the same page as "save as PDF"."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from page_check import MM, compare, page_sizes  # tests/ui is on sys.path
from print_seam import PdfPrinters
from PySide6.QtGui import QPageSize
from PySide6.QtWidgets import QWidget

from app.donations import donations, donors, receipts
from app.donations.donations import DonationInput
from app.pdf import raster
from app.station import station
from ui import printing, settings
from ui.worker import wait_all

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")


@pytest.fixture
def desk(qtbot, db, volunteer, monkeypatch, tmp_path):
    donor = donors.create_donor(db, volunteer, "person", "张三丰")
    gift = donations.record_donation(db, volunteer, DonationInput(donor.id, dt.date.today(),
                                                                  amount_fen=1234_00))
    number = receipts.receipt_for_donation(db, gift.id).number
    printers = PdfPrinters(tmp_path)
    monkeypatch.setattr(printing, "printer_factory", printers)
    widget = QWidget()
    qtbot.addWidget(widget)
    job = printing.ReceiptPrinting(db, lambda: volunteer, widget)
    settings.put(settings.PAPER, "")
    yield job, number, printers
    wait_all()
    settings.put(settings.PAPER, "")


def _print_and_save(qtbot, db, admin, desk, layout, tmp_path):
    job, number, printers = desk
    station.set_setting(db, admin, "receipt_layout", layout)
    saved = tmp_path / f"saved {layout}.pdf"
    job.save_pdf(number, str(saved))
    qtbot.waitUntil(lambda: not job.busy() and saved.exists(), timeout=20000)
    with qtbot.waitSignal(job.printed, timeout=30000):
        job.print_receipt(number)
    qtbot.waitUntil(lambda: not job.busy(), timeout=20000)
    return saved, printers.files[-1]


@pytest.mark.parametrize(("layout", "size_mm", "pages"), [
    ("a5", (210, 148), 1), ("a4-3", (210, 297), 1), ("slip", (190, 101.6), 3)])
def test_printed_page_has_the_real_size_and_scale(qtbot, db, admin, desk, tmp_path,
                                                  layout, size_mm, pages):
    saved, printed = _print_and_save(qtbot, db, admin, desk, layout, tmp_path)
    sizes = page_sizes(printed)
    assert len(sizes) == pages == raster.info(saved).pages
    w, h = sizes[0]
    assert abs(w / MM - size_mm[0]) < 0.5 and abs(h / MM - size_mm[1]) < 0.5, (w / MM, h / MM)
    for page in range(1, pages + 1):
        m = compare(saved, printed, page)
        assert m.words_checked >= 3
        assert m.worst_shift_mm < 0.6, m
        assert abs(m.scale - 1) < 0.01, m


def test_a5_receipt_on_remembered_a4_paper_keeps_its_size(qtbot, db, admin, desk, tmp_path):
    settings.put(settings.PAPER, str(QPageSize.PageSizeId.A4.value))
    saved, printed = _print_and_save(qtbot, db, admin, desk, "a5", tmp_path)
    w, h = page_sizes(printed)[0]
    assert (round(w / MM), round(h / MM)) == (297, 210)  # A4, landscape like the receipt
    m = compare(saved, printed)  # centred on the sheet, not blown up to fill it
    assert m.worst_shift_mm < 0.6 and abs(m.scale - 1) < 0.01, m


def test_preview_shows_the_same_page_at_its_real_size(qtbot, db, admin, desk, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    job, number, _ = desk
    station.set_setting(db, admin, "receipt_layout", "slip")
    saved = tmp_path / "saved.pdf"
    job.save_pdf(number, str(saved))
    qtbot.waitUntil(lambda: not job.busy() and saved.exists(), timeout=20000)
    job.preview(number)
    qtbot.waitUntil(lambda: job.preview_dialog is not None, timeout=20000)
    dlg = job.preview_dialog
    assert dlg.windowTitle().endswith(number)
    shown = tmp_path / "preview.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(shown))
    printing.apply_paper(printer, raster.info(saved))
    dlg.paintRequested.emit(printer)  # what the preview draws, drawn into a file
    dlg.reject()
    assert len(page_sizes(shown)) == 3
    m = compare(saved, shown, 2)
    assert m.worst_shift_mm < 0.8 and abs(m.scale - 1) < 0.01, m
