"""Verification deadlines over time: recomputed when the calendar changes, and one notification
to the owner per application that has become overdue (the `tick` job).

"Overdue" is a query (pending, deadline passed: `selectors_verification.overdue_applications`),
never a stored flag; what is stored is the audit event "application.overdue_notified", so each
overdue application is notified once.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govmall.audit.models import Event
from govmall.audit.services import record_event
from govmall.core.calendar import TZ, add_working_days, years_spanned
from govmall.core.deadlines import register_recompute
from govmall.core.notify import notify
from govmall.suppliers.models import Application, ApplicationStatus
from govmall.suppliers.selectors_verification import (
    application_link,
    overdue_applications,
    owner_users,
)

if TYPE_CHECKING:
    from govmall.accounts.models import User

OVERDUE_ACTION = "application.overdue_notified"
OBJECT_TYPE = "suppliers.application"
JOB_BATCH = 500


def recompute_verification_deadlines(years: set[int], actor: User | None) -> int:
    """Recompute the deadline of every pending application whose period (submission to
    deadline) touches `years`; each change is audited. Returns how many changed."""
    if not years:
        return 0
    first = datetime(min(years), 1, 1, tzinfo=TZ)
    last = datetime(max(years), 12, 31, 23, 59, 59, 999999, tzinfo=TZ)  # 9999 has no next year
    candidates = (
        Application.objects.select_for_update()
        .filter(status=ApplicationStatus.PENDING, submitted_at__lte=last, deadline__gte=first)
        .order_by("id")
    )
    changed = 0
    for application in candidates:
        if not years_spanned(application.submitted_at, application.deadline) & years:
            continue
        due = add_working_days(application.submitted_at, settings.GOVMALL_VERIFICATION_WORKING_DAYS)
        old = (application.deadline, application.deadline_calendar_known)
        if old == (due.deadline, due.calendar_known):
            continue
        application.deadline = due.deadline
        application.deadline_calendar_known = due.calendar_known
        application.save(update_fields=["deadline", "deadline_calendar_known"])
        record_event(
            obj=application,
            action="application.deadline_recomputed",
            actor=actor,
            before={"deadline": old[0], "deadline_calendar_known": old[1]},
            after={
                "deadline": due.deadline,
                "deadline_calendar_known": due.calendar_known,
                "years": sorted(years),
            },
        )
        changed += 1
    return changed


def register() -> None:
    """Called from SuppliersConfig.ready(); registering twice has no effect."""
    register_recompute(recompute_verification_deadlines)


def _notify_overdue(application_id: int, now: datetime) -> bool:
    with transaction.atomic():
        application = (
            Application.objects.select_for_update()
            .select_related("supplier__organisation", "owner")
            .filter(pk=application_id, status=ApplicationStatus.PENDING, deadline__lt=now)
            .first()
        )
        if application is None:
            return False
        already = Event.objects.filter(
            object_type=OBJECT_TYPE, object_id=str(application.pk), action=OVERDUE_ACTION
        ).exists()
        if already:
            return False
        notify(
            owner_users(application.owner),
            verb="application.overdue",
            message=_(
                "Application %(number)s of %(supplier)s is overdue: its deadline was %(deadline)s."
            )
            % {
                "number": application.number,
                "supplier": application.supplier.organisation.name,
                "deadline": application.deadline.astimezone(TZ).strftime("%Y-%m-%d %H:%M"),
            },
            link=application_link(application),
        )
        record_event(
            obj=application,
            action=OVERDUE_ACTION,
            actor=None,
            organisation=application.owner,
            after={"deadline": application.deadline, "notified_at": now},
        )
    return True


def overdue_notification_job() -> str:
    """`tick`: notify the owner once for each application that has become overdue."""
    now = timezone.now()
    notified = 0
    last_id = 0
    while True:
        ids = list(
            overdue_applications(now)
            .filter(pk__gt=last_id)
            .order_by("pk")
            .values_list("pk", flat=True)[:JOB_BATCH]
        )
        if not ids:
            break
        last_id = ids[-1]
        done = set(
            Event.objects.filter(
                object_type=OBJECT_TYPE,
                action=OVERDUE_ACTION,
                object_id__in=[str(pk) for pk in ids],
            ).values_list("object_id", flat=True)
        )
        for pk in ids:
            if str(pk) not in done and _notify_overdue(pk, now):
                notified += 1
    return f"{notified} overdue applications notified"
