"""non_market_model, forbidden_words, review_words and unit_allowed."""

from __future__ import annotations

import pytest

from tests.catalog.test_rules_support import (
    candidate,
    check_one,
    desktop_category,
    result_of,
    ruleset_with,
    verdicts,
)

pytestmark = pytest.mark.django_db


# -- non_market_model ------------------------------------------------------------------------
def test_non_market_model_pass():
    assert check_one("non_market_model", candidate(desktop_category())).status == "pass"


@pytest.mark.parametrize(
    "field,value,word",
    [
        ("title", "联想 ThinkCentre M720t 政府专供台式机", "专供"),
        ("model_no", "M720t特供版", "特供"),
        ("description", "本机型为内部专用机型。", "内部专用"),
    ],
)
def test_non_market_model_fail(field, value, word):
    overrides = {field: value}
    if field == "model_no":
        overrides["title"] = f"联想 {value}"
    result = check_one("non_market_model", candidate(desktop_category(), **overrides))
    assert result.status == "fail"
    assert word in result.details["found"]
    assert (
        result.message_zh == f"不得发布非市场在售型号（发现：{'、'.join(result.details['found'])}）"
    )


def test_non_market_model_word_list_is_a_param():
    ruleset = ruleset_with(non_market_model={"params": {"words": ["OEM"]}})
    cand = candidate(desktop_category(), description="oem version, 专供")
    result = check_one("non_market_model", cand, ruleset)
    assert result.details["found"] == ["oem"]


# -- forbidden_words -------------------------------------------------------------------------
def test_forbidden_words_pass_with_ordinary_numbers():
    cand = candidate(
        desktop_category(),
        description="主频 3.0GHz，内存 8GB，硬盘 256GB，整机重量 5.2kg，型号 M720t-2023。",
        after_sales="三年上门，响应时间 24 小时。",
    )
    assert check_one("forbidden_words", cand).status == "pass"


@pytest.mark.parametrize(
    "text,found",
    [
        ("业内最好的台式机", "最好"),
        ("销量第一", "第一"),
        ("国家级品质", "国家级"),
        ("顶级配置", "顶级"),
        ("咨询电话 13812345678", "13812345678"),
        ("客服 0471-6612345", "0471-6612345"),
        ("热线 400-810-8888", "400-810-8888"),
        ("加 QQ：12345678 了解详情", "QQ:12345678"),
        ("微信号: lenovo_gov2024", "微信号: lenovo_gov2024"),
        ("邮件 sales@example.com", "sales@example.com"),
        ("详见 https://item.jd.com/100.html", "https://"),
        ("官网 www.lenovo.com.cn", "www."),
        ("详见 ｗｗｗ．ｌｅｎｏｖｏ．ｃｏｍ", "www."),
    ],
)
def test_forbidden_words_fail(text, found):
    result = check_one("forbidden_words", candidate(desktop_category(), description=text))
    assert result.status == "fail", text
    assert found in result.details["found"]
    assert result.message_en.startswith("Contains forbidden words, contact details or links: ")


def test_forbidden_words_checks_title_and_after_sales():
    cand = candidate(
        desktop_category(),
        title="联想 ThinkCentre M720t 最佳办公电脑",
        after_sales="报修请拨 13900001111",
    )
    result = check_one("forbidden_words", cand)
    assert result.details["found"] == ["最佳", "13900001111"]


def test_forbidden_words_fields_are_a_param():
    ruleset = ruleset_with(forbidden_words={"params": {"fields": ["title"]}})
    cand = candidate(desktop_category(), description="最好")
    assert check_one("forbidden_words", cand, ruleset).status == "pass"


# -- review_words ----------------------------------------------------------------------------
def test_review_words_pass():
    result = check_one("review_words", candidate(desktop_category()))
    assert result.status == "pass"
    assert result.severity == "review"


def test_review_words_fail_sends_to_manual_review():
    cand = candidate(desktop_category(), description="原装进口，官方授权经销。")
    [verdict] = verdicts([cand])
    result = result_of(verdict, "review_words")
    assert result.status == "fail"
    assert result.details["found"] == ["原装进口", "官方授权"]
    assert result.message_zh == "含需人工核实的表述：原装进口、官方授权"
    assert verdict.outcome == "manual"


# -- unit_allowed ----------------------------------------------------------------------------
@pytest.mark.parametrize("unit", ["台", "套", "平方米", " 箱 "])
def test_unit_allowed_pass(unit):
    assert check_one("unit_allowed", candidate(desktop_category(), unit=unit)).status == "pass"


def test_unit_allowed_fail():
    result = check_one("unit_allowed", candidate(desktop_category(), unit="坨"))
    assert result.status == "fail"
    assert result.details == {"unit": "坨"}
    assert result.message_zh == "计量单位“坨”不在允许范围内"


def test_unit_allowed_list_is_a_param():
    ruleset = ruleset_with(unit_allowed={"params": {"units": ["台"]}})
    result = check_one("unit_allowed", candidate(desktop_category(), unit="套"), ruleset)
    assert result.status == "fail"
