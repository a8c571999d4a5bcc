"""Browser: a supplier registers through the wizard (zh-hans), lands on its home, signs the credit
commitment and sees the stepper advance; the regional centre publishes a new version."""

from __future__ import annotations

import pytest

from govmall.suppliers.codes import make_credit_code
from govmall.suppliers.models import CommitmentSignature, Supplier
from tests.e2e.conftest import login, screenshot
from tests.factories import PASSWORD, regional_operator_admin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADMIN_PASSWORD = "Caoyuan-Office-2026"


def fill_wizard(page, code: str) -> None:
    page.fill("#id_org_name", "包头市草原办公用品有限公司")
    page.fill("#id_credit_code", code)
    page.select_option("#id_supplier_type", "enterprise")
    page.select_option("#id_size", "small")
    page.fill("#id_division_code", "150202")
    page.fill("#id_legal_representative", "王大力")
    page.fill("#id_contact_name", "李晓燕")
    page.fill("#id_contact_phone", "0472-5123456")
    page.fill("#id_contact_email", "sales@caoyuan.example.cn")
    page.fill("#id_address", "包头市东河区巴彦塔拉大街 18 号")
    page.fill("#id_business_scope", "办公用品、办公设备、计算机及耗材的销售与维修")
    page.fill("#id_intended_categories", "办公设备、计算机、办公耗材")
    page.fill("#id_service_outlets", "包头市东河区、昆都仑区各设 1 个服务网点")
    page.fill("#id_hotline_hours", "周一至周五 8:30-17:30")
    page.fill("#id_username", "caoyuan-admin")
    page.fill("#id_display_name", "李晓燕")
    page.fill("#id_email", "admin@caoyuan.example.cn")
    page.fill("#id_password", ADMIN_PASSWORD)
    page.fill("#id_password_again", ADMIN_PASSWORD)


def step_states(page) -> dict[str, str]:
    items = page.locator("[data-testid=stepper] li")
    return {
        items.nth(i).get_attribute("data-step"): items.nth(i).get_attribute("data-done")
        for i in range(items.count())
    }


def test_register_sign_and_see_the_stepper_advance(page):
    base = page.base_url
    page.goto(base + "/suppliers/register/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert "零成本入驻" in page.inner_text("[data-testid=zero-cost]")
    screenshot(page, "suppliers-register-empty")

    # A wrong check character is refused at its field, and nothing is registered.
    fill_wizard(page, "91150202MA0000000X")
    page.click("[data-testid=register-submit]")
    assert page.locator("#error-credit_code").is_visible()
    assert Supplier.objects.count() == 0
    screenshot(page, "suppliers-register-error")

    # Issued in 150203, registered in 150202: allowed, with a warning.
    code = make_credit_code("91", "150203", 424242)
    fill_wizard(page, code)
    page.click("[data-testid=register-submit]")
    page.wait_for_url(base + "/suppliers/home/")
    assert page.inner_text("[data-testid=current-user]") == "李晓燕"
    assert "150203" in page.inner_text(".message-warning")
    assert page.get_attribute("[data-testid=supplier-status]", "data-status") == "draft"
    assert step_states(page) == {
        "registered": "true",
        "commitment": "false",
        "documents": "false",
        "submitted": "false",
        "approved": "false",
    }
    assert page.locator("[data-testid=resign-notice]").is_visible()
    screenshot(page, "suppliers-home-registered")

    page.click("[data-testid=sign-link]")
    page.wait_for_url(base + "/suppliers/commitment/")
    assert "信用承诺" in page.inner_text("[data-testid=commitment-text]")
    page.click("[data-testid=sign-commitment]")  # without ticking the box
    assert page.locator(".field-error").is_visible()
    screenshot(page, "suppliers-commitment-sign")
    page.check("#id_agree")
    page.click("[data-testid=sign-commitment]")
    page.wait_for_url(base + "/suppliers/home/")
    assert step_states(page)["commitment"] == "true"
    assert page.locator("[data-step=documents]").get_attribute("aria-current") == "step"
    assert page.locator("[data-testid=resign-notice]").count() == 0
    screenshot(page, "suppliers-home-signed")

    supplier = Supplier.objects.get(credit_code=code)
    signature = CommitmentSignature.objects.get(supplier=supplier)
    assert signature.language == "zh-hans" and signature.ip == "127.0.0.1"
    assert "Chrom" in signature.user_agent
    page.goto(base + "/suppliers/commitment/")
    assert page.locator("[data-testid=signatures] tbody tr").count() == 1
    screenshot(page, "suppliers-commitment-signed")

    page.goto(base + "/suppliers/profile/")
    page.fill("#id_hotline_hours", "7x24 小时")
    page.click("[data-testid=profile-save]")
    page.wait_for_url(base + "/suppliers/profile/")
    assert page.input_value("#id_hotline_hours") == "7x24 小时"
    screenshot(page, "suppliers-profile")


def test_regional_centre_publishes_a_new_version(page):
    operator = regional_operator_admin()
    login(page, operator.username, PASSWORD)
    page.wait_for_url(page.base_url + "/home/")
    page.goto(page.base_url + "/suppliers/commitment/versions/")
    page.fill("#id_text_zh", "第二版信用承诺书：本单位承诺所提交资料真实、合法、有效。")
    page.fill("#id_text_en", "Credit commitment, version 2: everything we submit is true.")
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("[data-testid=publish]")
    page.wait_for_selector(".message-success")
    rows = page.locator("[data-testid=versions] tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).inner_text().startswith("2")
    screenshot(page, "suppliers-commitment-versions")
