"""reference_price, price_far_below_reference and pricing.lookup.lowest_references."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from govmall.catalog.normalise import brand_key, model_key
from govmall.catalog.rules.engine import review
from govmall.pricing.lookup import lowest_references
from govmall.pricing.models import ReferencePrice
from tests.catalog.test_rules_support import (
    candidate,
    check_one,
    desktop_category,
    result_of,
    ruleset_with,
    verdicts,
)

pytestmark = pytest.mark.django_db


def ref(price, *, days_ago=1, brand="联想", model="ThinkCentre M720t", source="jd", url=""):
    return ReferencePrice.objects.create(
        source=source,
        brand=brand,
        model_no=model,
        brand_norm=brand_key(brand),
        model_norm=model_key(model),
        price=Decimal(price),
        captured_at=timezone.now() - timedelta(days=days_ago),
        url=url or "https://item.jd.com/1.html",
    )


# -- lookup ----------------------------------------------------------------------------------
def test_lowest_references_picks_the_lowest_within_the_window():
    ref("5200.00", days_ago=1)
    low = ref("4800.00", days_ago=3, source="tmall")
    ref("4000.00", days_ago=9)  # too old
    ref("100.00", model="M920t")
    key = (brand_key("联想"), model_key("ThinkCentre M720t"))
    found = lowest_references({key, ("惠普", "m1")}, since=timezone.now() - timedelta(days=7))
    assert list(found) == [key]
    assert found[key].pk == low.pk


def test_lowest_references_equal_prices_freshest_wins():
    ref("4800.00", days_ago=3)
    fresh = ref("4800.00", days_ago=1)
    key = (brand_key("联想"), model_key("ThinkCentre M720t"))
    found = lowest_references({key}, since=timezone.now() - timedelta(days=7))
    assert found[key].pk == fresh.pk


def test_lowest_references_empty_keys_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert lowest_references(set(), since=timezone.now()) == {}


# -- reference_price -------------------------------------------------------------------------
def test_reference_price_no_reference_passes_and_says_so():
    result = check_one("reference_price", candidate(desktop_category()))
    assert result.status == "no_reference"
    assert result.details == {"window_days": 7}
    assert result.message_zh == "无参考价格（近 7 天内未采集到）"
    assert result.message_en == "No reference price (none captured in the last 7 days)"


def test_reference_price_pass_at_the_reference():
    r = ref("4999.00", url="https://item.jd.com/100.html")
    result = check_one("reference_price", candidate(desktop_category(), price=Decimal("4999.00")))
    assert result.status == "pass"
    assert result.details["reference_price"] == "4999.00"
    assert result.details["reference_id"] == r.pk
    assert result.details["url"] == "https://item.jd.com/100.html"


def test_reference_price_fail_above_the_lowest_with_evidence():
    ref("5200.00")
    r = ref("4800.00", days_ago=2, source="tmall", url="https://detail.tmall.com/9.html")
    result = check_one(
        "reference_price",
        candidate(desktop_category(), brand="ＬＥＮＯＶＯ", title="ＬＥＮＯＶＯ thinkcentre-m720t"),
    )
    # another brand spelling has no reference; the Chinese brand matches
    assert result.status == "no_reference"
    result = check_one("reference_price", candidate(desktop_category(), price=Decimal("4800.01")))
    assert result.status == "fail"
    assert result.details["source"] == "tmall"
    assert result.details["url"] == "https://detail.tmall.com/9.html"
    assert result.details["limit"] == "4800.00"
    shanghai = r.captured_at.astimezone(ZoneInfo("Asia/Shanghai"))
    assert result.details["captured_at"] == shanghai.isoformat()
    assert result.message_zh == (
        f"价格 4800.01 高于参考价 4800.00（tmall，{shanghai:%Y-%m-%d %H:%M}）"
    )


def test_reference_price_model_spelling_is_folded():
    ref("4800.00", model="THINKCENTRE-M720T")
    result = check_one("reference_price", candidate(desktop_category(), price=Decimal("4900")))
    assert result.status == "fail"


def test_reference_price_tolerance_and_window_params():
    ref("4800.00", days_ago=10)
    ruleset = ruleset_with(
        reference_price={
            "params": {"window_days": 14, "tolerance_percent": 2, "tolerance_amount": "3.5"}
        }
    )
    # 4800 × 1.02 + 3.5 = 4899.50
    ok = check_one(
        "reference_price", candidate(desktop_category(), price=Decimal("4899.50")), ruleset
    )
    assert ok.status == "pass"
    assert ok.details["limit"] == "4899.50"
    bad = check_one(
        "reference_price", candidate(desktop_category(), price=Decimal("4899.51")), ruleset
    )
    assert bad.status == "fail"


# -- price_far_below_reference ---------------------------------------------------------------
def test_price_far_below_reference_pass():
    ref("4800.00")
    result = check_one(
        "price_far_below_reference", candidate(desktop_category(), price=Decimal("2400.00"))
    )
    assert result.status == "pass"
    assert result.severity == "review"


def test_price_far_below_reference_fail_goes_to_manual_review():
    ref("4800.00")
    [verdict] = verdicts([candidate(desktop_category(), price=Decimal("2399.99"))])
    result = result_of(verdict, "price_far_below_reference")
    assert result.status == "fail"
    assert result.details["floor"] == "2400.00"
    assert result.message_zh == "价格 2399.99 低于参考价 4800.00 的 50%，需人工核实"
    assert verdict.outcome == "manual"


def test_price_far_below_reference_no_reference():
    result = check_one("price_far_below_reference", candidate(desktop_category()))
    assert result.status == "no_reference"


def test_reference_rules_share_one_lookup():
    ref("4800.00")
    cands = [candidate(desktop_category())]
    with CaptureQueriesContext(connection) as ctx:
        review(cands, ruleset_with())
    ref_queries = [q for q in ctx.captured_queries if "pricing_referenceprice" in q["sql"]]
    assert len(ref_queries) == 1
