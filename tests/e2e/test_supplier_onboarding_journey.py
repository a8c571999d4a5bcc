"""The whole onboarding journey in Chromium, in zh-hans: register → sign the commitment → upload
the required documents → submit → the owning operator returns it for correction → the supplier
corrects and resubmits → the operator approves, and the supplier is active."""

from __future__ import annotations

import pytest

from govmall.accounts.roles import OrgKind, Role
from govmall.core.models import Notification
from govmall.suppliers.codes import make_credit_code
from govmall.suppliers.gate import trading_blockers
from govmall.suppliers.models import Application, Supplier
from tests.e2e.conftest import login, screenshot
from tests.e2e.test_suppliers_registration import ADMIN_PASSWORD, fill_wizard
from tests.factories import PASSWORD, make_org, make_user
from tests.suppliers.files import pdf_bytes, png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def upload(page, doc_type: str, name: str, mime: str, data: bytes) -> None:
    page.select_option("select[name=doc_type]", doc_type)
    page.set_input_files("input[name=file]", {"name": name, "mimeType": mime, "buffer": data})
    page.click("[data-testid=upload]")
    page.wait_for_selector(".message-success")


def logout(page) -> None:
    page.click("[data-testid=logout]")
    page.wait_for_url(page.base_url + "/")


def test_register_sign_upload_submit_return_correct_approve(page, settings, tmp_path):
    settings.GOVMALL_PRIVATE_MEDIA = tmp_path / "private"
    make_org(OrgKind.OPERATOR, division="150000")
    baotou = make_org(OrgKind.OPERATOR, division="150200")
    reviewer = make_user(Role.OPERATOR_REVIEWER, org=baotou)
    base = page.base_url

    # 1. register (zero cost, fully online)
    page.goto(base + "/suppliers/register/")
    fill_wizard(page, make_credit_code("91", "150202", 777001))
    page.click("[data-testid=register-submit]")
    page.wait_for_url(base + "/suppliers/home/")
    supplier = Supplier.objects.get(organisation__name="包头市草原办公用品有限公司")
    assert supplier.status == "draft"

    # 2. sign the credit commitment
    page.click("[data-testid=sign-link]")
    page.check("#id_agree")
    page.click("[data-testid=sign-commitment]")
    page.wait_for_url(base + "/suppliers/home/")

    # 3. upload the required documents
    page.goto(base + "/suppliers/documents/")
    upload(page, "business_license", "营业执照.pdf", "application/pdf", pdf_bytes())
    upload(page, "authorization_letter", "授权委托书.png", "image/png", png_bytes())
    screenshot(page, "journey-documents")

    # 4. submit for verification
    page.goto(base + "/suppliers/home/")
    page.click("[data-testid=submit-application]")
    page.wait_for_url("**/suppliers/applications/SUP-*/")
    first = Application.objects.get(supplier=supplier)
    assert (first.status, first.owner_id) == ("pending", baotou.pk)
    page.goto(base + "/suppliers/home/")
    assert page.get_attribute("[data-testid=supplier-status]", "data-status") == "pending"
    assert page.locator("[data-testid=deadline]").is_visible()
    screenshot(page, "journey-pending")
    logout(page)

    # 5. the owning operator returns it with a reason at the field
    login(page, reviewer.username, PASSWORD)
    page.goto(base + "/suppliers/queue/")
    page.click(f"text={first.number}")
    page.click("summary:has-text('补正')")
    page.fill("textarea[name=return-legal_representative]", "法定代表人姓名与营业执照不一致")
    page.click("[data-testid=return]")
    page.wait_for_selector("[data-testid=status]")
    first.refresh_from_db()
    assert first.status == "returned"
    logout(page)

    # 6. the supplier sees the reason, corrects the field and submits again
    login(page, "caoyuan-admin", ADMIN_PASSWORD)
    page.goto(base + "/suppliers/home/")
    assert "法定代表人姓名与营业执照不一致" in page.inner_text("[data-testid=reasons]")
    assert Notification.objects.filter(recipient__username="caoyuan-admin").exists()
    screenshot(page, "journey-returned")
    page.goto(base + "/suppliers/profile/")
    page.fill("#id_legal_representative", "王大利")
    page.click("[data-testid=profile-save]")
    page.wait_for_url(base + "/suppliers/profile/")
    page.goto(base + "/suppliers/home/")
    page.click("[data-testid=submit-application]")
    page.wait_for_url("**/suppliers/applications/SUP-*/")
    second = Application.objects.get(supplier=supplier, status="pending")
    assert second.previous_id == first.pk and second.deadline >= first.deadline
    assert second.data["legal_representative"] == "王大利"
    logout(page)

    # 7. the operator approves; the supplier is active and may trade
    login(page, reviewer.username, PASSWORD)
    page.goto(base + f"/suppliers/applications/{second.number}/")
    screenshot(page, "journey-operator-detail")
    page.click("[data-testid=approve]")
    page.wait_for_selector("[data-testid=status]")
    supplier.refresh_from_db()
    assert supplier.status == "active" and supplier.legal_representative == "王大利"
    assert trading_blockers(supplier) == []
    logout(page)

    login(page, "caoyuan-admin", ADMIN_PASSWORD)
    page.goto(base + "/suppliers/home/")
    assert page.get_attribute("[data-testid=supplier-status]", "data-status") == "active"
    assert page.locator("[data-testid=may-trade]").is_visible()
    screenshot(page, "journey-active")
