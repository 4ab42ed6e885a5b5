"""PDF pages as images, for printing and previewing receipts without a PDF library in Qt.

PySide6-Essentials has no QtPdf, so the GUI prints a receipt by rasterising
the very PDF that "save as PDF" writes — poppler's `pdftoppm`, at the
printer's resolution — and painting the images onto a QPrinter. What is
previewed, printed and saved is therefore the same page. `pdftoppm` comes with
poppler-utils on Linux; on Windows the installer puts poppler's `pdftoppm.exe`
next to the program (`resources/poppler/`) or it is found on PATH.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from app.errors import CharityDeskError

_ROOT = Path(__file__).resolve().parent.parent


class RasterError(CharityDeskError):
    """The PDF could not be turned into images (no pdftoppm, or it failed)."""


def _tool(name: str) -> str | None:
    exe = name + (".exe" if sys.platform == "win32" else "")
    bundled = _ROOT / "resources" / "poppler" / exe
    if bundled.exists():
        return str(bundled)
    return shutil.which(name)


def available() -> bool:
    """True when pages can be rasterised here (pdftoppm and pdfinfo found)."""
    return _tool("pdftoppm") is not None and _tool("pdfinfo") is not None


@dataclass(frozen=True)
class PdfInfo:
    pages: int
    width_pt: float  # of the first page
    height_pt: float


def _need(name: str) -> str:
    tool = _tool(name)
    if tool is None:
        raise RasterError("no_pdftoppm", "找不到 poppler 的 pdftoppm/pdfinfo，无法打印或预览。"
                          "可以先“存为 PDF”再用其他软件打印。")
    return tool


def info(path: str | Path) -> PdfInfo:
    """Page count and first page size (points) of a PDF file."""
    out = subprocess.run([_need("pdfinfo"), str(path)], capture_output=True, timeout=60)
    text = out.stdout.decode("utf-8", "replace")
    pages = re.search(r"^Pages:\s+(\d+)", text, re.M)
    size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+)", text, re.M)
    if out.returncode != 0 or not pages or not size:
        raise RasterError("bad_pdf", "收据 PDF 无法读取：" + out.stderr.decode("utf-8", "replace")[:200])
    return PdfInfo(int(pages.group(1)), float(size.group(1)), float(size.group(2)))


def iter_pages(path: str | Path, dpi: int = 300, *, chunk: int = 8,
               cancelled: Callable[[], bool] | None = None) -> Iterator[bytes]:
    """PNG bytes of each page in order, rasterised `chunk` pages at a time (memory stays small)."""
    total = info(path).pages
    tool = _need("pdftoppm")
    with tempfile.TemporaryDirectory(prefix="charitydesk-raster-") as tmp:
        for first in range(1, total + 1, chunk):
            if cancelled and cancelled():
                return
            last = min(total, first + chunk - 1)
            prefix = Path(tmp) / f"p{first}"
            out = subprocess.run([tool, "-r", str(int(dpi)), "-png", "-f", str(first), "-l", str(last),
                                  str(path), str(prefix)], capture_output=True, timeout=600)
            if out.returncode != 0:
                raise RasterError("pdftoppm_failed",
                                  "收据 PDF 转图片失败：" + out.stderr.decode("utf-8", "replace")[:200])
            files = sorted(Path(tmp).glob(f"p{first}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
            for f in files:
                data = f.read_bytes()
                f.unlink()
                yield data


def rasterise(pdf: bytes, dpi: int = 150) -> list[bytes]:
    """Every page of a small PDF (one receipt) as PNG bytes."""
    with tempfile.TemporaryDirectory(prefix="charitydesk-raster-") as tmp:
        path = Path(tmp) / "in.pdf"
        path.write_bytes(pdf)
        return list(iter_pages(path, dpi))
