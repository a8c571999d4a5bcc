"""Funds pages: who may open them, forms with errors at the field, nothing changed when refused."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from govmall.accounts.roles import Role
from govmall.audit.models import Event
from govmall.trading.models import FundingSource, PurchasingPolicy
from tests.factories import make_user
from tests.permissions import client_for
from tests.trading.factories import make_order, make_seller, make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit():
    return make_unit(name="包头市教育局", funds_amount="1000.00")


@pytest.fixture
def regulator():
    return make_user(Role.REGULATOR, division="150200")


def test_overview_for_regulators_only(unit, regulator):
    page = client_for(regulator).get(reverse("trading:funds"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "包头市教育局" in text and 'data-testid="unit-row"' in text
    assert client_for(unit.admin).get(reverse("trading:funds")).status_code == 403
    far = make_user(Role.REGULATOR, division="150100")
    assert "包头市教育局" not in client_for(far).get(reverse("trading:funds")).content.decode()
    anonymous = client_for(None).get(reverse("trading:funds"))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    searched = client_for(regulator).get(reverse("trading:funds"), {"q": "卫健", "year": "2026"})
    assert 'data-testid="units-empty"' in searched.content.decode()


def test_unit_page_adds_a_source_and_shows_errors_at_the_field(unit, regulator, english):
    client = client_for(regulator)
    url = reverse("trading:funds_unit", args=[unit.org.pk])
    assert client.get(url).status_code == 200
    ok = client.post(
        url,
        {"fiscal_year": "2026", "budget_line": "2050101", "name": "教学", "amount": "¥2,000"},
    )
    assert ok.status_code == 302
    assert FundingSource.objects.get(budget_line="2050101").amount == Decimal("2000.00")
    dup = client.post(
        url, {"fiscal_year": "2026", "budget_line": "2050101", "name": "x", "amount": "1"}
    )
    assert dup.status_code == 400
    body = dup.content.decode()
    assert 'id="error-budget_line"' in body
    assert "The unit already has budget line 2050101 for 2026." in body
    bad = client.post(url, {"fiscal_year": "1999", "budget_line": "B", "name": "x", "amount": "1"})
    assert 'id="error-fiscal_year"' in bad.content.decode()
    far = make_user(Role.REGULATOR, division="150100")
    assert client_for(far).get(url).status_code == 404
    assert client_for(unit.admin).post(url, {"fiscal_year": "2026"}).status_code == 403


def test_source_page_changes_amount_and_refuses_purchasers(unit, regulator, english):
    seller = make_seller(price="100.00")
    make_order(unit, [(seller.listing, 3)])
    url = reverse("trading:funds_source", args=[unit.source.pk])
    client = client_for(regulator)
    below = client.post(url, {"action": "amount", "amount": "299.99"})
    assert below.status_code == 400
    assert 'id="error-amount"' in below.content.decode()
    assert (
        client.post(url, {"action": "amount", "amount": "1500", "note": "追加"}).status_code == 302
    )
    unit.source.refresh_from_db()
    assert unit.source.amount == Decimal("1500.00")
    page = client.get(url).content.decode()
    assert 'data-kind="adjust"' in page and 'data-kind="reserve"' in page and "追加" in page
    assert client.post(url, {"action": "deactivate"}).status_code == 302
    unit.source.refresh_from_db()
    assert not unit.source.active

    events = Event.objects.count()
    for actor in (unit.admin, unit.buyer):
        member = client_for(actor)
        view = member.get(url)
        assert view.status_code == 200
        assert 'data-testid="amount-form"' not in view.content.decode()
        assert 'data-testid="read-only"' in view.content.decode()
        assert member.post(url, {"action": "amount", "amount": "9999999"}).status_code == 403
        assert member.post(url, {"action": "reactivate"}).status_code == 403
    unit.source.refresh_from_db()
    assert (unit.source.amount, unit.source.active) == (Decimal("1500.00"), False)
    assert Event.objects.count() == events
    other = make_unit()
    assert client_for(other.buyer).get(url).status_code == 404


def test_import_page_shows_the_per_row_report(unit, regulator):
    data = (
        "单位,年度,预算项目编码,名称,金额\n"
        f"包头市教育局,2026,{unit.source.budget_line},办公设备购置,1200\n"
        "包头市教育局,2027,N-1,新项目,50\n"
        "包头市教育局,2027,N-2,新项目,五十\n"
    ).encode("gb18030")
    client = client_for(regulator)
    assert client.get(reverse("trading:funds_import")).status_code == 200
    response = client.post(
        reverse("trading:funds_import"), {"file": SimpleUploadedFile("预算.csv", data)}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="row-2" data-outcome="updated"' in body
    assert 'id="row-3" data-outcome="created"' in body
    assert 'id="row-4" data-outcome="error"' in body and "invalid_amount" in body
    refused = client.post(
        reverse("trading:funds_import"), {"file": SimpleUploadedFile("x.csv", b"a\n1\n")}
    )
    assert refused.status_code == 400 and 'id="error-file"' in refused.content.decode()
    assert client_for(unit.admin).get(reverse("trading:funds_import")).status_code == 403


def test_our_funds_is_read_only_for_the_unit(unit, regulator):
    page = client_for(unit.buyer).get(reverse("trading:unit_funds"))
    assert page.status_code == 200
    body = page.content.decode()
    assert unit.source.budget_line in body and 'data-testid="read-only"' in body
    assert "<form" not in body.split('id="main"')[1].replace('class="logout-form"', "")
    assert 'data-testid="policy-link"' not in body
    assert (
        'data-testid="policy-link"'
        in client_for(unit.admin).get(reverse("trading:unit_funds")).content.decode()
    )
    assert client_for(regulator).get(reverse("trading:unit_funds")).status_code == 403


def test_policy_page(unit, english):
    url = reverse("trading:policy")
    admin = client_for(unit.admin)
    assert 'data-testid="policy-form"' in admin.get(url).content.decode()
    bad = admin.post(url, {"approval_limit": "1.234"})
    assert bad.status_code == 400 and 'id="error-approval_limit"' in bad.content.decode()
    assert admin.post(url, {"approval_limit": "50000"}).status_code == 302
    assert PurchasingPolicy.objects.get(organisation=unit.org).approval_limit == Decimal("50000.00")
    buyer = client_for(unit.buyer)
    view = buyer.get(url).content.decode()
    assert 'data-testid="policy-form"' not in view and "50,000.00" in view
    assert buyer.post(url, {"approval_limit": ""}).status_code == 403
    assert PurchasingPolicy.objects.get(organisation=unit.org).approval_limit == Decimal("50000.00")
    assert admin.post(url, {"approval_limit": ""}).status_code == 302
    assert PurchasingPolicy.objects.get(organisation=unit.org).approval_limit is None
