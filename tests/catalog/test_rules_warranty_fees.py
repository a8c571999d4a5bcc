"""warranty_minimum and extra_fees_declared."""

from __future__ import annotations

import pytest

from tests.catalog.factories import make_category
from tests.catalog.test_rules_support import (
    candidate,
    check_one,
    desktop_category,
    ruleset_with,
)

pytestmark = pytest.mark.django_db


# -- warranty_minimum ------------------------------------------------------------------------
def test_warranty_minimum_pass_at_the_category_minimum():
    result = check_one("warranty_minimum", candidate(desktop_category(), warranty_months=12))
    assert result.status == "pass"
    assert result.details == {"required": 12, "warranty": 12}


def test_warranty_minimum_fail_below_the_category_minimum():
    result = check_one("warranty_minimum", candidate(desktop_category(), warranty_months=6))
    assert result.status == "fail"
    assert result.message_zh == "质保期须不少于 12 个月（现为 6 个月）"
    assert result.message_en == "The warranty must be at least 12 months (it is 6)"


def test_warranty_minimum_global_floor_param():
    ruleset = ruleset_with(warranty_minimum={"params": {"floor_months": 24}})
    leaf = make_category(min_warranty_months=0)
    result = check_one(
        "warranty_minimum", candidate(leaf, warranty_months=12, attributes={}), ruleset
    )
    assert result.status == "fail"
    assert result.details == {"required": 24, "warranty": 12}


def test_warranty_minimum_zero_is_fine_where_nothing_is_required():
    leaf = make_category(min_warranty_months=0)
    cand = candidate(leaf, warranty_months=0, attributes={})
    assert check_one("warranty_minimum", cand).status == "pass"


# -- extra_fees_declared ---------------------------------------------------------------------
def test_extra_fees_pass_with_no_extra_fees_declared():
    assert check_one("extra_fees_declared", candidate(desktop_category())).status == "pass"


def test_extra_fees_pass_with_listed_fees_even_when_the_text_mentions_them():
    cand = candidate(
        desktop_category(),
        no_extra_fees=False,
        extra_fees=[{"name": "上门安装费", "amount": "50.00"}],
        description="安装费 50 元另收。",
    )
    assert check_one("extra_fees_declared", cand).status == "pass"


def test_extra_fees_fail_when_nothing_is_declared():
    cand = candidate(desktop_category(), no_extra_fees=False, extra_fees=[])
    result = check_one("extra_fees_declared", cand)
    assert result.status == "fail"
    assert result.details["problems"] == ["undeclared"]
    assert result.message_zh == "额外费用须事先声明：须列出额外费用或声明无额外费用"


@pytest.mark.parametrize(
    "fee", [{"name": "运费", "amount": "0"}, {"name": "", "amount": "5"}, {"name": "运费"}]
)
def test_extra_fees_fail_on_a_bad_fee(fee):
    cand = candidate(desktop_category(), no_extra_fees=False, extra_fees=[fee])
    result = check_one("extra_fees_declared", cand)
    assert result.status == "fail"
    assert result.details["problems"] == ["invalid_fee"]


def test_extra_fees_fail_when_contradictory():
    cand = candidate(
        desktop_category(), no_extra_fees=True, extra_fees=[{"name": "运费", "amount": "10"}]
    )
    result = check_one("extra_fees_declared", cand)
    assert result.details["problems"] == ["contradictory"]


def test_extra_fees_fail_when_the_description_mentions_undeclared_fees():
    cand = candidate(desktop_category(), description="偏远地区运费另收，安装需加收 80 元。")
    result = check_one("extra_fees_declared", cand)
    assert result.status == "fail"
    assert result.details["found"] == ["运费", "另收", "加收"]
    assert result.message_en == (
        "Extra fees must be declared up front: the text mentions fees (运费, 另收, 加收) "
        "but none is listed"
    )


def test_extra_fees_fee_words_are_a_param():
    ruleset = ruleset_with(extra_fees_declared={"params": {"fee_words": ["手续费"]}})
    cand = candidate(desktop_category(), description="运费另收")
    assert check_one("extra_fees_declared", cand, ruleset).status == "pass"
