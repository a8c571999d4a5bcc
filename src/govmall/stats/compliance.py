"""Compliance of the 1-working-day verification of returns and terminations, published live.

Counted: requests decided by the owning operator (approved or rejected) whose decision
(`verified_at`) falls in the period, by Beijing-time date. Within the deadline: verified at or
before `verify_deadline`. Verification time: from the supplier's agreement (`supplier_answered_at`,
when the operator's clock started) to the decision, in clock hours; the median has one decimal
(the mean of the two middle values for an even count; null when none). Disputed: requests that
became disputes (objection or silence) in the period, by `closed_at`. Shares are percentages
with two decimals. Per operator: the same figures for each owning operator. No personal data.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from govmall.core.calendar import TZ, parse_date_input
from govmall.core.errors import DomainError
from govmall.stats.selectors import share
from govmall.trading.models import ChangeRequest, ChangeState

DECIDED = (ChangeState.APPROVED, ChangeState.REJECTED)
HOUR = Decimal(3600 * 1_000_000)
MIN_YEAR, MAX_YEAR = 2000, 2999


def parse_period(date_from: Any, date_to: Any) -> tuple[date | None, date | None]:
    """Optional ISO dates (inclusive); `from` after `to` is `invalid_period`."""
    start = parse_date_input(date_from, field="from") if date_from not in (None, "") else None
    end = parse_date_input(date_to, field="to") if date_to not in (None, "") else None
    for value, field in ((start, "from"), (end, "to")):
        if value is not None and not MIN_YEAR <= value.year <= MAX_YEAR:
            raise DomainError(
                "invalid_date",
                _("Enter a date from %(min)d to %(max)d.") % {"min": MIN_YEAR, "max": MAX_YEAR},
                field=field,
            )
    if start and end and start > end:
        raise DomainError(
            "invalid_period", _("The start of the period is after its end."), field="from"
        )
    return start, end


def _bounds(field: str, start: date | None, end: date | None) -> Q:
    q = Q()
    if start is not None:
        q &= Q(**{f"{field}__gte": datetime.combine(start, time.min, tzinfo=TZ)})
    if end is not None:
        q &= Q(**{f"{field}__lt": datetime.combine(end + timedelta(days=1), time.min, tzinfo=TZ)})
    return q


def _hours(value: timedelta) -> Decimal:
    return Decimal(value // timedelta(microseconds=1)) / HOUR


def _median_hours(decided: QuerySet[ChangeRequest], count: int) -> str | None:
    if not count:
        return None
    durations = list(
        decided.annotate(
            took=ExpressionWrapper(
                F("verified_at") - F("supplier_answered_at"), output_field=DurationField()
            )
        )
        .order_by("took", "id")
        .values_list("took", flat=True)
    )
    middle = count // 2
    if count % 2:
        value = _hours(durations[middle])
    else:
        value = (_hours(durations[middle - 1]) + _hours(durations[middle])) / 2
    return str(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _figures(decided: QuerySet[ChangeRequest], disputed: int) -> dict[str, Any]:
    counts = decided.aggregate(
        n=Count("id"),
        on_time=Count("id", filter=Q(verified_at__lte=F("verify_deadline"))),
        approved=Count("id", filter=Q(state=ChangeState.APPROVED)),
    )
    n = counts["n"]
    return {
        "decided": n,
        "approved": counts["approved"],
        "rejected": n - counts["approved"],
        "within_deadline": counts["on_time"],
        "within_deadline_share": share(counts["on_time"], n),
        "median_hours": _median_hours(decided, n),
        "disputed": disputed,
    }


def change_compliance(
    date_from: date | None = None, date_to: date | None = None, now: datetime | None = None
) -> dict[str, Any]:
    now = now or timezone.now()
    decided = ChangeRequest.objects.filter(
        _bounds("verified_at", date_from, date_to),
        state__in=DECIDED,
        verified_at__isnull=False,
        supplier_answered_at__isnull=False,
        verify_deadline__isnull=False,
    )
    disputed = ChangeRequest.objects.filter(
        _bounds("closed_at", date_from, date_to), state=ChangeState.DISPUTED
    )
    disputed_by_operator = dict(
        disputed.values_list("operator_id").annotate(n=Count("id")).order_by()
    )
    operators = dict(
        decided.values_list("operator_id", "operator__name").distinct().order_by()
    ) | dict(disputed.values_list("operator_id", "operator__name").distinct().order_by())
    per_operator = [
        {
            "operator_id": op_id,
            "operator": name,
            **_figures(decided.filter(operator_id=op_id), disputed_by_operator.get(op_id, 0)),
        }
        for op_id, name in sorted(operators.items(), key=lambda item: (item[1], item[0]))
    ]
    awaiting = ChangeRequest.objects.filter(state=ChangeState.AWAITING_VERIFICATION).aggregate(
        n=Count("id"), overdue=Count("id", filter=Q(verify_deadline__lt=now))
    )
    return {
        "from": date_from,
        "to": date_to,
        **_figures(decided, disputed.count()),
        "awaiting_verification": awaiting["n"],
        "overdue_now": awaiting["overdue"],
        "by_operator": per_operator,
    }
