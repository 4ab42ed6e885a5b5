import pytest

from app.rules.masking import ANONYMOUS, mask_donor, mask_id, mask_name, mask_phone


@pytest.mark.parametrize("name, masked", [
    ("张三明", "张*明"), ("王五", "王*"), ("欧阳娜娜", "欧**娜"), ("买买提·艾力", "买**·*力"),
    ("李", "李*"), (" 张三明 ", "张*明"), ("匿名", ANONYMOUS), ("", ANONYMOUS),
    ("匿名爱心人士", "匿名爱心人士"), ("John Smith", "J*** S****"),
])
def test_names_are_masked_as_notices_print_them(name, masked):
    assert mask_name(name) == masked


def test_donors_persons_masked_organisations_not():
    assert mask_donor("张三明", "person") == "张*明"
    assert mask_donor("红星食品厂", "enterprise") == "红星食品厂"
    assert mask_donor("谁都行", "anonymous") == "匿名爱心人士"


def test_phone_and_id():
    assert mask_phone("138 1234 5678") == "138****5678"
    assert mask_phone("0533-1234567") == "*******4567"
    assert mask_id("370303194003151234") == "3703**********1234"
