"""required_fields, category_template and brand_model_in_title."""

from __future__ import annotations

from decimal import Decimal

import pytest

from govmall.catalog.models import Category
from tests.catalog.factories import make_category
from tests.catalog.test_rules_support import (
    candidate,
    check_one,
    desktop_category,
    ruleset_with,
)

pytestmark = pytest.mark.django_db


# -- required_fields -------------------------------------------------------------------------
def test_required_fields_pass():
    result = check_one("required_fields", candidate(desktop_category()))
    assert result.status == "pass"
    assert result.severity == "reject"
    assert result.message_zh == ""


def test_required_fields_fail_lists_every_missing_field_in_both_languages():
    cand = candidate(desktop_category(), manufacturer="  ", after_sales="", brand="")
    result = check_one("required_fields", cand)
    assert result.status == "fail"
    assert result.details["fields"] == ["brand", "manufacturer", "after_sales"]
    assert result.message_zh == "缺少必填项：品牌、制造商、售后服务承诺"
    assert result.message_en == "Required fields missing: brand, manufacturer, after-sales promise"


def test_required_fields_zero_price_is_missing():
    result = check_one("required_fields", candidate(desktop_category(), price=Decimal("0")))
    assert result.details["fields"] == ["price"]


def test_required_fields_list_is_a_param():
    ruleset = ruleset_with(required_fields={"params": {"fields": ["title", "description"]}})
    cand = candidate(desktop_category(), description="", manufacturer="")
    result = check_one("required_fields", cand, ruleset)
    assert result.details["fields"] == ["description"]


# -- category_template -----------------------------------------------------------------------
def test_category_template_pass_with_optional_attributes_absent():
    cand = candidate(desktop_category(), attributes={"cpu": "i7", "memory_gb": 16})
    assert check_one("category_template", cand).status == "pass"


def test_category_template_required_attribute_missing():
    cand = candidate(desktop_category(), attributes={"memory_gb": 16, "wifi": False})
    result = check_one("category_template", cand)
    assert result.status == "fail"
    assert result.details["problems"] == [{"problem": "missing", "key": "cpu"}]
    assert result.message_zh == "不符合品目属性模板：缺少处理器"
    assert result.message_en == (
        "Does not fit the category's attribute template: Processor missing"
    )


def test_category_template_false_boolean_is_a_value():
    leaf = desktop_category(
        attributes=[{"key": "wifi", "kind": "boolean", "required": True, "name_zh": "无线"}]
    )
    cand = candidate(leaf, attributes={"wifi": False})
    assert check_one("category_template", cand).status == "pass"


def test_category_template_choice_and_range():
    cand = candidate(
        desktop_category(), attributes={"cpu": "i5", "memory_gb": 2048, "colour": "红色"}
    )
    result = check_one("category_template", cand)
    assert result.status == "fail"
    problems = result.details["problems"]
    assert {"problem": "choice", "key": "colour", "value": ["红色"]} in problems
    assert {"problem": "above_max", "key": "memory_gb", "max": "1024.0000"} in problems
    assert "颜色“红色”不在可选值内" in result.message_zh
    assert "内存不得大于 1024" in result.message_zh


def test_category_template_below_min():
    cand = candidate(desktop_category(), attributes={"cpu": "i5", "memory_gb": Decimal("0.5")})
    result = check_one("category_template", cand)
    assert result.details["problems"] == [
        {"problem": "below_min", "key": "memory_gb", "min": "1.0000"}
    ]


def test_category_template_inherits_parent_attributes():
    parent = make_category(
        attributes=[{"key": "energy_grade", "kind": "text", "required": True, "name_en": "Grade"}]
    )
    leaf = make_category(parent=parent)
    result = check_one("category_template", candidate(leaf, attributes={}))
    assert result.details["problems"] == [{"problem": "missing", "key": "energy_grade"}]
    ok = check_one("category_template", candidate(leaf, attributes={"energy_grade": "1级"}))
    assert ok.status == "pass"


def test_category_template_category_must_be_a_leaf():
    parent = make_category()
    make_category(parent=parent)
    result = check_one("category_template", candidate(parent, attributes={}))
    assert result.status == "fail"
    assert result.details["problems"] == [{"problem": "not_leaf"}]


def test_category_template_category_and_ancestors_must_be_active():
    leaf = desktop_category()
    Category.objects.filter(pk=leaf.parent_id).update(is_active=False)
    result = check_one("category_template", candidate(leaf))
    assert result.status == "fail"
    assert result.details["problems"] == [{"problem": "inactive", "codes": [leaf.parent.code]}]
    assert result.message_en.endswith("the category is not active")


# -- brand_model_in_title --------------------------------------------------------------------
def test_brand_model_in_title_pass_with_width_case_and_hyphen_differences():
    cand = candidate(
        desktop_category(),
        title="联想 ＴＨＩＮＫＣＥＮＴＲＥ－m720T 商务台式机",
        model_no="ThinkCentre M720t",
    )
    assert check_one("brand_model_in_title", cand).status == "pass"


def test_brand_model_in_title_fail_model_missing():
    cand = candidate(desktop_category(), title="联想商务台式计算机")
    result = check_one("brand_model_in_title", cand)
    assert result.status == "fail"
    assert result.details["fields"] == ["model_no"]
    assert result.message_zh == "标题须包含品牌和型号（缺少：型号）"


def test_brand_model_in_title_fail_empty_brand():
    cand = candidate(desktop_category(), brand="", title="ThinkCentre M720t")
    result = check_one("brand_model_in_title", cand)
    assert result.details["fields"] == ["brand"]
