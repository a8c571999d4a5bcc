"""In Chromium: the operator's queue, returning with a reason at a field, the supplier seeing
the reason and submitting again, the operator approving."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from govmall.suppliers.models import Application
from tests.e2e.conftest import login, screenshot
from tests.factories import PASSWORD
from tests.suppliers.verification_helpers import (
    overdue_application,
    reviewer,
    setup_operators,
    submitted,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_queue_return_resubmit_approve(page):
    _centre, city = setup_operators()
    operator = reviewer(city)
    supplier, admin, application = submitted(name="包头市鹿城办公设备有限公司")
    overdue_application()
    login(page, operator.username, PASSWORD)
    page.goto(page.base_url + "/suppliers/queue/")
    assert page.locator("[data-testid=queue-row]").count() == 2
    assert page.locator("tr.is-overdue").count() == 1
    screenshot(page, "verification-queue")
    page.click(f"text={application.number}")
    page.click("summary:has-text('补正'), summary:has-text('Return')")
    page.fill("textarea[name=return-legal_representative]", "法定代表人与营业执照不符")
    screenshot(page, "verification-application-operator")
    page.click("[data-testid=return]")
    assert page.locator("[data-testid=status]").inner_text() in (
        "退回补正",
        "Returned for correction",
    )
    page.click("[data-testid=logout]")

    login(page, admin.username, PASSWORD)
    page.goto(page.base_url + f"/suppliers/applications/{application.number}/")
    assert "法定代表人与营业执照不符" in page.locator("[data-testid=reasons]").inner_text()
    screenshot(page, "verification-application-supplier")
    page.goto(page.base_url + "/suppliers/submit/")
    screenshot(page, "verification-submit")
    page.click("[data-testid=submit]")
    second = Application.objects.get(supplier=supplier, status="pending")
    assert second.previous_id == application.pk
    page.click("[data-testid=logout]")

    login(page, operator.username, PASSWORD)
    page.goto(page.base_url + f"/suppliers/applications/{second.number}/")
    page.click("[data-testid=approve]")
    supplier.refresh_from_db()
    assert supplier.status == "active"
    assert supplier.activated_at is not None
    assert supplier.activated_at <= timezone.now() + timedelta(seconds=1)
