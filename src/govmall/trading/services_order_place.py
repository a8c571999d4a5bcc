"""Placing a direct-purchase order (直购): one supplier's lines, checked, snapshotted, stock and
funds reserved in one transaction, idempotent per (buyer, key).

Speed matters (≥ 200 orders/s over HTTP): the number of queries per order is small and does
not grow with the lines except one conditional stock UPDATE per line (listings in one query,
lines in one bulk insert, recipients and notifications in one query each). On PostgreSQL
`order_place_fast` does the same in one read and one function call (ADR 0009); this module is
the reference it mirrors and the path elsewhere.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from govmall.accounts.models import Division, User
from govmall.accounts.roles import Role
from govmall.audit.services import record_event
from govmall.catalog.models import Listing, ListingState
from govmall.core.calendar import add_working_days
from govmall.core.errors import DomainError
from govmall.core.notify import notify
from govmall.core.numbers import next_number
from govmall.suppliers.gate import trading_blockers
from govmall.trading import config, funds, stock
from govmall.trading.access import SUPPLIER_ROLES, require_purchaser
from govmall.trading.models import (
    FundingSource,
    Order,
    OrderLine,
    OrderSource,
    OrderState,
    PurchasingPolicy,
)
from govmall.trading.order_snapshot import (
    ListingRow,
    delivers_to,
    line_snapshot,
    passing_reviews,
    sme_declaration,
)
from govmall.trading.order_validation import OrderRequest, parse_request

if TYPE_CHECKING:
    from govmall.accounts.models import Organisation
    from govmall.suppliers.models import Supplier

CENT = Decimal("0.01")
L = TypeVar("L", Listing, ListingRow)


@dataclass(frozen=True)
class Placed:
    order: Order
    created: bool  # False: an earlier order returned for the same idempotency key


def order_place(
    *,
    actor: User,
    lines: list[tuple[str, int]],
    funding_source_id: int,
    delivery_division: str,
    delivery_address: str,
    delivery_contact: str = "",
    delivery_phone: str = "",
    required_by: date | None = None,
    note: str = "",
    idempotency_key: str = "",
) -> Order:
    """Place one supplier's order for the actor's unit (see `order_place_result`)."""
    return order_place_result(
        actor=actor,
        lines=lines,
        funding_source_id=funding_source_id,
        delivery_division=delivery_division,
        delivery_address=delivery_address,
        delivery_contact=delivery_contact,
        delivery_phone=delivery_phone,
        required_by=required_by,
        note=note,
        idempotency_key=idempotency_key,
    ).order


def order_place_result(*, actor: User, idempotency_key: str = "", **fields: Any) -> Placed:
    """`order_place`, also telling whether the order is new (201) or a replay (200).

    Errors: forbidden, no_lines, too_many_lines, invalid_line, duplicate_line,
    invalid_quantity, listing_not_available, mixed_suppliers, supplier_cannot_trade,
    invalid_funding_source, unknown_division, not_delivered_to, over_direct_purchase_limit,
    out_of_stock, insufficient_funds, idempotency_key_reused, too_long, required, invalid_date.
    """
    buyer = require_purchaser(actor, Role.BUYER)
    request = parse_request(idempotency_key=idempotency_key, **fields)
    digest = request.sha256()
    if connection.vendor == "postgresql":
        from govmall.trading import order_place_fast

        return order_place_fast.place(buyer, request, digest)  # its write is one statement
    with transaction.atomic():
        if request.idempotency_key:
            existing = find_replay(buyer, request.idempotency_key, digest)
            if existing is not None:
                return Placed(existing, False)
        return _place(buyer, request, digest)


def find_replay(buyer: User, key: str, digest: str) -> Order | None:
    order = Order.objects.filter(buyer=buyer, idempotency_key=key).first()
    if order is not None and order.request_sha256 != digest:
        raise DomainError(
            "idempotency_key_reused",
            _("This idempotency key was used for a different order request."),
            status=409,
            field="idempotency_key",
            order=order.number,
        )
    return order


def _listings(numbers: list[str]) -> list[Listing]:
    found = Listing.objects.select_related("category", "supplier").filter(number__in=numbers)
    return pick_listings(numbers, {listing.number: listing for listing in found})


def pick_listings(numbers: list[str], found: Mapping[str, L]) -> list[L]:
    """The request's listings in its order: each found and listed, all of one supplier."""
    result = []
    for number in numbers:
        listing = found.get(number)
        if listing is None or listing.state != ListingState.LISTED:
            raise DomainError(
                "listing_not_available",
                _("Product %(number)s is not on sale.") % {"number": number},
                status=409,
                field="lines",
                listing=number,
            )
        result.append(listing)
    if len({listing.supplier_id for listing in result}) > 1:
        raise DomainError(
            "mixed_suppliers",
            _("An order holds one supplier's products: place one order per supplier."),
            field="lines",
        )
    return result


def check_delivery(listings: Sequence[Listing | ListingRow], division_path: str) -> None:
    for listing in listings:
        if not delivers_to(listing, division_path):
            raise DomainError(
                "not_delivered_to",
                _("Product %(number)s is not delivered to this division.")
                % {"number": listing.number},
                field="delivery_division",
                listing=listing.number,
            )


def line_amounts(
    listings: Sequence[Listing | ListingRow], quantities: Mapping[str, int]
) -> tuple[dict[int, Decimal], Decimal]:
    """Each line's amount by listing id, and the total."""
    amounts = {
        listing.pk: (listing.price * quantities[listing.number]).quantize(CENT)
        for listing in listings
    }
    return amounts, sum(amounts.values(), Decimal("0.00"))


def placed_event(
    order: Order,
    listings: Sequence[Listing | ListingRow],
    quantities: Mapping[str, int],
    amounts: Mapping[int, Decimal],
    *,
    calendar_known: bool,
    approval_limit: Decimal | None,
) -> dict[str, Any]:
    """The `after` of the placement's event: what was bought, reserved and taken."""
    return {
        "state": order.state,
        "number": order.number,
        "total": order.total,
        "supplier": order.supplier_id,
        "lines": [
            {
                "listing": listing.number,
                "quantity": quantities[listing.number],
                "unit_price": listing.price,
                "amount": amounts[listing.pk],
            }
            for listing in listings
        ],
        "funds": {"source": order.funding_source_id, "reserved": order.total},
        "stock_taken": {listing.number: quantities[listing.number] for listing in listings},
        "confirm_deadline": order.confirm_deadline,
        "calendar_known": calendar_known,
        "approval_limit": approval_limit,
        "idempotency_key": order.idempotency_key,
    }


def approval_message(order: Order) -> str:
    return _("Order %(number)s (¥%(total)s) awaits your approval.") % {
        "number": order.number,
        "total": order.total,
    }


def supplier_message(order: Order) -> str:
    assert order.confirm_deadline is not None
    return _("New order %(number)s (¥%(total)s): confirm it by %(deadline)s.") % {
        "number": order.number,
        "total": order.total,
        "deadline": timezone.localtime(order.confirm_deadline).strftime("%Y-%m-%d %H:%M"),
    }


def check_supplier(supplier: Any) -> None:
    blockers = trading_blockers(supplier)
    if blockers:
        raise DomainError(
            "supplier_cannot_trade",
            _("The supplier may not take orders now: %(reasons)s")
            % {"reasons": "; ".join(message for _code, message in blockers)},
            status=409,
            blockers=[code for code, _message in blockers],
        )


def require_funding_source(org: Organisation, source_id: int) -> FundingSource:
    source = FundingSource.objects.filter(pk=source_id, organisation_id=org.pk, active=True).first()
    if source is None:
        raise DomainError(
            "invalid_funding_source",
            _("Choose one of your unit's active funding sources."),
            field="funding_source",
        )
    return source


def require_division(code: str) -> Division:
    division = Division.objects.filter(code=code).only("code", "path").first()
    if division is None:
        raise DomainError(
            "unknown_division", _("Unknown administrative division."), field="delivery_division"
        )
    return division


def _approval_limit(org: Organisation) -> Decimal | None:
    limit: Decimal | None = (
        PurchasingPolicy.objects.filter(organisation_id=org.pk)
        .values_list("approval_limit", flat=True)
        .first()
    )
    return limit


def new_order(
    buyer: User,
    request: OrderRequest,
    digest: str,
    *,
    supplier: Supplier,
    total: Decimal,
    needs_approval: bool,
    calendar_version: int | None = None,
    **fields: Any,
) -> tuple[Order, bool]:
    """The unsaved order of a placement (`fields`: its number, funding source and delivery
    division, and its id where drawn in advance), placed now unless it awaits approval; and
    whether the working-day calendar of its confirmation deadline was known."""
    now = timezone.now()
    order = Order(
        source=OrderSource.DIRECT,
        state=OrderState.PENDING_APPROVAL if needs_approval else OrderState.PLACED,
        purchaser=buyer.organisation,
        buyer=buyer,
        supplier=supplier,
        total=total,
        reserved_amount=total,
        sme_declaration=sme_declaration(supplier, now),
        delivery_address=request.delivery_address,
        delivery_contact=request.delivery_contact,
        delivery_phone=request.delivery_phone,
        required_by=request.required_by,
        note=request.note,
        idempotency_key=request.idempotency_key,
        request_sha256=digest,
        created_at=now,
        **fields,
    )
    if needs_approval:
        return order, True
    due = add_working_days(
        now, config.get("ORDER_CONFIRM_WORKING_DAYS"), calendar_version=calendar_version
    )
    order.placed_at, order.confirm_deadline = now, due.deadline
    return order, due.calendar_known


def check_limit(total: Decimal) -> None:
    limit = config.get("DIRECT_PURCHASE_LIMIT")
    if total > limit:
        raise DomainError(
            "over_direct_purchase_limit",
            _(
                "The order total ¥%(total)s is above the direct-purchase limit ¥%(limit)s: "
                "start a competitive quotation instead."
            )
            % {"total": total, "limit": limit},
            limit=str(limit),
            total=str(total),
        )


def recipients(org_id: int, roles: tuple[str, ...]) -> list[User]:
    return list(
        User.objects.filter(organisation_id=org_id, is_active=True, roles__role__in=roles)
        .distinct()
        .only("id")
    )


def _place(buyer: User, request: OrderRequest, digest: str) -> Placed:
    org = buyer.organisation
    assert org is not None
    listings = _listings([number for number, _qty in request.lines])
    supplier = listings[0].supplier
    check_supplier(supplier)
    source = require_funding_source(org, request.funding_source_id)
    division = require_division(request.delivery_division)
    check_delivery(listings, division.path)
    quantities = dict(request.lines)
    amounts, total = line_amounts(listings, quantities)
    check_limit(total)
    limit = _approval_limit(org)
    needs_approval = limit is not None and total > limit
    order, calendar_known = new_order(
        buyer,
        request,
        digest,
        supplier=supplier,
        total=total,
        needs_approval=needs_approval,
        number=next_number("ORD"),
        funding_source=source,
        delivery_division=division,
    )
    if request.idempotency_key:
        try:
            with transaction.atomic():
                order.save(force_insert=True)
        except IntegrityError:
            # A concurrent request with the same key won the unique constraint: its order.
            winner = find_replay(buyer, request.idempotency_key, digest)
            if winner is None:
                raise
            return Placed(winner, False)
    else:
        order.save(force_insert=True)
    reviews = passing_reviews(amounts)
    OrderLine.objects.bulk_create(
        [
            OrderLine(
                order=order,
                listing=listing,
                quantity=quantities[listing.number],
                unit_price=listing.price,
                amount=amounts[listing.pk],
                snapshot=line_snapshot(listing, reviews.get(listing.pk)),
            )
            for listing in listings
        ]
    )
    # Listings in id order: concurrent multi-line orders lock rows in one order (no deadlock).
    for listing in sorted(listings, key=lambda row: row.pk):
        stock.take(listing.pk, quantities[listing.number], number=listing.number)
    funds.reserve(source.pk, total, order=order, actor=buyer)
    record_event(
        obj=order,
        action=f"order.{order.state}",
        actor=buyer,
        organisation=org,
        before={},
        after=placed_event(
            order,
            listings,
            quantities,
            amounts,
            calendar_known=calendar_known,
            approval_limit=limit,
        ),
    )
    link = reverse("trading:order_detail", args=[order.number])
    if needs_approval:
        notify(
            recipients(org.pk, (Role.APPROVER,)),
            verb="order.pending_approval",
            message=approval_message(order),
            link=link,
        )
    else:
        notify_supplier_placed(order, link)
    return Placed(order, True)


def notify_supplier_placed(order: Order, link: str) -> None:
    notify(
        recipients(order.supplier.organisation_id, SUPPLIER_ROLES),
        verb="order.placed",
        message=supplier_message(order),
        link=link,
    )
