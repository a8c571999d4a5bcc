"""A buyer's cart and its checkout: one direct-purchase order per supplier, all or nothing.

The cart is a working list, not a business record (no audit events); the orders it turns into
are. A checkout carries a token (the form's hidden field): each supplier's order is placed
with the idempotency key "cart:<token>:<supplier id>", so a second submit of the same form
returns the orders of the first instead of ordering twice.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govmall.accounts.models import User
from govmall.accounts.roles import Role
from govmall.catalog.models import Listing, ListingState
from govmall.core.errors import DomainError, NotFound
from govmall.trading import config
from govmall.trading.access import require_purchaser
from govmall.trading.models import CartLine, Order
from govmall.trading.order_validation import parse_listing_number, parse_quantity
from govmall.trading.services_order_place import order_place

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def require_cart_owner(actor: User | None) -> User:
    """Carts belong to buyers of purchasing units."""
    return require_purchaser(actor, Role.BUYER)


def _listed(number: Any) -> Listing:
    key = parse_listing_number(number, field="listing")
    listing = Listing.objects.filter(number=key).only("id", "number", "state").first()
    if listing is None or listing.state != ListingState.LISTED:
        raise DomainError(
            "listing_not_available",
            _("Product %(number)s is not on sale.") % {"number": key},
            status=409,
            field="listing",
            listing=key,
        )
    return listing


def _put(user: User, listing: Listing, quantity: int, *, add: bool) -> CartLine:
    maximum = config.get("MAX_LINE_QUANTITY")
    with transaction.atomic():
        line = CartLine.objects.select_for_update().filter(user=user, listing=listing).first()
        if line is None:
            try:
                with transaction.atomic():
                    return CartLine.objects.create(
                        user=user, listing=listing, quantity=quantity, added_at=timezone.now()
                    )
            except IntegrityError:  # a concurrent add of the same product
                line = CartLine.objects.select_for_update().get(user=user, listing=listing)
        new = line.quantity + quantity if add else quantity
        if new > maximum:
            raise DomainError(
                "invalid_quantity",
                _("Enter a whole quantity from 1 to %(max)d.") % {"max": maximum},
                field="quantity",
            )
        line.quantity = new
        line.save(update_fields=["quantity"])
        return line


def cart_add(*, actor: User, listing_number: str, quantity: int | str = 1) -> CartLine:
    """Add `quantity` of a listed product (added to the line if it is already there)."""
    user = require_cart_owner(actor)
    qty = parse_quantity(quantity)
    return _put(user, _listed(listing_number), qty, add=True)


def cart_set(*, actor: User, listing_number: str, quantity: int | str | None) -> CartLine:
    """Set the quantity of a product's line (created if missing)."""
    user = require_cart_owner(actor)
    qty = parse_quantity(quantity)
    return _put(user, _listed(listing_number), qty, add=False)


def cart_remove(*, actor: User, listing_number: str) -> None:
    """Remove a product's line; a product not in the cart is `not_found`."""
    user = require_cart_owner(actor)
    key = parse_listing_number(listing_number, field="listing")
    deleted, _rows = CartLine.objects.filter(user=user, listing__number=key).delete()
    if not deleted:
        raise NotFound(_("This product is not in your cart."))


def parse_token(value: Any) -> str:
    if value in (None, ""):
        return ""
    if not isinstance(value, str) or not _TOKEN.match(value):
        raise DomainError(
            "invalid_checkout_token", _("The checkout form is invalid: reload the cart.")
        )
    return value


def cart_checkout(
    *,
    actor: User,
    funding_source_id: int,
    delivery_division: str,
    delivery_address: str,
    delivery_contact: str = "",
    delivery_phone: str = "",
    required_by: date | None = None,
    note: str = "",
    checkout_token: str = "",
    supplier_ids: list[int] | None = None,
) -> list[Order]:
    """Place one order per supplier of the cart (only `supplier_ids` if given) in one
    transaction and remove the checked-out lines. Any refusal leaves cart and stock as they
    were. Errors: those of `order_place`, cart_empty."""
    user = require_cart_owner(actor)
    token = parse_token(checkout_token)
    with transaction.atomic():
        # Locking the lines queues a double submit behind the first one.
        lines = list(
            CartLine.objects.select_for_update(of=("self",))
            .filter(user=user)
            .select_related("listing")
            .order_by("id")
        )
        if supplier_ids is not None:
            wanted = set(supplier_ids)
            lines = [line for line in lines if line.listing.supplier_id in wanted]
        if token:
            done = list(
                Order.objects.filter(buyer=user, idempotency_key__startswith=f"cart:{token}:")
            )
            if done:
                return sorted(done, key=lambda order: order.pk)
        if not lines:
            raise DomainError("cart_empty", _("Your cart has nothing to check out."))
        groups: dict[int, list[CartLine]] = {}
        for line in lines:
            groups.setdefault(line.listing.supplier_id, []).append(line)
        orders = []
        for supplier_id, group in groups.items():
            orders.append(
                order_place(
                    actor=user,
                    lines=[(line.listing.number, line.quantity) for line in group],
                    funding_source_id=funding_source_id,
                    delivery_division=delivery_division,
                    delivery_address=delivery_address,
                    delivery_contact=delivery_contact,
                    delivery_phone=delivery_phone,
                    required_by=required_by,
                    note=note,
                    idempotency_key=f"cart:{token}:{supplier_id}" if token else "",
                )
            )
        CartLine.objects.filter(pk__in=[line.pk for line in lines]).delete()
    return orders
