"""Listing services: each transition, each refused transition (nothing changed, no event), the
trading gate, SKUs, stock, suspension."""

from __future__ import annotations

from decimal import Decimal

import pytest

from govmall.accounts.roles import OrgKind, Role
from govmall.audit.models import Event
from govmall.catalog import review_flow
from govmall.catalog.models import Listing, ListingReview, ListingRevision
from govmall.catalog.services_listings import (
    listing_create,
    listing_delist,
    listing_reinstate,
    listing_set_stock,
    listing_submit,
    listing_suspend,
    listing_update,
    review_preview,
)
from govmall.core.errors import DomainError, InvalidTransition, NotFound, PermissionDenied
from tests.catalog.factories import make_category
from tests.catalog.listing_helpers import (  # noqa: F401
    draft_listing,
    listed_listing,
    listing_data,
    private_media,
)
from tests.factories import make_org, make_supplier, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media", "english")]


@pytest.fixture
def synced(monkeypatch):
    calls: list[list[int]] = []
    from govmall.catalog.search import index

    monkeypatch.setattr(index, "sync_listings", lambda ids: calls.append(list(ids)))
    return calls


@pytest.fixture
def world():
    supplier, admin = make_supplier()
    staff = make_user(Role.SUPPLIER_STAFF, org=supplier.organisation)
    category = make_category(
        attributes=[{"key": "speed", "kind": "number", "required": True, "is_key": True}],
        min_warranty_months=12,
    )
    return supplier, admin, staff, category


def events(listing) -> list[str]:
    return list(
        Event.objects.filter(object_type="catalog.listing", object_id=str(listing.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def snapshot(listing):
    listing.refresh_from_db()
    return (
        {f.name: getattr(listing, f.name) for f in Listing._meta.concrete_fields},
        Event.objects.count(),
        ListingReview.objects.count(),
        ListingRevision.objects.count(),
    )


def test_create_draft(world, synced):
    supplier, _admin, staff, category = world
    data = listing_data(category, supplier=supplier, user=staff)
    listing = listing_create(actor=staff, data=data, sku="SKU-1", stock=7)
    assert listing.state == "draft"
    assert listing.number.startswith("LST-")
    assert (listing.sku, listing.stock, listing.created_by) == ("SKU-1", 7, staff)
    assert listing.attributes == {"speed": 8}
    assert len(listing.key_signature) == 64
    assert events(listing) == ["listing.created"]
    event = Event.objects.get(object_id=str(listing.pk), object_type="catalog.listing")
    assert event.after["state"] == "draft" and event.after["category"] == category.code
    assert synced == []


def test_create_refusals_write_nothing(world):
    supplier, _admin, staff, category = world
    data = listing_data(category, supplier=supplier, user=staff)
    listing_create(actor=staff, data=data, sku="A")
    buyer = make_user(Role.BUYER)
    _other, other_admin = make_supplier()
    before = (Listing.objects.count(), Event.objects.count())
    with pytest.raises(DomainError) as info:
        listing_create(actor=staff, data=data, sku="A")
    assert (info.value.code, info.value.field) == ("duplicate_sku", "sku")
    with pytest.raises(PermissionDenied):
        listing_create(actor=buyer, data=data)
    with pytest.raises(DomainError) as info:
        listing_create(actor=staff, data=data, stock=-1)
    assert info.value.code == "invalid_stock"
    with pytest.raises(DomainError) as info:
        listing_create(actor=other_admin, data=data)  # images are not the other's
    assert info.value.code == "unknown_image"
    assert (Listing.objects.count(), Event.objects.count()) == before


def test_gate_refuses_create_update_submit(world):
    supplier, admin, _staff, category = world
    listing = draft_listing(supplier, admin, category)
    data = listing_data(category, supplier=supplier, user=admin)
    supplier.status = "suspended"
    supplier.save()
    state = snapshot(listing)
    for call in (
        lambda: listing_create(actor=admin, data=data),
        lambda: listing_update(actor=admin, listing=listing, data=data),
        lambda: listing_submit(actor=admin, listing=listing),
    ):
        with pytest.raises(DomainError) as info:
            call()
        assert info.value.code == "supplier_cannot_trade"
        assert "supplier_not_active" in info.value.details["blockers"]
    assert snapshot(listing) == state


def test_submit_passes_and_lists_at_once(world, synced):
    supplier, _admin, staff, category = world
    listing = draft_listing(supplier, staff, category)
    review = listing_submit(actor=staff, listing=listing)
    listing.refresh_from_db()
    assert review.outcome == "passed" and listing.state == "listed"
    assert listing.listed_at is not None
    assert review.ruleset.version >= 1
    assert {r["status"] for r in review.results} <= {"pass", "no_reference", "skipped"}
    assert len(review.results) >= 10
    assert events(listing) == ["listing.created", "listing.submitted", "listing.listed"]
    assert synced == [[listing.pk]]


def test_submit_rejects_with_every_failing_rule(world, synced):
    supplier, _admin, staff, category = world
    listing = draft_listing(
        supplier, staff, category, title="最好的打印机", unit="坨", warranty_months=0
    )
    review = listing_submit(actor=staff, listing=listing)
    listing.refresh_from_db()
    assert (review.outcome, listing.state) == ("rejected", "rejected")
    failing = {r["code"] for r in review.results if r["status"] == "fail"}
    assert {"brand_model_in_title", "forbidden_words", "unit_allowed", "warranty_minimum"} <= (
        failing
    )
    assert events(listing)[-1] == "listing.rejected"
    assert synced == []


def _operator(division="150200", role=Role.OPERATOR_REVIEWER):
    org = make_org(OrgKind.OPERATOR, division=division)
    return make_user(role, org=org)


def test_submit_needing_review_queues_with_one_working_day(world, synced):
    from govmall.core.calendar import add_working_days
    from govmall.core.models import Notification

    supplier, _admin, staff, category = world
    reviewer = _operator()
    listing = draft_listing(supplier, staff, category, description="官方授权 正品")
    review = listing_submit(actor=staff, listing=listing)
    listing.refresh_from_db()
    assert (review.outcome, listing.state) == ("manual", "pending")
    assert review.operator == reviewer.organisation
    expected = add_working_days(review.created_at, 1).deadline
    assert review.deadline == expected
    assert events(listing)[-1] == "listing.queued"
    assert Notification.objects.filter(recipient=reviewer).count() == 1
    assert synced == []


def test_manual_decisions(world, synced):
    from govmall.catalog.services_reviews import review_decide

    supplier, _admin, staff, category = world
    reviewer = _operator()
    outsider = _operator(division="150100")
    listing = draft_listing(supplier, staff, category, description="官方授权")
    review = listing_submit(actor=staff, listing=listing)
    state = snapshot(listing)
    with pytest.raises(NotFound):
        review_decide(actor=outsider, review=review, approve=True)
    with pytest.raises(NotFound):
        review_decide(actor=staff, review=review, approve=True)
    with pytest.raises(DomainError) as info:
        review_decide(actor=reviewer, review=review, approve=False, reasons="  ")
    assert (info.value.code, info.value.field) == ("reasons_required", "reasons")
    assert snapshot(listing) == state
    decided = review_decide(actor=reviewer, review=review, approve=False, reasons="图片不清晰")
    listing.refresh_from_db()
    assert (decided.decision, decided.reasons, decided.decided_by) == (
        "rejected",
        "图片不清晰",
        reviewer,
    )
    assert listing.state == "rejected"
    assert events(listing)[-1] == "listing.rejected"
    with pytest.raises(InvalidTransition):
        review_decide(actor=reviewer, review=review, approve=True)
    # Resubmitted and approved this time.
    review2 = listing_submit(actor=staff, listing=listing)
    assert review2.outcome == "manual"
    review_decide(actor=reviewer, review=review2, approve=True)
    listing.refresh_from_db()
    assert listing.state == "listed" and listing.listed_at is not None
    assert events(listing)[-1] == "listing.approved"
    assert synced[-1] == [listing.pk]


@pytest.mark.parametrize(
    ("state", "verb"),
    [
        ("pending", "submit"),
        ("listed", "submit"),
        ("suspended", "submit"),
        ("draft", "delist"),
        ("pending", "delist"),
        ("suspended", "delist"),
        ("pending", "update"),
        ("suspended", "update"),
    ],
)
def test_refused_transitions_change_nothing(world, state, verb):
    supplier, _admin, staff, category = world
    listing = draft_listing(supplier, staff, category)
    Listing.objects.filter(pk=listing.pk).update(state=state)
    data = listing_data(category, supplier=supplier, user=staff)
    before = snapshot(listing)
    with pytest.raises(InvalidTransition) as info:
        if verb == "submit":
            listing_submit(actor=staff, listing=listing)
        elif verb == "delist":
            listing_delist(actor=staff, listing=listing)
        else:
            listing_update(actor=staff, listing=listing, data=data)
    assert info.value.details["state"] == state
    assert info.value.status == 409
    assert snapshot(listing) == before


def test_transition_table_is_explicit():
    assert review_flow.TRANSITIONS["suspended"] == frozenset({"listed"})
    assert "delisted" not in review_flow.TRANSITIONS["suspended"]
    assert review_flow.TRANSITIONS["pending"] == frozenset({"listed", "rejected"})


def test_edit_in_place_and_rejected_becomes_draft(world):
    supplier, _admin, staff, category = world
    listing = draft_listing(supplier, staff, category, unit="坨")
    listing_submit(actor=staff, listing=listing)
    listing.refresh_from_db()
    assert listing.state == "rejected"
    data = listing_data(category, supplier=supplier, user=staff, price="88.00")
    result = listing_update(actor=staff, listing=listing, data=data, sku="NEW")
    assert isinstance(result, Listing)
    listing.refresh_from_db()
    assert (listing.state, listing.price, listing.unit, listing.sku) == (
        "draft",
        Decimal("88.00"),
        "台",
        "NEW",
    )
    event = Event.objects.filter(object_id=str(listing.pk), action="listing.updated").get()
    assert event.before["state"] == "rejected" and event.after["state"] == "draft"
    assert event.before["unit"] == "坨" and event.after["unit"] == "台"
    # The same content again: nothing changes, no event.
    count = Event.objects.count()
    listing_update(actor=staff, listing=listing, data=data, sku="NEW")
    assert Event.objects.count() == count


def test_other_suppliers_staff_get_not_found(world):
    supplier, _admin, staff, category = world
    listing = draft_listing(supplier, staff, category)
    other, other_admin = make_supplier()
    data = listing_data(category, supplier=other, user=other_admin)
    before = snapshot(listing)
    for call in (
        lambda: listing_update(actor=other_admin, listing=listing, data=data),
        lambda: listing_submit(actor=other_admin, listing=listing),
        lambda: listing_delist(actor=other_admin, listing=listing),
        lambda: listing_set_stock(actor=other_admin, listing=listing, stock=3),
    ):
        with pytest.raises(NotFound):
            call()
    assert snapshot(listing) == before


def test_revision_passing_replaces_live_content(world, synced):
    supplier, _admin, staff, category = world
    listing = listed_listing(supplier, staff, category, price="500.00")
    data = listing_data(
        category,
        supplier=supplier,
        user=staff,
        brand=listing.brand,
        model_no=listing.model_no,
        price="450.00",
    )
    result = listing_update(actor=staff, listing=listing, data=data)
    assert isinstance(result, ListingRevision) and result.state == "applied"
    listing.refresh_from_db()
    assert (listing.state, listing.price) == ("listed", Decimal("450.00"))
    assert events(listing)[-2:] == ["listing.revision_submitted", "listing.revision_applied"]
    applied = Event.objects.filter(object_id=str(listing.pk), action="listing.revision_applied")
    assert applied.get().before["price"] == "500.00"
    assert synced[-1] == [listing.pk]


def test_revision_rejected_keeps_live_version(world, synced):
    supplier, _admin, staff, category = world
    listing = listed_listing(supplier, staff, category, price="500.00")
    data = listing_data(category, supplier=supplier, user=staff, title="第一 打印机")
    calls = len(synced)
    result = listing_update(actor=staff, listing=listing, data=data)
    assert isinstance(result, ListingRevision) and result.state == "rejected"
    listing.refresh_from_db()
    assert (listing.state, listing.price) == ("listed", Decimal("500.00"))
    assert listing.title != "第一 打印机"
    assert events(listing)[-1] == "listing.revision_rejected"
    assert len(synced) == calls


def test_manual_revision_waits_then_is_replaced_then_applied(world, synced):
    from govmall.catalog.services_reviews import review_decide

    supplier, _admin, staff, category = world
    reviewer = _operator()
    listing = listed_listing(supplier, staff, category, price="500.00")
    same = {"brand": listing.brand, "model_no": listing.model_no}
    first = listing_update(
        actor=staff,
        listing=listing,
        data=listing_data(
            category, supplier=supplier, user=staff, description="限量 款", price="480.00", **same
        ),
    )
    assert isinstance(first, ListingRevision) and first.state == "pending"
    listing.refresh_from_db()
    assert listing.price == Decimal("500.00")
    second = listing_update(
        actor=staff,
        listing=listing,
        data=listing_data(
            category, supplier=supplier, user=staff, description="限量 版", price="470.00", **same
        ),
    )
    first.refresh_from_db()
    assert first.state == "withdrawn" and second.state == "pending"
    review = ListingReview.objects.get(revision=second)
    assert review.operator == reviewer.organisation
    stale = ListingReview.objects.get(revision=first)
    with pytest.raises(InvalidTransition):
        review_decide(actor=reviewer, review=stale, approve=True)
    review_decide(actor=reviewer, review=review, approve=True)
    listing.refresh_from_db()
    second.refresh_from_db()
    assert (listing.state, listing.price, second.state) == ("listed", Decimal("470.00"), "applied")
    assert events(listing)[-1] == "listing.revision_applied"


def test_delist_and_resubmit(world, synced):
    supplier, _admin, staff, category = world
    listing = listed_listing(supplier, staff, category)
    listing_delist(actor=staff, listing=listing)
    assert listing.state == "delisted"
    assert synced[-1] == [listing.pk]
    review = listing_submit(actor=staff, listing=listing)
    listing.refresh_from_db()
    assert (review.outcome, listing.state) == ("passed", "listed")
    assert events(listing)[-3:] == ["listing.delisted", "listing.submitted", "listing.listed"]


def test_stock_changes_at_once(world):
    supplier, _admin, staff, category = world
    listing = listed_listing(supplier, staff, category, stock=5)
    listing_set_stock(actor=staff, listing=listing, stock="12")
    listing.refresh_from_db()
    assert listing.stock == 12
    event = Event.objects.filter(object_id=str(listing.pk), action="listing.stock_set").get()
    assert (event.before, event.after) == ({"stock": 5}, {"stock": 12})
    with pytest.raises(DomainError) as info:
        listing_set_stock(actor=staff, listing=listing, stock=-2)
    assert info.value.code == "invalid_stock"


def test_suspend_and_reinstate(world, synced):
    supplier, _admin, staff, category = world
    reviewer = _operator()
    outsider = _operator(division="150100")
    regulator = make_user(Role.REGULATOR)
    listing = listed_listing(supplier, staff, category)
    before = snapshot(listing)
    with pytest.raises(DomainError) as info:
        listing_suspend(actor=reviewer, listing=listing, reason="")
    assert info.value.code == "reason_required"
    with pytest.raises(NotFound):
        listing_suspend(actor=outsider, listing=listing, reason="假货")
    with pytest.raises(PermissionDenied):
        listing_suspend(actor=staff, listing=listing, reason="假货")
    with pytest.raises(PermissionDenied):
        listing_suspend(actor=regulator, listing=listing, reason="假货")
    assert snapshot(listing) == before
    listing_suspend(actor=reviewer, listing=listing, reason="涉嫌虚假商品")
    listing.refresh_from_db()
    assert (listing.state, listing.suspended_reason) == ("suspended", "涉嫌虚假商品")
    assert events(listing)[-1] == "listing.suspended"
    with pytest.raises(InvalidTransition):
        listing_delist(actor=staff, listing=listing)
    listing_reinstate(actor=reviewer, listing=listing)
    listing.refresh_from_db()
    assert (listing.state, listing.suspended_reason) == ("listed", "")
    assert events(listing)[-1] == "listing.reinstated"
    with pytest.raises(InvalidTransition):
        listing_reinstate(actor=reviewer, listing=listing)
    assert synced[-2:] == [[listing.pk], [listing.pk]]


def test_preview_writes_nothing(world):
    supplier, _admin, staff, category = world
    data = listing_data(category, supplier=supplier, user=staff, unit="坨")
    from govmall.catalog.rules.engine import current_ruleset

    current_ruleset()
    count = (Event.objects.count(), ListingReview.objects.count(), Listing.objects.count())
    verdict = review_preview(supplier=supplier, data=data, listing_id=None)
    assert verdict.outcome == "rejected"
    assert "unit_allowed" in {r.code for r in verdict.failures}
    assert (Event.objects.count(), ListingReview.objects.count(), Listing.objects.count()) == count


def test_duplicate_of_own_listing_is_rejected(world):
    supplier, _admin, staff, category = world
    first = listed_listing(supplier, staff, category)
    listing = draft_listing(
        supplier, staff, category, brand=first.brand, model_no=first.model_no, price="1.00"
    )
    review = listing_submit(actor=staff, listing=listing)
    assert review.outcome == "rejected"
    assert "duplicate" in {r["code"] for r in review.results if r["status"] == "fail"}
