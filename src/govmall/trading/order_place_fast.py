"""Placing a direct order on PostgreSQL in two statements (the speed target of the issue:
≥ 200 orders/s over HTTP on two cores; ADR 0009).

Same checks in the same order, same rows, events and notifications as
`services_order_place._place`, which stays the one implementation on other databases and the
reference for this one (the order tests run on both). What makes it cheaper is not doing less
but asking less often — each statement costs protocol, parsing, planning and executor start-up
on the server and parameter quoting in Python:

- `order_place_sql.READ` reads everything the checks need in one statement (replay, listings
  with category and latest passing review, the supplier with the trading gate's answer, funding
  source, division, approval limit, calendar version) and draws the order's id and number;
- Python checks the request, computes the deadline, the snapshots, the SME declaration, the
  first audit event (hash and chain head) and the notification, and sends every row as one
  JSON document to `trading_place_order` (migration trading/0002), which inserts the order
  (ON CONFLICT DO NOTHING: a concurrent replay of the same key loses to the unique constraint
  without a savepoint), takes the stock line by line in listing-id order (the conditional
  UPDATE of `trading.stock.take`), reserves the funds with their ledger row (the conditional
  UPDATE of `trading.funds.reserve`), and inserts the lines, the event and the notifications.
"""

from __future__ import annotations

import json
from contextlib import nullcontext
from datetime import UTC
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import DatabaseError, IntegrityError, connection, models, transaction
from django.urls import reverse

from govmall.accounts.models import Organisation
from govmall.accounts.roles import Role
from govmall.audit.services import prepare_events_bulk
from govmall.core import json_rows, planned
from govmall.core.numbers import format_number
from govmall.suppliers.credit import today
from govmall.suppliers.models import Supplier
from govmall.trading import funds, stock
from govmall.trading import order_place_sql as sql
from govmall.trading.access import SUPPLIER_ROLES
from govmall.trading.models import OrderLine
from govmall.trading.order_snapshot import (
    CategoryRow,
    ListingRow,
    line_snapshot,
    review_summary,
)

if TYPE_CHECKING:
    from govmall.accounts.models import User
    from govmall.trading.order_validation import OrderRequest
    from govmall.trading.services_order_place import Placed

M = TypeVar("M", bound=models.Model)


def _partial(model: type[M], **values: Any) -> M:
    """An instance as the ORM loads it with `.only(...)`: the fields not read here are
    deferred (loaded on first access), never silently left at their defaults."""
    fields = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(connection.alias, fields, [values[name] for name in fields])


def _json(value: Any) -> Any:
    """Django's PostgreSQL backend loads jsonb as text (JSONField decodes it)."""
    return json.loads(value) if isinstance(value, str) else value


def _review(row: tuple[Any, ...]) -> dict[str, Any] | None:
    outcome, version, created_at, decided_at = row[22:26]
    return None if outcome is None else review_summary(outcome, version, created_at, decided_at)


def _listing(row: tuple[Any, ...]) -> ListingRow:
    (_replay, pk, number, state, supplier_id, price, title, brand, model_no, manufacturer,
     unit, attributes, cert_no, cert_expiry, warranty, origin, delivery, _category_id,
     code, name_zh, name_en, gp_code) = row[:22]  # fmt: skip
    return ListingRow(
        pk=pk,
        number=number,
        state=state,
        supplier_id=supplier_id,
        price=price,
        title=title,
        brand=brand,
        model_no=model_no,
        manufacturer=manufacturer,
        unit=unit,
        attributes=_json(attributes),
        energy_cert_no=cert_no,
        energy_cert_expiry=cert_expiry,
        warranty_months=warranty,
        origin=origin,
        delivery_divisions=_json(delivery),
        category=CategoryRow(code=code, name_zh=name_zh, name_en=name_en, gp_code=gp_code),
    )


def _write(plan: dict[str, Any]) -> str:
    """The function call: in autocommit it is the placement's whole transaction (no BEGIN and
    COMMIT round trips); inside a caller's transaction (the cart's checkout) it runs in a
    savepoint, so that a refusal leaves the caller's transaction usable."""
    with transaction.atomic() if connection.in_atomic_block else nullcontext():
        return str(planned.fetchall(sql.WRITE, [json_rows.dumps(plan)])[0][0])


def _refusal(exc: DatabaseError) -> str | None:
    """`out_of_stock <listing id>` or `insufficient_funds` when the function refused."""
    cause = exc.__cause__
    if getattr(cause, "sqlstate", None) != "P0001":
        return None
    message = str(cause.diag.message_primary or "")  # type: ignore[union-attr]
    if message == "insufficient_funds" or message.startswith("out_of_stock "):
        return message
    return None


# Columns of READ after the listing's (0–25): the context.
CONTEXT_AT = 26


def place(buyer: User, request: OrderRequest, digest: str) -> Placed:
    """`services_order_place` on PostgreSQL. Needs no transaction of its own: the read takes no
    lock (the write re-checks what may have changed: stock, funds, the listing's state) and the
    write is one statement; inside a caller's transaction it joins it."""
    from govmall.trading import services_order_place as reference

    org = buyer.organisation
    assert org is not None
    numbers = [number for number, _qty in request.lines]
    rows = planned.fetchall(
        sql.READ,
        {
            "buyer": buyer.pk,
            "key": request.idempotency_key,
            "numbers": numbers,
            "today": today(),
            "source": request.funding_source_id,
            "org": org.pk,
            "division": request.delivery_division,
        },
    )
    if rows[0][0] is not None:
        existing = reference.find_replay(buyer, request.idempotency_key, digest)
        if existing is not None:
            return reference.Placed(existing, False)
    found = {row[2]: row for row in rows if row[1] is not None}
    listings = reference.pick_listings(
        numbers, {number: _listing(row) for number, row in found.items()}
    )
    reviews = {listing.pk: _review(found[listing.number]) for listing in listings}
    supplier_id = listings[0].supplier_id
    context = rows[0][CONTEXT_AT:]
    (status, size, supplier_type, supplier_org, supplier_name, may_trade, source_id,
     division_path, limit, order_id, order_seq, calendar_version) = context  # fmt: skip
    if not may_trade:
        reference.check_supplier(Supplier.objects.get(pk=supplier_id))
    supplier = _partial(
        Supplier,
        id=supplier_id,
        status=status,
        size=size,
        supplier_type=supplier_type,
        organisation_id=supplier_org,
    )
    supplier.organisation = _partial(Organisation, id=supplier_org, name=supplier_name)
    if source_id is None:
        reference.require_funding_source(org, request.funding_source_id)  # raises its error
    if division_path is None:
        reference.require_division(request.delivery_division)  # raises its error
    reference.check_delivery(listings, division_path)
    quantities = dict(request.lines)
    amounts, total = reference.line_amounts(listings, quantities)
    reference.check_limit(total)
    needs_approval = limit is not None and total > limit
    order, calendar_known = reference.new_order(
        buyer,
        request,
        digest,
        supplier=supplier,
        total=total,
        needs_approval=needs_approval,
        calendar_version=calendar_version,
        id=order_id,
        number=format_number("ORD", order_seq),
        funding_source_id=source_id,
        delivery_division_id=request.delivery_division,
    )
    lines = [
        OrderLine(
            order=order,
            listing_id=listing.pk,
            quantity=quantities[listing.number],
            unit_price=listing.price,
            amount=amounts[listing.pk],
            snapshot=line_snapshot(listing, reviews[listing.pk]),
            returned_quantity=0,
        )
        for listing in listings
    ]
    after = reference.placed_event(
        order, listings, quantities, amounts, calendar_known=calendar_known, approval_limit=limit
    )
    events = prepare_events_bulk(
        items=[(order, f"order.{order.state}", {}, after)], actor=buyer, organisation=org
    )
    link = reverse("trading:order_detail", args=[order.number])
    if needs_approval:
        verb, recipients_org, roles = "order.pending_approval", org.pk, [Role.APPROVER.value]
        message = reference.approval_message(order)
    else:
        verb, recipients_org, roles = "order.placed", supplier_org, [str(r) for r in SUPPLIER_ROLES]
        message = reference.supplier_message(order)
    plan = {
        "order": json_rows.row(order),
        "lines": [json_rows.row(line, exclude=("id",)) for line in lines],
        "events": [json_rows.row(event, exclude=("id",)) for event in events],
        "total": total,
        "now": order.created_at,
        "source": source_id,
        "actor": buyer.pk,
        "notification": {
            "organisation": recipients_org,
            "roles": roles,
            "verb": verb,
            "message": message[:500],
            "link": link,
        },
    }
    try:
        outcome = _write(plan)
    except DatabaseError as exc:
        refusal = _refusal(exc)
        if refusal is None:
            raise
        if refusal.startswith("out_of_stock "):
            taken = int(refusal.split()[1])
            raise stock.out_of_stock(
                next(listing.number for listing in listings if listing.pk == taken)
            ) from None
        raise funds.insufficient_funds(total) from None
    if outcome == "conflict":
        winner = reference.find_replay(buyer, request.idempotency_key, digest)
        if winner is None:
            raise IntegrityError("the order row conflicted with an existing one")
        return reference.Placed(winner, False)
    if outcome != "ok":
        raise RuntimeError(f"trading_place_order answered {outcome!r}")
    order._state.adding = False
    order._state.db = connection.alias
    if order.confirm_deadline is not None:  # as the database gives it back (UTC), not +08:00
        order.confirm_deadline = order.confirm_deadline.astimezone(UTC)
    cached = order.lines.all()  # no query: the lines just written are the result
    cached._result_cache, cached._prefetch_done = lines, True  # type: ignore[attr-defined]
    order._prefetched_objects_cache = {"lines": cached}  # type: ignore[attr-defined]
    return reference.Placed(order, True)
