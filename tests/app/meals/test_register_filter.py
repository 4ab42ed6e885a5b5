"""The register shows who eats at a canteen and who has reached the scheme's age but is not enrolled."""

import datetime as dt

from aid_population import Person, add_people, born
from meal_month import set_up

from app.meals import enrolments, scheme
from app.recipients import search
from app.recipients.search import Filters


def test_enrolled_and_of_age_not_enrolled(db, admin):
    ids = set_up(db, admin)
    today = dt.date.today()
    add_people(db, admin, [Person("新来的", born(77, today), []), Person("还年轻", born(40, today), [])])
    age = enrolments.scheme_age(db)
    assert age is not None
    enrolled = search.count(db, "", Filters(meals="enrolled"))
    assert enrolled == len(enrolments.at_canteen(db, scheme.find_canteen(db, "东风长者食堂").id)) > 0
    waiting = Filters(meals="of_age_not_enrolled", meals_age=age)
    names = {r["name"] for r in search.fetch_rows(db, search.search_ids(db, "", waiting)).values()}
    assert "新来的" in names and "还年轻" not in names
    assert not names & {n for n in ids}  # the enrolled are not listed as waiting
    assert search.count(db, "", waiting) == len(enrolments.not_enrolled_of_age(db))
