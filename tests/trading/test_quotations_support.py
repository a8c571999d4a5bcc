"""Shared set-up of the quotation tests (no tests here): a category with an attribute template,
a purchasing unit, invited sellers, and helpers to publish, quote and close at fixed times."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import time_machine

from govmall.catalog.models import Category
from govmall.core.calendar import TZ
from govmall.trading import services_quotations, services_quotes
from govmall.trading.models import Quotation, Quote
from tests.catalog.factories import make_category
from tests.trading.factories import Seller, Unit, make_seller, make_unit

# Monday 2026-11-16 10:00 Shanghai: two working days later ends Wed 2026-11-18 23:59:59.
T0 = datetime(2026, 11, 16, 10, 0, tzinfo=TZ)
CLOSES = datetime(2026, 11, 19, 10, 0, tzinfo=TZ)  # Thursday
AFTER_CLOSE = CLOSES + timedelta(minutes=1)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


@dataclass
class Market:
    unit: Unit
    category: Category
    sellers: list[Seller]
    extra: dict[str, Any] = field(default_factory=dict)


def make_market(n: int = 3, *, prices: list[str] | None = None) -> Market:
    parent = make_category(
        name_zh="台式计算机",
        attributes=[
            {"key": "cpu", "kind": "text"},
            {"key": "ram_gb", "kind": "number", "unit": "GB"},
        ],
    )
    category = make_category(parent=parent, name_zh="商用台式机")
    unit = make_unit()
    prices = prices or ["1000.00"] * n
    sellers = [make_seller(category=category, price=prices[i], stock=5) for i in range(n)]
    return Market(unit=unit, category=parent, sellers=sellers)


def request_fields(market: Market, **overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "title": "办公台式计算机采购",
        "category_code": market.category.code,
        "requirements": "国产操作系统，三年上门保修",
        "required_attributes": {"cpu": "8核", "ram_gb": "16"},
        "quantity": 10,
        "unit": "台",
        "ceiling_total": "60000.00",
        "funding_source_id": market.unit.source.pk,
        "delivery_division": "150202",
        "delivery_address": "昆都仑区钢铁大街 1 号",
        "delivery_date": "2026-12-01",
        "closes_at": CLOSES.isoformat(),
    }
    base.update(overrides)
    return base


def publish(market: Market, **overrides: Any) -> Quotation:
    """Publish at T0 (time frozen there while publishing)."""
    with time_machine.travel(T0, tick=False):
        return services_quotations.quotation_publish(
            actor=market.unit.buyer, **request_fields(market, **overrides)
        )


def submit(seller: Seller, quotation: Quotation, price: str, *, note: str = "") -> Quote:
    return services_quotes.quote_submit(
        actor=seller.admin,
        number=quotation.number,
        unit_price=price,
        listing_number=seller.listing.number,
        note=note,
    )


def quote_at(when: datetime, seller: Seller, quotation: Quotation, price: str) -> Quote:
    with time_machine.travel(when, tick=False):
        return submit(seller, quotation, price)


def close(quotation: Quotation, when: datetime = AFTER_CLOSE) -> Quotation:
    with time_machine.travel(when, tick=False):
        services_quotes.quotation_close_job()
    quotation.refresh_from_db()
    return quotation


def opened_market(prices: list[str]) -> tuple[Market, Quotation, list[Quote]]:
    """Published at T0, one quote per price (sellers in order, a minute apart), opened."""
    market = make_market(len(prices))
    quotation = publish(market)
    quotes = [
        quote_at(T0 + timedelta(hours=1, minutes=i), market.sellers[i], quotation, price)
        for i, price in enumerate(prices)
    ]
    close(quotation)
    for quote in quotes:
        quote.refresh_from_db()
    return market, quotation, quotes


def money(text: str) -> Decimal:
    return Decimal(text)
