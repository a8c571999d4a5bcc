"""Funding sources: regulators create and change them, purchasers cannot; every change is
audited and every amount change is a ledger row."""

from __future__ import annotations

from decimal import Decimal

import pytest

from govmall.accounts.roles import OrgKind, Role
from govmall.audit.models import Event
from govmall.core.errors import DomainError
from govmall.trading import funds
from govmall.trading.models import FundingSource, FundMovement, MovementKind
from govmall.trading.services_funds import (
    clean_amount,
    clean_budget_line,
    clean_fiscal_year,
    funding_source_create,
    funding_source_update,
)
from tests.factories import make_org, make_user
from tests.trading.factories import make_order, make_seller, make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit():
    return make_unit(funds_amount="1000.00")


@pytest.fixture
def regulator():
    return make_user(Role.REGULATOR, division="150200")


def _create(actor, unit, **over):
    args = {
        "unit_id": unit.org.pk,
        "fiscal_year": 2026,
        "budget_line": "2050101-01",
        "name": "教学设备购置",
        "amount": "500000.00",
    }
    args.update(over)
    return funding_source_create(actor=actor, **args)


def _events(source, action=None):
    qs = Event.objects.filter(object_type="trading.fundingsource", object_id=str(source.pk))
    return list(qs.filter(action=action) if action else qs.order_by("seq"))


def test_regulator_creates_a_source_with_opening_ledger_row_and_event(unit, regulator):
    source = _create(regulator, unit)
    source.refresh_from_db()
    assert (source.organisation_id, source.fiscal_year, source.budget_line) == (
        unit.org.pk,
        2026,
        "2050101-01",
    )
    assert (source.amount, source.reserved, source.available) == (
        Decimal("500000.00"),
        Decimal("0.00"),
        Decimal("500000.00"),
    )
    assert source.created_by == regulator and source.active
    rows = list(FundMovement.objects.filter(source=source).values_list("kind", "amount", "actor"))
    assert rows == [(MovementKind.ADJUST, Decimal("500000.00"), regulator.pk)]
    (event,) = _events(source)
    assert event.action == "fundingsource.created"
    assert event.actor_id == regulator.pk
    assert event.after["amount"] == "500000.00"
    assert event.after["budget_line"] == "2050101-01"


def test_a_zero_source_has_no_opening_row(unit, regulator):
    source = _create(regulator, unit, amount="0")
    assert source.amount == Decimal("0.00")
    assert not FundMovement.objects.filter(source=source).exists()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", Decimal("0.00")),
        ("12.5", Decimal("12.50")),
        ("¥1,234.56", Decimal("1234.56")),
        (Decimal("999999999999.99"), Decimal("999999999999.99")),
        (7, Decimal("7.00")),
    ],
)
def test_amounts_accepted(value, expected):
    assert clean_amount(value) == expected


@pytest.mark.parametrize(
    "value",
    ["-1", "1.234", "1000000000000.00", "abc", "", None, True, "1e5", "NaN", float("inf"), []],
)
def test_amounts_refused(value):
    with pytest.raises(DomainError) as err:
        clean_amount(value)
    assert (err.value.code, err.value.field) == ("invalid_amount", "amount")


@pytest.mark.parametrize("value", [1999, 2101, "20x6", "", None, True, "26"])
def test_fiscal_year_refused(value):
    with pytest.raises(DomainError) as err:
        clean_fiscal_year(value)
    assert (err.value.code, err.value.field) == ("invalid_fiscal_year", "fiscal_year")


def test_fiscal_year_bounds_accepted():
    assert clean_fiscal_year(2000) == 2000
    assert clean_fiscal_year(" 2100 ") == 2100


@pytest.mark.parametrize("value", ["", "2010 01", "预算01", "a" * 61, "20/01", None, 2010])
def test_budget_line_refused(value):
    with pytest.raises(DomainError) as err:
        clean_budget_line(value)
    assert (err.value.code, err.value.field) == ("invalid_budget_line", "budget_line")


def test_budget_line_accepted():
    assert clean_budget_line(" 2010201-A1 ") == "2010201-A1"
    assert clean_budget_line("a" * 60) == "a" * 60


@pytest.mark.parametrize(
    ("over", "code", "field"),
    [
        ({"amount": "-0.01"}, "invalid_amount", "amount"),
        ({"fiscal_year": 1999}, "invalid_fiscal_year", "fiscal_year"),
        ({"budget_line": "x y"}, "invalid_budget_line", "budget_line"),
        ({"name": "  "}, "required", "name"),
        ({"name": "名" * 201}, "too_long", "name"),
        ({"name": "a\x00b"}, "invalid", "name"),
        ({"unit_id": 10**9}, "unknown_unit", "unit"),
        ({"unit_id": "1"}, "unknown_unit", "unit"),
    ],
)
def test_create_refuses_bad_input_and_writes_nothing(unit, regulator, over, code, field):
    before = (FundingSource.objects.count(), Event.objects.count(), FundMovement.objects.count())
    with pytest.raises(DomainError) as err:
        _create(regulator, unit, **over)
    assert (err.value.code, err.value.field) == (code, field)
    after = (FundingSource.objects.count(), Event.objects.count(), FundMovement.objects.count())
    assert after == before


def test_unit_must_be_a_purchaser_in_the_jurisdiction(unit, regulator):
    supplier_org = make_org(OrgKind.SUPPLIER, division="150202")
    far = make_unit(division="150102")
    for org_id in (supplier_org.pk, far.org.pk):
        with pytest.raises(DomainError) as err:
            funding_source_create(
                actor=regulator,
                unit_id=org_id,
                fiscal_year=2026,
                budget_line="1",
                name="n",
                amount="1",
            )
        assert err.value.code == "unknown_unit"


def test_regional_regulator_sees_every_city(unit):
    regional = make_user(Role.REGULATOR, division="150000")
    source = _create(regional, unit)
    assert source.organisation_id == unit.org.pk


def test_duplicate_budget_line_is_refused_at_the_field(unit, regulator):
    _create(regulator, unit)
    with pytest.raises(DomainError) as err:
        _create(regulator, unit, name="另一个")
    assert (err.value.code, err.value.field, err.value.status) == (
        "duplicate_budget_line",
        "budget_line",
        409,
    )
    assert _create(regulator, unit, fiscal_year=2027).fiscal_year == 2027


@pytest.mark.parametrize("role", [Role.PURCHASER_ADMIN, Role.BUYER, Role.APPROVER])
def test_purchasers_cannot_create_or_change_funds(unit, role):
    member = make_user(role, org=unit.org)
    events = Event.objects.count()
    with pytest.raises(DomainError) as err:
        _create(member, unit)
    assert err.value.status == 403
    with pytest.raises(DomainError) as err:
        funding_source_update(actor=member, source_id=unit.source.pk, amount="99999999.00")
    assert err.value.status == 403
    unit.source.refresh_from_db()
    assert unit.source.amount == Decimal("1000.00")
    assert Event.objects.count() == events


def test_operators_cannot_change_funds(unit):
    operator = make_user(Role.OPERATOR_ADMIN, division="150200")
    with pytest.raises(DomainError) as err:
        funding_source_update(actor=operator, source_id=unit.source.pk, amount="5.00")
    assert err.value.code == "forbidden"


def test_amount_change_writes_adjust_row_and_event(unit, regulator):
    source = funding_source_update(
        actor=regulator, source_id=unit.source.pk, amount="1500.50", note="财预〔2026〕12号"
    )
    assert source.amount == Decimal("1500.50")
    unit.source.refresh_from_db()
    assert unit.source.amount == Decimal("1500.50")
    move = FundMovement.objects.get(source=unit.source, kind=MovementKind.ADJUST)
    assert (move.amount, move.note, move.actor_id) == (
        Decimal("500.50"),
        "财预〔2026〕12号",
        regulator.pk,
    )
    (event,) = _events(unit.source, "fundingsource.amount_changed")
    assert event.before == {"amount": "1000.00"}
    assert event.after["amount"] == "1500.50"
    funding_source_update(actor=regulator, source_id=unit.source.pk, amount="200.00")
    last = FundMovement.objects.filter(source=unit.source).last()
    assert last is not None and last.amount == Decimal("-1300.50")


def test_same_amount_changes_nothing(unit, regulator):
    events = Event.objects.count()
    funding_source_update(actor=regulator, source_id=unit.source.pk, amount="1000")
    assert Event.objects.count() == events
    assert not FundMovement.objects.filter(kind=MovementKind.ADJUST).exists()


def test_amount_never_below_reserved(unit, regulator):
    seller = make_seller(price="300.00", stock=10)
    make_order(unit, [(seller.listing, 2)])  # reserves 600.00
    unit.source.refresh_from_db()
    assert unit.source.reserved == Decimal("600.00")
    events = Event.objects.count()
    with pytest.raises(DomainError) as err:
        funding_source_update(actor=regulator, source_id=unit.source.pk, amount="599.99")
    assert (err.value.code, err.value.field, err.value.status) == (
        "amount_below_reserved",
        "amount",
        409,
    )
    assert err.value.details["reserved"] == "600.00"
    unit.source.refresh_from_db()
    assert unit.source.amount == Decimal("1000.00")
    assert Event.objects.count() == events
    source = funding_source_update(actor=regulator, source_id=unit.source.pk, amount="600.00")
    assert source.available == Decimal("0.00")


def test_other_jurisdiction_gets_not_found(unit):
    far = make_user(Role.REGULATOR, division="150100")
    with pytest.raises(DomainError) as err:
        funding_source_update(actor=far, source_id=unit.source.pk, amount="5.00")
    assert err.value.code == "not_found"
    with pytest.raises(DomainError) as err:
        funding_source_update(actor=far, source_id=10**9, amount="5.00")
    assert err.value.code == "not_found"


def test_rename_deactivate_reactivate_are_audited(unit, regulator):
    funding_source_update(actor=regulator, source_id=unit.source.pk, name="新名称", active=False)
    unit.source.refresh_from_db()
    assert (unit.source.name, unit.source.active) == ("新名称", False)
    actions = [e.action for e in _events(unit.source)]
    assert actions[-2:] == ["fundingsource.renamed", "fundingsource.deactivated"]
    funding_source_update(actor=regulator, source_id=unit.source.pk, active=True)
    assert _events(unit.source)[-1].action == "fundingsource.reactivated"
    with pytest.raises(DomainError) as err:
        funding_source_update(actor=regulator, source_id=unit.source.pk, active="yes")  # type: ignore[arg-type]
    assert (err.value.code, err.value.field) == ("invalid", "active")


def test_an_inactive_source_takes_no_reservation(unit, regulator):
    funding_source_update(actor=regulator, source_id=unit.source.pk, active=False)
    from django.db import transaction

    with pytest.raises(DomainError) as err, transaction.atomic():
        funds.reserve(unit.source.pk, Decimal("1.00"), order=None, actor=None)  # type: ignore[arg-type]
    assert err.value.code == "insufficient_funds"


def test_a_second_reservation_beyond_what_is_left_is_refused(unit):
    from django.db import transaction

    with transaction.atomic():
        funds.reserve(unit.source.pk, Decimal("700.00"), order=None, actor=None)  # type: ignore[arg-type]
    with pytest.raises(DomainError) as err, transaction.atomic():
        funds.reserve(unit.source.pk, Decimal("300.01"), order=None, actor=None)  # type: ignore[arg-type]
    assert (err.value.code, err.value.status) == ("insufficient_funds", 409)
    unit.source.refresh_from_db()
    assert (unit.source.reserved, unit.source.available) == (Decimal("700.00"), Decimal("300.00"))
    with transaction.atomic():
        funds.reserve(unit.source.pk, Decimal("300.00"), order=None, actor=None)  # type: ignore[arg-type]
    unit.source.refresh_from_db()
    assert unit.source.available == Decimal("0.00")
