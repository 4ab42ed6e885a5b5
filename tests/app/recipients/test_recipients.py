"""The register: ID numbers, duplicates, closing and the audit of changes."""

import datetime as dt

import pytest

from app.errors import Conflict, InputError, PermissionDenied
from app.recipients import recipients
from app.recipients.recipients import RecipientInput
from app.rules.idcard import IdNumberError, check_char

TODAY = dt.date(2026, 11, 22)


def idn(birth="19400315", seq="123", region="370303"):
    body = region + birth + seq
    return body + check_char(body)


def test_recipient_fields_from_id(db, volunteer):
    p = recipients.add_recipient(db, volunteer, RecipientInput(
        " 王 秀英 ", " " + idn("19400315", "124").lower(), phone="13812345678",
        categories=["高龄老人", "低保户", "新类别"]), today=TODAY)
    assert p.name == "王秀英"
    assert p.sex == "女" and p.birth_date == "1940-03-15"
    assert p.categories == ("高龄老人", "低保户", "新类别")
    assert "新类别" in recipients.list_categories(db)


def test_duplicate_id_refused_and_nothing_written(db, volunteer):
    n = idn()
    recipients.add_recipient(db, volunteer, RecipientInput("王秀英", n))
    with pytest.raises(Conflict) as e:
        recipients.add_recipient(db, volunteer, RecipientInput("王秀英", n))
    assert "王秀英" in e.value.message
    assert db.scalar("SELECT count(*) FROM recipients") == 1


def test_bad_id_refused_with_reason(db, volunteer):
    with pytest.raises(IdNumberError) as e:
        recipients.add_recipient(db, volunteer, RecipientInput("王秀英", "370303194003151230"))
    assert e.value.reason == "bad_check"
    assert db.scalar("SELECT count(*) FROM recipients") == 0


def test_sex_contradicting_id_refused(db, volunteer):
    with pytest.raises(InputError) as e:
        recipients.add_recipient(db, volunteer, RecipientInput("王秀英", idn(seq="123"), sex="女"))
    assert e.value.reason == "sex_mismatch"


def test_close_and_reopen_keep_history(db, admin, volunteer):
    p = recipients.add_recipient(db, volunteer, RecipientInput("王秀英", idn()))
    closed = recipients.close_recipient(db, volunteer, p.id, "去世", dt.date(2026, 10, 1))
    assert (closed.status, closed.closed_on) == ("deceased", "2026-10-01")
    with pytest.raises(PermissionDenied):
        recipients.reopen_recipient(db, volunteer, p.id)
    assert recipients.reopen_recipient(db, admin, p.id).status == "active"
    from app import audit

    assert [e["action"] for e in audit.history(db, p.id)] == ["create", "close", "reopen"]


def test_update_recipient_audited(db, volunteer):
    p = recipients.add_recipient(db, volunteer, RecipientInput("王秀英", idn(), village="东风村"))
    u = recipients.update_recipient(db, volunteer, p.id, RecipientInput("王秀英", idn(), village="西河村"))
    assert u.village == "西河村"
    from app import audit

    last = audit.history(db, p.id)[-1]
    assert last["before"]["village"] == "东风村" and last["after"]["village"] == "西河村"
