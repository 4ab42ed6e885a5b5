"""Print receipts on a real CUPS PDF queue through the window's print path and check the paper.

Starts `cupsd` if it is not running (as root), adds the queue CharityDesk_PDF
(cups-pdf, Debian `cups printer-driver-cups-pdf`), then for the A5, A4 three-part
and 190 × 101.6 mm slip layouts — and an A5 receipt on remembered A4 paper —
prints one receipt with `ui.printing.ReceiptPrinting.print_receipt`, the same
code the window runs (the remembered printer is the queue, so no dialog is
asked), waits for cups-pdf's file and compares it with the receipt PDF that
"save as PDF" writes: page size (pdfinfo's figure) and where each word's ink is
(`pdftotext -bbox` of the original, PDFium renders of both; tests/ui/page_check.py).

    python bench/cups_print_check.py

Prints one line per case and exits 1 if a page has the wrong size or scale.
tests/ui/test_printing_cups.py runs the same check when a CUPS scheduler is up.
"""

from __future__ import annotations

import datetime as dt
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for _p in (ROOT, ROOT / "tests" / "ui"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

QUEUE = "CharityDesk_PDF"
PPD = "lsb/usr/cups-pdf/CUPS-PDF_opt.ppd"
CASES = [("a5", None, (210, 148)), ("a4-3", None, (210, 297)), ("slip", None, (190, 101.6)),
         ("a5", "A4", (297, 210))]


def scheduler_running() -> bool:
    if shutil.which("lpstat") is None:
        return False
    out = subprocess.run(["lpstat", "-r"], capture_output=True, text=True)
    return "is running" in out.stdout and "not" not in out.stdout


def ensure_cups() -> None:
    """cupsd up and the cups-pdf queue there (root only starts or adds anything)."""
    if not scheduler_running():
        if os.geteuid() != 0 or shutil.which("cupsd") is None:
            raise SystemExit("no CUPS scheduler running, and cannot start one (need root and cupsd)")
        subprocess.run(["cupsd"], check=True)
        for _ in range(50):
            if scheduler_running():
                break
            time.sleep(0.1)
    queues = subprocess.run(["lpstat", "-v"], capture_output=True, text=True).stdout
    if QUEUE not in queues:
        subprocess.run(["lpadmin", "-p", QUEUE, "-E", "-v", "cups-pdf:/", "-m", PPD], check=True)


def output_dirs() -> list[Path]:
    """Where cups-pdf may write (its `Out` for root is ~/PDF; anonymous jobs elsewhere)."""
    return [Path.home() / "PDF", Path("/root/PDF"), Path("/var/spool/cups-pdf/ANONYMOUS")]


def _new_pdf(since: float, timeout: float = 60) -> Path:
    end = time.time() + timeout
    while time.time() < end:
        found = [Path(p) for d in output_dirs() for p in glob.glob(str(d / "*.pdf"))
                 if os.path.getmtime(p) >= since]
        if found:
            newest = max(found, key=os.path.getmtime)
            size = newest.stat().st_size
            time.sleep(0.5)
            if size and newest.stat().st_size == size:
                return newest
        time.sleep(0.3)
    raise TimeoutError("cups-pdf wrote no file within %d s (lpstat -o; /var/log/cups/error_log)" % timeout)


def print_cases(workdir: Path) -> list[tuple[str, Path, Path]]:
    """Print each case through the window's print path; (case, saved PDF, printed PDF)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["XDG_CONFIG_HOME"] = str(workdir / "config")  # the queue remembered here only
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtGui import QPageSize
    from PySide6.QtWidgets import QApplication, QWidget

    from app.db import Database
    from app.donations import donations, donors, receipts
    from app.donations.donations import DonationInput
    from app.station import accounts, setup, station
    from ui import printing, settings

    qapp = QApplication.instance() or QApplication([])
    db = Database.open(workdir / "打印 测试.db", create=True)
    setup.set_up(db, accounts.SYSTEM, "ST01", "东风村慈善工作站", "东风镇")
    admin = accounts.create_operator(db, accounts.SYSTEM, "admin", "管理员", "admin", "secret123")
    donor = donors.create_donor(db, admin, "person", "张三丰")
    gift = donations.record_donation(db, admin, DonationInput(donor.id, dt.date.today(), amount_fen=1234_00))
    number = receipts.receipt_for_donation(db, gift.id).number
    widget = QWidget()
    job = printing.ReceiptPrinting(db, lambda: admin, widget)
    settings.put(settings.PRINTER_NAME, QUEUE)
    results = []

    def wait(signal_ok, signal_fail=None) -> None:
        loop = QEventLoop()
        failed: list[str] = []
        signal_ok.connect(loop.quit)
        if signal_fail is not None:
            signal_fail.connect(lambda text: (failed.append(text), loop.quit()))
        QTimer.singleShot(60000, loop.quit)
        loop.exec()
        if failed:
            raise RuntimeError(failed[0])

    try:
        for layout, paper, _ in CASES:
            station.set_setting(db, admin, "receipt_layout", layout)
            settings.put(settings.PAPER, str(QPageSize.PageSizeId.A4.value) if paper == "A4" else "")
            saved = workdir / f"{layout}-{paper or 'own'}.pdf"
            job.save_pdf(number, str(saved))
            while job.busy():
                qapp.processEvents()
            since = time.time() - 1
            job.print_receipt(number)
            wait(job.printed, job.failed)
            printed = _new_pdf(since)
            kept = workdir / f"{layout}-{paper or 'own'}-printed.pdf"
            shutil.move(str(printed), kept)
            results.append((f"{layout} on {paper or 'its own paper'}", saved, kept))
    finally:
        from ui.worker import wait_all

        wait_all()
        db.close()
        widget.deleteLater()
    return results


def pdfinfo_size_mm(pdf: Path) -> tuple[float, float]:
    import re

    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    m = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", out)
    assert m, out
    return float(m.group(1)) * 25.4 / 72, float(m.group(2)) * 25.4 / 72


def main() -> int:
    from page_check import MM, compare, page_sizes

    ensure_cups()
    bad = 0
    with tempfile.TemporaryDirectory(prefix="charitydesk-cups-") as tmp:
        for (name, saved, printed), (_, _, want) in zip(print_cases(Path(tmp)), CASES, strict=True):
            sizes = page_sizes(printed)
            info_mm = pdfinfo_size_mm(printed)
            for page, (w, h) in enumerate(sizes, 1):
                match = compare(saved, printed, page)
                # the paper as fed (portrait or landscape) is the receipt's paper either way
                got = sorted((w / MM, h / MM))
                ok = (all(abs(a - b) < 1 for a, b in zip(got, sorted(want), strict=True))
                      and len(sizes) == len(page_sizes(saved))
                      and match.worst_shift_mm < 1.0 and abs(match.scale - 1) < 0.01)
                bad += not ok
                print(f"{name:20} p{page} paper {w / MM:5.1f} × {h / MM:5.1f} mm (pdfinfo "
                      f"{info_mm[0]:.1f} × {info_mm[1]:.1f}; want {want[0]} × {want[1]})  turned "
                      f"{match.rotated:3}°  words {match.words_checked:2}  worst shift "
                      f"{match.worst_shift_mm:.2f} mm  scale {match.scale:.4f}  {'ok' if ok else 'WRONG'}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
