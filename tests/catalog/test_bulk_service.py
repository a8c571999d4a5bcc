"""The set-based bulk upsert: limits, mixed good and bad rows, outcomes, idempotence,
revisions of listed products, one audit event per listing, all-or-nothing."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import DatabaseError

from govmall.accounts.roles import OrgKind, Role
from govmall.audit.models import Event
from govmall.catalog.models import Listing, ListingReview, ListingRevision
from govmall.catalog.services_bulk import BULK_LIMIT, listings_bulk_upsert, summary_of
from govmall.core.errors import DomainError
from tests.catalog.bulk_helpers import bulk_world, private_media  # noqa: F401
from tests.factories import make_org, make_supplier, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media")]


def listing_events() -> int:
    return Event.objects.filter(object_type="catalog.listing").count()


def test_good_rows_are_listed_and_bad_rows_reported(english):
    w = bulk_world()
    items = [
        w.item("P-1", brand="惠普", model_no="M404dn"),
        w.item("P-2", price="-3"),
        {"title": "没有编码"},
        w.item("P-1", model_no="X1"),
        w.item("P-4", category="NOPE"),
        w.item("P-5", brand="惠普", model_no="M405dn", title="惠普 M405dn 全国第一 激光打印机"),
        w.item("P-6", stock="many"),
        "not an object",
    ]
    events = listing_events()
    out = listings_bulk_upsert(actor=w.user, items=items)
    assert [o.index for o in out] == list(range(8))
    assert [o.outcome for o in out] == [
        "created",
        "error",
        "error",
        "error",
        "error",
        "created",
        "error",
        "error",
    ]
    assert out[0].state == "listed" and out[0].review["outcome"] == "passed"
    assert out[0].number.startswith("LST-")
    assert out[1].errors == [{"code": "invalid_price", "field": "price", "message": mock.ANY}]
    assert out[2].errors[0]["code"] == "invalid_sku"
    assert out[3].errors[0]["code"] == "duplicate_sku"
    assert out[4].errors[0] == {
        "code": "unknown_category",
        "field": "category",
        "message": "Unknown category: NOPE.",
    }
    assert out[5].state == "rejected"
    assert "forbidden_words" in [f["code"] for f in out[5].review["failures"]]
    assert out[6].errors[0]["code"] == "invalid_stock"
    assert out[7].errors[0]["code"] == "invalid_item"
    assert set(Listing.objects.values_list("sku", "state")) == {
        ("P-1", "listed"),
        ("P-5", "rejected"),
    }
    assert ListingReview.objects.count() == 2
    assert listing_events() == events + 2
    assert summary_of(out) == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "revision_applied": 0,
        "revision_pending": 0,
        "revision_rejected": 0,
        "error": 6,
    }


def test_same_call_twice_changes_nothing():
    w = bulk_world()
    items = [w.item(f"S-{i}", stock=i) for i in range(5)]
    items.append(w.item("S-bad", title="联系电话 13800000000 惠普打印机"))
    first = listings_bulk_upsert(actor=w.user, items=items)
    assert [o.outcome for o in first] == ["created"] * 6
    assert first[-1].state == "rejected"
    counts = (Listing.objects.count(), ListingReview.objects.count(), Event.objects.count())
    second = listings_bulk_upsert(actor=w.user, items=items)
    assert [o.outcome for o in second] == ["unchanged"] * 6
    assert [o.number for o in second] == [o.number for o in first]
    assert all(o.review is None for o in second)
    assert (Listing.objects.count(), ListingReview.objects.count(), Event.objects.count()) == counts


def test_one_audit_event_per_listing_with_the_outcome():
    w = bulk_world()
    out = listings_bulk_upsert(actor=w.user, items=[w.item(f"E-{i}") for i in range(3)])
    for o in out:
        listing = Listing.objects.get(number=o.number)
        events = Event.objects.filter(object_type="catalog.listing", object_id=str(listing.pk))
        assert [e.action for e in events] == ["listing.bulk_upserted"]
        event = events.get()
        assert event.after["outcome"] == "created"
        assert event.after["state"] == "listed"
        assert event.after["sku"] == o.sku
        assert event.actor_id == w.user.pk
        assert listing.audit_length == 1 and listing.audit_head == event.hash


def test_stock_only_change_is_an_update_without_review():
    w = bulk_world()
    item = w.item("ST-1", stock=3)
    listings_bulk_upsert(actor=w.user, items=[item])
    reviews = ListingReview.objects.count()
    [out] = listings_bulk_upsert(actor=w.user, items=[{**item, "stock": 9}])
    assert out.outcome == "updated" and out.review is None and out.state == "listed"
    assert Listing.objects.get(sku="ST-1").stock == 9
    assert ListingReview.objects.count() == reviews
    [out] = listings_bulk_upsert(
        actor=w.user, items=[{k: v for k, v in item.items() if k != "stock"}]
    )
    assert out.outcome == "unchanged"
    assert Listing.objects.get(sku="ST-1").stock == 9  # omitted stock: kept


def test_listed_item_changed_gives_an_applied_revision():
    w = bulk_world()
    item = w.item("R-1", price="1999.00")
    [first] = listings_bulk_upsert(actor=w.user, items=[item])
    [out] = listings_bulk_upsert(actor=w.user, items=[{**item, "price": "1899.00"}])
    assert out.outcome == "revision_applied" and out.state == "listed"
    assert out.number == first.number
    listing = Listing.objects.get(sku="R-1")
    assert str(listing.price) == "1899.00"
    revision = ListingRevision.objects.get(listing=listing)
    assert revision.state == "applied" and revision.closed_at is not None
    review = ListingReview.objects.get(revision=revision)
    assert review.outcome == "passed"
    event = Event.objects.filter(object_id=str(listing.pk), object_type="catalog.listing").last()
    assert event.before == {"price": "1999.00"}
    assert event.after["price"] == "1899.00" and event.after["outcome"] == "revision_applied"


def test_listed_item_changed_badly_keeps_the_live_version():
    w = bulk_world()
    item = w.item("R-2")
    listings_bulk_upsert(actor=w.user, items=[item])
    bad = {**item, "description": "全网最好的打印机"}
    [out] = listings_bulk_upsert(actor=w.user, items=[bad])
    assert out.outcome == "revision_rejected" and out.state == "listed"
    listing = Listing.objects.get(sku="R-2")
    assert listing.description == item["description"]
    assert ListingRevision.objects.get(listing=listing).state == "rejected"
    # the same rejected proposal again: unchanged, nothing written
    events = listing_events()
    [again] = listings_bulk_upsert(actor=w.user, items=[bad])
    assert again.outcome == "unchanged" and listing_events() == events


def test_review_severity_hit_goes_to_the_manual_queue():
    w = bulk_world()
    reviewer = make_user(Role.OPERATOR_REVIEWER, org=make_org(OrgKind.OPERATOR, division="150200"))
    item = w.item("M-1", description="官方授权经销，正品行货。")
    [out] = listings_bulk_upsert(actor=w.user, items=[item])
    assert out.outcome == "created" and out.state == "pending"
    assert out.review["outcome"] == "manual"
    assert [f["code"] for f in out.review["failures"]] == ["review_words"]
    review = ListingReview.objects.get(listing__sku="M-1")
    assert review.operator == reviewer.organisation
    assert review.deadline is not None
    assert reviewer.notifications.count() == 1
    # sending it again while pending: unchanged; a change: refused on that row
    [again] = listings_bulk_upsert(actor=w.user, items=[item])
    assert again.outcome == "unchanged"
    [changed] = listings_bulk_upsert(actor=w.user, items=[{**item, "price": "10.00"}])
    assert changed.outcome == "error" and changed.errors[0]["code"] == "invalid_state"
    # a listed item with a manual revision stays on sale, the revision pending
    listed = w.item("M-2")
    listings_bulk_upsert(actor=w.user, items=[listed])
    [rev] = listings_bulk_upsert(actor=w.user, items=[{**listed, "description": "官方授权经销"}])
    assert rev.outcome == "revision_pending" and rev.state == "listed"
    # a newer proposal withdraws the pending one
    [rev2] = listings_bulk_upsert(
        actor=w.user, items=[{**listed, "description": "官方授权经销，更新"}]
    )
    assert rev2.outcome == "revision_pending"
    states = sorted(
        ListingRevision.objects.filter(listing__sku="M-2").values_list("state", flat=True)
    )
    assert states == ["pending", "withdrawn"]


def test_rejected_listing_resent_with_fixes_is_listed():
    w = bulk_world()
    bad = w.item("F-1", title="惠普打印机 第一品牌")
    [out] = listings_bulk_upsert(actor=w.user, items=[bad])
    assert out.state == "rejected"
    fixed = w.item("F-1", brand="惠普", model_no="F100")
    [out2] = listings_bulk_upsert(actor=w.user, items=[fixed])
    assert out2.outcome == "updated" and out2.state == "listed" and out2.number == out.number
    listing = Listing.objects.get(sku="F-1")
    assert listing.listed_at is not None and listing.model_no == "F100"


def test_within_call_duplicates_fail_the_later_one():
    w = bulk_world()
    a = w.item("D-1", brand="惠普", model_no="M404dn")
    b = w.item("D-2", brand="惠普", model_no="M404dn")
    out = listings_bulk_upsert(actor=w.user, items=[a, b])
    assert [o.state for o in out] == ["listed", "rejected"]
    assert "duplicate" in [f["code"] for f in out[1].review["failures"]]


def test_over_the_limit_writes_nothing():
    w = bulk_world()
    items = [w.item(f"L-{i}") for i in range(BULK_LIMIT + 1)]
    before = (Listing.objects.count(), Event.objects.count())
    with pytest.raises(DomainError) as err:
        listings_bulk_upsert(actor=w.user, items=items)
    assert err.value.code == "bulk_too_large" and err.value.status == 413
    assert (Listing.objects.count(), Event.objects.count()) == before


def test_supplier_that_may_not_trade_is_refused():
    w = bulk_world()
    blocked, user = make_supplier(signed=False)
    with pytest.raises(DomainError) as err:
        listings_bulk_upsert(actor=user, items=[w.item("G-1")])
    assert err.value.code == "supplier_cannot_trade"
    assert "commitment_not_signed" in err.value.details["blockers"]
    assert not Listing.objects.filter(supplier=blocked).exists()


def test_staff_may_upsert_and_purchasers_may_not():
    w = bulk_world()
    staff = make_user(Role.SUPPLIER_STAFF, org=w.supplier.organisation)
    [out] = listings_bulk_upsert(actor=staff, items=[w.item("A-1")])
    assert out.outcome == "created"
    buyer = make_user(Role.BUYER)
    with pytest.raises(DomainError) as err:
        listings_bulk_upsert(actor=buyer, items=[w.item("A-2")])
    assert err.value.status == 403


def test_an_unexpected_database_error_rolls_everything_back():
    w = bulk_world()
    before = (Listing.objects.count(), ListingReview.objects.count(), Event.objects.count())
    with (
        mock.patch(
            "govmall.catalog.services_bulk.record_events_bulk", side_effect=DatabaseError("boom")
        ),
        pytest.raises(DatabaseError),
    ):
        listings_bulk_upsert(actor=w.user, items=[w.item("X-1"), w.item("X-2")])
    after = (Listing.objects.count(), ListingReview.objects.count(), Event.objects.count())
    assert after == before


def test_other_suppliers_sku_is_a_different_listing():
    w = bulk_world()
    _other, other_user = make_supplier()
    [mine] = listings_bulk_upsert(actor=w.user, items=[w.item("SAME")])
    raw = w.item("SAME", image_ids=[])
    [theirs] = listings_bulk_upsert(actor=other_user, items=[raw])
    assert theirs.outcome == "created" and theirs.number != mine.number
    assert Listing.objects.filter(sku="SAME").count() == 2


def test_images_of_another_supplier_are_refused_on_the_row():
    w = bulk_world()
    _other, other_user = make_supplier()
    [out] = listings_bulk_upsert(actor=other_user, items=[w.item("IMG")])
    assert out.outcome == "error" and out.errors[0]["code"] == "unknown_image"


def test_query_count_does_not_grow_with_the_batch(django_assert_max_num_queries):
    w = bulk_world()
    listings_bulk_upsert(actor=w.user, items=[w.item("Q-0")])  # rule set, sequences exist
    items = [w.item(f"Q-{i}") for i in range(1, 200)]
    with django_assert_max_num_queries(50):
        out = listings_bulk_upsert(actor=w.user, items=items)
    assert {o.outcome for o in out} == {"created"}


def test_a_sku_inserted_meanwhile_is_a_409_and_nothing_is_written():
    """Another writer created the SKU after our locking read: the insert's unique violation
    becomes `concurrent_update` and the whole call is rolled back."""
    from govmall.catalog import services_bulk

    w = bulk_world()
    listings_bulk_upsert(actor=w.user, items=[w.item("C-1")])
    original = services_bulk._classify

    def blind(rows, existing, *args, **kwargs):
        return original(rows, {}, *args, **kwargs)  # as if the row were not there yet

    before = (Listing.objects.count(), ListingReview.objects.count(), Event.objects.count())
    with mock.patch.object(services_bulk, "_classify", blind), pytest.raises(DomainError) as err:
        listings_bulk_upsert(actor=w.user, items=[w.item("C-2"), w.item("C-1")])
    assert err.value.code == "concurrent_update" and err.value.status == 409
    after = (Listing.objects.count(), ListingReview.objects.count(), Event.objects.count())
    assert after == before
