"""Contract deadlines over time: one notification per contract whose publication (2 working
days) or filing (7 working days) is overdue (`tick`), and recomputation when the calendar
changes.

Overdue is the query in selectors_contracts; what is stored is the notification event on the
contract (trading.overdue.notify_once), keyed by the duty and the deadline, so each overdue duty
is notified once — again only if a recompute moves its deadline and it passes anew.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govmall.audit.models import Event
from govmall.audit.services import record_event
from govmall.core.calendar import TZ, add_working_days, years_spanned
from govmall.trading import config
from govmall.trading import selectors_contracts as sel
from govmall.trading.models import Contract
from govmall.trading.overdue import notify_once
from govmall.trading.services_contracts import contract_link, regulators_over, unit_members

if TYPE_CHECKING:
    from govmall.accounts.models import User

PUBLISH_ACTION = "contract.publish_overdue_notified"
FILE_ACTION = "contract.file_overdue_notified"
RECOMPUTED_ACTION = "contract.deadlines_recomputed"
JOB_BATCH = 500


def _key(duty: str, deadline: datetime) -> str:
    return f"{duty}:{deadline.astimezone(TZ).isoformat()}"


def _pending(due: list[tuple[int, datetime]], duty: str, action: str) -> list[int]:
    """Of the (id, deadline) pairs, the contracts not yet notified for that deadline (one
    query); the locked re-check in notify_once stays the guard against races."""
    done = {
        (object_id, (after or {}).get("key"))
        for object_id, after in Event.objects.filter(
            object_type="trading.contract",
            action=action,
            object_id__in=[str(pk) for pk, _d in due],
        ).values_list("object_id", "after")
    }
    return [pk for pk, deadline in due if (str(pk), _key(duty, deadline)) not in done]


def _notify(contract_id: int, duty: str, now: datetime) -> bool:
    with transaction.atomic():
        contract = (
            Contract.objects.select_for_update(of=("self",))
            .select_related("order__purchaser__division")
            .get(pk=contract_id)
        )
        unit = contract.order.purchaser
        fmt = {"number": contract.number, "unit": unit.name}
        if duty == "publish":
            if not sel.is_publish_overdue(contract, now):
                return False
            assert contract.publish_deadline is not None
            deadline = contract.publish_deadline
            fmt["deadline"] = deadline.astimezone(TZ).strftime("%Y-%m-%d %H:%M")
            recipients = unit_members(unit)
            message = _(
                "Contract %(number)s of %(unit)s is not published: the deadline was %(deadline)s."
            )
            action = PUBLISH_ACTION
        else:
            if not sel.is_file_overdue(contract, now):
                return False
            assert contract.file_deadline is not None
            deadline = contract.file_deadline
            fmt["deadline"] = deadline.astimezone(TZ).strftime("%Y-%m-%d %H:%M")
            recipients = [*unit_members(unit), *regulators_over(unit)]
            message = _(
                "Contract %(number)s of %(unit)s is not filed: the deadline was %(deadline)s."
            )
            action = FILE_ACTION
        return notify_once(
            contract,
            action=action,
            key=_key(duty, deadline),
            deadline=deadline,
            recipients=recipients,
            verb=action.removesuffix("_notified"),
            message=message % fmt,
            link=contract_link(contract),
            organisation=unit,
        )


def contract_overdue_job() -> str:
    """Notify once per newly overdue publication and filing (idempotent)."""
    now = timezone.now()
    counts = {}
    for duty, qs, field, action in (
        ("publish", sel.publish_overdue(now), "publish_deadline", PUBLISH_ACTION),
        ("file", sel.file_overdue(now), "file_deadline", FILE_ACTION),
    ):
        due = list(qs.order_by("id").values_list("pk", field))
        pending = _pending(due, duty, action)[:JOB_BATCH]
        counts[duty] = sum(_notify(pk, duty, now) for pk in pending)
    return (
        f"contracts: {counts['publish']} publication(s) and {counts['file']} filing(s) "
        "newly overdue notified"
    )


def recompute_contract_deadlines(years: set[int], actor: User | None) -> int:
    """Recompute the open publish/file deadlines of signed contracts whose period touches
    `years`; one event per changed contract. Returns how many changed."""
    if not years:
        return 0
    first = datetime(min(years), 1, 1, tzinfo=TZ)
    last = datetime(max(years), 12, 31, 23, 59, 59, 999999, tzinfo=TZ)
    ids = list(
        Contract.objects.filter(
            state__in=sel.DUTY_STATES, signed_at__isnull=False, signed_at__lte=last
        )
        .filter(file_deadline__gte=first)
        .exclude(published_at__isnull=False, filed_at__isnull=False)
        .order_by("id")
        .values_list("pk", flat=True)
    )
    changed = 0
    for pk in ids:
        with transaction.atomic():
            contract = Contract.objects.select_for_update(of=("self",)).get(pk=pk)
            if _recompute_one(contract, years, actor):
                changed += 1
    return changed


def _recompute_one(contract: Contract, years: set[int], actor: User | None) -> bool:
    assert contract.signed_at is not None and contract.file_deadline is not None
    if not years_spanned(contract.signed_at, contract.file_deadline) & years:
        return False
    before: dict[str, object] = {}
    after: dict[str, object] = {}
    duties = (
        ("publish_deadline", "published_at", "CONTRACT_PUBLISH_WORKING_DAYS"),
        ("file_deadline", "filed_at", "CONTRACT_FILE_WORKING_DAYS"),
    )
    known = True
    for field, done, setting in duties:
        if getattr(contract, done) is not None:
            continue
        due = add_working_days(contract.signed_at, config.get(setting))
        known = known and due.calendar_known
        if due.deadline != getattr(contract, field):
            before[field] = getattr(contract, field)
            after[field] = due.deadline
            setattr(contract, field, due.deadline)
    if not after:
        return False
    contract.save(update_fields=list(after))
    record_event(
        obj=contract,
        action=RECOMPUTED_ACTION,
        actor=actor,
        before=before,
        after={**after, "calendar_known": known, "years": sorted(years)},
    )
    return True
