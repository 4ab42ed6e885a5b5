"""首页提醒: each reminder appears when its condition holds, names its page, and is gone when it does not."""

import datetime as dt

import pytest
from aid_population import Person, add_people, born

from app.cli import main
from app.db import Database
from app.donations import donations, donors, receipts
from app.reports import reminders
from app.safety import backup
from app.station import accounts
from app.wishes import pledges, wishes

TODAY = dt.date(2026, 12, 6)
NOW = dt.datetime(2026, 12, 6, 9, 0)
SYS = accounts.SYSTEM


@pytest.fixture
def db(tmp_path, capsys):
    path = tmp_path / "t.db"
    assert main(["--db", str(path), "init", "--station-code", "ST01", "--station-name", "东风村慈善工作站",
                 "--json"]) == 0
    capsys.readouterr()
    d = Database.open(path)
    yield d
    d.close()


def kinds(db, **kw):
    return {r.kind: r for r in reminders.reminders(db, today=TODAY, now=NOW, **kw)}


def test_birthdays_and_children_turning_18(db):
    add_people(db, SYS, [Person("李大爷", dt.date(1946, 12, 20), []), Person("王奶奶", dt.date(1946, 11, 2), []),
                         Person("张小明", dt.date(2008, 3, 1), ["困境儿童"]), Person("赵小华", born(10, TODAY), [])])
    found = kinds(db)
    assert found["birthday"].count == 1 and "满 80 岁" in found["birthday"].text
    assert found["birthday"].page == "recipients"
    assert found["adult"].count == 1 and found["adult"].page == "recipients"


def test_old_wishes_late_claims_and_overdue_pledges(db):
    (child,) = add_people(db, SYS, [Person("张小明", born(9, TODAY), ["困境儿童"])])
    old = wishes.add_wish(db, SYS, child, "一个书包", 12000, today=TODAY - dt.timedelta(days=30))
    wishes.publish(db, SYS, old.id, today=TODAY - dt.timedelta(days=20))
    late = wishes.add_wish(db, SYS, child, "一双鞋", 10000, today=TODAY - dt.timedelta(days=12))
    wishes.publish(db, SYS, late.id, today=TODAY - dt.timedelta(days=12))
    wishes.claim(db, SYS, late.id, "刘老师", today=TODAY - dt.timedelta(days=10))
    pledges.add_pledge(db, SYS, "东风米业有限公司", 1_000_000, recipient_id=child, due_on=TODAY - dt.timedelta(days=1))
    found = kinds(db)
    assert found["wish_open"].count == 1 and found["wish_open"].page == "wishes"
    assert found["claim_overdue"].count == 1
    assert found["pledge_overdue"].count == 1 and "10,000.00" in found["pledge_overdue"].text
    wishes.unclaim(db, SYS, late.id, "联系不上", today=TODAY)
    assert "claim_overdue" not in kinds(db)


def test_low_funds_unprinted_receipts_and_old_backups(db, tmp_path):
    donor = donors.create_donor(db, SYS, "person", "张三").id
    found = kinds(db)
    assert found["fund_low"].page == "funds" and found["backup"].text == "还没有备份过数据"
    gift = donations.record_donation(db, SYS, donations.DonationInput(donor, TODAY, amount_fen=500_000), today=TODAY)
    found = kinds(db)
    assert "fund_low" not in found and found["unprinted"].count == 1 and found["unprinted"].page == "donations"
    receipts.record_print(db, SYS, receipts.receipt_for_donation(db, gift.id).number)
    backup.take(db, backup.folder_for(db.path))
    found = kinds(db)
    assert "unprinted" not in found and "backup" not in found
    found = {r.kind: r for r in reminders.reminders(db, today=TODAY, now=dt.datetime.now() + dt.timedelta(days=9))}
    assert found["backup"].page == "backups" and "天前" in found["backup"].text


def test_a_programmes_age_and_its_unmet_budget(db):
    from app.funds import funds
    from app.programmes import programmes

    add_people(db, SYS, [Person("孙大娘", dt.date(1956, 12, 3), [])])  # 70 this month
    assert "birthday" not in kinds(db)
    fund = funds.default_fund(db).id
    programmes.create_programme(db, SYS, programmes.ProgrammeInput(
        "七十岁老人慰问", fund, amount_fen=20_000, budget_fen=800_000, rules=programmes.Rules(min_age=70)))
    found = kinds(db)
    assert "满 70 岁的受助对象 1 人" in found["birthday"].text
    assert found["fund_short"].page == "funds" and "8,000.00" in found["fund_short"].text
