"""Who may take part in a quick competitive quotation (竞价), and the checks on a request's input.

Eligible suppliers: active, passing the trading gate (not flagged or penalised, current
commitment signed, documents accepted) and with at least one LISTED product in the requested
category or below it (`Category.path` prefix). The gate is asked again when a supplier quotes,
when quotes are opened and when the winner confirms: eligibility at publication is not a licence.

The closing rule ("at least 2 working days after publication"): `closes_at` must be on or after
the end (23:59:59 Asia/Shanghai) of the 2nd working day after the publication day, i.e. the
deadline `add_working_days(published_at, QUOTATION_MIN_WORKING_DAYS)` — suppliers get two whole
working days, whatever the hour of publication.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from govmall.accounts.models import User
from govmall.accounts.roles import Role
from govmall.catalog.attribute_template import template_for
from govmall.catalog.content_attributes import parse_attribute
from govmall.catalog.content_values import parse_int, parse_money
from govmall.catalog.models import Category, Listing, ListingState
from govmall.core.calendar import Deadline, add_working_days
from govmall.core.errors import DomainError
from govmall.suppliers.gate import trading_blockers
from govmall.suppliers.models import Supplier, SupplierStatus
from govmall.trading import config

# A quotation may stay open at most this long (a bound on input, not a legal rule).
MAX_OPEN_DAYS = 90
MAX_REQUIRED_ATTRIBUTES = 50
TITLE_LIMIT = 200
REQUIREMENTS_LIMIT = 5000
UNIT_LIMIT = 20
ADDRESS_LIMIT = 300
NOTE_LIMIT = 2000
REASONS_LIMIT = 2000


def earliest_close(published_at: datetime) -> Deadline:
    """The earliest allowed closing time for a quotation published at `published_at`."""
    return add_working_days(published_at, config.get("QUOTATION_MIN_WORKING_DAYS"))


def check_closes_at(closes_at: datetime, now: datetime) -> None:
    earliest = earliest_close(now).deadline
    if closes_at < earliest:
        raise DomainError(
            "closes_too_soon",
            _(
                "The quotation must stay open at least %(days)d working days: "
                "close at %(at)s or later."
            )
            % {
                "days": config.get("QUOTATION_MIN_WORKING_DAYS"),
                "at": earliest.strftime("%Y-%m-%d %H:%M:%S"),
            },
            field="closes_at",
            earliest=earliest.isoformat(),
        )
    if closes_at > now + timedelta(days=MAX_OPEN_DAYS):
        raise DomainError(
            "closes_too_late",
            _("A quotation closes within %(days)d days of publication.") % {"days": MAX_OPEN_DAYS},
            field="closes_at",
        )


def parse_quantity(value: Any, *, field: str = "quantity") -> int:
    limit = config.get("MAX_LINE_QUANTITY")
    n = parse_int(value)
    if n is None or not 1 <= n <= limit:
        raise DomainError(
            "invalid_quantity",
            _("Enter a whole number from 1 to %(max)d.") % {"max": limit},
            field=field,
            max=limit,
        )
    return n


def parse_amount(value: Any, *, field: str) -> Decimal:
    return parse_money(
        value,
        field=field,
        code="invalid_amount",
        message=_("Enter an amount greater than 0 with at most 2 decimal places."),
    )


def parse_id(value: Any, *, field: str) -> int:
    n = parse_int(value)
    if n is None or not 1 <= n <= 2_147_483_647:
        raise DomainError("invalid_id", _("Choose a valid item."), field=field)
    return n


def check_ceiling(ceiling_total: Decimal) -> None:
    threshold = config.get("PUBLIC_TENDER_THRESHOLD")
    if ceiling_total >= threshold:
        raise DomainError(
            "over_tender_threshold",
            _("The ceiling must be below the public-tender threshold of ¥%(limit)s.")
            % {"limit": f"{threshold:,.2f}"},
            field="ceiling_total",
            limit=str(threshold),
        )


def active_category(code: Any) -> Category:
    text = code.strip() if isinstance(code, str) else ""
    category = (
        Category.objects.filter(code=text, is_active=True).first() if 0 < len(text) <= 30 else None
    )
    if category is None:
        raise DomainError(
            "unknown_category", _("Choose an active category."), field="category_code"
        )
    return category


def required_attributes_for(category: Category, raw: Any) -> dict[str, str]:
    """{key: value} with every key in the category's template and each value of its kind;
    stored as text so the request reads the same in every language and in the trail."""
    if raw is None or raw == "":
        return {}
    if not isinstance(raw, dict):
        raise DomainError(
            "invalid_attribute",
            _("Attributes must be an object of key: value."),
            field="required_attributes",
        )
    if len(raw) > MAX_REQUIRED_ATTRIBUTES:
        raise DomainError(
            "invalid_attribute", _("Too many attributes."), field="required_attributes"
        )
    specs = {spec.key: spec for spec in template_for(category)}
    result: dict[str, str] = {}
    for key, value in raw.items():
        key = str(key)[:40]
        spec = specs.get(key)
        if spec is None:
            raise DomainError(
                "unknown_attribute",
                _("Category %(code)s has no attribute %(key)s.")
                % {"code": category.code, "key": key},
                field=f"required_attributes.{key}",
                key=key,
            )
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        try:
            parsed = parse_attribute(spec, key, value)
        except DomainError as exc:
            raise DomainError(
                exc.code, exc.message, field=f"required_attributes.{key}", key=key
            ) from None
        if isinstance(parsed, bool):
            result[key] = "true" if parsed else "false"
        else:
            result[key] = str(parsed)
    return result


def in_subtree(listing_category: Category, category: Category) -> bool:
    return listing_category.path.startswith(category.path)


def listed_in_subtree(category: Category) -> Any:
    return Listing.objects.filter(
        state=ListingState.LISTED, category__path__startswith=category.path
    )


def eligible_suppliers(category: Category) -> list[Supplier]:
    """Suppliers to invite: active, with a listed product in the subtree, passing the gate."""
    ids = listed_in_subtree(category).values("supplier_id")
    candidates = Supplier.objects.filter(status=SupplierStatus.ACTIVE, pk__in=ids).select_related(
        "organisation"
    )
    return [s for s in candidates.order_by("id") if not trading_blockers(s)]


def require_may_trade(supplier: Supplier) -> None:
    blockers = trading_blockers(supplier)
    if blockers:
        raise DomainError(
            "supplier_cannot_trade",
            _("The supplier may not quote now: %(reasons)s")
            % {"reasons": " ".join(message for _code, message in blockers)},
            status=403,
            blockers=[code for code, _message in blockers],
        )


def supplier_users(supplier_ids: list[int]) -> list[User]:
    """Active admin/staff users of the suppliers: the people an invitation or result reaches."""
    return list(
        User.objects.filter(
            is_active=True,
            organisation__supplier__in=supplier_ids,
            roles__role__in=(Role.SUPPLIER_ADMIN, Role.SUPPLIER_STAFF),
        ).distinct()
    )


def unit_buyers(purchaser_id: int) -> list[User]:
    """Active buyers of the purchasing unit (whoever of them runs the award)."""
    return list(
        User.objects.filter(
            is_active=True, organisation_id=purchaser_id, roles__role=Role.BUYER
        ).distinct()
    )
