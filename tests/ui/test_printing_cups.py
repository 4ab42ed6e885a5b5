"""A receipt printed on a real CUPS PDF queue (cups-pdf) through the window's print path keeps its
paper size and scale. Runs bench/cups_print_check.py; skips when no CUPS scheduler is running."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import cups_print_check  # noqa: E402


@pytest.mark.skipif(not cups_print_check.scheduler_running(),
                    reason="no CUPS scheduler running (start cupsd; Debian cups printer-driver-cups-pdf)")
def test_receipts_on_a_cups_pdf_queue_keep_size_and_scale():
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "cups_print_check.py")],
                         capture_output=True, text=True, timeout=300, cwd=ROOT)
    lines = [line for line in out.stdout.splitlines() if " paper " in line]
    assert out.returncode == 0, out.stdout + out.stderr
    assert len(lines) == 6 and all(line.endswith(" ok") for line in lines), out.stdout
