"""Contract order returns (合同订单退回) and project terminations (项目终止).

No one ends a contract alone (政府采购法 Art. 50): the purchaser asks, the supplier agrees or
objects within 1 working day, and after agreement the owning operator (the purchasing unit's)
verifies within 1 working day. An objection, or silence when the supplier's day runs out,
closes the request as disputed: the contract goes on and supervision takes the dispute up.

Each verb locks its rows (order before request), validates, writes and records its events in
one transaction; a refusal writes nothing. The clocks (tick jobs, recompute on calendar
change) live in `change_clock`.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govmall.accounts.access import owning_operator
from govmall.accounts.models import User
from govmall.audit.services import record_event
from govmall.core.calendar import add_working_days
from govmall.core.errors import DomainError
from govmall.core.notify import notify
from govmall.core.numbers import next_number
from govmall.core.text import clean_text
from govmall.trading import config, states
from govmall.trading.access import (
    change_for_actor,
    order_for_actor,
    require_order_purchaser,
    require_order_supplier,
)
from govmall.trading.change_effects import apply_approved
from govmall.trading.models import (
    ChangeKind,
    ChangeReason,
    ChangeRequest,
    ChangeRequestLine,
    ChangeState,
    Order,
    OrderLine,
)
from govmall.trading.selectors_changes import (
    REQUESTER_ROLES,
    change_link,
    operator_users,
    purchaser_users,
    require_owning_decider,
    supplier_users,
)
from govmall.trading.states import ORDER_CHANGEABLE

TEXT_LIMIT = 2000
MAX_LINES = 50


# ---- validation -----------------------------------------------------------------------------


def _choice(value: Any, choices: Any, *, field: str, code: str) -> str:
    if not isinstance(value, str) or value not in choices.values:
        raise DomainError(
            code,
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(choices.values)},
            field=field,
        )
    return value


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def clean_lines(order: Order, lines: Any) -> dict[int, int]:
    """Line id -> quantity to return: each line of this order, once, 1..what is left."""
    if not isinstance(lines, list | tuple) or not lines:
        raise DomainError("invalid_lines", _("Choose at least one line to return."), field="lines")
    if len(lines) > MAX_LINES:
        raise DomainError("invalid_lines", _("Too many lines."), field="lines")
    own = {line.pk: line for line in OrderLine.objects.filter(order=order)}
    wanted: dict[int, int] = {}
    for item in lines:
        if not isinstance(item, list | tuple) or len(item) != 2:
            raise DomainError(
                "invalid_lines", _("Give each line as (line, quantity)."), field="lines"
            )
        line_id, quantity = _int(item[0]), _int(item[1])
        if line_id is None or line_id not in own:
            raise DomainError(
                "unknown_line", _("This order has no such line."), field="lines", line=item[0]
            )
        if line_id in wanted:
            raise DomainError(
                "duplicate_line", _("Each line may appear once."), field="lines", line=line_id
            )
        line = own[line_id]
        left = line.quantity - line.returned_quantity
        if quantity is None or not 1 <= quantity <= left:
            raise DomainError(
                "invalid_quantity",
                _("Return from 1 to %(left)d of this line.") % {"left": left},
                field="lines",
                line=line_id,
                max=left,
            )
        wanted[line_id] = quantity
    return wanted


def _require_changeable(order: Order) -> None:
    if order.state not in ORDER_CHANGEABLE:
        raise DomainError(
            "order_not_changeable",
            _("Order %(number)s is %(state)s: it cannot be returned or terminated now.")
            % {"number": order.number, "state": order.get_state_display()},
            status=409,
            state=order.state,
        )


def _already_open() -> DomainError:
    return DomainError(
        "change_already_open",
        _("This order already has an open return or termination request."),
        status=409,
    )


def _lock_change(change: ChangeRequest) -> ChangeRequest:
    return ChangeRequest.objects.select_for_update(of=("self",)).get(pk=change.pk)


def _describe(change: ChangeRequest) -> dict[str, str]:
    return {"number": change.number, "order": change.order.number}


# ---- the purchaser asks ------------------------------------------------------------------


def change_request(
    *,
    actor: User,
    number: str,
    kind: str,
    reason: str,
    reason_text: str = "",
    lines: list[tuple[int, int]] | None = None,
) -> ChangeRequest:
    """Ask to return the order (wholly, or `lines` of it) or to terminate its project."""
    with transaction.atomic():
        order = order_for_actor(actor, number, lock=True)
        require_order_purchaser(actor, order, *REQUESTER_ROLES)
        kind = _choice(kind, ChangeKind, field="kind", code="invalid_kind")
        reason = _choice(reason, ChangeReason, field="reason", code="invalid_reason")
        reason_text = clean_text(
            reason_text,
            field="reason_text",
            limit=TEXT_LIMIT,
            required=reason == ChangeReason.OTHER,
            required_message=_("Describe the reason."),
        )
        _require_changeable(order)
        wanted: dict[int, int] = {}
        if kind == ChangeKind.TERMINATE and lines:
            raise DomainError(
                "lines_not_allowed",
                _("A termination ends the whole project: choose no lines."),
                field="lines",
            )
        if kind == ChangeKind.RETURN and lines is not None:
            wanted = clean_lines(order, lines)
        if ChangeRequest.objects.filter(
            order=order,
            state__in=(ChangeState.AWAITING_SUPPLIER, ChangeState.AWAITING_VERIFICATION),
        ).exists():
            raise _already_open()
        operator = owning_operator(order.purchaser.division)
        if operator is None:
            raise DomainError(
                "no_operator", _("No operator serves this purchasing unit's division."), status=409
            )
        now = timezone.now()
        due = add_working_days(now, config.get("CHANGE_SUPPLIER_WORKING_DAYS"))
        try:
            with transaction.atomic():
                change = ChangeRequest.objects.create(
                    number=next_number("RT"),
                    kind=kind,
                    state=ChangeState.AWAITING_SUPPLIER,
                    order=order,
                    whole=not wanted,
                    reason=reason,
                    reason_text=reason_text,
                    requested_by=actor,
                    requested_at=now,
                    supplier_deadline=due.deadline,
                    operator=operator,
                )
        except IntegrityError:
            raise _already_open() from None
        ChangeRequestLine.objects.bulk_create(
            ChangeRequestLine(request=change, line_id=line_id, quantity=quantity)
            for line_id, quantity in wanted.items()
        )
        details = {
            "state": change.state,
            "kind": kind,
            "order": order.number,
            "whole": change.whole,
            "reason": reason,
            "reason_text": reason_text,
            "lines": {str(k): v for k, v in wanted.items()},
            "supplier_deadline": due.deadline,
            "calendar_known": due.calendar_known,
            "operator": operator.pk,
        }
        record_event(obj=change, action="changerequest.requested", actor=actor, after=details)
        record_event(
            obj=order,
            action="order.change_requested",
            actor=actor,
            after={"change": change.number, "kind": kind, "whole": change.whole},
        )
        notify(
            supplier_users(order),
            verb="change.requested",
            message=_(
                "%(order)s: the purchaser asks for %(kind)s (%(number)s). Agree or object by "
                "%(deadline)s; silence makes it a dispute."
            )
            % {
                "order": order.number,
                "kind": change.get_kind_display(),
                "number": change.number,
                "deadline": timezone.localtime(due.deadline).strftime("%Y-%m-%d %H:%M"),
            },
            link=change_link(change),
        )
    return change


def change_withdraw(*, actor: User, number: str) -> ChangeRequest:
    """The purchaser takes the request back while the supplier has not answered."""
    with transaction.atomic():
        change = change_for_actor(actor, number)
        require_order_purchaser(actor, change.order, *REQUESTER_ROLES)
        locked = _lock_change(change)
        locked.order = change.order
        locked.closed_at = timezone.now()
        states.advance(locked, ChangeState.WITHDRAWN, actor=actor, fields=["closed_at"])
        notify(
            supplier_users(change.order),
            verb="change.withdrawn",
            message=_("%(number)s on %(order)s was withdrawn by the purchaser.")
            % _describe(change),
            link=change_link(change),
        )
    return locked


# ---- the supplier answers ----------------------------------------------------------------


def _supplier_answer(actor: User, number: str) -> ChangeRequest:
    change = change_for_actor(actor, number)
    require_order_supplier(actor, change.order)
    locked = _lock_change(change)
    locked.order = change.order
    locked.operator = change.operator
    states.require_transition(locked, ChangeState.DISPUTED)
    now = timezone.now()
    if now > locked.supplier_deadline:
        raise DomainError(
            "answer_too_late",
            _("The supplier's answer was due by %(deadline)s.")
            % {"deadline": timezone.localtime(locked.supplier_deadline).strftime("%Y-%m-%d %H:%M")},
            status=409,
        )
    locked.supplier_answered_at = now
    locked.supplier_answered_by = actor
    return locked


def change_agree(*, actor: User, number: str) -> ChangeRequest:
    """The supplier agrees: the owning operator verifies within 1 working day."""
    with transaction.atomic():
        change = _supplier_answer(actor, number)
        assert change.supplier_answered_at is not None
        due = add_working_days(
            change.supplier_answered_at, config.get("CHANGE_VERIFY_WORKING_DAYS")
        )
        change.verify_deadline = due.deadline
        states.advance(
            change,
            ChangeState.AWAITING_VERIFICATION,
            actor=actor,
            fields=["supplier_answered_at", "supplier_answered_by", "verify_deadline"],
            after={"verify_deadline": due.deadline, "calendar_known": due.calendar_known},
        )
        notify(
            operator_users(change.operator),
            verb="change.to_verify",
            message=_("%(number)s on %(order)s: the supplier agreed. Verify it by %(deadline)s.")
            % {
                **_describe(change),
                "deadline": timezone.localtime(due.deadline).strftime("%Y-%m-%d %H:%M"),
            },
            link=change_link(change),
        )
    return change


def change_object(*, actor: User, number: str, objection: str) -> ChangeRequest:
    """The supplier objects: the request is disputed and the contract goes on."""
    with transaction.atomic():
        change = _supplier_answer(actor, number)
        change.objection = clean_text(objection, field="objection", limit=TEXT_LIMIT)
        change.closed_at = change.supplier_answered_at
        states.advance(
            change,
            ChangeState.DISPUTED,
            actor=actor,
            fields=["supplier_answered_at", "supplier_answered_by", "objection", "closed_at"],
            after={"cause": "objection", "objection": change.objection},
        )
        notify_disputed(change, cause="objection")
    return change


def notify_disputed(change: ChangeRequest, *, cause: str) -> None:
    if cause == "objection":
        message = _(
            "%(number)s on %(order)s: the supplier objected. The contract goes on; supervision "
            "will handle the dispute."
        )
    else:
        message = _(
            "%(number)s on %(order)s: the supplier did not answer in time. The contract goes "
            "on; supervision will handle the dispute."
        )
    recipients = [*purchaser_users(change.order), *operator_users(change.operator)]
    if cause != "objection":
        recipients += list(supplier_users(change.order))
    notify(
        recipients,
        verb="change.disputed",
        message=message % _describe(change),
        link=change_link(change),
    )


# ---- the owning operator verifies -----------------------------------------------------------


def _verifiable(actor: User, number: str) -> tuple[ChangeRequest, Order]:
    change = change_for_actor(actor, number)
    require_owning_decider(actor, change)
    order = Order.objects.select_for_update(of=("self",)).get(pk=change.order_id)
    locked = _lock_change(change)
    locked.order = order
    locked.operator = change.operator
    states.require_transition(locked, ChangeState.APPROVED)
    assert locked.verify_deadline is not None
    return locked, order


def change_approve(*, actor: User, number: str, reasons: str = "") -> ChangeRequest:
    """Approve: the order or lines are returned or the contract terminated, stock restored,
    funds released and a refund recorded if more was paid than is now payable."""
    with transaction.atomic():
        change, order = _verifiable(actor, number)
        reasons = clean_text(reasons, field="reasons", limit=TEXT_LIMIT, required=False)
        _require_changeable(order)
        effects = apply_approved(change, order, actor)
        now = timezone.now()
        change.verified_at = now
        change.verified_by = actor
        change.verify_reasons = reasons
        change.refund_amount = effects.refund
        change.closed_at = now
        states.advance(
            change,
            ChangeState.APPROVED,
            actor=actor,
            fields=["verified_at", "verified_by", "verify_reasons", "refund_amount", "closed_at"],
            after={
                "reasons": reasons,
                "within_deadline": now <= change.verify_deadline,  # type: ignore[operator]
                **effects.as_json(),
            },
        )
        notify(
            [*purchaser_users(order), *supplier_users(order)],
            verb="change.approved",
            message=_("%(number)s on %(order)s was approved by the operator.") % _describe(change),
            link=change_link(change),
        )
    return change


def change_reject(*, actor: User, number: str, reasons: str) -> ChangeRequest:
    """Reject: the order and contract go on."""
    with transaction.atomic():
        change, _order = _verifiable(actor, number)
        reasons = clean_text(reasons, field="reasons", limit=TEXT_LIMIT)
        now = timezone.now()
        change.verified_at = now
        change.verified_by = actor
        change.verify_reasons = reasons
        change.closed_at = now
        states.advance(
            change,
            ChangeState.REJECTED,
            actor=actor,
            fields=["verified_at", "verified_by", "verify_reasons", "closed_at"],
            after={"reasons": reasons, "within_deadline": now <= change.verify_deadline},  # type: ignore[operator]
        )
        notify(
            [*purchaser_users(change.order), *supplier_users(change.order)],
            verb="change.rejected",
            message=_("%(number)s on %(order)s was rejected by the operator: %(reasons)s")
            % {**_describe(change), "reasons": reasons},
            link=change_link(change),
        )
    return change
