"""Receipt numbers auditors can trust: no gaps, no reuse, voids keep numbers, prints counted."""

import datetime as dt
import sqlite3
import threading

import pytest
from openpyxl import load_workbook

from app import audit
from app.db import Database
from app.donations import donations, donors, receipts
from app.donations.donations import DonationInput, GoodsLine
from app.errors import Conflict, InputError, NotFound, PermissionDenied
from app.reports import receipt_report
from app.station import accounts

TODAY = dt.date(2026, 11, 22)


def give(db, actor, fen=10000, on=dt.date(2026, 3, 5), donor=None, **kw):
    donor = donor or donors.create_donor(db, actor, "person", "张三明")
    d = donations.record_donation(db, actor, DonationInput(donor.id, on, amount_fen=fen, **kw),
                                  today=TODAY)
    return d, receipts.receipt_for_donation(db, d.id)


def seqs(db, year=2026):
    return [r[0] for r in db.query("SELECT seq FROM receipts WHERE year = ? ORDER BY seq", (year,))]


# ---------- issuing ----------
def test_each_donation_gets_the_next_number_in_its_year(db, volunteer):
    _, a = give(db, volunteer)
    _, b = give(db, volunteer, on=dt.date(2026, 11, 1))
    _, c = give(db, volunteer, on=dt.date(2025, 12, 30))
    assert (a.number, b.number) == ("ST01-2026-000001", "ST01-2026-000002")
    assert c.number == "ST01-2025-000001"  # the gift's year: the year's series matches its books
    assert a.status == "issued" and a.print_count == 0 and a.origin == "desk"
    assert a.issued_by == volunteer.id
    assert db.scalar("SELECT last_seq FROM receipt_counters WHERE year = 2026") == 2
    assert [h["action"] for h in audit.history(db, a.id)] == ["issue"]


def test_goods_donation_is_receipted_too(db, volunteer):
    donor = donors.create_donor(db, volunteer, "person", "李四")
    d = donations.record_donation(db, volunteer, DonationInput(
        donor.id, dt.date(2026, 1, 2), method=None, goods=[GoodsLine("大米", 10, "袋", 5000)]),
        today=TODAY)
    assert receipts.receipt_for_donation(db, d.id).number == "ST01-2026-000001"


def test_a_failed_save_takes_no_number(db, volunteer):
    donor = donors.create_donor(db, volunteer, "person", "张三明")
    with pytest.raises(RuntimeError), db.transaction():
        give(db, volunteer, donor=donor)
        raise RuntimeError("power cut before commit")
    with pytest.raises(InputError):
        give(db, volunteer, fen=0, donor=donor)
    _, r = give(db, volunteer, donor=donor)
    assert r.number == "ST01-2026-000001"
    assert db.scalar("SELECT count(*) FROM donations") == 1


def test_number_typed_loosely_is_found(db, volunteer):
    _, r = give(db, volunteer)
    for typed in ("st01-2026-1", " ST01－2026－000001 ", "ＳＴ01-2026-0001"):
        assert receipts.find_receipt(db, typed).id == r.id
    with pytest.raises(InputError):
        receipts.find_receipt(db, "2026-1")
    with pytest.raises(NotFound):
        receipts.find_receipt(db, "ST01-2026-999")


# ---------- concurrency ----------
def test_concurrent_saves_and_voids_leave_no_gap_and_no_reuse(db, admin):
    donor = donors.create_donor(db, admin, "person", "张三明")
    path = db.path
    errors: list[BaseException] = []
    per_thread, savers = 15, 4
    start = threading.Barrier(savers + 1)

    def saver():
        conn = Database.open(path)
        try:
            start.wait()
            for _ in range(per_thread):
                donations.record_donation(conn, admin, DonationInput(donor.id, dt.date(2026, 5, 1),
                                                                     amount_fen=500), today=TODAY)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            conn.close()

    def voider():
        conn = Database.open(path)
        try:
            start.wait()
            done = 0
            while done < 10:
                row = conn.one("SELECT number FROM receipts WHERE status = 'issued'"
                               " ORDER BY random() LIMIT 1")
                if row is None:
                    continue
                try:
                    receipts.replace_receipt(conn, admin, row[0], "写错了，重开")
                    done += 1
                except Conflict:
                    pass  # voided by nobody else; kept for safety
        except BaseException as exc:
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=saver) for _ in range(savers)] + [threading.Thread(target=voider)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    total = savers * per_thread + 10
    assert seqs(db) == list(range(1, total + 1))  # no gap, no number twice
    assert db.scalar("SELECT count(DISTINCT number) FROM receipts") == total
    assert db.scalar("SELECT last_seq FROM receipt_counters WHERE year = 2026") == total
    assert db.scalar("SELECT count(*) FROM receipts WHERE status = 'voided'") == 10
    # every donation has exactly one valid receipt
    assert db.scalar("SELECT count(*) FROM donations d WHERE (SELECT count(*) FROM receipts r"
                     " WHERE r.donation_id = d.id AND r.status = 'issued') != 1") == 0
    assert receipt_report.build(db, 2026).missing == []
    assert audit.verify(db).ok


# ---------- voiding ----------
def test_void_needs_admin_and_reason_and_keeps_the_number(db, admin, volunteer):
    d, r = give(db, volunteer)
    with pytest.raises(PermissionDenied):
        receipts.void_receipt(db, volunteer, r.number, "写错了")
    with pytest.raises(InputError) as e:
        receipts.void_receipt(db, admin, r.number, "  ")
    assert e.value.reason == "empty_reason"
    v = receipts.void_receipt(db, admin, r.number, "捐赠人姓名写错")
    assert (v.number, v.status, v.void_reason, v.voided_by) == (r.number, "voided", "捐赠人姓名写错", admin.id)
    with pytest.raises(Conflict):
        receipts.void_receipt(db, admin, r.number, "again")
    assert receipts.receipt_for_donation(db, d.id) is None
    assert donations.get_donation(db, d.id).status == "active"  # only the receipt is void


def test_reissue_after_void_takes_a_new_number(db, admin, volunteer):
    d, r = give(db, volunteer)
    give(db, volunteer)  # 000002
    with pytest.raises(Conflict) as e:
        receipts.issue_receipt(db, volunteer, d.id)
    assert e.value.reason == "already_receipted"
    receipts.void_receipt(db, admin, r.number, "金额写错")
    new = receipts.issue_receipt(db, volunteer, d.id)
    assert new.number == "ST01-2026-000003" and new.replaces_id == r.id
    assert [x.number for x in receipts.receipts_for_donation(db, d.id)] == [r.number, new.number]


def test_replace_receipt_voids_and_reissues_at_once(db, admin, volunteer):
    d, r = give(db, volunteer)
    new = receipts.replace_receipt(db, admin, r.number, "打印错位")
    assert new.number == "ST01-2026-000002"
    assert receipts.get_receipt(db, r.id).status == "voided"
    with pytest.raises(PermissionDenied):
        receipts.replace_receipt(db, volunteer, new.number, "再来")


def test_voiding_the_donation_voids_its_receipt(db, admin, volunteer):
    d, r = give(db, volunteer)
    donations.void_donation(db, admin, d.id, "重复登记")
    v = receipts.get_receipt(db, r.id)
    assert v.status == "voided" and v.void_reason == "重复登记"
    with pytest.raises(Conflict) as e:
        receipts.issue_receipt(db, admin, d.id)
    assert e.value.reason == "donation_voided"


# ---------- printing and official numbers ----------
def test_prints_are_counted_first_original_then_copies(db, volunteer, admin):
    _, r = give(db, volunteer)
    assert receipts.record_print(db, volunteer, r.number).print_count == 1
    again = receipts.record_print(db, volunteer, r.number)
    assert again.print_count == 2 and again.last_printed_at
    assert [h["action"] for h in audit.history(db, r.id)] == ["issue", "print", "reprint"]
    receipts.void_receipt(db, admin, r.number, "作废")
    with pytest.raises(Conflict):
        receipts.record_print(db, volunteer, r.number)


def test_official_number_recorded_and_changed_only_by_admin(db, volunteer, admin):
    _, r = give(db, volunteer)
    got = receipts.set_official_number(db, volunteer, r.number, " 鲁财0012345 ")
    assert got.official_number == "鲁财0012345"
    with pytest.raises(PermissionDenied):
        receipts.set_official_number(db, volunteer, r.number, "鲁财0099999")
    assert receipts.set_official_number(db, admin, r.number, "鲁财0099999").official_number == "鲁财0099999"


# ---------- what a receipt says is fixed ----------
def test_editing_a_receipted_donation_is_refused(db, admin, volunteer):
    d, r = give(db, volunteer)
    other = donors.create_donor(db, volunteer, "person", "王五")
    for change in ({"amount_fen": 20000}, {"donor_id": other.id}, {"donated_on": dt.date(2026, 3, 6)},
                   {"purpose": "助学"}):
        with pytest.raises(Conflict) as e:
            donations.update_donation(db, admin, d.id, today=TODAY, **change)
        assert e.value.reason == "receipted" and r.number in e.value.message
    assert donations.update_donation(db, volunteer, d.id, note="现金已入账").note == "现金已入账"
    receipts.void_receipt(db, admin, r.number, "作废")
    with pytest.raises(Conflict):  # a voided receipt still fixes what it said
        donations.update_donation(db, admin, d.id, amount_fen=20000)
    assert donations.get_donation(db, d.id).amount_fen == 10000


def test_database_itself_refuses_changes_behind_the_programs_back(db, volunteer):
    donor = donors.create_donor(db, volunteer, "person", "李四")
    d = donations.record_donation(db, volunteer, DonationInput(
        donor.id, dt.date(2026, 1, 2), method=None, goods=[GoodsLine("大米", 10, "袋", 5000)]),
        today=TODAY)
    r = receipts.receipt_for_donation(db, d.id)
    other = donors.create_donor(db, volunteer, "person", "王五")
    for sql in (
        "UPDATE donations SET amount_fen = 1 WHERE id = :d",
        "UPDATE donations SET donor_id = :o WHERE id = :d",
        "UPDATE donations SET purpose = '改' WHERE id = :d",
        "UPDATE goods_lines SET value_fen = 1 WHERE donation_id = :d",
        "DELETE FROM goods_lines WHERE donation_id = :d",
        "INSERT INTO goods_lines(id, donation_id, line_no, item, quantity) VALUES ('x', :d, 9, '油', '1')",
        "DELETE FROM receipts WHERE id = :r",
        "UPDATE receipts SET number = 'ST01-2026-000009' WHERE id = :r",
        "UPDATE receipts SET seq = 9 WHERE id = :r",
        "UPDATE receipt_counters SET last_seq = 0",
        "DELETE FROM receipt_counters",
    ):
        with pytest.raises(sqlite3.DatabaseError):
            with db.transaction() as c:
                c.execute(sql, {"d": d.id, "r": r.id, "o": other.id})
    with db.transaction() as c:
        c.execute("UPDATE receipts SET status='voided', voided_at='x' WHERE id = ?", (r.id,))
    with pytest.raises(sqlite3.DatabaseError), db.transaction() as c:
        c.execute("UPDATE receipts SET status='issued', voided_at=NULL WHERE id = ?", (r.id,))


# ---------- the yearly report ----------
def _mixed_year(db, admin, volunteer):
    donor = donors.create_donor(db, volunteer, "person", "张三明")
    made = [give(db, volunteer, fen=100 * (i + 1), on=dt.date(2026, 1, 1 + i), donor=donor)
            for i in range(6)]
    (d1, r1), (d2, r2), (d3, r3), (d4, r4), (d5, r5), (d6, r6) = made
    receipts.record_print(db, volunteer, r1.number)  # printed
    for _ in range(3):
        receipts.record_print(db, volunteer, r2.number)  # reprinted twice
    new3 = receipts.replace_receipt(db, admin, r3.number, "金额写错")  # voided, re-issued as 000007
    donations.void_donation(db, admin, d4.id, "重复登记")  # donation and receipt voided
    receipts.void_receipt(db, admin, r5.number, "打印错位")  # awaiting a new receipt
    return made, new3


def test_report_accounts_for_every_number(db, admin, volunteer):
    made, new3 = _mixed_year(db, admin, volunteer)
    rep = receipt_report.build(db, 2026)
    assert [r.seq for r in rep.rows] == list(range(1, 8))
    by = {r.number: r for r in rep.rows}
    n = [r.number for _, r in made]
    assert by[n[0]].explanation == "已打印"
    assert by[n[1]].explanation == "已打印，补打 2 次" and by[n[1]].print_count == 3
    assert by[n[2]].status == "voided" and f"已重开为 {new3.number}" in by[n[2]].explanation
    assert by[new3.number].replaces == n[2] and "重开" in by[new3.number].explanation
    assert "捐赠已作废" in by[n[3]].explanation
    assert "待重开" in by[n[4]].explanation
    assert by[n[5]].explanation == "未打印"
    s = rep.summary()
    assert (s["numbers"], s["valid"], s["voided"], s["reprinted"], s["never_printed"], s["missing"]) == \
        (7, 4, 3, 1, 2, 0)
    assert s["complete"] is True
    assert [u["reason"] for u in rep.unreceipted] == ["收据已作废，待重开"]
    assert receipt_report.build(db, 2025).rows == []


def test_report_flags_a_number_nobody_can_account_for(db, volunteer):
    give(db, volunteer)
    with db.transaction() as c:  # a number taken and lost (what the design prevents)
        c.execute("UPDATE receipt_counters SET last_seq = last_seq + 1")
    give(db, volunteer)
    rep = receipt_report.build(db, 2026)
    assert rep.missing == ["ST01-2026-000002"]
    assert rep.rows[1].status == "missing" and "未解释" in rep.rows[1].explanation
    assert rep.summary()["complete"] is False


def test_report_xlsx_one_header_row_one_row_per_number(db, admin, volunteer, tmp_path):
    _mixed_year(db, admin, volunteer)
    rep = receipt_report.build(db, 2026)
    path = receipt_report.write_xlsx(rep, tmp_path / "out" / "收据2026.xlsx")
    wb = load_workbook(path, read_only=True)
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("收据编号", "状态", "说明")
    assert [r[0] for r in rows[1:-1]] == [f"ST01-2026-{i:06d}" for i in range(1, 8)]
    assert rows[-1][0] == "合计"
    amount_col = rows[0].index("金额（元）")
    assert rows[1][amount_col] == 1 and rows[2][amount_col] == 2  # numbers, in yuan
    assert {r[1] for r in rows[1:-1]} == {"有效", "作废"}
    assert wb.sheetnames[1:] == ["汇总", "未开收据的捐赠", "说明"]
    summary = dict(wb["汇总"].iter_rows(values_only=True))
    assert summary["有效"] == rep.summary()["valid"]  # a number
    assert summary["有效收据金额合计（元）"] == rep.summary()["valid_amount_fen"] / 100  # a number too
    wb.close()
    full = load_workbook(path)
    assert full.worksheets[0].freeze_panes == "B2"  # the receipt number stays in view
    cell = next(r[1] for r in full["汇总"].iter_rows() if r[0].value == "有效收据金额合计（元）")
    assert cell.number_format == "#,##0.00"
    about = [r[0].value for r in full["说明"].iter_rows()]
    assert "其他工作表" in about
    texts = " ".join(str(r[1].value) for r in full["说明"].iter_rows())
    assert "汇总：第 1 行是表头，以下每行一项" in texts  # 汇总 has no 合计 row; the说明 must not claim one
    assert "未开收据的捐赠：第 1 行是表头，最后一行是合计" in texts
    assert not [p for p in path.parent.iterdir() if p != path]  # no temporary file left


def test_readonly_operator_cannot_print_or_receipt(db, admin, volunteer):
    _, r = give(db, volunteer)
    ro = accounts.create_operator(db, admin, "look", "只读", "readonly", "secret123")
    with pytest.raises(PermissionDenied):
        receipts.record_print(db, ro, r.number)
    with pytest.raises(PermissionDenied):
        receipts.set_official_number(db, ro, r.number, "1")


def test_demo_donations_are_numbered_in_date_order_without_gaps(db, admin):
    from app import demo

    give(db, admin, on=dt.date(2026, 1, 1))  # the demo continues an existing series
    demo.generate(db, admin, 20, 600, seed=3, today=TODAY)
    assert db.scalar("SELECT count(*) FROM donations d WHERE (SELECT count(*) FROM receipts r"
                     " WHERE r.donation_id = d.id AND r.status = 'issued') != 1") == 0
    for year in (2024, 2025, 2026):
        rep = receipt_report.build(db, year)
        assert rep.rows and rep.missing == [] and rep.unreceipted == []
        dates = [r.donated_on for r in rep.rows if r.origin == "demo"]
        assert dates == sorted(dates)
    assert receipts.find_receipt(db, "ST01-2026-000001").origin == "desk"
    assert audit.verify(db).ok
