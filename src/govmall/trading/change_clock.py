"""The two 1-working-day clocks of returns and terminations, over time.

- `change_supplier_timeout_job` (tick): a supplier who has not answered by its deadline has let
  the request become a dispute — silence never agrees, and never cancels anything.
- `change_verify_overdue_job` (tick): the owning operator is told once per request whose
  verification deadline has passed (an audit event on the request marks it told).
- `recompute_change_deadlines`: when a year of the calendar becomes known, the open clocks are
  recomputed from the moment they started (an audited change).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govmall.audit.services import record_event
from govmall.core.calendar import TZ, add_working_days, years_spanned
from govmall.trading import config, states
from govmall.trading.models import ChangeRequest, ChangeState
from govmall.trading.overdue import notify_once
from govmall.trading.selectors_changes import (
    change_link,
    operator_users,
    overdue_supplier_answers,
    overdue_verifications,
)
from govmall.trading.services_changes import notify_disputed

if TYPE_CHECKING:
    from govmall.accounts.models import User

OVERDUE_ACTION = "changerequest.verify_overdue_notified"
RECOMPUTED_ACTION = "changerequest.deadline_recomputed"
BATCH = 500


def _ids(qs: object, last: int) -> list[int]:
    return list(qs.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH])  # type: ignore[attr-defined]


def _dispute_silent(pk: int, now: datetime) -> bool:
    with transaction.atomic():
        change = (
            ChangeRequest.objects.select_for_update(of=("self",))
            .select_related("order", "order__supplier", "operator")
            .filter(pk=pk, state=ChangeState.AWAITING_SUPPLIER, supplier_deadline__lt=now)
            .first()
        )
        if change is None:
            return False
        change.closed_at = now
        states.advance(
            change,
            ChangeState.DISPUTED,
            actor=None,
            organisation=change.operator,
            fields=["closed_at"],
            after={"cause": "silence", "supplier_deadline": change.supplier_deadline},
        )
        notify_disputed(change, cause="silence")
    return True


def change_supplier_timeout_job() -> str:
    """`tick`: requests the supplier left unanswered past its deadline become disputes."""
    now = timezone.now()
    disputed, last = 0, 0
    while ids := _ids(overdue_supplier_answers(now), last):
        last = ids[-1]
        disputed += sum(_dispute_silent(pk, now) for pk in ids)
    return f"{disputed} return/termination requests disputed for the supplier's silence"


def _notify_overdue(pk: int, now: datetime) -> bool:
    with transaction.atomic():
        change = (
            overdue_verifications(now).select_related("order", "operator").filter(pk=pk).first()
        )
        if change is None or change.verify_deadline is None:
            return False
        deadline = change.verify_deadline
        return notify_once(
            change,
            action=OVERDUE_ACTION,
            key=f"verify:{deadline.isoformat()}",
            deadline=deadline,
            recipients=operator_users(change.operator),
            verb="change.verify_overdue",
            message=_(
                "The verification of %(number)s on %(order)s is overdue: it was due by "
                "%(deadline)s."
            )
            % {
                "number": change.number,
                "order": change.order.number,
                "deadline": deadline.astimezone(TZ).strftime("%Y-%m-%d %H:%M"),
            },
            link=change_link(change),
            organisation=change.operator,
        )


def change_verify_overdue_job() -> str:
    """`tick`: tell the owning operator once per request whose verification is overdue."""
    now = timezone.now()
    notified, last = 0, 0
    while ids := _ids(overdue_verifications(now), last):
        last = ids[-1]
        notified += sum(_notify_overdue(pk, now) for pk in ids)
    return f"{notified} overdue return/termination verifications notified"


def recompute_change_deadlines(years: set[int], actor: User | None) -> int:
    """Recompute the running clock of every open request whose period touches `years`; each
    change is an event on the request. Returns how many changed."""
    if not years:
        return 0
    clocks = (
        (ChangeState.AWAITING_SUPPLIER, "requested_at", "supplier_deadline", "CHANGE_SUPPLIER"),
        (
            ChangeState.AWAITING_VERIFICATION,
            "supplier_answered_at",
            "verify_deadline",
            "CHANGE_VERIFY",
        ),
    )
    changed = 0
    for state, start_field, deadline_field, setting in clocks:
        days = config.get(f"{setting}_WORKING_DAYS")
        ids = list(
            ChangeRequest.objects.filter(state=state).order_by("pk").values_list("pk", flat=True)
        )
        for pk in ids:
            with transaction.atomic():
                change = (
                    ChangeRequest.objects.select_for_update(of=("self",))
                    .filter(pk=pk, state=state)
                    .first()
                )
                if change is None:
                    continue
                start, old = getattr(change, start_field), getattr(change, deadline_field)
                if start is None or old is None or not years_spanned(start, old) & years:
                    continue
                due = add_working_days(start, days)
                if due.deadline == old:
                    continue
                setattr(change, deadline_field, due.deadline)
                change.save(update_fields=[deadline_field])
                record_event(
                    obj=change,
                    action=RECOMPUTED_ACTION,
                    actor=actor,
                    before={deadline_field: old},
                    after={
                        deadline_field: due.deadline,
                        "calendar_known": due.calendar_known,
                        "years": sorted(years),
                    },
                )
                changed += 1
    return changed
