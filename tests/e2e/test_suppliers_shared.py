"""Browser: an operator imports a shared-recruitment file; the supplier admin activates."""

import pytest

from govmall.accounts.models import User
from govmall.core.demo import demo_password, load_demo
from govmall.suppliers.models import Supplier
from tests.e2e.conftest import login, screenshot
from tests.suppliers.test_shared import csv_bytes, row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_operator_imports_and_the_supplier_activates(page, browser, tmp_path, settings):
    settings.GOVMALL_PRIVATE_MEDIA = tmp_path / "private"
    load_demo()
    upload = tmp_path / "shared.csv"
    upload.write_bytes(csv_bytes([row(1), row(2, division_code="159999")]))
    login(page, "op-admin", demo_password("op-admin"))
    page.goto(page.base_url + "/suppliers/shared-import/")
    page.set_input_files("input[name=file]", str(upload))
    page.click("[data-testid=shared-upload]")
    page.wait_for_selector("[data-testid=shared-report]")
    code = page.locator("[data-testid=activation-code]").inner_text().strip()
    assert len(code) == 19
    assert page.locator("[data-testid=shared-rows] tr[data-row='2']").inner_text().count("159999")
    screenshot(page, "shared-import")
    supplier = Supplier.objects.get(organisation__name="包头市共享1商贸有限公司")
    assert (supplier.status, supplier.source) == ("active", "shared")

    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN")
    other = context.new_page()
    other.goto(page.base_url + "/suppliers/activate/")
    other.fill("input[name=username]", "shared1")
    other.fill("input[name=code]", "AAAA-AAAA-AAAA-AAAA")
    other.fill("input[name=password]", "Shared-admin-pass-2026")
    other.fill("input[name=password2]", "Shared-admin-pass-2026")
    other.click("[data-testid=activate]")
    other.wait_for_selector(".field-error")
    screenshot(other, "shared-activate-error")
    other.fill("input[name=code]", code.lower())
    other.fill("input[name=password]", "Shared-admin-pass-2026")
    other.fill("input[name=password2]", "Shared-admin-pass-2026")
    other.click("[data-testid=activate]")
    other.wait_for_selector("[data-testid=current-user]")
    assert "/suppliers/activate/" not in other.url
    screenshot(other, "shared-activated")
    assert User.objects.get(username="shared1").check_password("Shared-admin-pass-2026")
    context.close()
