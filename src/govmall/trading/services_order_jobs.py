"""What time does to placed orders: `tick` cancels those the supplier did not confirm in time,
and a calendar change recomputes the confirmation deadlines still running.

"Overdue" is a query (`unconfirmed_overdue`), never a stored flag; the job only performs the
transition time causes, one order per transaction, so it is safe to run again at any time.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from govmall.accounts.models import User
from govmall.audit.services import record_event
from govmall.core.calendar import TZ, add_working_days, years_spanned
from govmall.core.notify import notify
from govmall.trading import config
from govmall.trading.models import Order, OrderState
from govmall.trading.services_order_steps import close_order

BATCH = 200
TIMEOUT_REASON = "supplier_confirm_timeout"


def unconfirmed_overdue(now: datetime | None = None) -> QuerySet[Order]:
    return Order.objects.filter(state=OrderState.PLACED, confirm_deadline__lt=now or timezone.now())


def _cancel_one(pk: int, now: datetime) -> bool:
    with transaction.atomic():
        order = (
            unconfirmed_overdue(now)
            .select_for_update(of=("self",))
            .select_related("purchaser", "buyer")
            .filter(pk=pk)
            .first()
        )
        if order is None:
            return False
        reason = _("The supplier did not confirm the order by its deadline.")
        close_order(
            order,
            OrderState.CANCELLED,
            actor=None,
            reason=reason,
            action="order.cancelled",
        )
        notify(
            [order.buyer],
            verb="order.confirm_timeout",
            message=_(
                "Order %(number)s was cancelled: the supplier did not confirm it in time. "
                "Stock and funds were released."
            )
            % {"number": order.number},
            link=reverse("trading:order_detail", args=[order.number]),
        )
    return True


def confirm_timeout_job() -> str:
    """`tick`: cancel placed orders whose confirmation deadline has passed (idempotent)."""
    now = timezone.now()
    cancelled = 0
    last = 0
    while True:
        ids = list(
            unconfirmed_overdue(now)
            .filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH]
        )
        if not ids:
            break
        last = ids[-1]
        cancelled += sum(1 for pk in ids if _cancel_one(pk, now))
    return f"{cancelled} unconfirmed orders cancelled"


def recompute_confirm_deadlines(years: set[int], actor: User | None) -> int:
    """Recompute the confirmation deadline of every placed order whose period touches
    `years` (the calendar of those years changed); each change is an audited event."""
    if not years:
        return 0
    first = datetime(min(years), 1, 1, tzinfo=TZ)
    last = datetime(max(years), 12, 31, 23, 59, 59, 999999, tzinfo=TZ)
    ids = list(
        Order.objects.filter(
            state=OrderState.PLACED,
            placed_at__isnull=False,
            placed_at__lte=last,
            confirm_deadline__gte=first,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    days = config.get("ORDER_CONFIRM_WORKING_DAYS")
    changed = 0
    for pk in ids:
        with transaction.atomic():
            order = (
                Order.objects.select_for_update(of=("self",))
                .filter(pk=pk, state=OrderState.PLACED)
                .first()
            )
            if order is None or order.placed_at is None or order.confirm_deadline is None:
                continue
            if not years_spanned(order.placed_at, order.confirm_deadline) & years:
                continue
            due = add_working_days(order.placed_at, days)
            if due.deadline == order.confirm_deadline:
                continue
            old = order.confirm_deadline
            order.confirm_deadline = due.deadline
            order.save(update_fields=["confirm_deadline"])
            record_event(
                obj=order,
                action="order.confirm_deadline_recomputed",
                actor=actor,
                before={"confirm_deadline": old},
                after={
                    "confirm_deadline": due.deadline,
                    "calendar_known": due.calendar_known,
                    "years": sorted(years),
                },
            )
            changed += 1
    return changed
