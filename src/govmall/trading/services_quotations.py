"""Quick competitive quotation (竞价) requests: publish, cancel, relaunch after a failure, the
ceiling's reservation, and the award deadline's recompute. Closing (opening the sealed quotes)
is `services_quotes.quotation_close_job`.

The ceiling is reserved from the unit's funding source while the request runs, by the same
conditional single-statement UPDATE as `trading.funds.reserve` (no overdraft, no check-then-act)
with ledger rows that name the quotation instead of an order; the winner's order later takes
over the reservation (`services_awards`). Nothing about quotes is written on the quotation
before opening: its trail and pages cannot reveal a price or how many quotes exist.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from govmall.accounts.models import Division, User
from govmall.accounts.roles import Role
from govmall.audit.services import record_event
from govmall.core.calendar import TZ, add_working_days, parse_date_input, parse_datetime_input
from govmall.core.errors import DomainError, NotFound
from govmall.core.notify import notify
from govmall.core.numbers import next_number
from govmall.core.text import clean_text
from govmall.trading import config, states
from govmall.trading import quotation_eligibility as elig
from govmall.trading.access import quotation_for_actor, require_purchaser
from govmall.trading.models import (
    FundingSource,
    FundMovement,
    MovementKind,
    Quotation,
    QuotationInvitation,
    QuotationState,
)

REASON_LIMIT = 1000


# --- funds -----------------------------------------------------------------------------------


def reserve_for_quotation(quotation: Quotation, *, actor: User | None) -> None:
    """Reserve the ceiling (`quotation.reserved_amount`) from the quotation's funding source."""
    amount = quotation.reserved_amount
    updated = FundingSource.objects.filter(
        pk=quotation.funding_source_id, active=True, amount__gte=F("reserved") + amount
    ).update(reserved=F("reserved") + amount, updated_at=timezone.now())
    if not updated:
        raise DomainError(
            "insufficient_funds",
            _("The funding source does not have %(amount)s left.") % {"amount": amount},
            status=409,
            field="funding_source_id",
        )
    FundMovement.objects.create(
        source_id=quotation.funding_source_id,
        kind=MovementKind.RESERVE,
        amount=amount,
        order=None,
        actor=actor,
        note=quotation.number,
        at=timezone.now(),
    )


def release_for_quotation(quotation: Quotation, *, actor: User | None) -> Decimal:
    """Give back what the quotation still reserves; sets `reserved_amount` to 0 (saved)."""
    amount = quotation.reserved_amount
    if amount <= 0:
        return Decimal("0.00")
    FundingSource.objects.filter(pk=quotation.funding_source_id).update(
        reserved=F("reserved") - amount, updated_at=timezone.now()
    )
    FundMovement.objects.create(
        source_id=quotation.funding_source_id,
        kind=MovementKind.RELEASE,
        amount=-amount,
        order=None,
        actor=actor,
        note=quotation.number,
        at=timezone.now(),
    )
    quotation.reserved_amount = Decimal("0.00")
    Quotation.objects.filter(pk=quotation.pk).update(reserved_amount=quotation.reserved_amount)
    return amount


# --- helpers ---------------------------------------------------------------------------------


def detail_link(quotation: Quotation) -> str:
    return reverse("trading:quotation_detail", args=[quotation.number])


def invited_users(quotation: Quotation) -> list[User]:
    ids = list(quotation.invitations.values_list("supplier_id", flat=True))
    return elig.supplier_users(ids)


def lock(number: str) -> Quotation:
    quotation = (
        Quotation.objects.select_for_update(of=("self",))
        .select_related("purchaser", "category")
        .filter(number=number)
        .first()
    )
    if quotation is None:
        raise NotFound()
    return quotation


def require_unit_buyer(actor: User | None, number: Any) -> tuple[User, Quotation]:
    """A buyer of the quotation's purchasing unit, and the quotation locked; others 404/403."""
    text = number if isinstance(number, str) else ""
    found = quotation_for_actor(actor, text[:24])
    user = require_purchaser(actor, Role.BUYER)
    if user.organisation_id != found.purchaser_id:
        raise NotFound()
    return user, lock(found.number)


def _division(code: Any) -> Division:
    text = code.strip() if isinstance(code, str) else ""
    division = Division.objects.filter(code=text).first() if len(text) == 6 else None
    if division is None:
        raise DomainError(
            "unknown_division", _("Choose a valid delivery division."), field="delivery_division"
        )
    return division


def _closes_at(value: Any) -> datetime:
    return parse_datetime_input(value, field="closes_at")


def _check_delivery(delivery_date: date, closes_at: datetime) -> None:
    if delivery_date <= closes_at.astimezone(TZ).date():
        raise DomainError(
            "delivery_before_closing",
            _("The delivery date must be after the closing date."),
            field="delivery_date",
        )


# --- publish ---------------------------------------------------------------------------------


def quotation_publish(
    *,
    actor: User | None,
    title: Any,
    category_code: Any,
    requirements: Any,
    required_attributes: Any,
    quantity: Any,
    unit: Any,
    ceiling_total: Any,
    funding_source_id: Any,
    delivery_division: Any,
    delivery_address: Any,
    delivery_date: Any,
    closes_at: Any,
) -> Quotation:
    """Publish a request, reserve its ceiling and invite every eligible supplier."""
    user = require_purchaser(actor, Role.BUYER)
    now = timezone.now()
    data: dict[str, Any] = {
        "title": clean_text(title, field="title", limit=elig.TITLE_LIMIT),
        "requirements": clean_text(
            requirements, field="requirements", limit=elig.REQUIREMENTS_LIMIT
        ),
        "quantity": elig.parse_quantity(quantity),
        "unit": clean_text(unit, field="unit", limit=elig.UNIT_LIMIT),
        "ceiling_total": elig.parse_amount(ceiling_total, field="ceiling_total"),
        "delivery_address": clean_text(
            delivery_address, field="delivery_address", limit=elig.ADDRESS_LIMIT
        ),
        "delivery_date": parse_date_input(delivery_date, field="delivery_date"),
        "closes_at": _closes_at(closes_at),
    }
    elig.check_ceiling(data["ceiling_total"])
    source_id = elig.parse_id(funding_source_id, field="funding_source_id")
    category = elig.active_category(category_code)
    data["required_attributes"] = elig.required_attributes_for(category, required_attributes)
    data["delivery_division"] = _division(delivery_division)
    elig.check_closes_at(data["closes_at"], now)
    _check_delivery(data["delivery_date"], data["closes_at"])
    with transaction.atomic():
        return _create(actor=user, category=category, source_id=source_id, data=data, now=now)


def _create(
    *,
    actor: User,
    category: Any,
    source_id: int,
    data: dict[str, Any],
    now: datetime,
    relaunch_of: Quotation | None = None,
) -> Quotation:
    org_id = actor.organisation_id
    assert org_id is not None  # require_purchaser made sure
    source = FundingSource.objects.filter(pk=source_id, organisation_id=org_id, active=True).first()
    if source is None:
        raise DomainError(
            "unknown_funding_source",
            _("Choose an active funding source of your unit."),
            field="funding_source_id",
        )
    quotation = Quotation.objects.create(
        number=next_number("QUO"),
        state=QuotationState.PUBLISHED,
        purchaser_id=org_id,
        buyer=actor,
        funding_source=source,
        category=category,
        created_at=now,
        published_at=now,
        reserved_amount=data["ceiling_total"],
        relaunch_of=relaunch_of,
        **data,
    )
    reserve_for_quotation(quotation, actor=actor)
    suppliers = elig.eligible_suppliers(category)
    QuotationInvitation.objects.bulk_create(
        [QuotationInvitation(quotation=quotation, supplier=s, invited_at=now) for s in suppliers]
    )
    record_event(
        obj=quotation,
        action="quotation.published",
        actor=actor,
        after={
            "state": quotation.state,
            "title": quotation.title,
            "category": category.code,
            "required_attributes": quotation.required_attributes,
            "quantity": quotation.quantity,
            "unit": quotation.unit,
            "ceiling_total": quotation.ceiling_total,
            "funding_source": source.pk,
            "reserved": quotation.reserved_amount,
            "delivery_division": quotation.delivery_division_id,
            "delivery_date": quotation.delivery_date,
            "closes_at": quotation.closes_at,
            "invited": len(suppliers),
            "relaunch_of": relaunch_of.number if relaunch_of else None,
        },
    )
    notify(
        elig.supplier_users([s.pk for s in suppliers]),
        verb="quotation_invited",
        message=_("You are invited to quote on %(number)s “%(title)s”; quotes close at %(at)s.")
        % {
            "number": quotation.number,
            "title": quotation.title,
            "at": data["closes_at"].astimezone(TZ).strftime("%Y-%m-%d %H:%M"),
        },
        link=detail_link(quotation),
    )
    return quotation


# --- cancel and relaunch -----------------------------------------------------------------------


def quotation_cancel(*, actor: User | None, number: Any, reason: Any) -> Quotation:
    """The buyer withdraws the request before closing; the reserve is released and the invited
    suppliers told. Sealed quotes are never opened."""
    reason_text = clean_text(reason, field="reason", limit=REASON_LIMIT)
    with transaction.atomic():
        user, quotation = require_unit_buyer(actor, number)
        states.require_transition(quotation, QuotationState.CANCELLED)
        now = timezone.now()
        if quotation.closes_at is not None and now >= quotation.closes_at:
            raise DomainError("quotation_closed", _("The quotation has closed."), status=409)
        released = release_for_quotation(quotation, actor=user)
        quotation.finished_at = now
        states.advance(
            quotation,
            QuotationState.CANCELLED,
            actor=user,
            fields=["finished_at"],
            after={"reason": reason_text, "released": released},
        )
        notify(
            invited_users(quotation),
            verb="quotation_cancelled",
            message=_("Quotation %(number)s “%(title)s” was cancelled by the purchaser.")
            % {"number": quotation.number, "title": quotation.title},
            link=detail_link(quotation),
        )
    return quotation


def quotation_relaunch(
    *, actor: User | None, number: Any, closes_at: Any, delivery_date: Any = None
) -> Quotation:
    """A failed (流标) request published again as a new quotation with the same needs."""
    now = timezone.now()
    new_close = _closes_at(closes_at)
    with transaction.atomic():
        user, old = require_unit_buyer(actor, number)
        if old.state != QuotationState.FAILED:
            raise DomainError(
                "not_failed",
                _("Only a failed quotation can be relaunched."),
                status=409,
                state=old.state,
            )
        if old.relaunches.exists():
            raise DomainError(
                "already_relaunched", _("This quotation was relaunched already."), status=409
            )
        day = (
            old.delivery_date
            if delivery_date in (None, "")
            else parse_date_input(delivery_date, field="delivery_date")
        )
        elig.check_closes_at(new_close, now)
        _check_delivery(day, new_close)
        data = {
            "title": old.title,
            "requirements": old.requirements,
            "required_attributes": old.required_attributes,
            "quantity": old.quantity,
            "unit": old.unit,
            "ceiling_total": old.ceiling_total,
            "delivery_division_id": old.delivery_division_id,
            "delivery_address": old.delivery_address,
            "delivery_date": day,
            "closes_at": new_close,
        }
        category = old.category
        if not category.is_active:
            raise DomainError(
                "unknown_category", _("Choose an active category."), field="category_code"
            )
        new = _create(
            actor=user,
            category=category,
            source_id=old.funding_source_id,
            data=data,
            now=now,
            relaunch_of=old,
        )
        record_event(
            obj=old, action="quotation.relaunched", actor=user, after={"relaunch": new.number}
        )
    return new


# --- calendar ------------------------------------------------------------------------------


def recompute_award_deadlines(years: set[int], actor: User | None) -> int:
    """Calendar changed: recompute the award deadline of quotations still being evaluated whose
    period touches `years`; each change is an audited event on the quotation."""
    from govmall.core.calendar import years_spanned

    changed = 0
    if not years:
        return 0
    ids = list(
        Quotation.objects.filter(
            state=QuotationState.EVALUATING, award_deadline__isnull=False
        ).values_list("pk", flat=True)
    )
    for quotation in Quotation.objects.select_for_update(of=("self",)).filter(pk__in=ids):
        assert quotation.closes_at is not None and quotation.award_deadline is not None
        if not years_spanned(quotation.closes_at, quotation.award_deadline) & years:
            continue
        due = add_working_days(quotation.closes_at, config.get("AWARD_WORKING_DAYS"))
        if due.deadline == quotation.award_deadline:
            continue
        old = quotation.award_deadline
        quotation.award_deadline = due.deadline
        quotation.save(update_fields=["award_deadline"])
        record_event(
            obj=quotation,
            action="quotation.award_deadline_recomputed",
            actor=actor,
            before={"award_deadline": old},
            after={
                "award_deadline": due.deadline,
                "calendar_known": due.calendar_known,
                "years": sorted(years),
            },
        )
        changed += 1
    return changed
