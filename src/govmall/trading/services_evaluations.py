"""Evaluation (评价): after acceptance the purchasing unit rates the supplier's quality, delivery
and service (1–5) once per order, with an optional comment. The averages are public on the
supplier's profile (`selectors_ratings`)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from govmall.accounts.models import User
from govmall.accounts.roles import Role
from govmall.audit.services import record_event
from govmall.core.errors import DomainError
from govmall.core.notify import notify
from govmall.core.text import clean_text
from govmall.trading.access import SUPPLIER_ROLES, order_for_actor, require_order_purchaser
from govmall.trading.models import Evaluation, Order, OrderState

# Who rates for the unit: its buyers and its admin (the approver approves, it does not rate).
RATER_ROLES = (Role.BUYER, Role.PURCHASER_ADMIN)
EVALUABLE = (OrderState.ACCEPTED, OrderState.COMPLETED)
SCORE_FIELDS = ("quality", "delivery", "service")
COMMENT_LIMIT = 1000
MIN_SCORE, MAX_SCORE = 1, 5


def parse_score(value: Any, *, field: str) -> int:
    """An integer 1–5 (an int, or a string of digits from a form); else `invalid_score`."""
    score: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        score = value
    elif isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 2:
        score = int(value.strip())
    if score is None or not MIN_SCORE <= score <= MAX_SCORE:
        raise DomainError(
            "invalid_score",
            _("Give a whole number from 1 to 5."),
            field=field,
        )
    return score


def order_link(number: str) -> str:
    """The order page if it is mounted (it belongs to the orders area), else the after-sales
    view of the order."""
    for name in ("trading:order_detail", "trading:order_aftersales"):
        try:
            return reverse(name, args=[number])
        except NoReverseMatch:
            continue
    return ""


def supplier_users(order: Order) -> list[User]:
    return list(
        User.objects.filter(
            organisation_id=order.supplier.organisation_id,
            is_active=True,
            roles__role__in=SUPPLIER_ROLES,
        ).distinct()
    )


def can_evaluate(actor: User | None, order: Order) -> bool:
    """For pages: may the actor rate this order now?"""
    return (
        actor is not None
        and actor.is_authenticated
        and actor.organisation_id == order.purchaser_id
        and actor.has_role(*RATER_ROLES)
        and order.state in EVALUABLE
        and not Evaluation.objects.filter(order_id=order.pk).exists()
    )


def evaluation_submit(
    *,
    actor: User,
    number: str,
    quality: Any,
    delivery: Any,
    service: Any,
    comment: Any = "",
) -> Evaluation:
    """Rate the supplier of an accepted (or completed) order, once; audited on the order
    ("order.evaluated") and the supplier notified."""
    with transaction.atomic():
        order = order_for_actor(actor, number, lock=True)
        require_order_purchaser(actor, order, *RATER_ROLES)
        scores = {
            "quality": parse_score(quality, field="quality"),
            "delivery": parse_score(delivery, field="delivery"),
            "service": parse_score(service, field="service"),
        }
        text = clean_text(comment, field="comment", limit=COMMENT_LIMIT, required=False)
        if order.state not in EVALUABLE:
            raise DomainError(
                "not_accepted_yet",
                _("The order can be rated after its acceptance: it is %(state)s.")
                % {"state": order.get_state_display()},
                status=409,
                state=order.state,
            )
        if Evaluation.objects.filter(order_id=order.pk).exists():
            raise _already()
        now = timezone.now()
        try:
            with transaction.atomic():
                evaluation = Evaluation.objects.create(
                    order=order,
                    supplier_id=order.supplier_id,
                    comment=text,
                    by=actor,
                    at=now,
                    **scores,
                )
        except IntegrityError as exc:  # a concurrent rating of the same order won
            raise _already() from exc
        record_event(
            obj=order,
            action="order.evaluated",
            actor=actor,
            after={"evaluation": evaluation.pk, **scores, "comment": text},
        )
        notify(
            supplier_users(order),
            verb="order.evaluated",
            message=_(
                "Order %(number)s was rated: quality %(quality)d, delivery %(delivery)d, "
                "service %(service)d."
            )
            % {"number": order.number, **scores},
            link=order_link(order.number),
        )
    return evaluation


def _already() -> DomainError:
    return DomainError("already_evaluated", _("This order has already been rated."), status=409)
