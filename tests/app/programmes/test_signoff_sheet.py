"""The sign-off sheet PDF: every font embedded, the totals in the text, headers on every page."""

import datetime as dt
import io
import re
import shutil
import subprocess

import pytest
from aid_population import Person, add_people, born, names
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from app.funds import funds
from app.programmes import distributions, programmes, signoff_sheet
from app.programmes.programmes import ProgrammeInput, Rules

TODAY = dt.date(2026, 11, 22)
ON = dt.date(2026, 2, 10)


def _obj(x):
    return x.get_object() if isinstance(x, IndirectObject) else x


def font_dicts(pdf: bytes) -> list:
    """Every font dictionary the pages use (and the fonts inside composite fonts)."""
    seen = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        resources = _obj(page.get("/Resources")) or {}
        for ref in _obj(resources.get("/Font", {})).values():
            font = _obj(ref)
            seen[id(font)] = font
            for d in _obj(font.get("/DescendantFonts", [])):
                seen[id(_obj(d))] = _obj(d)
    return list(seen.values())


def not_embedded(pdf: bytes) -> list[str]:
    bad = []
    for font in font_dicts(pdf):
        if font.get("/Subtype") == "/Type0":
            continue  # its descendant carries the file
        desc = _obj(font.get("/FontDescriptor"))
        if desc is None or not any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")):
            bad.append(str(font.get("/BaseFont")))
    return bad


def text_of(pdf: bytes) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture
def day(db, admin):
    """647 children at 500 yuan: the Spring Festival figures, confirmed."""
    add_people(db, admin, [Person(n, born(i % 15, ON), ["留守儿童"], village=("东风村", "前进村")[i % 2])
                           for i, n in enumerate(names("童", 647))])
    fund = funds.create_fund(db, admin, "春节基金", "named", 400_000_00)
    p = programmes.create_programme(db, admin, ProgrammeInput("春节困境儿童红包", fund.id, amount_fen=500_00,
                                                              rules=Rules(categories=("留守儿童",), max_age=14)))
    d, _ = distributions.distribute(db, admin, p.id, ON, today=TODAY)
    return d


def test_sheet_fonts_are_all_embedded_and_totals_are_printed(db, day):
    v = signoff_sheet.sheet_view(db, day.id, preparer="小李", today=TODAY)
    pdf = signoff_sheet.render(v)
    assert pdf and font_dicts(pdf)
    assert not_embedded(pdf) == []
    pages = text_of(pdf)
    assert len(pages) == signoff_sheet.page_count(647) > 1
    for n, text in enumerate(pages, start=1):  # the header repeats on every page
        assert "春节困境儿童红包发放签收表" in text and "领取人签字（手印）" in text and "身份证号" in text
        assert "制表单位：东风村慈善工作站" in text and "发放日期：2026年02月10日" in text
        assert "制表人：小李" in text and "审核人" in text and "单位负责人" in text
        assert f"第 {n} 页 / 共 {len(pages)} 页" in text
        assert "本页小计" in text
    last = pages[-1]
    assert "合计：647 人，金额 ¥323,500.00" in last
    assert "人民币叁拾贰万叁仟伍佰元整" in last
    per = signoff_sheet.rows_per_page()
    assert f"本页小计：{per} 人，金额 ¥{per * 500:,}.00" in pages[0]


def test_ids_are_masked_and_names_are_whole(db, day):
    line = distributions.lines(db, day.id)[0]
    text = "".join(text_of(signoff_sheet.render(signoff_sheet.sheet_view(db, day.id))))
    assert line.id_number not in text
    assert re.search(re.escape(line.id_number[:4]) + r"\*{10}" + re.escape(line.id_number[-4:]), text)
    assert line.name in text
    masked = "".join(text_of(signoff_sheet.render(signoff_sheet.sheet_view(db, day.id, mask_names=True))))
    assert line.name not in masked


def test_marks_and_reversals_on_the_sheet(db, admin, day):
    lines = distributions.lines(db, day.id)
    distributions.mark_line(db, admin, lines[0].id, "proxy", proxy_name="王建国", proxy_note="委托书已留存")
    distributions.mark_line(db, admin, lines[1].id, "not_collected")
    distributions.reverse_line(db, admin, lines[2].id, "重复登记")
    v = signoff_sheet.sheet_view(db, day.id)
    assert len(v.rows) == 646 and lines[2].name not in {r.name for r in v.rows}
    pages = text_of(signoff_sheet.render(v))
    assert "代领：王建国（委托书已留存）" in pages[0] and "未领取，不计入合计" in pages[0]
    assert "合计：645 人，金额 ¥322,500.00" in pages[-1]


def test_draft_sheet_is_stamped(db, admin):
    add_people(db, admin, [Person(n, born(85, ON), ["高龄老人"]) for n in names("老", 3)])
    fund = funds.create_fund(db, admin, "敬老基金", "named", 0)
    p = programmes.create_programme(db, admin, ProgrammeInput("敬老", fund.id, amount_fen=100_00))
    d = distributions.create_draft(db, admin, p.id, ON, today=TODAY)
    v = signoff_sheet.sheet_view(db, d.id)
    assert v.draft and len(v.rows) == 3
    text = text_of(signoff_sheet.render(v))[0]
    assert "敬老发放签收表（草稿）" in text and "草稿 未确认" in text


def test_goods_sheet(db, admin):
    add_people(db, admin, [Person(n, born(50, ON), ["低保户"]) for n in names("户", 4)])
    fund = funds.create_fund(db, admin, "物资基金", "named", 1_000_00)
    p = programmes.create_programme(db, admin, ProgrammeInput("米面油", fund.id, kind="goods",
                                                              goods="大米 10 公斤、食用油 1 桶", amount_fen=120_00))
    d, _ = distributions.distribute(db, admin, p.id, ON, today=TODAY)
    assert funds.get_fund(db, fund.id).balance_fen == 1_000_00 - 480_00
    text = text_of(signoff_sheet.render(signoff_sheet.sheet_view(db, d.id)))[0]
    assert "发放物资" in text and "大米 10 公斤、食用油 1 桶" in text and "合计：4 人，价值 ¥480.00" in text


def test_write_sheet_to_a_file(db, day, tmp_path):
    folder = tmp_path / "U盘"
    out = signoff_sheet.write_sheet(db, day.id, folder / "签收表.pdf")
    assert (out.lines, out.people, out.total_fen) == (647, 647, 323_500_00)
    data = (folder / "签收表.pdf").read_bytes()
    assert data.startswith(b"%PDF") and not_embedded(data) == []
    assert [p.name for p in folder.iterdir()] == ["签收表.pdf"]  # no temporary file left


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed")
def test_pdffonts_agrees(db, day, tmp_path):
    path = tmp_path / "sheet.pdf"
    signoff_sheet.write_sheet(db, day.id, path)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows and all(" yes yes " in r for r in rows), out
    assert "Helvetica" not in out
