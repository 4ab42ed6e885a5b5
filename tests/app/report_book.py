"""The small station year the report tests export (tests/app/test_reports*.py).

Persons, an enterprise and the anonymous give to three funds; one gift is
voided; one aid day (春节慰问) pays three people, one line is reversed and one
is collected by a proxy. `build_book` takes any initialised database and an
operator, so a module-scoped fixture can build it once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.donations import donations, donors
from app.donations.donations import DonationInput, GoodsLine
from app.funds import funds
from app.programmes import distributions, programmes
from app.programmes.programmes import ProgrammeInput
from app.recipients import recipients
from app.recipients.recipients import RecipientInput
from app.rules.idcard import check_char

TODAY = dt.date(2024, 12, 31)


def idn(birth: str, seq: str = "122", region: str = "370303") -> str:
    body = region + birth + seq
    return body + check_char(body)


def build_book(db: Any, admin: Any) -> dict[str, Any]:
    """A small station year: persons, an enterprise, the anonymous; a voided gift; one aid day."""
    general = funds.default_fund(db)
    named = funds.create_fund(db, admin, "东风村冠名基金", "named", 1_000_00)
    directed = funds.create_fund(db, admin, "助学定向基金", "directed", 0)
    zhang = donors.create_donor(db, admin, "person", "张三明", phone="13812345678")
    wang = donors.create_donor(db, admin, "person", "王五")
    anon = donors.anonymous_donor(db, admin)
    firm = donors.create_donor(db, admin, "enterprise", "东风农资有限公司")
    people = [recipients.add_recipient(db, admin, p) for p in (
        RecipientInput(name="李四海", id_number=idn("19440510", "124"), village="东风村"),
        RecipientInput(name="赵六", id_number=idn("19500301", "131"), village="前进村"),
        RecipientInput(name="欧阳娜娜", id_number=idn("19380708", "142"), village="红星村"),
    )]

    def give(donor, on, fen=0, fund=None, method="cash", goods=(), recipient=None, purpose=""):
        return donations.record_donation(db, admin, DonationInput(
            donor.id, on, amount_fen=fen, method=None if goods else method, goods=list(goods),
            fund_id=fund.id if fund else None, recipient_id=recipient, purpose=purpose), today=TODAY)

    gifts = {
        "zhang": give(zhang, dt.date(2024, 1, 10), 1_000_00, general),
        "wang": give(wang, dt.date(2024, 2, 15), 200_50, named, "wechat"),
        "void": give(wang, dt.date(2024, 2, 20), 500_00, general),
        "anon": give(anon, dt.date(2024, 3, 1), 50_00, general),
        "goods": give(firm, dt.date(2024, 3, 5), goods=[GoodsLine("大米", "20", "袋")]),
        "school": give(zhang, dt.date(2024, 4, 1), 300_00, directed, "bank", recipient=people[2].id,
                       purpose="资助欧阳娜娜上学"),
    }
    donations.void_donation(db, admin, gifts["void"].id, "金额录错")
    prog = programmes.create_programme(db, admin, ProgrammeInput("春节慰问", named.id, amount_fen=100_00))
    d, _ = distributions.distribute(db, admin, prog.id, dt.date(2024, 3, 10), today=TODAY)
    lines = {ln.name: ln for ln in distributions.lines(db, d.id)}
    distributions.reverse_line(db, admin, lines["赵六"].id, "重复发放")
    distributions.mark_line(db, admin, lines["欧阳娜娜"].id, "proxy", proxy_name="欧阳大山",
                            proxy_note="委托书已留存")
    return {"funds": (general, named, directed), "gifts": gifts, "people": people, "distribution": d,
            "donors": (zhang, wang, anon, firm)}
