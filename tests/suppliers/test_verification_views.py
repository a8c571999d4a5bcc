"""Verification pages: submit, application detail with the three decisions (errors at the
field), the supplier's read-only view."""

from __future__ import annotations

import pytest

from govmall.accounts.roles import Role
from govmall.suppliers.models import Application
from tests.factories import make_supplier, make_user
from tests.permissions import client_for, database_fingerprint
from tests.suppliers.verification_helpers import (
    list_entry,
    reviewer,
    setup_operators,
    submitted,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_submit_page_and_post():
    setup_operators()
    supplier, admin = make_supplier(status="draft")
    client = client_for(admin)
    page = client.get("/suppliers/submit/")
    assert page.status_code == 200
    assert 'data-testid="checklist"' in page.content.decode()
    response = client.post("/suppliers/submit/")
    application = Application.objects.get(supplier=supplier)
    assert response.status_code == 302
    assert response["Location"] == f"/suppliers/applications/{application.number}/"
    again = client.post("/suppliers/submit/", follow=True)
    assert "An application is already awaiting verification." in again.content.decode()


def test_submit_refusal_shown_and_nothing_written():
    setup_operators()
    _supplier, admin = make_supplier(status="draft", signed=False)
    client = client_for(admin)
    before = database_fingerprint()
    response = client.post("/suppliers/submit/", follow=True)
    assert "Sign the current credit commitment before submitting." in response.content.decode()
    assert database_fingerprint() == before


def test_change_form_for_an_active_supplier():
    setup_operators()
    supplier, admin = make_supplier(status="active")
    client = client_for(admin)
    response = client.post("/suppliers/submit/", {"name": "", "legal_representative": "王五"})
    application = Application.objects.get(supplier=supplier)
    assert response.status_code == 302 and application.kind == "change"
    detail = client.get(f"/suppliers/applications/{application.number}/").content.decode()
    assert 'data-testid="changed-legal_representative"' in detail
    assert "张三" in detail and "王五" in detail
    assert 'data-testid="decide"' not in detail


def test_operator_returns_with_reasons_at_the_fields():
    _centre, city = setup_operators()
    _supplier, admin, application = submitted()
    url = f"/suppliers/applications/{application.number}/"
    client = client_for(reviewer(city))
    page = client.get(url).content.decode()
    assert 'data-testid="decide"' in page and 'data-testid="screening"' in page
    empty = client.post(url, {"action": "return"})
    assert empty.status_code == 200
    assert "Give at least one reason." in empty.content.decode()
    response = client.post(
        url,
        {"action": "return", "return-legal_representative": "与营业执照不符"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.reasons == {"legal_representative": "与营业执照不符"}
    supplier_view = client_for(admin).get(url).content.decode()
    assert "与营业执照不符" in supplier_view
    assert 'data-testid="decide"' not in supplier_view


def test_reject_needs_a_reason_at_its_field():
    _centre, city = setup_operators()
    _s, _a, application = submitted()
    url = f"/suppliers/applications/{application.number}/"
    response = client_for(reviewer(city)).post(url, {"action": "reject", "reject-reason": ""})
    assert response.status_code == 200
    assert 'id="error-reject-reason"' in response.content.decode()


def test_credit_hit_error_shown_on_approve():
    _centre, city = setup_operators()
    supplier, _admin, application = submitted()
    list_entry(supplier.credit_code)
    url = f"/suppliers/applications/{application.number}/"
    response = client_for(reviewer(city)).post(url, {"action": "approve"})
    assert response.status_code == 200
    assert "The credit code is on a credit list" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "pending"


def test_detail_page_access():
    centre, city = setup_operators()
    _s, _a, application = submitted()
    url = f"/suppliers/applications/{application.number}/"
    assert client_for(make_user(Role.BUYER)).get(url).status_code == 404
    other_city = make_user(Role.OPERATOR_REVIEWER, division="150100")
    assert client_for(other_city).get(url).status_code == 404
    above = client_for(reviewer(centre))
    page = above.get(url)
    assert page.status_code == 200 and 'data-testid="decide"' not in page.content.decode()
    assert above.post(url, {"action": "approve"}).status_code == 403
    assert client_for(reviewer(city)).post(url, {"action": "approve"}).status_code == 302
    application.refresh_from_db()
    assert application.status == "approved"
