"""Reading funds: per-unit totals aggregated in SQL, ledgers with order numbers, visibility."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from govmall.accounts.roles import Role
from govmall.core.errors import DomainError
from govmall.trading import funds
from govmall.trading.models import OrderState
from govmall.trading.selectors_funds import (
    ledger,
    ledger_json,
    source_for_actor,
    totals,
    unit_overview,
    unit_sources,
    visible_sources,
)
from govmall.trading.services_funds import funding_source_create, funding_source_update
from tests.factories import make_user
from tests.trading.factories import make_order, make_seller, make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def regulator():
    return make_user(Role.REGULATOR, division="150200")


def test_overview_sums_active_sources_per_unit_in_one_query(regulator):
    a = make_unit(name="甲单位", funds_amount="1000.00")
    make_unit(name="乙单位", funds_amount="500.00", division="150203")
    make_unit(name="远方单位", division="150102")
    extra = funding_source_create(
        actor=regulator,
        unit_id=a.org.pk,
        fiscal_year=2026,
        budget_line="X-1",
        name="x",
        amount="250.25",
    )
    inactive = funding_source_create(
        actor=regulator,
        unit_id=a.org.pk,
        fiscal_year=2025,
        budget_line="X-2",
        name="old",
        amount="99999.00",
    )
    funding_source_update(actor=regulator, source_id=inactive.pk, active=False)
    seller = make_seller(price="100.00")
    make_order(a, [(seller.listing, 3)])
    with CaptureQueriesContext(connection) as ctx:
        rows = list(unit_overview(regulator))
    assert len(ctx.captured_queries) == 1
    got = {
        u.name: (u.source_count, u.funds_amount, u.funds_reserved, u.funds_available) for u in rows
    }
    assert got == {
        "乙单位": (1, Decimal("500.00"), Decimal("0.00"), Decimal("500.00")),
        "甲单位": (3, Decimal("1250.25"), Decimal("300.00"), Decimal("950.25")),
    }
    assert [u.name for u in unit_overview(regulator, query="甲")] == ["甲单位"]
    assert [u.name for u in unit_overview(regulator, query="150203")] == ["乙单位"]
    by_year = {u.name: u.source_count for u in unit_overview(regulator, fiscal_year=2025)}
    assert by_year == {"甲单位": 1, "乙单位": 0}
    assert extra.available == Decimal("250.25")
    assert totals(unit_sources(a.org)) == {
        "amount": Decimal("1250.25"),
        "reserved": Decimal("300.00"),
        "available": Decimal("950.25"),
    }


def test_overview_is_for_regulators_only():
    unit = make_unit()
    for actor in (unit.admin, make_user(Role.OPERATOR_ADMIN, division="150200"), None):
        with pytest.raises(DomainError) as err:
            unit_overview(actor)
        assert err.value.status == 403


def test_ledger_lists_movements_with_order_numbers(regulator):
    unit = make_unit(funds_amount="1000.00")
    seller = make_seller(price="150.00")
    order = make_order(unit, [(seller.listing, 2)], state=OrderState.PLACED)
    from django.db import transaction

    with transaction.atomic():
        funds.release_order(order, actor=unit.buyer, note="cancelled")
    funding_source_update(actor=regulator, source_id=unit.source.pk, amount="1200.00", note="追加")
    rows = [ledger_json(m) for m in ledger(unit.source)]
    assert [(r["kind"], r["amount"], r["order"], r["note"]) for r in rows] == [
        ("reserve", Decimal("300.00"), order.number, ""),
        ("release", Decimal("-300.00"), order.number, "cancelled"),
        ("adjust", Decimal("200.00"), None, "追加"),
    ]
    assert rows[2]["actor"] == regulator.username
    with CaptureQueriesContext(connection) as ctx:
        list(ledger(unit.source))
    assert len(ctx.captured_queries) == 1


def test_visibility_of_sources(regulator):
    mine = make_unit()
    other = make_unit()
    far = make_unit(division="150102")
    assert list(visible_sources(mine.buyer)) == [mine.source]
    assert set(visible_sources(regulator)) == {mine.source, other.source}
    assert source_for_actor(mine.approver, mine.source.pk) == mine.source
    assert source_for_actor(regulator, other.source.pk) == other.source
    for actor, source in ((mine.buyer, other.source), (regulator, far.source)):
        with pytest.raises(DomainError) as err:
            source_for_actor(actor, source.pk)
        assert err.value.code == "not_found"
    seller = make_seller()
    for actor in (seller.admin, make_user(Role.OPERATOR_REVIEWER, division="150200"), None):
        with pytest.raises(DomainError) as err:
            visible_sources(actor)
        assert err.value.status in (401, 403)
