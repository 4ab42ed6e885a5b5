"""Every font in every PDF we write is embedded, so it prints the same on any PC."""

import datetime as dt
import io
import shutil
import subprocess

import pytest
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from app.donations import donations, donors, receipt_print, receipts
from app.donations.donations import DonationInput, GoodsLine
from app.pdf import fonts
from app.pdf.receipt import LAYOUTS

TODAY = dt.date(2026, 11, 22)


def _resolve(obj):
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def fonts_in(pdf: bytes) -> list[dict]:
    """Every font dictionary reachable from the pages (and their form XObjects)."""
    found: dict[int, dict] = {}

    def walk_resources(res):
        res = _resolve(res)
        if not res:
            return
        for ref in _resolve(res.get("/Font", {})).values():
            font = _resolve(ref)
            found[id(font)] = font
            for desc in _resolve(font.get("/DescendantFonts", [])):
                d = _resolve(desc)
                found[id(d)] = d
        for ref in _resolve(res.get("/XObject", {})).values():
            x = _resolve(ref)
            if x.get("/Subtype") == "/Form":
                walk_resources(x.get("/Resources"))

    for page in PdfReader(io.BytesIO(pdf)).pages:
        walk_resources(page.get("/Resources"))
    return list(found.values())


def unembedded(pdf: bytes) -> list[str]:
    bad = []
    for font in fonts_in(pdf):
        if font.get("/Subtype") == "/Type0":
            continue  # its descendant carries the font file
        desc = _resolve(font.get("/FontDescriptor"))
        if desc is None or not any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")):
            bad.append(str(font.get("/BaseFont")))
    return bad


@pytest.fixture
def sample_pdfs(db, admin, volunteer):
    donor = donors.create_donor(db, volunteer, "person", "张三明")
    cash = donations.record_donation(db, volunteer, DonationInput(
        donor.id, dt.date(2026, 3, 5), amount_fen=320050, method="alipay"), today=TODAY)
    goods = donations.record_donation(db, volunteer, DonationInput(
        donor.id, dt.date(2026, 3, 6), method=None, goods=[GoodsLine("食用油", 5, "桶", 6900)]),
        today=TODAY)
    rc = receipts.receipt_for_donation(db, cash.id)
    rg = receipts.receipt_for_donation(db, goods.id)
    receipts.record_print(db, volunteer, rc.number)
    receipts.void_receipt(db, admin, rg.number, "金额填错")
    out = {}
    for layout in LAYOUTS:
        out[f"{layout}-copy"] = receipt_print.receipt_pdf(db, rc.number, layout=layout)
        out[f"{layout}-void"] = receipt_print.receipt_pdf(db, rg.number, layout=layout)
    return out


def test_every_font_is_embedded_and_there_is_no_helvetica(sample_pdfs):
    for name, pdf in sample_pdfs.items():
        found = fonts_in(pdf)
        assert found, name
        assert unembedded(pdf) == [], name
        names = {str(f.get("/BaseFont")) for f in found}
        assert all("WenQuanYi" in n for n in names), (name, names)
        assert b"Helvetica" not in pdf


def test_an_empty_canvas_has_no_standard_font():
    c = fonts.new_canvas(buf := io.BytesIO(), (200, 200))
    c.drawString(10, 10, "123 ABC 数字")
    c.showPage()
    c.save()
    pdf = buf.getvalue()
    assert unembedded(pdf) == [] and b"Helvetica" not in pdf


@pytest.mark.skipif(not shutil.which("pdffonts"), reason="poppler-utils not installed")
def test_pdffonts_says_emb_yes(sample_pdfs, tmp_path):
    for name, pdf in sample_pdfs.items():
        p = tmp_path / f"{name}.pdf"
        p.write_bytes(pdf)
        out = subprocess.run(["pdffonts", str(p)], capture_output=True, text=True, check=True).stdout
        rows = out.splitlines()[2:]
        assert rows, name
        for row in rows:
            assert row.split()[-5] == "yes", row  # the emb column


def test_font_draws_what_receipts_print():
    text = "捐赠收据¥0123456789,.零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整补打作废存根联收据联记账联（）：；…"
    assert fonts.missing_glyphs(text) == []
    assert fonts.register() == fonts.FONT  # registering twice is harmless


def test_the_check_catches_reportlabs_default_font():
    from reportlab.pdfgen.canvas import Canvas

    c = Canvas(buf := io.BytesIO())
    c.drawString(10, 10, "123")
    c.save()
    assert unembedded(buf.getvalue()) == ["/Helvetica"]


def test_a_missing_font_file_is_a_plain_message(monkeypatch, tmp_path):
    from app.errors import CharityDeskError

    monkeypatch.setattr(fonts, "_font", None)
    with pytest.raises(CharityDeskError) as err:
        fonts.register(tmp_path / "没有 这个字体.ttc")
    assert err.value.reason == "font_missing" and "重新安装" in err.value.message
