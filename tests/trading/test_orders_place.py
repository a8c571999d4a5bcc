"""order_place: every rule of a direct-purchase order, the snapshot, reservations, idempotency,
and the query budget."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from govmall.audit.models import Event
from govmall.audit.verify import verify
from govmall.catalog.models import Listing, ListingReview, ReviewOutcome, RuleSet
from govmall.core.calendar import TZ
from govmall.core.errors import DomainError
from govmall.core.models import Notification
from govmall.suppliers.models import CreditFlag, Supplier
from govmall.trading.models import (
    FundingSource,
    FundMovement,
    Order,
    OrderLine,
    OrderState,
    PurchasingPolicy,
)
from govmall.trading.services_orders import order_place, order_place_result
from tests.catalog.factories import make_listing_row
from tests.factories import make_user
from tests.permissions import database_fingerprint
from tests.suppliers.verification_helpers import list_entry
from tests.trading.factories import make_funding_source, make_seller, make_unit

pytestmark = pytest.mark.django_db
MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=TZ)


def place(unit, lines, **kw):
    actor = kw.pop("actor", unit.buyer)
    fields = {
        "funding_source_id": unit.source.pk,
        "delivery_division": "150202",
        "delivery_address": "昆都仑区钢铁大街 1 号",
    }
    fields.update(kw)
    return order_place(actor=actor, lines=lines, **fields)


def refused(code, call, *args, **kw):
    before = database_fingerprint()
    with pytest.raises(DomainError) as info:
        call(*args, **kw)
    assert info.value.code == code, info.value.as_dict()
    assert database_fingerprint() == before
    return info.value


def test_place_reserves_stock_and_funds_snapshots_and_notifies():
    unit = make_unit()
    seller = make_seller(stock=10, price="1999.50", energy_cert_no="CQC-1", warranty_months=24)
    second = make_listing_row(seller.supplier, seller.category, price="10.00", stock=5)
    ruleset = RuleSet.objects.create(version=91, rules=[], created_at=timezone.now())
    review = ListingReview.objects.create(
        listing=seller.listing, ruleset=ruleset, outcome=ReviewOutcome.PASSED, created_at=MONDAY
    )
    with time_machine.travel(MONDAY, tick=False):
        order = place(
            unit,
            [(seller.listing.number, 3), (second.number.lower(), 2)],
            delivery_contact="王五",
            delivery_phone="0472-1",
            required_by=date(2026, 3, 20),
            note="请工作日送达",
        )
    assert order.number.startswith("ORD-2026-") and len(order.number) == 15
    assert order.state == OrderState.PLACED
    assert order.total == Decimal("6018.50")
    assert order.reserved_amount == Decimal("6018.50")
    assert order.placed_at == MONDAY
    assert order.confirm_deadline == datetime(2026, 3, 4, 23, 59, 59, tzinfo=TZ)
    assert order.supplier_id == seller.supplier.pk and order.purchaser_id == unit.org.pk
    assert order.sme_declaration["size"] == "small"
    assert order.sme_declaration["declared"] is True
    assert "小型企业" in order.sme_declaration["text"]
    assert datetime.fromisoformat(order.sme_declaration["at"]) == MONDAY
    lines = list(OrderLine.objects.filter(order=order).order_by("id"))
    assert [(ln.listing_id, ln.quantity, ln.unit_price, ln.amount) for ln in lines] == [
        (seller.listing.pk, 3, Decimal("1999.50"), Decimal("5998.50")),
        (second.pk, 2, Decimal("10.00"), Decimal("20.00")),
    ]
    snap = lines[0].snapshot
    assert snap["listing"] == seller.listing.number
    assert snap["title"] == seller.listing.title
    assert snap["brand"] == "惠普" and snap["unit"] == "台"
    assert snap["category"]["code"] == seller.category.code
    assert snap["energy_cert_no"] == "CQC-1" and snap["warranty_months"] == 24
    assert snap["review"]["outcome"] == "passed"
    assert snap["review"]["ruleset_version"] == 91
    assert datetime.fromisoformat(snap["review"]["reviewed_at"]) == review.created_at
    assert lines[1].snapshot["review"] is None
    assert Listing.objects.get(pk=seller.listing.pk).stock == 7
    assert Listing.objects.get(pk=second.pk).stock == 3
    source = FundingSource.objects.get(pk=unit.source.pk)
    assert source.reserved == Decimal("6018.50")
    moves = list(FundMovement.objects.filter(order=order).values_list("kind", "amount"))
    assert moves == [("reserve", Decimal("6018.50"))]
    events = list(Event.objects.filter(object_type="trading.order", object_id=str(order.pk)))
    assert [e.action for e in events] == ["order.placed"]
    after = events[0].after
    assert after["total"] == "6018.50" and after["funds"]["reserved"] == "6018.50"
    assert after["stock_taken"] == {seller.listing.number: 3, second.number: 2}
    assert events[0].actor_id == unit.buyer.pk
    notes = Notification.objects.filter(verb="order.placed")
    assert [n.recipient_id for n in notes] == [seller.admin.pk]
    assert order.number in notes[0].message
    stored = Order.objects.get(pk=order.pk)  # the chain head written with the row is the event's
    assert (stored.audit_head, stored.audit_length) == (events[0].hash, 1)
    assert stored.confirm_deadline == order.confirm_deadline
    assert verify().ok


def test_over_the_unit_approval_limit_waits_for_the_approver():
    unit = make_unit()
    seller = make_seller(price="5000.00")
    PurchasingPolicy.objects.create(
        organisation=unit.org, approval_limit=Decimal("9999.99"), updated_at=timezone.now()
    )
    order = place(unit, [(seller.listing.number, 2)])
    assert order.state == OrderState.PENDING_APPROVAL
    assert order.placed_at is None and order.confirm_deadline is None
    assert Listing.objects.get(pk=seller.listing.pk).stock == 8
    assert FundingSource.objects.get(pk=unit.source.pk).reserved == Decimal("10000.00")
    assert list(
        Event.objects.filter(object_id=str(order.pk), object_type="trading.order").values_list(
            "action", flat=True
        )
    ) == ["order.pending_approval"]
    assert list(
        Notification.objects.filter(verb="order.pending_approval").values_list(
            "recipient_id", flat=True
        )
    ) == [unit.approver.pk]
    assert not Notification.objects.filter(verb="order.placed").exists()


def test_at_the_approval_limit_goes_straight_to_the_supplier():
    unit = make_unit()
    seller = make_seller(price="5000.00")
    PurchasingPolicy.objects.create(
        organisation=unit.org, approval_limit=Decimal("10000.00"), updated_at=timezone.now()
    )
    assert place(unit, [(seller.listing.number, 2)]).state == OrderState.PLACED


def test_refusals_change_nothing():
    unit = make_unit()
    seller = make_seller(stock=3, price="100.00")
    other = make_seller()
    n = seller.listing.number
    refused("forbidden", place, unit, [(n, 1)], actor=unit.approver)
    refused("forbidden", place, unit, [(n, 1)], actor=seller.admin)
    refused("no_lines", place, unit, [])
    refused("duplicate_line", place, unit, [(n, 1), (n.lower(), 2)])
    refused("invalid_quantity", place, unit, [(n, 0)])
    refused("invalid_quantity", place, unit, [(n, 100001)])
    refused("invalid_quantity", place, unit, [(n, True)])
    refused("listing_not_available", place, unit, [("LST-NOPE", 1)])
    refused("mixed_suppliers", place, unit, [(n, 1), (other.listing.number, 1)])
    refused("out_of_stock", place, unit, [(n, 4)])
    refused("invalid_funding_source", place, unit, [(n, 1)], funding_source_id=999999)
    refused("invalid_funding_source", place, unit, [(n, 1)], funding_source_id="x")
    stranger = make_unit()
    refused("invalid_funding_source", place, unit, [(n, 1)], funding_source_id=stranger.source.pk)
    refused("unknown_division", place, unit, [(n, 1)], delivery_division="999999")
    refused("unknown_division", place, unit, [(n, 1)], delivery_division="15")
    refused("required", place, unit, [(n, 1)], delivery_address="  ")
    refused("too_long", place, unit, [(n, 1)], delivery_address="x" * 301)
    refused("too_long", place, unit, [(n, 1)], note="x" * 1001)
    refused("invalid_date", place, unit, [(n, 1)], required_by="2000-01-01")
    refused("invalid_date", place, unit, [(n, 1)], required_by="soon")
    refused("invalid_idempotency_key", place, unit, [(n, 1)], idempotency_key="x" * 101)
    poor = make_funding_source(unit.org, "99.99")
    refused("insufficient_funds", place, unit, [(n, 1)], funding_source_id=poor.pk)
    FundingSource.objects.filter(pk=poor.pk).update(amount=Decimal("1000"), active=False)
    refused("invalid_funding_source", place, unit, [(n, 1)], funding_source_id=poor.pk)
    assert Order.objects.count() == 0


def test_delisted_product_and_blocked_supplier_are_refused():
    unit = make_unit()
    seller = make_seller()
    Listing.objects.filter(pk=seller.listing.pk).update(state="delisted")
    err = refused("listing_not_available", place, unit, [(seller.listing.number, 1)])
    assert err.details["listing"] == seller.listing.number
    suspended = make_seller()
    Supplier.objects.filter(pk=suspended.supplier.pk).update(status="suspended")
    err = refused("supplier_cannot_trade", place, unit, [(suspended.listing.number, 1)])
    assert "supplier_not_active" in err.details["blockers"]
    flagged = make_seller()
    entry = list_entry(flagged.supplier.credit_code)
    CreditFlag.objects.create(supplier=flagged.supplier, entry=entry, raised_at=timezone.now())
    err = refused("supplier_cannot_trade", place, unit, [(flagged.listing.number, 1)])
    assert "credit_flag_open" in err.details["blockers"]


def test_direct_purchase_limit_and_delivery_divisions():
    unit = make_unit()
    seller = make_seller(price="150000.01", stock=5)
    err = refused("over_direct_purchase_limit", place, unit, [(seller.listing.number, 2)])
    assert err.details == {"limit": "300000.00", "total": "300000.02"}
    with override_settings(GOVMALL_TRADING={"DIRECT_PURCHASE_LIMIT": "400000"}):
        assert place(unit, [(seller.listing.number, 2)]).total == Decimal("300000.02")
    local = make_seller(delivery_divisions=["150200"])
    assert place(unit, [(local.listing.number, 1)], delivery_division="150203").state == "placed"
    far = make_seller(delivery_divisions=["110000"])
    err = refused("not_delivered_to", place, unit, [(far.listing.number, 1)])
    assert err.field == "delivery_division"


def test_idempotent_replay_and_reused_key():
    unit = make_unit()
    seller = make_seller()
    n = seller.listing.number
    first = order_place_result(
        actor=unit.buyer,
        lines=[(n, 2)],
        funding_source_id=unit.source.pk,
        delivery_division="150202",
        delivery_address="地址",
        idempotency_key="key-1",
    )
    assert first.created
    assert len(first.order.request_sha256) == 64
    before = database_fingerprint()
    again = order_place_result(
        actor=unit.buyer,
        lines=[(n.lower(), 2)],
        funding_source_id=str(unit.source.pk),
        delivery_division="150202",
        delivery_address=" 地址 ",
        idempotency_key="key-1",
    )
    assert not again.created and again.order.pk == first.order.pk
    assert database_fingerprint() == before
    err = refused(
        "idempotency_key_reused",
        place,
        unit,
        [(n, 3)],
        delivery_address="地址",
        idempotency_key="key-1",
    )
    assert err.status == 409 and err.details["order"] == first.order.number
    # The key is per buyer: another buyer of the unit may use the same key.
    colleague = make_user("buyer", org=unit.org)
    other = place(unit, [(n, 2)], actor=colleague, delivery_address="地址", idempotency_key="key-1")
    assert other.pk != first.order.pk
    assert Listing.objects.get(pk=seller.listing.pk).stock == 6


def test_query_count_is_small_and_constant(django_assert_max_num_queries):
    """3 lines: 32 queries on SQLite, including the actor's roles and organisation, the
    trading gate (5) and the stock UPDATE per line; each further line adds only its UPDATE.
    PostgreSQL (`order_place_fast`): one read and one write for any number of lines."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    unit = make_unit()
    seller = make_seller(stock=50)
    more = [make_listing_row(seller.supplier, seller.category, stock=50) for _ in range(2)]
    lines = [(seller.listing.number, 1)] + [(row.number, 2) for row in more]
    place(unit, [(seller.listing.number, 1)])  # warm caches (sequence row, calendar)

    def fresh_buyer():
        return type(unit.buyer).objects.get(pk=unit.buyer.pk)

    def run(order_lines, key):
        return order_place(
            actor=fresh_buyer(),
            lines=order_lines,
            funding_source_id=unit.source.pk,
            delivery_division="150202",
            delivery_address="地址",
            idempotency_key=key,
        )

    with CaptureQueriesContext(connection) as one:
        run(lines[:1], "q-0")
    with django_assert_max_num_queries(32 + 1):  # + fetching the fresh buyer
        run(lines, "q-1")
    with CaptureQueriesContext(connection) as three:
        run(lines, "q-2")
    if connection.vendor == "postgresql":
        placement = [q["sql"] for q in three.captured_queries if "trading_place_order" in q["sql"]]
        assert len(placement) == 1
        assert len(three) == len(one)
    else:
        assert len(three) - len(one) == 2
