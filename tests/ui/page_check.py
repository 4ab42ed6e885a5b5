"""Does a printed PDF show the original page at its real size? (tests and bench/cups_print_check.py)

The printed file holds a picture of the page (the program rasterises), so its text
cannot be read back. Instead: the words of the original are located with poppler's
`pdftotext -bbox` (in points from the top-left corner); both PDFs are rendered at
the same resolution with PDFium; and for each word the ink found inside its box
in the original must be found at the same place, same size, in the printed page
— shifted only by the centring of a smaller page on larger paper.
"""

from __future__ import annotations

import html
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium

DPI = 144
MM = 72 / 25.4


@dataclass(frozen=True)
class Word:
    text: str
    x0: float  # points from the left
    y0: float  # points from the top
    x1: float
    y1: float


def words(pdf: Path, page: int = 1) -> list[Word]:
    """The words of one page with their boxes, from `pdftotext -bbox`."""
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    found = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
                       out)
    return [Word(html.unescape(t), float(a), float(b), float(c), float(d)) for a, b, c, d, t in found]


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    """Each page's size in points, as a viewer shows it (rotation applied)."""
    doc = pdfium.PdfDocument(str(pdf))
    try:
        sizes = []
        for i in range(len(doc)):
            w, h = doc[i].get_size()
            if doc[i].get_rotation() in (90, 270):
                w, h = h, w
            sizes.append((float(w), float(h)))
        return sizes
    finally:
        doc.close()


def _gray(pdf: Path, index: int, rotation: int = 0) -> tuple[list[bytes], int, int]:
    doc = pdfium.PdfDocument(str(pdf))
    try:
        bitmap = doc[index].render(scale=DPI / 72, grayscale=True, rotation=rotation)
        w, h, stride = bitmap.width, bitmap.height, bitmap.stride
        buf = bytes(bitmap.buffer)
    finally:
        doc.close()
    return [buf[y * stride:y * stride + w] for y in range(h)], w, h


def _ink(rows: list[bytes], w: int, h: int, box: tuple[float, float, float, float]
         ) -> tuple[float, float, float, float] | None:
    """Bounding box (points) of the dark pixels inside `box` (points), or None."""
    k = DPI / 72
    x0, y0 = max(0, int(box[0] * k)), max(0, int(box[1] * k))
    x1, y1 = min(w, int(box[2] * k) + 1), min(h, int(box[3] * k) + 1)
    xs: list[int] = []
    ys: list[int] = []
    for y in range(y0, y1):
        row = rows[y]
        for x in range(x0, x1):
            if row[x] < 128:
                xs.append(x)
                ys.append(y)
    if not xs:
        return None
    return min(xs) / k, min(ys) / k, (max(xs) + 1) / k, (max(ys) + 1) / k


@dataclass(frozen=True)
class Match:
    page_size_pt: tuple[float, float]  # as printed, portrait or landscape
    rotated: int  # degrees the printer turned the content (a landscape receipt on portrait-fed paper)
    words_checked: int
    worst_shift_mm: float  # largest distance between a word's ink in the original and on paper
    scale: float  # printed span between the outermost checked words / original span


def compare(original: Path, printed: Path, page: int = 1, pad: float = 3.0, limit: int = 12) -> Match:
    """Locate up to `limit` words of `original` page `page` on `printed` page `page`.

    A landscape page printed on portrait paper comes back turned by 90°: the printed
    page is turned back whichever way matches."""
    orig_size = page_sizes(original)[page - 1]
    size = page_sizes(printed)[page - 1]
    if (size[0] > size[1]) == (orig_size[0] > orig_size[1]) or abs(size[0] - size[1]) < 1:
        return _compare(original, printed, page, pad, limit, size, 0)
    errors: list[AssertionError] = []
    matches: list[Match] = []
    for rotation in (90, 270):
        try:
            matches.append(_compare(original, printed, page, pad, limit, size, rotation))
        except AssertionError as exc:
            errors.append(exc)
    if not matches:
        raise errors[0]
    return min(matches, key=lambda m: m.worst_shift_mm)


def _compare(original: Path, printed: Path, page: int, pad: float, limit: int,
             size: tuple[float, float], rotation: int) -> Match:
    orig_size = page_sizes(original)[page - 1]
    turned = (size[1], size[0]) if rotation in (90, 270) else size
    dx, dy = (turned[0] - orig_size[0]) / 2, (turned[1] - orig_size[1]) / 2
    rows_o, wo, ho = _gray(original, page - 1)
    rows_p, wp, hp = _gray(printed, page - 1, rotation)
    checked: list[tuple[tuple[float, ...], tuple[float, ...]]] = []
    for word in [w for w in words(original, page) if len(w.text) >= 2][:limit]:
        box = (word.x0 - pad, word.y0 - pad, word.x1 + pad, word.y1 + pad)
        ink_o = _ink(rows_o, wo, ho, box)
        if ink_o is None:
            continue
        moved = (box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy)
        ink_p = _ink(rows_p, wp, hp, moved)
        if ink_p is None:
            raise AssertionError(f"word {word.text!r} not found on the printed page")
        checked.append((ink_o, (ink_p[0] - dx, ink_p[1] - dy, ink_p[2] - dx, ink_p[3] - dy)))
    if not checked:
        raise AssertionError("no word of the original could be located")
    worst = max(max(abs(a - b) for a, b in zip(o, p, strict=True)) for o, p in checked) / MM
    left = min(checked, key=lambda c: c[0][0])
    right = max(checked, key=lambda c: c[0][2])
    top = min(checked, key=lambda c: c[0][1])
    bottom = max(checked, key=lambda c: c[0][3])
    spans = []
    if right[0][2] - left[0][0] > 20:
        spans.append((right[1][2] - left[1][0]) / (right[0][2] - left[0][0]))
    if bottom[0][3] - top[0][1] > 20:
        spans.append((bottom[1][3] - top[1][1]) / (bottom[0][3] - top[0][1]))
    scale = sum(spans) / len(spans) if spans else 1.0
    return Match(size, rotation, len(checked), worst, scale)
