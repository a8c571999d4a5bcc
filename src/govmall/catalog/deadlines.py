"""Manual listing review deadlines over time: recomputed when the calendar changes, and one
notification to the owning operator per manual review that has become overdue (`tick`).

"Overdue" is a query (still open, deadline passed: `overdue_reviews`), never a stored flag.
What is stored is an audit event on the listing, "listing.review_overdue_notified" with the
review's id, so each overdue review is notified once (the pattern of suppliers/deadlines.py).
ListingReview has no `calendar_known` column, so whether the calendar was known is recorded
only in the recompute events.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from govmall.audit.models import Event
from govmall.audit.services import record_event
from govmall.catalog.models import Listing, ListingReview
from govmall.catalog.review_flow import MANUAL_REVIEW_WORKING_DAYS, deciders, open_manual_reviews
from govmall.core.calendar import TZ, add_working_days, years_spanned
from govmall.core.deadlines import register_recompute
from govmall.core.notify import notify

if TYPE_CHECKING:
    from govmall.accounts.models import User

OVERDUE_ACTION = "listing.review_overdue_notified"
RECOMPUTED_ACTION = "listing.review_deadline_recomputed"
OBJECT_TYPE = "catalog.listing"
JOB_BATCH = 500


def overdue_reviews(now: datetime | None = None) -> QuerySet[ListingReview]:
    return open_manual_reviews().filter(deadline__lt=now or timezone.now())


def recompute_review_deadlines(years: set[int], actor: User | None) -> int:
    """Recompute the deadline of every open manual review whose period touches `years`;
    each change is an event on the listing. Returns how many changed."""
    if not years:
        return 0
    first = datetime(min(years), 1, 1, tzinfo=TZ)
    last = datetime(max(years), 12, 31, 23, 59, 59, 999999, tzinfo=TZ)
    changed = 0
    ids = list(
        open_manual_reviews()
        .filter(created_at__lte=last, deadline__gte=first)
        .order_by("id")
        .values_list("pk", flat=True)
    )
    for review in (
        ListingReview.objects.select_for_update(of=("self",))
        .select_related("listing")
        .filter(pk__in=ids)
    ):
        assert review.deadline is not None
        if not years_spanned(review.created_at, review.deadline) & years:
            continue
        due = add_working_days(review.created_at, MANUAL_REVIEW_WORKING_DAYS)
        if due.deadline == review.deadline:
            continue
        old = review.deadline
        review.deadline = due.deadline
        review.save(update_fields=["deadline"])
        record_event(
            obj=review.listing,
            action=RECOMPUTED_ACTION,
            actor=actor,
            before={"review": review.pk, "deadline": old},
            after={
                "review": review.pk,
                "deadline": due.deadline,
                "calendar_known": due.calendar_known,
                "years": sorted(years),
            },
        )
        changed += 1
    return changed


def register() -> None:
    """Called from CatalogConfig.ready(); registering twice has no effect."""
    register_recompute(recompute_review_deadlines)


def _notified(review_ids: list[int], listing_ids: set[int]) -> set[int]:
    done: set[int] = set()
    for after in Event.objects.filter(
        object_type=OBJECT_TYPE,
        action=OVERDUE_ACTION,
        object_id__in=[str(pk) for pk in listing_ids],
    ).values_list("after", flat=True):
        if isinstance(after, dict) and after.get("review") in review_ids:
            done.add(after["review"])
    return done


def _notify_overdue(review_id: int, now: datetime) -> bool:
    with transaction.atomic():
        review = (
            overdue_reviews(now)
            .select_related("listing", "operator", "revision")
            .filter(pk=review_id)
            .first()
        )
        if review is None or review.operator is None:
            return False
        listing = Listing.objects.select_for_update(of=("self",)).get(pk=review.listing_id)
        if _notified([review.pk], {listing.pk}):
            return False
        assert review.deadline is not None
        from django.urls import NoReverseMatch, reverse

        try:
            link = reverse("catalog:review_detail", args=[review.pk])
        except NoReverseMatch:
            link = ""
        notify(
            deciders(review.operator),
            verb="listing.review_overdue",
            message=_(
                "The manual review of listing %(number)s (%(title)s) is overdue: its deadline "
                "was %(deadline)s."
            )
            % {
                "number": listing.number,
                "title": review.revision.title if review.revision else listing.title,
                "deadline": review.deadline.astimezone(TZ).strftime("%Y-%m-%d %H:%M"),
            },
            link=link,
        )
        record_event(
            obj=listing,
            action=OVERDUE_ACTION,
            actor=None,
            organisation=review.operator,
            after={"review": review.pk, "deadline": review.deadline, "notified_at": now},
        )
    return True


def overdue_notification_job() -> str:
    """`tick`: notify the owning operator once for each manual review that became overdue."""
    now = timezone.now()
    notified = 0
    last_id = 0
    while True:
        rows = list(
            overdue_reviews(now)
            .filter(pk__gt=last_id)
            .order_by("pk")
            .values_list("pk", "listing_id")[:JOB_BATCH]
        )
        if not rows:
            break
        last_id = rows[-1][0]
        done = _notified([pk for pk, _l in rows], {listing for _p, listing in rows})
        for pk, _listing in rows:
            if pk not in done and _notify_overdue(pk, now):
                notified += 1
    return f"{notified} overdue listing reviews notified"
