"""Pledges (认捐 / 结对): Cangshan's 26 households at 10,000 yuan, 19 paid in; what counts toward a
pledge and what does not; overdue."""

import datetime as dt

from aid_population import Person, add_people, born

from app.donations import donations, donors
from app.donations.donations import DonationInput
from app.funds import payments
from app.station import accounts
from app.wishes import pledges

SYS = accounts.SYSTEM
TODAY = dt.date.today()


def test_cangshan_26_households_19_paid_in(db):
    heads = add_people(db, SYS, [Person(f"户主{i:02d}", born(50, TODAY), [], household=f"h{i}") for i in range(26)])
    for rid in heads:
        pledges.add_pledge(db, SYS, "苍山建设集团有限公司", 1_000_000, recipient_id=rid,
                           due_on=TODAY - dt.timedelta(days=1))
    company = db.scalar("SELECT id FROM donors WHERE name = '苍山建设集团有限公司'")
    assert db.scalar("SELECT count(*) FROM donors") == 1  # one donor made by the first pledge, found by the rest
    for rid in heads[:19]:
        donations.record_donation(db, SYS, DonationInput(company, TODAY, amount_fen=1_000_000, recipient_id=rid))
    items = pledges.list_pledges(db)
    s = pledges.summary(items, TODAY)
    assert s == {"pledges": 26, "promised_fen": 26_000_000, "received_fen": 19_000_000, "paid_fen": 0,
                 "fully_received": 19, "overdue": 7}


def test_only_the_donors_gifts_for_that_household_count(db):
    father, son, other = add_people(db, SYS, [Person("王大山", born(45, TODAY), [], household="a"),
                                              Person("王小刚", born(12, TODAY), [], household="a"),
                                              Person("李四", born(40, TODAY), [], household="b")])
    p = pledges.add_pledge(db, SYS, "刘老师", 300_000, recipient_id=father)
    stranger = donors.create_donor(db, SYS, "person", "张三")
    gift = donations.record_donation(db, SYS, DonationInput(p.donor_id, TODAY, amount_fen=200_000, recipient_id=son))
    donations.record_donation(db, SYS, DonationInput(p.donor_id, TODAY, amount_fen=50_000, recipient_id=other))
    donations.record_donation(db, SYS, DonationInput(stranger.id, TODAY, amount_fen=70_000, recipient_id=father))
    payments.pay(db, SYS, son, 120_000, donation_id=gift.id)
    got = pledges.get_pledge(db, p.id)
    assert (got.received_fen, got.paid_fen, got.outstanding_fen) == (200_000, 120_000, 100_000)
    donations.void_donation(db, SYS, donations.record_donation(
        db, SYS, DonationInput(p.donor_id, TODAY, amount_fen=100_000, recipient_id=father)).id, "录错了")
    assert pledges.get_pledge(db, p.id).received_fen == 200_000  # a voided gift does not count
