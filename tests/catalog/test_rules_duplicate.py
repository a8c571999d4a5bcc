"""duplicate: the supplier's own listings (listed, pending, suspended) and the batch itself."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.catalog.factories import make_listing_row
from tests.catalog.test_rules_support import (
    candidate,
    check_one,
    desktop_category,
    result_of,
    ruleset_with,
    verdicts,
)
from tests.factories import make_supplier

pytestmark = pytest.mark.django_db

ATTRS = {"cpu": "i5-9500", "memory_gb": 8, "colour": "黑色", "wifi": True}


def existing(supplier, category, state="listed", **kwargs):
    params = {"brand": "联想", "model_no": "ThinkCentre M720t", "attributes": dict(ATTRS)}
    params.update(kwargs)
    return make_listing_row(supplier, category, state=state, **params)


def test_duplicate_pass_when_nothing_similar():
    supplier, _ = make_supplier()
    result = check_one("duplicate", candidate(desktop_category(), supplier_id=supplier.pk))
    assert result.status == "pass"


@pytest.mark.parametrize("state", ["listed", "pending", "suspended"])
def test_duplicate_fail_whatever_price_unit_or_spelling(state):
    supplier, _ = make_supplier()
    category = desktop_category()
    listing = existing(supplier, category, state=state)
    cand = candidate(
        category,
        supplier_id=supplier.pk,
        model_no="THINKCENTRE-m720T",
        title="联想 THINKCENTRE-m720T",
        price=Decimal("3999.00"),
        unit="套",
        image_ids=[9],
        # a non-key attribute differs
        attributes={**ATTRS, "colour": "白色"},
    )
    result = check_one("duplicate", cand)
    assert result.status == "fail"
    assert result.details == {"listing_id": listing.pk, "duplicate_of": listing.number}
    assert result.message_zh == f"与本供应商已发布的商品重复（{listing.number}）"


@pytest.mark.parametrize("state", ["draft", "rejected", "delisted"])
def test_duplicate_ignores_drafts_rejected_and_delisted(state):
    supplier, _ = make_supplier()
    category = desktop_category()
    existing(supplier, category, state=state)
    assert check_one("duplicate", candidate(category, supplier_id=supplier.pk)).status == "pass"


def test_duplicate_key_attribute_difference_is_another_product():
    supplier, _ = make_supplier()
    category = desktop_category()
    existing(supplier, category)
    cand = candidate(category, supplier_id=supplier.pk, attributes={**ATTRS, "memory_gb": 16})
    assert check_one("duplicate", cand).status == "pass"


def test_duplicate_other_suppliers_do_not_count():
    supplier, _ = make_supplier()
    other, _ = make_supplier()
    category = desktop_category()
    existing(other, category)
    assert check_one("duplicate", candidate(category, supplier_id=supplier.pk)).status == "pass"


def test_duplicate_excludes_the_candidates_own_listing():
    supplier, _ = make_supplier()
    category = desktop_category()
    listing = existing(supplier, category)
    cand = candidate(category, supplier_id=supplier.pk, listing_id=listing.pk)
    assert check_one("duplicate", cand).status == "pass"


def test_duplicate_within_the_batch_later_one_fails():
    supplier, _ = make_supplier()
    other, _ = make_supplier()
    category = desktop_category()
    batch = [
        candidate(category, supplier_id=supplier.pk),
        candidate(category, supplier_id=other.pk),
        candidate(category, supplier_id=supplier.pk, price=Decimal("1.00")),
    ]
    results = [result_of(v, "duplicate") for v in verdicts(batch)]
    assert [r.status for r in results] == ["pass", "pass", "fail"]
    assert results[2].details["batch_index"] == 0
    assert results[2].message_zh == "与本供应商已发布的商品重复（本批第 1 条）"
    assert results[2].message_en == (
        "Duplicates a product this supplier already lists (item 1 of this batch)"
    )


def test_duplicate_counted_states_are_a_param():
    supplier, _ = make_supplier()
    category = desktop_category()
    existing(supplier, category, state="suspended")
    ruleset = ruleset_with(duplicate={"params": {"states": ["listed"]}})
    cand = candidate(category, supplier_id=supplier.pk)
    assert check_one("duplicate", cand, ruleset).status == "pass"


def test_duplicate_one_query_for_the_whole_batch():
    category = desktop_category()
    suppliers = [make_supplier()[0] for _ in range(3)]
    for s in suppliers:
        existing(s, category)
    batch = [
        candidate(category, supplier_id=s.pk, model_no=f"M{i}", title=f"联想 M{i}")
        for i, s in enumerate(suppliers * 20)
    ]
    ruleset = ruleset_with(
        **{
            code: {"enabled": False}
            for code in ("reference_price", "price_far_below_reference", "category_template")
        }
    )
    with CaptureQueriesContext(connection) as ctx:
        verdicts(batch, ruleset)
    listing_queries = [q for q in ctx.captured_queries if "catalog_listing" in q["sql"]]
    assert len(listing_queries) == 1
