"""PDF pages as images with PDFium, inside the program: no pdftoppm or other outside tool."""

import datetime as dt

import pytest

from app.donations import donations, donors, receipt_print, receipts
from app.donations.donations import DonationInput
from app.pdf import raster
from app.station import station


def test_page_images_come_from_pdfium_at_the_asked_resolution(db, admin, volunteer, tmp_path):
    d = donors.create_donor(db, volunteer, "person", "李四")
    gift = donations.record_donation(db, volunteer, DonationInput(d.id, dt.date.today(), amount_fen=50_00))
    number = receipts.receipt_for_donation(db, gift.id).number
    station.set_setting(db, admin, "receipt_layout", "slip")
    (first, *rest) = raster.rasterise(receipt_print.receipt_pdf(db, number), dpi=100)
    assert len(rest) == 2
    assert abs(first.width - 190 / 25.4 * 100) <= 1 and abs(first.height - 101.6 / 25.4 * 100) <= 1
    assert first.stride >= first.width * 3 and len(first.pixels) == first.stride * first.height
    assert min(first.pixels) < 100 < max(first.pixels)  # ink on white paper


def test_a_damaged_pdf_is_a_plain_message(tmp_path):
    bad = tmp_path / "坏 文件.pdf"
    bad.write_bytes(b"%PDF-1.4 not really")
    with pytest.raises(raster.RasterError) as err:
        raster.info(bad)
    assert "无法读取" in err.value.message


def test_iter_pages_streams_pages_and_stops_when_cancelled(db, admin, volunteer, tmp_path):
    d = donors.create_donor(db, volunteer, "person", "王五")
    gift = donations.record_donation(db, volunteer, DonationInput(d.id, dt.date.today(), amount_fen=8_00))
    station.set_setting(db, admin, "receipt_layout", "slip")
    path = tmp_path / "收据 三联.pdf"
    path.write_bytes(receipt_print.receipt_pdf(db, receipts.receipt_for_donation(db, gift.id).number))
    assert raster.info(path).pages == 3
    got = []
    for page in raster.iter_pages(path, 72, cancelled=lambda: len(got) >= 1):
        got.append(page)
    assert len(got) == 1 and round(got[0].width_pt) == 539 and round(got[0].height_pt) == 288
