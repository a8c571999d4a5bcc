"""Registration pages: wizard, supplier home, commitment, profile and version management."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from govmall.accounts.roles import Role
from govmall.suppliers.codes import make_credit_code
from govmall.suppliers.models import Application, CommitmentText, Supplier
from tests.factories import make_org, make_supplier, make_user, regional_operator_admin
from tests.permissions import client_for, database_fingerprint
from tests.suppliers.test_registration import registration

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    again = overrides.pop("password_again", None)
    data = registration(**overrides)
    data["intended_categories"] = "、".join(data["intended_categories"])
    data["password_again"] = again or data["password"]
    return data


def steps(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-step="(\w+)" data-done="(\w+)"', html))


def test_register_page_states_zero_cost_and_has_no_fee_field():
    response = client_for(None).get("/suppliers/register/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "零成本入驻" in html
    assert "fee" not in re.findall(r'name="(\w+)"', html)
    assert re.findall(r'<h2 id="section-\d-title">', html) == [
        f'<h2 id="section-{n}-title">' for n in (1, 2, 3, 4)
    ]


def test_registering_logs_the_admin_in_and_shows_the_division_warning_on_home():
    client = client_for(None)
    code = make_credit_code("91", "150203", 990001)
    response = client.post(
        "/suppliers/register/", form_data(credit_code=code, division_code="150202"), follow=True
    )
    assert response.redirect_chain == [("/suppliers/home/", 302)]
    html = response.content.decode()
    supplier = Supplier.objects.get(credit_code=code)
    assert response.context["user"].username == "bt-office"
    assert supplier.intended_categories == ["办公设备", "计算机"]
    assert "150203" in html and "message-warning" in html
    assert steps(html) == {
        "registered": "true",
        "commitment": "false",
        "documents": "false",
        "submitted": "false",
        "approved": "false",
    }
    assert 'data-testid="resign-notice"' in html


def test_wizard_shows_service_errors_at_the_field_and_writes_nothing():
    existing, _admin = make_supplier()
    client = client_for(None)
    before = database_fingerprint()
    response = client.post(
        "/suppliers/register/", form_data(credit_code=existing.credit_code, password_again="x")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["password_again"]
    response = client.post("/suppliers/register/", form_data(credit_code=existing.credit_code))
    assert response.context["form"].errors == {
        "credit_code": [response.context["form"].errors["credit_code"][0]]
    }
    assert 'id="error-credit_code"' in response.content.decode()
    assert database_fingerprint() == before


def test_home_is_for_supplier_users_only():
    supplier, admin = make_supplier(status="draft", signed=False)
    assert client_for(None).get("/suppliers/home/").status_code == 302
    assert client_for(make_user(Role.BUYER)).get("/suppliers/home/").status_code == 403
    staff = make_user(Role.SUPPLIER_STAFF, org=supplier.organisation)
    assert client_for(staff).get("/suppliers/home/").status_code == 200
    assert client_for(admin).get("/suppliers/home/").status_code == 200


def test_home_shows_pending_deadline_and_returned_reasons():
    supplier, admin = make_supplier(status="pending")
    owner = make_org("operator", division="150200")
    now = timezone.now()
    application = Application.objects.create(
        number="SUP-2026-000001",
        supplier=supplier,
        kind="onboarding",
        data={},
        owner=owner,
        submitted_by=admin,
        submitted_at=now,
        deadline=now + timedelta(days=1, hours=5, minutes=3),
    )
    html = client_for(admin).get("/suppliers/home/").content.decode()
    assert "SUP-2026-000001" in html and 'data-testid="time-left"' in html
    assert "1 天 5 小时" in html or "1 day 5 hours" in html
    Application.objects.filter(pk=application.pk).update(
        status="returned",
        reasons={"legal_representative": "与营业执照不一致", "_general": "请补充授权委托书"},
    )
    Supplier.objects.filter(pk=supplier.pk).update(status="returned")
    html = client_for(admin).get("/suppliers/home/").content.decode()
    assert "与营业执照不一致" in html and "请补充授权委托书" in html


def test_active_supplier_home_asks_to_re_sign_a_new_version():
    _supplier, admin = make_supplier(status="active")
    client = client_for(admin)
    html = client.get("/suppliers/home/").content.decode()
    assert 'data-testid="may-trade"' in html and "resign-notice" not in html
    assert set(steps(html).values()) == {"true"}
    CommitmentText.objects.create(
        version=2, text_zh="新承诺", text_en="New", published_at=timezone.now()
    )
    html = client.get("/suppliers/home/").content.decode()
    assert 'data-testid="resign-notice"' in html
    assert 'data-blocker="commitment_not_signed"' in html


def test_commitment_page_signs_in_the_page_language():
    supplier, admin = make_supplier(status="draft", signed=False)
    client = client_for(admin)
    page = client.get("/suppliers/commitment/")
    assert page.status_code == 200 and 'data-testid="sign-form"' in page.content.decode()
    response = client.post("/suppliers/commitment/", {"version": "1"})
    assert response.context["form"].errors["agree"]
    response = client.post(
        "/suppliers/commitment/",
        {"version": "1", "agree": "on"},
        HTTP_USER_AGENT="PageTest/1",
        REMOTE_ADDR="192.0.2.9",
    )
    assert response.status_code == 302 and response["Location"] == "/suppliers/home/"
    signature = supplier.signatures.get()
    assert (signature.language, signature.ip, signature.user_agent) == (
        "zh-hans",
        "192.0.2.9",
        "PageTest/1",
    )
    html = client.get("/suppliers/commitment/").content.decode()
    assert 'data-testid="signatures"' in html and "sign-form" not in html


def test_staff_cannot_sign_on_the_page():
    supplier, _admin = make_supplier(status="draft", signed=False)
    staff = make_user(Role.SUPPLIER_STAFF, org=supplier.organisation)
    client = client_for(staff)
    assert "sign-form" not in client.get("/suppliers/commitment/").content.decode()
    before = database_fingerprint()
    assert client.post("/suppliers/commitment/", {"version": "1", "agree": "on"}).status_code == 403
    assert database_fingerprint() == before


def test_profile_page_edits_draft_and_refuses_key_change_of_active():
    supplier, admin = make_supplier(status="draft")
    client = client_for(admin)
    page = client.get("/suppliers/profile/")
    data = {k: v for k, v in page.context["form"].initial.items()}
    data.update(
        contact_name="赵联系", contact_email="", address="", service_outlets="", hotline_hours=""
    )
    response = client.post("/suppliers/profile/", data)
    assert response.status_code == 302
    supplier.refresh_from_db()
    assert supplier.contact_name == "赵联系"

    active, active_admin = make_supplier(status="active")
    client = client_for(active_admin)
    page = client.get("/suppliers/profile/")
    data = {k: ("" if v is None else v) for k, v in page.context["form"].initial.items()}
    data.update(division_code="150203")  # not changeable through a change application
    before = database_fingerprint()
    response = client.post("/suppliers/profile/", data)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["division_code"]
    assert database_fingerprint() == before

    make_org("operator", division="150200")  # the owner of the change application
    data.update(division_code="150202", legal_representative="新法人", contact_name="新联系人")
    response = client.post("/suppliers/profile/", data)
    assert response.status_code == 302
    active.refresh_from_db()
    assert (active.legal_representative, active.contact_name) == ("张三", "新联系人")
    change = Application.objects.get(supplier=active)
    assert (change.kind, change.status) == ("change", "pending")
    assert change.data["changes"] == {"legal_representative": {"old": "张三", "new": "新法人"}}


def test_commitment_versions_page_permissions_and_publishing():
    city_admin = make_user(Role.OPERATOR_ADMIN, division="150200")
    assert client_for(city_admin).get("/suppliers/commitment/versions/").status_code == 403
    assert client_for(make_supplier()[1]).get("/suppliers/commitment/versions/").status_code == 403
    operator = regional_operator_admin()
    client = client_for(operator)
    assert client.get("/suppliers/commitment/versions/").status_code == 200
    response = client.post(
        "/suppliers/commitment/versions/", {"text_zh": "第二版承诺", "text_en": "Version two"}
    )
    assert response.status_code == 302
    assert CommitmentText.objects.order_by("-version").first().version == 2
