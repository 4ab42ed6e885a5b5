"""PDF pages as images, for printing and previewing receipts with nothing outside the program.

PySide6-Essentials has no QtPdf, so the GUI prints a receipt by rasterising
the very PDF that "save as PDF" writes — with PDFium (pypdfium2, whose wheels
carry the library for Windows and Linux), at the printer's resolution — and
painting the images onto a QPrinter at the page's real size. What is previewed,
printed and saved is therefore the same page, and no poppler or other outside
tool is needed.

PDFium is not thread-safe: every call into it holds one lock, so a preview and
a print job on two worker threads take turns.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.errors import CharityDeskError

_LOCK = threading.RLock()  # re-entrant: an abandoned page iterator may be closed by the GC mid-render


class RasterError(CharityDeskError):
    """The PDF could not be read or turned into images."""


@dataclass(frozen=True)
class PdfInfo:
    pages: int
    width_pt: float  # of the first page
    height_pt: float


@dataclass(frozen=True)
class PageImage:
    """One page as 8-bit RGB pixels (`stride` bytes a row) and the page's size in points."""

    width: int
    height: int
    stride: int
    pixels: bytes
    width_pt: float
    height_pt: float


def available() -> bool:
    """True when pages can be rasterised here (PDFium ships with the program, so always)."""
    try:
        import pypdfium2  # noqa: F401
    except ImportError:  # pragma: no cover - a broken install
        return False
    return True


def _open(source: str | Path | bytes) -> Any:
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(source if isinstance(source, bytes) else str(source))
    except (pdfium.PdfiumError, OSError) as exc:
        raise RasterError("bad_pdf", f"收据 PDF 无法读取：{exc}") from exc


def info(path: str | Path) -> PdfInfo:
    """Page count and first page size (points) of a PDF file."""
    with _LOCK:
        doc = _open(path)
        try:
            if len(doc) == 0:
                raise RasterError("bad_pdf", "收据 PDF 没有页面。")
            w, h = doc[0].get_size()
            return PdfInfo(len(doc), float(w), float(h))
        finally:
            doc.close()


def _render(doc: Any, index: int, dpi: int) -> PageImage:
    page = doc[index]
    w_pt, h_pt = page.get_size()
    # rev_byteorder: RGB rather than PDFium's BGR, as QImage.Format_RGB888 reads it.
    bitmap = page.render(scale=dpi / 72, rev_byteorder=True, may_draw_forms=False)
    return PageImage(bitmap.width, bitmap.height, bitmap.stride, bytes(bitmap.buffer),
                     float(w_pt), float(h_pt))


def iter_pages(path: str | Path, dpi: int = 300, *,
               cancelled: Callable[[], bool] | None = None) -> Iterator[PageImage]:
    """Each page in order as an image at `dpi`, one at a time (memory stays small)."""
    with _LOCK:
        doc = _open(path)
        total = len(doc)
    try:
        for index in range(total):
            if cancelled and cancelled():
                return
            with _LOCK:
                image = _render(doc, index, int(dpi))
            yield image
    finally:
        with _LOCK:
            doc.close()


def rasterise(pdf: bytes, dpi: int = 150) -> list[PageImage]:
    """Every page of a small PDF (one receipt) as images."""
    with _LOCK:
        doc = _open(pdf)
        try:
            return [_render(doc, i, int(dpi)) for i in range(len(doc))]
        finally:
            doc.close()
