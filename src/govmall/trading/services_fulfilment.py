"""Fulfilment verbs: the supplier ships and delivers (delivery note), the purchasing unit accepts
(验收: pass, or fail with reasons, which sends the order back to the supplier).

Delivery starts the acceptance period (the contract's working days) and, for an SME supplier,
the statutory payment clock (payment_due.py); acceptance may move the due date (acceptance as
the payment condition). An accepted order already fully paid completes at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from govmall.accounts.roles import Role
from govmall.audit.services import record_event
from govmall.core.calendar import TZ, add_working_days, years_spanned
from govmall.core.errors import DomainError
from govmall.core.notify import notify
from govmall.trading import access, amounts, states
from govmall.trading.models import (
    Acceptance,
    AcceptanceResult,
    Contract,
    Delivery,
    DeliveryKind,
    Order,
    OrderState,
)
from govmall.trading.overdue import notify_once
from govmall.trading.payment_due import acceptance_working_days, payment_due_for
from govmall.trading.selectors_fulfilment import (
    acceptance_late,
    late_acceptances,
    supplier_recipients,
    unit_recipients,
)

if TYPE_CHECKING:
    from govmall.accounts.models import User

ACCEPTING_ROLES = (Role.BUYER, Role.PURCHASER_ADMIN)
NOTE_NUMBER_MAX = 60
NOTE_MAX = 1000
REASONS_MAX = 2000


def order_link(order: Order) -> str:
    """The order page (helper B's) or, failing that, this area's fulfilment page."""
    for name in ("trading:order_detail", "trading:order_fulfilment"):
        try:
            return reverse(name, args=[order.number])
        except NoReverseMatch:
            continue
    return ""


def contract_of(order: Order) -> Contract | None:
    return Contract.objects.filter(order_id=order.pk).first()


def clean_text(value: Any, *, field: str, limit: int, required: bool = False) -> str:
    """A stripped string of at most `limit` characters (`<field>_required` if required)."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise DomainError(f"invalid_{field}", _("Enter text."), field=field)
    text = value.strip()
    if required and not text:
        raise DomainError(f"{field}_required", _("This field is required."), field=field)
    if len(text) > limit:
        raise DomainError(
            f"invalid_{field}",
            _("Enter at most %(limit)d characters.") % {"limit": limit},
            field=field,
            limit=limit,
        )
    return text


def _supplier_order(actor: User | None, number: str) -> Order:
    order = access.order_for_actor(actor, number, lock=True)
    access.require_order_supplier(actor, order)
    return order


def order_ship(*, actor: User, number: str, note_number: str = "", note: str = "") -> Order:
    """CONTRACTED → SHIPPED (the supplier; waybill number optional)."""
    note_number = clean_text(note_number, field="note_number", limit=NOTE_NUMBER_MAX)
    note = clean_text(note, field="note", limit=NOTE_MAX)
    with transaction.atomic():
        order = _supplier_order(actor, number)
        states.require_transition(order, OrderState.SHIPPED)
        now = timezone.now()
        Delivery.objects.create(
            order=order,
            kind=DeliveryKind.SHIPPED,
            note_number=note_number,
            note=note,
            by=actor,
            at=now,
        )
        order.shipped_at = now
        states.advance(
            order,
            OrderState.SHIPPED,
            actor=actor,
            fields=["shipped_at"],
            after={"shipped_at": now, "note_number": note_number},
        )
    return order


def order_deliver(*, actor: User, number: str, note_number: str, note: str = "") -> Order:
    """SHIPPED → DELIVERED with the delivery note number (送货单号): starts the acceptance
    period and, for an SME supplier, the payment clock; the buyer is notified."""
    note_number = clean_text(note_number, field="note_number", limit=NOTE_NUMBER_MAX, required=True)
    note = clean_text(note, field="note", limit=NOTE_MAX)
    with transaction.atomic():
        order = _supplier_order(actor, number)
        states.require_transition(order, OrderState.DELIVERED)
        contract = contract_of(order)
        now = timezone.now()
        period = add_working_days(now, acceptance_working_days(contract))
        Delivery.objects.create(
            order=order,
            kind=DeliveryKind.DELIVERED,
            note_number=note_number,
            note=note,
            by=actor,
            at=now,
        )
        before = {
            "acceptance_deadline": order.acceptance_deadline,
            "payment_due": order.payment_due,
        }
        order.delivered_at = now
        order.acceptance_deadline = period.deadline
        order.accepted_at = None
        order.payment_due = payment_due_for(order, contract)
        states.advance(
            order,
            OrderState.DELIVERED,
            actor=actor,
            fields=["delivered_at", "acceptance_deadline", "accepted_at", "payment_due"],
            before=before,
            after={
                "delivered_at": now,
                "note_number": note_number,
                "acceptance_deadline": order.acceptance_deadline,
                "calendar_known": period.calendar_known,
                "payment_due": order.payment_due,
            },
        )
        notify(
            [order.buyer],
            verb="order.delivered",
            message=_(
                "Order %(number)s was delivered (delivery note %(note)s): accept it by "
                "%(deadline)s."
            )
            % {
                "number": order.number,
                "note": note_number,
                "deadline": order.acceptance_deadline.astimezone(TZ).strftime("%Y-%m-%d %H:%M"),
            },
            link=order_link(order),
        )
    return order


def parse_passed(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise DomainError(
        "invalid_passed", _("Say whether the acceptance passed (true or false)."), field="passed"
    )


def order_accept(*, actor: User, number: str, passed: bool, reasons: str = "") -> Order:
    """DELIVERED → ACCEPTED (passed), or back to CONTRACTED with reasons (failed: the supplier
    ships and delivers again). The supplier is notified; the payment due date is recomputed."""
    passed = parse_passed(passed)
    reasons = clean_text(reasons, field="reasons", limit=REASONS_MAX, required=not passed)
    with transaction.atomic():
        order = access.order_for_actor(actor, number, lock=True)
        access.require_order_purchaser(actor, order, *ACCEPTING_ROLES)
        target = OrderState.ACCEPTED if passed else OrderState.CONTRACTED
        states.require_transition(order, target)
        if order.state != OrderState.DELIVERED:
            states.require_transition(order, OrderState.ACCEPTED)  # not delivered: refuse
        now = timezone.now()
        Acceptance.objects.create(
            order=order,
            result=AcceptanceResult.PASSED if passed else AcceptanceResult.FAILED,
            reasons=reasons,
            by=actor,
            at=now,
        )
        before = {
            "acceptance_deadline": order.acceptance_deadline,
            "payment_due": order.payment_due,
        }
        if passed:
            order.accepted_at = now
            order.payment_due = payment_due_for(order, contract_of(order))
            states.advance(
                order,
                OrderState.ACCEPTED,
                actor=actor,
                fields=["accepted_at", "payment_due"],
                before=before,
                after={"accepted_at": now, "payment_due": order.payment_due, "reasons": reasons},
            )
            message = _("Order %(number)s passed acceptance.") % {"number": order.number}
        else:
            order.acceptance_deadline = None
            order.payment_due = None
            states.advance(
                order,
                OrderState.CONTRACTED,
                actor=actor,
                action="order.acceptance_failed",
                fields=["acceptance_deadline", "payment_due"],
                before=before,
                after={"acceptance_deadline": None, "payment_due": None, "reasons": reasons},
            )
            message = _(
                "Order %(number)s failed acceptance: %(reasons)s. Ship and deliver it again."
            ) % {"number": order.number, "reasons": reasons}
        notify(
            supplier_recipients(order),
            verb="order.accepted" if passed else "order.acceptance_failed",
            message=message,
            link=order_link(order),
        )
        if passed and amounts.outstanding(order) <= 0:
            complete_order(order, actor=actor)
    return order


def complete_order(order: Order, *, actor: User | None) -> None:
    """ACCEPTED and nothing outstanding → COMPLETED, and the contract completes with it.
    Runs inside the caller's transaction with the order row locked."""
    from govmall.trading.services_contracts import contract_complete

    now = timezone.now()
    order.completed_at = now
    states.advance(
        order,
        OrderState.COMPLETED,
        actor=actor,
        fields=["completed_at"],
        after={"completed_at": now},
    )
    contract = contract_of(order)
    if contract is not None:
        contract_complete(contract=contract, actor=actor)
    notify(
        [*unit_recipients(order), *supplier_recipients(order)],
        verb="order.completed",
        message=_("Order %(number)s is completed: accepted and paid in full.")
        % {"number": order.number},
        link=order_link(order),
    )


ACCEPTANCE_OVERDUE_ACTION = "order.acceptance_overdue_notified"
RECOMPUTED_ACTION = "order.fulfilment_deadlines_recomputed"


def notify_late_order(
    order_id: int,
    now: datetime,
    *,
    late: Callable[[Order, datetime], bool],
    deadline_field: str,
    action: str,
    verb: str,
    message: Callable[[Order, datetime], str],
    extra: Callable[[Order], dict[str, Any]] | None = None,
) -> bool:
    """Notify the unit's buyers/admins and the supplier once that an order missed the
    deadline in `deadline_field` (a `tick` step, its own transaction, the order locked)."""
    with transaction.atomic():
        order = (
            Order.objects.select_for_update(of=("self",))
            .select_related("supplier", "supplier__organisation", "purchaser")
            .filter(pk=order_id)
            .first()
        )
        if order is None or not late(order, now):
            return False
        deadline: datetime = getattr(order, deadline_field)
        local = deadline.astimezone(TZ)
        return notify_once(
            order,
            action=action,
            key=f"{deadline_field}:{local.isoformat()}",
            deadline=deadline,
            recipients=[*unit_recipients(order), *supplier_recipients(order)],
            verb=verb,
            message=message(order, local),
            link=order_link(order),
            organisation=order.purchaser,
            extra=extra(order) if extra is not None else None,
        )


def _acceptance_message(order: Order, deadline: datetime) -> str:
    return _(
        "Order %(number)s was delivered but not accepted by the end of the acceptance "
        "period (%(deadline)s)."
    ) % {"number": order.number, "deadline": deadline.strftime("%Y-%m-%d %H:%M")}


def acceptance_overdue_job() -> str:
    """`tick`: notify once per delivered order whose acceptance period ended unaccepted."""
    now = timezone.now()
    notified = 0
    for order_id in list(late_acceptances(now=now).order_by("pk").values_list("pk", flat=True)):
        if notify_late_order(
            order_id,
            now,
            late=acceptance_late,
            deadline_field="acceptance_deadline",
            action=ACCEPTANCE_OVERDUE_ACTION,
            verb="order.acceptance_overdue",
            message=_acceptance_message,
        ):
            notified += 1
    return f"{notified} late acceptances notified"


def recompute_fulfilment_deadlines(years: set[int], actor: User | None) -> int:
    """After a calendar change: recompute the acceptance deadline of every delivered order and
    the payment due date of every delivered or accepted one whose period touches `years`; each
    change is an "order.fulfilment_deadlines_recomputed" event. Returns how many changed."""
    if not years:
        return 0
    first = datetime(min(years), 1, 1, tzinfo=TZ)
    last = datetime(max(years), 12, 31, 23, 59, 59, 999999, tzinfo=TZ)
    ids = list(
        Order.objects.filter(
            state__in=(OrderState.DELIVERED, OrderState.ACCEPTED), delivered_at__lte=last
        )
        .filter(Q(acceptance_deadline__gte=first) | Q(payment_due__gte=first))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    changed = 0
    for order in Order.objects.select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk"):
        assert order.delivered_at is not None
        ends = [d for d in (order.acceptance_deadline, order.payment_due) if d is not None]
        if not any(years_spanned(order.delivered_at, end) & years for end in ends):
            continue
        contract = contract_of(order)
        before = {
            "acceptance_deadline": order.acceptance_deadline,
            "payment_due": order.payment_due,
        }
        known = True
        if order.state == OrderState.DELIVERED:
            period = add_working_days(order.delivered_at, acceptance_working_days(contract))
            order.acceptance_deadline = period.deadline
            known = period.calendar_known
        order.payment_due = payment_due_for(order, contract)
        after = {"acceptance_deadline": order.acceptance_deadline, "payment_due": order.payment_due}
        if after == before:
            continue
        order.save(update_fields=["acceptance_deadline", "payment_due"])
        record_event(
            obj=order,
            action=RECOMPUTED_ACTION,
            actor=actor,
            organisation=order.purchaser,
            before=before,
            after={**after, "calendar_known": known, "years": sorted(years)},
        )
        changed += 1
    return changed
