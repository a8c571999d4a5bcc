"""Contract verbs: generate (from a confirmed order or an award), sign (each side confirms the
SHA-256 of the exact text), publish on the public portal, file with the regulator, and the
end states other areas drive (complete, terminate).

Signing by the second side sets the publish (2 working days) and file (7 working days)
deadlines and moves the order to CONTRACTED. "Overdue" is a query (contract_deadlines).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from govmall.accounts.models import User
from govmall.accounts.roles import Role
from govmall.audit.services import record_event
from govmall.core.calendar import add_working_days
from govmall.core.errors import DomainError, InvalidTransition, NotFound
from govmall.core.notify import notify
from govmall.core.numbers import next_number
from govmall.suppliers.gate import trading_blockers
from govmall.trading import access, config, states
from govmall.trading.contract_text import Terms, after_sales_from, build_texts
from govmall.trading.models import (
    Contract,
    ContractSignature,
    ContractState,
    Order,
    OrderState,
    PaymentCondition,
)

if TYPE_CHECKING:
    from govmall.accounts.models import Organisation

PURCHASER = "purchaser"
SUPPLIER = "supplier"
SIGNING_PURCHASER_ROLES = (Role.BUYER, Role.PURCHASER_ADMIN)
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def contract_link(contract: Contract) -> str:
    return reverse("trading:contract_detail", args=[contract.number])


def unit_members(org: Organisation) -> list[User]:
    """The purchasing unit's buyers and admins (who sign, publish and file)."""
    return list(
        User.objects.filter(
            organisation=org, is_active=True, roles__role__in=SIGNING_PURCHASER_ROLES
        ).distinct()
    )


def supplier_members(org: Organisation) -> list[User]:
    return list(
        User.objects.filter(
            organisation=org, is_active=True, roles__role__in=access.SUPPLIER_ROLES
        ).distinct()
    )


def regulators_over(org: Organisation) -> list[User]:
    """Regulator users whose jurisdiction covers the organisation's division."""
    codes = org.division.path.split("/")
    return list(
        User.objects.filter(
            organisation__kind="regulator",
            organisation__division_id__in=codes,
            is_active=True,
            roles__role=Role.REGULATOR,
        ).distinct()
    )


def default_terms(order: Order) -> Terms:
    payment_days = min(config.get("PAYMENT_DAYS"), config.get("PAYMENT_DAYS_MAX"))
    return Terms(
        delivery_days=15,
        acceptance_working_days=config.get("ACCEPTANCE_WORKING_DAYS"),
        payment_condition=PaymentCondition.DELIVERY,
        payment_days=payment_days,
        after_sales=after_sales_from(list(order.lines.all())),
    )


def contract_generate(*, order: Order, actor: User | None) -> Contract:
    """The contract of a CONFIRMED order (called inside order_confirm / the award's
    confirmation): text, hash and public text fixed now; AWAITING_SIGNATURES."""
    with transaction.atomic():
        order = (
            Order.objects.select_for_update(of=("self",))
            .select_related(
                "purchaser",
                "purchaser__division",
                "supplier",
                "supplier__organisation",
                "buyer",
                "quotation",
                "delivery_division",
            )
            .get(pk=order.pk)
        )
        if order.state != OrderState.CONFIRMED:
            raise InvalidTransition(
                _("A contract is generated only for a confirmed order."), state=order.state
            )
        if Contract.objects.filter(order=order).exists():
            raise DomainError(
                "contract_exists", _("This order already has a contract."), status=409
            )
        terms = default_terms(order)
        now = timezone.now()
        number = next_number("CON")
        texts = build_texts(
            number=number, order=order, lines=list(order.lines.all()), terms=terms, created_at=now
        )
        contract = Contract.objects.create(
            number=number,
            order=order,
            state=ContractState.AWAITING_SIGNATURES,
            total=order.total,
            total_in_words=texts.total_in_words,
            delivery_days=terms.delivery_days,
            acceptance_working_days=terms.acceptance_working_days,
            payment_condition=terms.payment_condition,
            payment_days=terms.payment_days,
            after_sales_terms=terms.after_sales,
            text=texts.text,
            text_sha256=texts.text_sha256,
            public_text=texts.public_text,
            created_at=now,
        )
        record_event(
            obj=contract,
            action="contract.generated",
            actor=actor,
            organisation=order.purchaser,
            after={
                "state": contract.state,
                "order": order.number,
                "total": contract.total,
                "text_sha256": contract.text_sha256,
            },
        )
        notify(
            [*unit_members(order.purchaser), *supplier_members(order.supplier.organisation)],
            verb="contract.generated",
            message=_("Contract %(number)s for order %(order)s is ready to sign.")
            % {"number": number, "order": order.number},
            link=contract_link(contract),
        )
    return contract


def signing_side(actor: User | None, contract: Contract) -> str:
    """Which side the actor signs for, or a refusal (not a party: 404 like a stranger)."""
    order = contract.order
    if actor is not None and actor.organisation_id == order.purchaser_id:
        access.require_order_purchaser(actor, order, *SIGNING_PURCHASER_ROLES)
        return PURCHASER
    supplier = access.actor_supplier(actor)
    if supplier is not None and supplier.pk == order.supplier_id:
        return SUPPLIER
    if access.order_visible_to(actor, order):
        raise DomainError("not_a_party", _("Only the two parties sign the contract."), status=403)
    raise NotFound()


def contract_sign(
    *,
    actor: User,
    number: str,
    text_sha256: str,
    ip: str | None = None,
    user_agent: str = "",
) -> Contract:
    """One side confirms the exact text; the second confirmation signs the contract."""
    text_sha256 = str(text_sha256 or "").strip().lower()
    with transaction.atomic():
        contract = access.contract_for_actor(actor, number, lock=True)
        side = signing_side(actor, contract)
        order = contract.order
        if contract.signatures.filter(side=side).exists():
            raise DomainError(
                "already_signed", _("Your side has already signed this contract."), status=409
            )
        if contract.state != ContractState.AWAITING_SIGNATURES:
            states.require_transition(contract, ContractState.SIGNED)
        if not _SHA256.match(text_sha256):
            raise DomainError(
                "invalid_sha256",
                _("Give the SHA-256 of the text you confirm (64 hexadecimal digits)."),
                field="text_sha256",
            )
        if text_sha256 != contract.text_sha256:
            raise DomainError(
                "text_changed",
                _("The text you confirmed is not the contract's text. Reload and read it again."),
                status=409,
                field="text_sha256",
            )
        if side == SUPPLIER:
            blockers = trading_blockers(order.supplier)
            if blockers:
                code, message = blockers[0]
                raise DomainError("supplier_cannot_trade", message, status=409, reason=code)
        now = timezone.now()
        org = order.purchaser if side == PURCHASER else order.supplier.organisation
        signature = ContractSignature.objects.create(
            contract=contract,
            organisation=org,
            side=side,
            user=actor,
            text_sha256=text_sha256,
            signed_at=now,
            ip=ip or None,
            user_agent=(user_agent or "")[:500],
        )
        record_event(
            obj=contract,
            action="contract.signature_added",
            actor=actor,
            organisation=org,
            after={"side": side, "text_sha256": text_sha256, "signature": signature.pk},
        )
        if contract.signatures.count() == 2:
            _complete_signing(contract, actor, now)
        else:
            other = (
                supplier_members(order.supplier.organisation)
                if side == PURCHASER
                else unit_members(order.purchaser)
            )
            notify(
                other,
                verb="contract.signature_added",
                message=_("The other side signed contract %(number)s; your signature is awaited.")
                % {"number": contract.number},
                link=contract_link(contract),
            )
    return contract


def _complete_signing(contract: Contract, actor: User, now: datetime) -> None:
    order = Order.objects.select_for_update(of=("self",)).get(pk=contract.order_id)
    publish = add_working_days(now, config.get("CONTRACT_PUBLISH_WORKING_DAYS"))
    filing = add_working_days(now, config.get("CONTRACT_FILE_WORKING_DAYS"))
    contract.signed_at = now
    contract.publish_deadline = publish.deadline
    contract.file_deadline = filing.deadline
    states.advance(
        contract,
        ContractState.SIGNED,
        actor=actor,
        fields=["signed_at", "publish_deadline", "file_deadline"],
        after={
            "signed_at": now,
            "publish_deadline": publish.deadline,
            "file_deadline": filing.deadline,
            "calendar_known": publish.calendar_known and filing.calendar_known,
        },
        organisation=contract.order.purchaser,
    )
    states.advance(
        order,
        OrderState.CONTRACTED,
        actor=actor,
        after={"contract": contract.number},
        organisation=contract.order.purchaser,
    )
    contract.order.state = order.state
    notify(
        [*unit_members(order.purchaser), *supplier_members(contract.order.supplier.organisation)],
        verb="contract.signed",
        message=_("Contract %(number)s is signed by both sides.") % {"number": contract.number},
        link=contract_link(contract),
    )


def _purchaser_contract(actor: User, number: str) -> Contract:
    contract = access.contract_for_actor(actor, number, lock=True)
    access.require_order_purchaser(actor, contract.order, *SIGNING_PURCHASER_ROLES)
    return contract


def _require_signed(contract: Contract) -> None:
    if contract.state not in (ContractState.SIGNED, ContractState.COMPLETED):
        raise InvalidTransition(
            _("Only a signed contract can be published or filed: %(number)s is %(state)s.")
            % {"number": contract.number, "state": contract.get_state_display()},
            state=contract.state,
        )


def contract_publish(*, actor: User, number: str) -> Contract:
    """The purchaser publishes the signed contract's public text on the portal."""
    with transaction.atomic():
        contract = _purchaser_contract(actor, number)
        _require_signed(contract)
        if contract.published_at is not None:
            raise DomainError(
                "already_published", _("This contract is already published."), status=409
            )
        contract.published_at = timezone.now()
        contract.published_by = actor
        contract.save(update_fields=["published_at", "published_by"])
        record_event(
            obj=contract,
            action="contract.published",
            actor=actor,
            after={
                "published_at": contract.published_at,
                "publish_deadline": contract.publish_deadline,
                "on_time": bool(
                    contract.publish_deadline and contract.published_at <= contract.publish_deadline
                ),
            },
        )
    return contract


def contract_file(*, actor: User, number: str) -> Contract:
    """The purchaser files the signed contract with the regulator; regulators are told."""
    with transaction.atomic():
        contract = _purchaser_contract(actor, number)
        _require_signed(contract)
        if contract.filed_at is not None:
            raise DomainError("already_filed", _("This contract is already filed."), status=409)
        contract.filed_at = timezone.now()
        contract.filed_by = actor
        contract.save(update_fields=["filed_at", "filed_by"])
        record_event(
            obj=contract,
            action="contract.filed",
            actor=actor,
            after={
                "filed_at": contract.filed_at,
                "file_deadline": contract.file_deadline,
                "on_time": bool(
                    contract.file_deadline and contract.filed_at <= contract.file_deadline
                ),
            },
        )
        notify(
            regulators_over(contract.order.purchaser),
            verb="contract.filed",
            message=_("%(unit)s filed contract %(number)s.")
            % {"unit": contract.order.purchaser.name, "number": contract.number},
            link=reverse("trading:filed_contracts"),
        )
    return contract


def _lock(contract: Contract) -> Contract:
    return (
        Contract.objects.select_for_update(of=("self",))
        .select_related("order", "order__purchaser")
        .get(pk=contract.pk)
    )


def contract_complete(*, contract: Contract, actor: User | None) -> Contract:
    """SIGNED → COMPLETED (called by fulfilment when the order is fully paid)."""
    with transaction.atomic():
        contract = _lock(contract)
        contract.ended_at = timezone.now()
        states.advance(
            contract,
            ContractState.COMPLETED,
            actor=actor,
            fields=["ended_at"],
            after={"ended_at": contract.ended_at},
            organisation=contract.order.purchaser,
        )
    return contract


def contract_terminate(*, contract: Contract, actor: User | None, reason: str) -> Contract:
    """AWAITING_SIGNATURES/SIGNED → TERMINATED (called by an approved termination/return)."""
    reason = str(reason or "").strip()
    if not reason or len(reason) > 1000:
        raise DomainError(
            "invalid_reason", _("Give a reason (at most 1000 characters)."), field="reason"
        )
    with transaction.atomic():
        contract = _lock(contract)
        contract.ended_at = timezone.now()
        states.advance(
            contract,
            ContractState.TERMINATED,
            actor=actor,
            fields=["ended_at"],
            after={"ended_at": contract.ended_at, "reason": reason},
            organisation=contract.order.purchaser,
        )
    return contract
