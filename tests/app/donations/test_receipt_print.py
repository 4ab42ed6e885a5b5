"""The receipt PDF: read back its text as a person would see it printed."""

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from app.donations import donations, donors, receipt_print, receipts
from app.donations.donations import DonationInput, GoodsLine
from app.errors import InputError
from app.funds import funds
from app.pdf import draw, fonts
from app.pdf.frames import MM
from app.pdf.receipt import LAYOUTS
from app.recipients import recipients
from app.recipients.recipients import RecipientInput
from app.rules.idcard import check_char
from app.rules.money import to_capitals
from app.station import station

TODAY = dt.date(2026, 11, 22)


def pages_text(pdf: bytes) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    return "".join(text.split())


def give(db, actor, fen=320050, **kw):
    donor = kw.pop("donor", None) or donors.create_donor(db, actor, "person", "张三明")
    d = donations.record_donation(db, actor, DonationInput(donor.id, dt.date(2026, 3, 5),
                                                           amount_fen=fen, **kw), today=TODAY)
    return d, receipts.receipt_for_donation(db, d.id)


@pytest.mark.parametrize("fen", [320050, 100456, 5, 10_000_000_00, 42503, 1000])
def test_amount_in_figures_and_capitals_on_the_receipt(db, volunteer, fen):
    _, r = give(db, volunteer, fen=fen, method="wechat", purpose="慈心一日捐")
    text = flat(pages_text(receipt_print.receipt_pdf(db, r.number, layout="a5"))[0])
    from app.rules.money import format_fen

    assert to_capitals(fen) in text
    assert f"¥{format_fen(fen)}" in text
    for expected in ("捐赠收据", r.number, "张三明", "东风村慈善工作站", "2026年03月05日", "微信",
                     "慈心一日捐", "经办人：小李", "盖章"):
        assert expected in text, expected


def test_domain_example_amount(db, volunteer):
    _, r = give(db, volunteer, fen=320050)
    text = flat(pages_text(receipt_print.receipt_pdf(db, r.number))[0])
    assert "¥3,200.50" in text and "人民币叁仟贰佰元伍角整" in text


def test_three_part_layouts(db, volunteer):
    _, r = give(db, volunteer)
    a4 = PdfReader(io.BytesIO(receipt_print.receipt_pdf(db, r.number, layout="a4-3")))
    assert len(a4.pages) == 1
    assert [round(float(x) / MM) for x in a4.pages[0].mediabox[2:]] == [210, 297]
    text = flat(a4.pages[0].extract_text())
    assert text.count(r.number) == 3 and text.count("叁仟贰佰元伍角整") == 3
    for part in ("存根联", "收据联", "记账联"):
        assert part in text
    slip = PdfReader(io.BytesIO(receipt_print.receipt_pdf(db, r.number, layout="slip")))
    assert len(slip.pages) == 3
    assert [round(float(x) / MM, 1) for x in slip.pages[0].mediabox[2:]] == [190.0, 101.6]
    for page, part in zip(slip.pages, ("存根联", "收据联", "记账联"), strict=True):
        t = flat(page.extract_text())
        assert part in t and r.number in t and "叁仟贰佰元伍角整" in t
    a5 = PdfReader(io.BytesIO(receipt_print.receipt_pdf(db, r.number, layout="a5")))
    assert [round(float(x) / MM) for x in a5.pages[0].mediabox[2:]] == [210, 148]


def test_reprint_is_marked_and_the_first_print_is_not(db, volunteer):
    _, r = give(db, volunteer)
    first = flat(pages_text(receipt_print.print_receipt(db, volunteer, r.number))[0])
    assert "补打" not in first
    ready = flat(pages_text(receipt_print.receipt_pdf(db, r.number))[0])  # what a reprint would show
    assert "补打" in ready
    copy = flat(pages_text(receipt_print.print_receipt(db, volunteer, r.number, layout="a4-3"))[0])
    assert "补打件（第2次打印）" in copy and copy.count("补打") >= 3
    assert receipts.find_receipt(db, r.number).print_count == 2


def test_voided_receipt_is_marked_with_its_reason(db, admin, volunteer):
    _, r = give(db, volunteer)
    receipts.void_receipt(db, admin, r.number, "金额填错")
    for layout in LAYOUTS:
        for text in pages_text(receipt_print.receipt_pdf(db, r.number, layout=layout)):
            t = flat(text)
            assert "作废：金额填错" in t and "作废" in t.replace("作废：", "")


def test_goods_lines_and_unvalued_goods(db, volunteer):
    donor = donors.create_donor(db, volunteer, "person", "李四")
    d = donations.record_donation(db, volunteer, DonationInput(
        donor.id, dt.date(2026, 1, 9), method=None,
        goods=[GoodsLine("大米", 10, "袋", 5000), GoodsLine("羽绒服", 3, "件", None)]), today=TODAY)
    r = receipts.receipt_for_donation(db, d.id)
    t = flat(pages_text(receipt_print.receipt_pdf(db, r.number))[0])
    assert "大米10袋¥500.00" in t and "羽绒服3件（未估值）" in t and "伍佰元整" in t
    d2 = donations.record_donation(db, volunteer, DonationInput(
        donor.id, dt.date(2026, 1, 9), method=None, goods=[GoodsLine("棉被", 2, "床")]), today=TODAY)
    t2 = flat(pages_text(receipt_print.receipt_pdf(
        db, receipts.receipt_for_donation(db, d2.id).number))[0])
    assert "物资未估值，不计金额" in t2 and "零元整" in t2


def test_designation_to_a_person_is_masked_and_enterprise_shows_its_code(db, admin):
    body = "370303" + "19400315" + "123"
    person = recipients.add_recipient(db, admin, RecipientInput(name="王秀英", id_number=body + check_char(body)))
    fund = funds.create_fund(db, admin, "助学定向基金", "directed")
    from app.rules.codes import credit_check_char

    code = "91370303MA3C4XKX0"
    code += credit_check_char(code)
    ent = donors.create_donor(db, admin, "enterprise", "红星食品厂", credit_code=code)
    _, r = give(db, admin, donor=ent, fund_id=fund.id, recipient_id=person.id)
    t = flat(pages_text(receipt_print.receipt_pdf(db, r.number))[0])
    assert "定向受助人：王*英" in t and "王秀英" not in t
    assert "定向：助学定向基金" in t and code in t and "红星食品厂" in t


def test_title_and_layout_come_from_the_station_settings(db, admin):
    station.set_setting(db, admin, "receipt_title", "爱心捐赠收据")
    station.set_setting(db, admin, "receipt_layout", "slip")
    _, r = give(db, admin)
    pdf = receipt_print.receipt_pdf(db, r.number)
    texts = pages_text(pdf)
    assert len(texts) == 3 and "爱心捐赠收据" in flat(texts[0])


def test_very_long_text_stays_inside_the_receipt(db, admin):
    long_name = "山东省淄博市张店区东风镇鲁中建材集团股份有限公司第三分公司工会委员会" * 2
    donor = donors.create_donor(db, admin, "person", long_name)
    _, r = give(db, admin, donor=donor, purpose="冬季送温暖，" * 40)
    for layout in LAYOUTS:
        assert receipt_print.receipt_pdf(db, r.number, layout=layout).startswith(b"%PDF")


def test_batch_one_receipt_per_donation_in_number_order(db, admin, volunteer, tmp_path):
    rs = [give(db, volunteer, fen=100 * (i + 1))[1] for i in range(5)]
    receipts.void_receipt(db, admin, rs[1].number, "打印错位")  # awaiting re-issue: printed as void
    new = receipts.issue_receipt(db, admin, rs[1].donation_id)
    receipts.record_print(db, volunteer, rs[0].number)
    out = tmp_path / "batch.pdf"
    res = receipt_print.write_receipts(db, volunteer, out, layout="a5")
    assert (res.receipts, res.voided, res.copies, res.pages) == (5, 0, 1, 5)
    numbers = [flat(t) for t in pages_text(out.read_bytes())]
    expected = [rs[0].number, rs[2].number, rs[3].number, rs[4].number, new.number]
    assert [next(n for n in expected if n in page) for page in numbers] == expected
    assert "补打" in numbers[0] and "补打" not in numbers[1]
    assert receipts.find_receipt(db, rs[2].number).print_count == 1  # counted as printed
    res = receipt_print.write_receipts(db, volunteer, out, date_from=dt.date(2026, 3, 5),
                                     date_to=dt.date(2026, 3, 5), layout="slip", count_prints=False)
    assert res.pages == 15 and res.copies == 5
    with pytest.raises(InputError):
        receipt_print.write_receipts(db, volunteer, out, date_from=dt.date(2025, 1, 1),
                                   date_to=dt.date(2025, 2, 1))


def test_wrap_keeps_every_line_inside_its_width():
    fonts.register()
    text = "物资：大米 10袋 ¥500.00；羽绒服 3件（未估值）；" * 5 + "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" * 3
    for width in (60, 150, 400):
        lines = draw.wrap(text, width, 10)
        assert all(draw.width(line, 10) <= width + 0.01 for line in lines)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert draw.cut("很长很长很长很长的名字", 40, 10).endswith("…")
