"""Browser journey: an operator admin uploads a credit list, reads the report, resolves a flag."""

from __future__ import annotations

import pytest

from govmall.accounts.roles import OrgKind, Role
from govmall.suppliers.models import CreditFlag
from tests.e2e.conftest import login, screenshot
from tests.factories import PASSWORD, make_org, make_supplier, make_user
from tests.suppliers.credit_helpers import code, csv_bytes, row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_operator_uploads_a_list_and_resolves_a_flag(page):
    city = make_org(OrgKind.OPERATOR, division="150200", name="包头市公共资源交易中心")
    make_user(Role.OPERATOR_ADMIN, org=city, username="bt-op-admin")
    supplier, _admin = make_supplier(division="150202", name="包头市青山商贸有限公司")
    data = csv_bytes(
        row(supplier.credit_code, name="包头市青山商贸有限公司", reason="拒不履行生效判决"),
        row(code(), list_type="重大税收违法失信主体", name="某税务违法企业", expiry="2027-12-31"),
        row("91150202XXXXXXXXX1"),
        row(code(), listed="2026-02-30"),
        bom=True,
    )
    login(page, "bt-op-admin", PASSWORD)
    page.goto(page.base_url + "/suppliers/credit/")
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "2026年6月失信名单.csv", "mimeType": "text/csv", "buffer": data}],
    )
    page.click("[data-testid=upload]")
    page.wait_for_selector("[data-testid=report]")
    assert page.inner_text("[data-testid=rows-total]") == "4"
    assert page.inner_text("[data-testid=rows-imported]") == "2"
    assert page.inner_text("[data-testid=faults]") == "2"
    assert page.locator("[data-testid=report] tbody tr").count() == 2
    screenshot(page, "credit-import-report")

    page.goto(page.base_url + "/suppliers/credit/")
    flag = CreditFlag.objects.get()
    form = page.locator(f"[data-testid=resolve-{flag.pk}]")
    assert "包头市青山商贸有限公司" in page.inner_text(f"#flag-{flag.pk}")
    form.locator("button[type=submit]").click()  # no reason: refused at the field
    page.wait_for_selector("#error-resolution")
    screenshot(page, "credit-lists-resolve-error")
    page.locator(f"[data-testid=resolve-{flag.pk}] textarea").fill("经核实，已履行判决义务")
    page.locator(f"[data-testid=resolve-{flag.pk}] button[type=submit]").click()
    page.wait_for_selector("#no-flags")
    page.fill("input[name=credit_code]", supplier.credit_code)
    page.click("#lookup button[type=submit]")
    page.wait_for_selector("#lookup-result")
    screenshot(page, "credit-lists")
    flag.refresh_from_db()
    assert flag.resolution == "经核实，已履行判决义务"
    assert flag.resolved_by.username == "bt-op-admin"
