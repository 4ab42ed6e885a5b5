"""Formulas saved without a value, found cheaply in an .xlsx sheet's XML.

Excel, WPS and LibreOffice save each formula's last result beside it, and the
fast reader returns that result. Files written by programs (openpyxl, some
web exports) may save only the formula: the reader then sees an empty cell,
which must be reported, not taken as empty. The sheet XML is only searched
when the file was not saved by a spreadsheet program, and only parsed further
when it contains a formula at all.
"""

from __future__ import annotations

import re
import threading
import zipfile

#: Programs that always save formula results (docProps/app.xml <Application>).
_CALCULATING = ("microsoft excel", "microsoft macintosh excel", "wps", "kingsoft", "libreoffice",
                "openoffice", "numbers", "google")
_APPLICATION = re.compile(rb"<(?:\w+:)?Application>([^<]*)</(?:\w+:)?Application>")
_CELL = re.compile(
    rb"<(?:\w+:)?c\b([^>]*?)(?<!/)>\s*<(?:\w+:)?f\b[^>]*?(?:/>|>[^<]*</(?:\w+:)?f>)\s*"
    rb"(<(?:\w+:)?v\s*/>|<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>)?\s*</(?:\w+:)?c>"
)
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d{1,7})"')
_TYPE_STR = re.compile(rb'\bt="str"')
_VALUE = re.compile(rb"<v\s*/>|<v>([^<]*)</v>")


def saved_by_calculating_program(zf: zipfile.ZipFile) -> bool:
    """True when docProps/app.xml names Excel, WPS or LibreOffice (not a library posing as Excel)."""
    try:
        data = zf.read("docProps/app.xml")[:20000]
    except (KeyError, zipfile.BadZipFile, OSError):
        return False
    m = _APPLICATION.search(data)
    if not m:
        return False
    app = m.group(1).decode("utf-8", "replace").strip().lower()
    if "openpyxl" in app or "compatible" in app or "xlsxwriter" in app:
        return False
    return app.startswith(_CALCULATING)


def column_index(letters: str) -> int:
    """A → 0, Z → 25, AA → 26."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def uncached_in(xml: bytes) -> set[tuple[int, int]]:
    """(row, column), both 0-based, of each formula cell in a sheet's XML saved with no result.

    One `bytes.find` pass (C speed) for the first formula ("f>" ends both <f>…</f>
    and </x:f>); from there each formula cell is looked at on its own. Only a
    sheet written with namespace prefixes (<x:c>) takes a regular expression.
    """
    first = xml.find(b"f>")
    if first < 0:
        return set()
    start = max(0, xml.rfind(b"<c", 0, first))  # the cell holding the first formula
    out: set[tuple[int, int]] = set()
    find, rfind = xml.find, xml.rfind
    pos = find(b"<f", start)
    if pos < 0:
        return _uncached_by_regex(xml[start:])
    while pos >= 0:
        after = xml[pos + 2:pos + 3]
        if after in (b">", b" ", b"/"):
            cell = rfind(b"<c ", max(0, pos - 2000), pos)
            end = find(b"</c>", pos)
            if cell >= 0 and end >= 0:
                if _without_result(xml[cell:end + 4]):
                    ref = _REF.search(xml, cell, pos)
                    if ref:
                        out.add((int(ref.group(2)) - 1, column_index(ref.group(1).decode())))
                pos = end
        pos = find(b"<f", pos + 2)
    return out


def _without_result(cell: bytes) -> bool:
    m = _VALUE.search(cell)
    if m is None:
        return True
    if m.group(1) and m.group(1).strip():
        return False  # a saved result
    return not _TYPE_STR.search(cell, 0, cell.find(b">"))  # a saved empty text (="") is a value


def _uncached_by_regex(xml: bytes) -> set[tuple[int, int]]:
    out = set()
    for m in _CELL.finditer(xml):
        attrs, value_tag, value = m.group(1), m.group(2), m.group(3)
        if value is not None and value.strip():
            continue
        if value_tag is not None and value is not None and _TYPE_STR.search(attrs):
            continue
        ref = _REF.search(attrs)
        if ref:
            out.add((int(ref.group(2)) - 1, column_index(ref.group(1).decode())))
    return out


class FormulaScan:
    """Looks for formulas without results in one sheet, in a thread, while the cells are read.

    Reading the part in one call lets zlib inflate it without holding the
    interpreter lock, so on any machine with two cores the scan costs little
    more than the search itself.
    """

    def __init__(self, path: str, part: str) -> None:
        self._path, self._part = path, part
        self._found: set[tuple[int, int]] = set()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="formula-scan", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            with zipfile.ZipFile(self._path) as zf:
                self._found = uncached_in(zf.read(self._part))
        except BaseException as exc:  # handed to the caller by result()
            self._error = exc

    def wait(self) -> None:
        self._thread.join()

    def result(self) -> set[tuple[int, int]]:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._found
