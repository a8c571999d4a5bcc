"""Browser journey: a regional operator admin uploads a reference-price CSV with one bad row,
reads the per-row report, then searches the references as a regulator would."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from govmall.pricing.models import ReferencePrice
from tests.e2e.conftest import login, screenshot
from tests.factories import PASSWORD, regional_operator_admin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _csv() -> bytes:
    yesterday = timezone.localtime() - timedelta(days=1)
    when = yesterday.strftime("%Y-%m-%d %H:%M")
    lines = [
        "来源,品牌,型号,价格,采集时间,链接",
        f"京东,ＨＰ,M 404-dn,1999.00,{when},https://item.jd.com/100001.html",
        f"天猫,hp,m404dn,价格待定,{when},https://detail.tmall.com/item.htm?id=1",
        f"厂商官方,惠普,M404dn,2199,{when},",
        f"苏宁,HP,M404DN,1899.50,{when},https://product.suning.com/1.html",
    ]
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


def test_admin_uploads_references_and_reads_the_report(page):
    admin = regional_operator_admin()
    login(page, admin.username, PASSWORD)
    page.goto(page.base_url + "/pricing/")
    page.click("[data-testid=import-link]")
    page.wait_for_selector("[data-testid=upload-form]")
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "参考价格-0601.csv", "mimeType": "text/csv", "buffer": _csv()}],
    )
    page.click("[data-testid=upload]")
    page.wait_for_selector("[data-testid=report]")
    assert page.inner_text("[data-testid=rows-total]") == "4"
    assert page.inner_text("[data-testid=rows-imported]") == "3"
    assert page.inner_text("[data-testid=rows-failed]") == "1"
    rows = page.locator("[data-testid=report] tbody tr")
    assert rows.count() == 1
    bad = page.locator("#row-3")
    assert "invalid_price" in bad.inner_text()
    assert "价格待定" in bad.inner_text()
    screenshot(page, "catalog-pricing-import-report")
    assert ReferencePrice.objects.count() == 3

    page.goto(page.base_url + "/pricing/")
    page.fill("input[name=brand]", "hp")
    page.fill("input[name=model]", "M404-DN")
    page.click("[data-testid=search]")
    page.wait_for_selector("[data-testid=references]")
    assert (
        page.locator("[data-testid=references] tbody tr").count() == 2
    )  # 惠普 is another brand key
    assert "1899.50" in page.inner_text("[data-testid=lowest]").replace(",", "")
    screenshot(page, "catalog-pricing-references")


def test_a_file_without_a_required_column_is_refused(page):
    admin = regional_operator_admin()
    login(page, admin.username, PASSWORD)
    page.goto(page.base_url + "/pricing/import/")
    page.set_input_files(
        "input[name=file]",
        files=[
            {
                "name": "bad.csv",
                "mimeType": "text/csv",
                "buffer": "来源,品牌,价格,采集时间\n京东,HP,1999,2026-05-30 10:00\n".encode(),
            }
        ],
    )
    page.click("[data-testid=upload]")
    page.wait_for_selector("#field-file .field-error")
    assert "model" in page.inner_text("#field-file .field-error")
    screenshot(page, "catalog-pricing-import-error")
    assert ReferencePrice.objects.count() == 0
