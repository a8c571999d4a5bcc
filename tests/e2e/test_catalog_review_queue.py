"""Browser journey: a listing whose only failures are review-severity rules waits in the
owning operator's queue; the reviewer opens it, is refused a reasonless rejection, approves it,
and the product is listed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from govmall.accounts.roles import OrgKind, Role
from govmall.catalog.categories import ensure_demo_categories
from govmall.catalog.models import Category
from tests.catalog.listing_helpers import submitted_listing
from tests.e2e.conftest import login, screenshot
from tests.factories import PASSWORD, make_org, make_supplier, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROJECTOR = "A020202"  # 投影仪


def test_operator_approves_a_listing_from_the_queue(page, settings, tmp_path):
    settings.GOVMALL_PRIVATE_MEDIA = tmp_path / "private"
    ensure_demo_categories()
    baotou = make_org(OrgKind.OPERATOR, division="150200", name="包头市公共资源交易中心")
    reviewer = make_user(Role.OPERATOR_REVIEWER, org=baotou)
    supplier, admin = make_supplier(name="内蒙古草原办公设备有限公司")
    category = Category.objects.get(code=PROJECTOR)
    listing, review = submitted_listing(
        supplier,
        admin,
        category,
        brand="爱普生",
        model_no="CB-X06",
        title="爱普生 CB-X06 原装进口 商务投影仪",
        attributes={"lumens": "3600", "resolution": "XGA"},
    )
    assert (listing.state, review.outcome) == ("pending", "manual")

    login(page, reviewer.username, PASSWORD)
    page.wait_for_url("**/home/")
    page.goto(page.base_url + reverse("catalog:review_queue"))
    row = page.locator(f"[data-testid=review-row][data-listing='{listing.number}']")
    assert "原装进口" in row.inner_text()
    assert "内蒙古草原办公设备有限公司" in row.inner_text()
    screenshot(page, "catalog-review-queue")

    row.locator("[data-testid=open-review]").click()
    page.wait_for_selector("[data-testid=decide]")
    assert page.locator("li[data-rule=review_words][data-status=review]").count() == 1
    # rejecting needs reasons
    page.check("input[name=decide-decision][value=reject]")
    page.click("[data-testid=decide-submit]")
    page.wait_for_selector("[data-testid=error-reasons]")
    screenshot(page, "catalog-review-detail")

    page.check("input[name=decide-decision][value=approve]")
    page.click("[data-testid=decide-submit]")
    page.wait_for_selector("[data-testid=queue-empty]")
    assert page.locator(".message-success").count() == 1
    listing.refresh_from_db()
    assert listing.state == "listed"

    # the supplier sees the outcome and the review history
    page.context.clear_cookies()
    login(page, admin.username, PASSWORD)
    page.wait_for_url("**/home/")
    page.goto(page.base_url + reverse("catalog:listing_detail", args=[listing.number]))
    page.wait_for_selector("[data-testid=outcome][data-state=listed]")
    assert "已批准" in page.locator("[data-testid=review-history]").inner_text() or (
        page.locator("[data-testid=review-history] .tag-ok").count() >= 1
    )
    screenshot(page, "catalog-listing-approved")
