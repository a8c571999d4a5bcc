"""Browser journey: a supplier uploads an XLSX file of 3 good rows and 1 bad one, watches the
progress bar finish (htmx polling) and reads the per-row report."""

from __future__ import annotations

import pytest

from govmall.catalog.models import Listing, ListingImportJob
from tests.catalog.bulk_helpers import bulk_world, private_media  # noqa: F401
from tests.catalog.test_bulk_jobs import file_rows
from tests.catalog.test_bulk_rows import xlsx_bytes
from tests.e2e.conftest import login, screenshot
from tests.factories import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("private_media"),
]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_supplier_uploads_xlsx_and_reads_the_report(page, monkeypatch):
    from govmall.catalog import services_bulk

    monkeypatch.setattr(services_bulk, "JOB_CHUNK", 1)  # four polls: the bar visibly advances
    w = bulk_world()
    data = xlsx_bytes(file_rows(w, 3))
    login(page, w.user.username, PASSWORD)
    page.goto(page.base_url + "/catalog/my/import/")
    screenshot(page, "catalog-bulk-import")
    page.set_input_files(
        "input[name=file]", files=[{"name": "商品清单.xlsx", "mimeType": XLSX, "buffer": data}]
    )
    page.click("[data-testid=bulk-upload]")
    page.wait_for_selector("[data-testid=job-progress]")
    page.wait_for_selector("[data-testid=job-progress][data-state=done]", timeout=30_000)
    page.wait_for_selector("[data-testid=job-report]")
    assert "(100%)" in page.inner_text("[data-testid=job-count]")
    rows = page.locator("[data-testid=job-report] tbody tr")
    assert rows.count() == 4
    outcomes = [rows.nth(i).get_attribute("data-outcome") for i in range(4)]
    assert outcomes == ["created", "created", "created", "error"]
    bad = page.inner_text("[data-testid=job-report] tr[data-outcome=error]")
    assert "J-bad" in bad and "price" in bad
    summary = "[data-testid=job-summary] [data-outcome={}] .bulk-summary-n"
    assert page.inner_text(summary.format("created")) == "3"
    assert page.inner_text(summary.format("error")) == "1"
    screenshot(page, "catalog-bulk-report")

    job = ListingImportJob.objects.get()
    assert job.state == "done" and job.done == 4
    assert Listing.objects.filter(supplier=w.supplier, state="listed").count() == 3
    with page.expect_download() as download:
        page.click("[data-testid=report-download]")
    assert download.value.suggested_filename == f"listing-import-{job.pk}-report.csv"
