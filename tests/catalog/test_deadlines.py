"""Manual review deadlines: 1 working day, recomputed when the calendar changes, overdue
notified once by the tick job."""

from __future__ import annotations

from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
import time_machine

from govmall.accounts.roles import OrgKind, Role
from govmall.audit.models import Event
from govmall.catalog import deadlines
from govmall.catalog.services_reviews import review_decide
from govmall.core.deadlines import registered
from govmall.core.models import Notification
from govmall.core.services_calendar import calendar_override_set
from tests.catalog.factories import make_category
from tests.catalog.listing_helpers import private_media, submitted_listing  # noqa: F401
from tests.factories import make_org, make_supplier, make_user, regional_operator_admin

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media", "english")]
CST = dt_timezone(timedelta(hours=8))


@pytest.fixture(autouse=True)
def _registered():
    deadlines.register()
    deadlines.register()
    assert registered().count(deadlines.recompute_review_deadlines) == 1


@pytest.fixture
def world():
    supplier, admin = make_supplier()
    reviewer = make_user(Role.OPERATOR_REVIEWER, org=make_org(OrgKind.OPERATOR))
    return supplier, admin, reviewer, make_category()


def _manual(world, when: datetime):
    supplier, admin, _reviewer, category = world
    with time_machine.travel(when, tick=False):
        listing, review = submitted_listing(supplier, admin, category, description="官方授权")
    assert review.outcome == "manual"
    return listing, review


def test_deadline_is_end_of_next_working_day(world):
    # Wednesday 2026-09-30, then the National Day holiday: due on its first working day after.
    _listing, review = _manual(world, datetime(2026, 9, 30, 10, 0, tzinfo=CST))
    assert review.deadline == datetime(2026, 10, 8, 23, 59, 59, tzinfo=CST)


def test_calendar_change_recomputes_open_deadlines(world):
    listing, review = _manual(world, datetime(2026, 11, 10, 10, 0, tzinfo=CST))
    assert review.deadline == datetime(2026, 11, 11, 23, 59, 59, tzinfo=CST)
    regional = regional_operator_admin()
    calendar_override_set(actor=regional, date="2026-11-11", is_working=False, note="test")
    review.refresh_from_db()
    assert review.deadline == datetime(2026, 11, 12, 23, 59, 59, tzinfo=CST)
    event = Event.objects.get(
        object_type="catalog.listing",
        object_id=str(listing.pk),
        action="listing.review_deadline_recomputed",
    )
    assert event.after["review"] == review.pk


def test_overdue_notified_once(world):
    _supplier, _admin, reviewer, _category = world
    listing, review = _manual(world, datetime(2026, 11, 10, 10, 0, tzinfo=CST))
    _decided_listing, decided = _manual(world, datetime(2026, 11, 10, 11, 0, tzinfo=CST))
    review_decide(actor=reviewer, review=decided, approve=True)
    base = Notification.objects.filter(recipient=reviewer, verb="listing.review_overdue").count()
    with time_machine.travel(datetime(2026, 11, 11, 23, 0, tzinfo=CST), tick=False):
        assert deadlines.overdue_notification_job() == "0 overdue listing reviews notified"
    assert list(deadlines.overdue_reviews(datetime(2026, 11, 13, tzinfo=CST))) == [review]
    with time_machine.travel(datetime(2026, 11, 12, 9, 0, tzinfo=CST), tick=False):
        assert deadlines.overdue_notification_job() == "1 overdue listing reviews notified"
        assert deadlines.overdue_notification_job() == "0 overdue listing reviews notified"
    notes = Notification.objects.filter(recipient=reviewer, verb="listing.review_overdue")
    assert notes.count() == base + 1
    assert listing.number in notes.last().message  # type: ignore[union-attr]
    assert (
        Event.objects.filter(
            object_id=str(listing.pk), action="listing.review_overdue_notified"
        ).count()
        == 1
    )
