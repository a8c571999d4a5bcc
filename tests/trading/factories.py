"""Trading test data shared by every trading area.

`make_unit` and `make_seller` give a purchasing unit (admin, buyer, approver, a funded budget
line) and an active supplier with a listed product. `make_order` writes an order in a given
state directly (funds and stock taken through the real primitives, a creation event recorded)
for tests of later steps; tests of placing orders go through `services_orders`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from govmall.accounts.models import Organisation, User
from govmall.accounts.roles import OrgKind, Role
from govmall.audit.services import record_event
from govmall.catalog.models import Category, Listing
from govmall.core.numbers import next_number
from govmall.suppliers.models import Supplier
from govmall.trading import funds, stock
from govmall.trading.models import FundingSource, Order, OrderLine, OrderSource, OrderState
from tests.catalog.factories import make_category, make_listing_row
from tests.factories import make_org, make_supplier, make_user

_n = itertools.count(1)


def make_funding_source(
    org: Organisation,
    amount: Decimal | str = "1000000.00",
    *,
    budget_line: str | None = None,
    fiscal_year: int = 2026,
    name: str = "办公设备购置",
) -> FundingSource:
    now = timezone.now()
    with transaction.atomic():
        source = FundingSource.objects.create(
            organisation=org,
            fiscal_year=fiscal_year,
            budget_line=budget_line or f"2010{next(_n):04d}",
            name=name,
            amount=Decimal(str(amount)),
            created_at=now,
            updated_at=now,
        )
        record_event(
            obj=source,
            action="fundingsource.created",
            organisation=org,
            after={"amount": source.amount, "budget_line": source.budget_line},
        )
    return source


@dataclass
class Unit:
    org: Organisation
    admin: User
    buyer: User
    approver: User
    source: FundingSource


def make_unit(
    *, division: str = "150202", funds_amount: Decimal | str = "1000000.00", name: str | None = None
) -> Unit:
    org = make_org(OrgKind.PURCHASER, division=division, name=name)
    return Unit(
        org=org,
        admin=make_user(Role.PURCHASER_ADMIN, org=org),
        buyer=make_user(Role.BUYER, org=org),
        approver=make_user(Role.APPROVER, org=org),
        source=make_funding_source(org, funds_amount),
    )


@dataclass
class Seller:
    supplier: Supplier
    admin: User
    category: Category
    listing: Listing


def make_seller(
    *,
    stock: int = 10,
    price: Decimal | str = "1000.00",
    category: Category | None = None,
    division: str = "150202",
    status: str = "active",
    name: str | None = None,
    **listing_fields: Any,
) -> Seller:
    supplier, admin = make_supplier(status=status, division=division, name=name)
    assert admin is not None
    category = category or make_category()
    listing = make_listing_row(supplier, category, stock=stock, price=price, **listing_fields)
    return Seller(supplier=supplier, admin=admin, category=category, listing=listing)


def make_order(
    unit: Unit,
    lines: list[tuple[Listing, int]],
    *,
    state: str = OrderState.PLACED,
    source: str = OrderSource.DIRECT,
) -> Order:
    """An order of `lines` in `state`, written directly: stock and funds taken through
    `trading.stock` / `trading.funds`, one "order.created" event. Timestamps of the steps up
    to `state` are filled in; no contract is made (contract tests generate one)."""
    assert lines, "an order needs lines"
    supplier_id = lines[0][0].supplier_id
    assert all(listing.supplier_id == supplier_id for listing, _q in lines)
    now = timezone.now()
    total = sum((listing.price * qty for listing, qty in lines), Decimal("0.00"))
    steps = [
        OrderState.PLACED,
        OrderState.CONFIRMED,
        OrderState.CONTRACTED,
        OrderState.SHIPPED,
        OrderState.DELIVERED,
        OrderState.ACCEPTED,
        OrderState.COMPLETED,
    ]
    reached = steps[: steps.index(state) + 1] if state in steps else []  # type: ignore[arg-type]
    with transaction.atomic():
        order = Order.objects.create(
            number=next_number("ORD"),
            source=source,
            state=state,
            purchaser=unit.org,
            buyer=unit.buyer,
            supplier_id=supplier_id,
            funding_source=unit.source,
            total=total,
            reserved_amount=total,
            sme_declaration={"size": "small", "declared": True},
            delivery_division_id=unit.org.division_id,
            delivery_address="昆都仑区钢铁大街 1 号",
            delivery_contact="王五",
            delivery_phone="0472-7654321",
            created_at=now,
            placed_at=now if reached else None,
            confirm_deadline=now + timedelta(days=3) if reached else None,
            confirmed_at=now if OrderState.CONFIRMED in reached else None,
            shipped_at=now if OrderState.SHIPPED in reached else None,
            delivered_at=now if OrderState.DELIVERED in reached else None,
            accepted_at=now if OrderState.ACCEPTED in reached else None,
            completed_at=now if OrderState.COMPLETED in reached else None,
        )
        for listing, qty in lines:
            stock.take(listing.pk, qty, number=listing.number)
            OrderLine.objects.create(
                order=order,
                listing=listing,
                quantity=qty,
                unit_price=listing.price,
                amount=listing.price * qty,
                snapshot={
                    "listing": listing.number,
                    "title": listing.title,
                    "brand": listing.brand,
                    "model_no": listing.model_no,
                    "unit": listing.unit,
                },
            )
        funds.reserve(unit.source.pk, total, order=order, actor=unit.buyer)
        record_event(
            obj=order,
            action="order.created",
            actor=unit.buyer,
            after={"state": state, "total": total},
        )
    return order
