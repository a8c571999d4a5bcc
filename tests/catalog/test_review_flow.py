"""The review flow around revisions and the manual queue: what leaves the queue when, and
what a rejected revision leaves behind."""

from __future__ import annotations

from decimal import Decimal

import pytest

from govmall.accounts.roles import OrgKind, Role
from govmall.audit.models import Event
from govmall.catalog.access import manual_queue, review_for_actor
from govmall.catalog.models import ListingReview, ListingRevision
from govmall.catalog.services_listings import (
    listing_delist,
    listing_suspend,
    listing_update,
)
from govmall.catalog.services_reviews import review_decide
from govmall.core.errors import InvalidTransition, NotFound
from tests.catalog.factories import make_category
from tests.catalog.listing_helpers import (  # noqa: F401
    listed_listing,
    listing_data,
    private_media,
    submitted_listing,
)
from tests.factories import make_org, make_supplier, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media", "english")]


@pytest.fixture
def world():
    supplier, admin = make_supplier()
    reviewer = make_user(Role.OPERATOR_REVIEWER, org=make_org(OrgKind.OPERATOR))
    return supplier, admin, reviewer, make_category()


def _manual_revision(world, listing, price="400.00"):
    supplier, admin, _reviewer, category = world
    data = listing_data(
        category,
        supplier=supplier,
        user=admin,
        brand=listing.brand,
        model_no=listing.model_no,
        price=price,
        description="原装进口",
    )
    revision = listing_update(actor=admin, listing=listing, data=data)
    assert isinstance(revision, ListingRevision) and revision.state == "pending"
    return revision, ListingReview.objects.get(revision=revision)


def test_revision_rejected_by_operator_keeps_live(world):
    supplier, admin, reviewer, category = world
    listing = listed_listing(supplier, admin, category, price="500.00")
    revision, review = _manual_revision(world, listing)
    assert list(manual_queue(reviewer)) == [review]
    review_decide(actor=reviewer, review=review, approve=False, reasons="进口证明缺失")
    listing.refresh_from_db()
    revision.refresh_from_db()
    assert (listing.state, listing.price, revision.state) == (
        "listed",
        Decimal("500.00"),
        "rejected",
    )
    event = Event.objects.filter(
        object_id=str(listing.pk), action="listing.revision_rejected"
    ).get()
    assert event.after["reasons"] == "进口证明缺失"
    assert list(manual_queue(reviewer)) == []


@pytest.mark.parametrize("how", ["delist", "suspend"])
def test_leaving_listed_withdraws_the_pending_revision(world, how):
    supplier, admin, reviewer, category = world
    listing = listed_listing(supplier, admin, category)
    revision, review = _manual_revision(world, listing)
    if how == "delist":
        listing_delist(actor=admin, listing=listing)
    else:
        listing_suspend(actor=reviewer, listing=listing, reason="抽查")
    revision.refresh_from_db()
    assert revision.state == "withdrawn"
    assert list(manual_queue(reviewer)) == []
    with pytest.raises(InvalidTransition):
        review_decide(actor=reviewer, review=review, approve=True)


def test_reverting_to_live_content_withdraws(world):
    supplier, admin, _reviewer, category = world
    listing = listed_listing(supplier, admin, category, price="500.00")
    revision, _review = _manual_revision(world, listing)
    from govmall.catalog.content import data_from_row

    listing.refresh_from_db()
    result = listing_update(actor=admin, listing=listing, data=data_from_row(listing))
    assert result.pk == listing.pk
    revision.refresh_from_db()
    assert revision.state == "withdrawn"


def test_same_edit_twice_is_idempotent(world):
    supplier, admin, _reviewer, category = world
    listing = listed_listing(supplier, admin, category)
    revision, _review = _manual_revision(world, listing)
    from govmall.catalog.content import data_from_row

    again = listing_update(actor=admin, listing=listing, data=data_from_row(revision))
    assert again.pk == revision.pk
    assert ListingReview.objects.filter(listing=listing, revision__isnull=False).count() == 1


def test_review_for_actor_is_for_the_owner_only(world):
    supplier, admin, reviewer, category = world
    _listing, review = submitted_listing(supplier, admin, category, description="官方授权")
    assert review_for_actor(reviewer, review.pk) == review
    upper = make_user(Role.OPERATOR_ADMIN, org=make_org(OrgKind.OPERATOR, division="150000"))
    for actor in (admin, upper, None):
        with pytest.raises(NotFound):
            review_for_actor(actor, review.pk)
    assert list(manual_queue(upper)) == []
    assert list(manual_queue(admin)) == []


def test_outside_region_supplier_goes_to_regional_centre(world):
    _supplier, _admin, _reviewer, category = world
    centre = make_org(OrgKind.OPERATOR, division="150000")
    supplier, admin = make_supplier(division="110101")
    _listing, review = submitted_listing(supplier, admin, category, description="官方授权")
    assert review.operator == centre
