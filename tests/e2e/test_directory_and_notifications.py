"""Browser journeys: the public supplier directory (search, public fields only; in English), and
a user reading and clearing in-app notifications."""

from __future__ import annotations

import pytest

from govmall.core.models import Notification
from govmall.core.notify import notify
from tests.e2e.conftest import login, screenshot
from tests.factories import PASSWORD, make_supplier, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_public_directory_search_shows_public_fields_only(page):
    wanted, _ = make_supplier(name="包头市青山文具有限公司")
    make_supplier(name="赤峰市远方家具有限公司", division="150402")
    make_supplier(name="包头市待审商贸有限公司", status="pending")
    page.goto(page.base_url + "/suppliers/directory/")
    rows = page.locator("[data-testid=directory] tbody tr")
    assert rows.count() == 2  # active suppliers only
    page.fill("input[name=q]", "青山")
    page.click("[data-testid=directory-search] button[type=submit]")
    page.wait_for_url("**/suppliers/directory/?*q=*")
    assert rows.count() == 1
    text = rows.first.inner_text()
    assert "包头市青山文具有限公司" in text and wanted.credit_code in text
    assert wanted.contact_phone not in page.content()
    assert wanted.legal_representative not in page.content()
    screenshot(page, "directory-zh")
    page.click("button.lang-button:has-text('English')")
    page.wait_for_selector("html[lang=en]")
    assert "Enterprise" in rows.first.inner_text()
    screenshot(page, "directory-en")


def test_notifications_are_read_and_cleared(page):
    user = make_user()
    notify([user], verb="test", message="您的入驻申请已核验通过", link="/home/")
    login(page, user.username, PASSWORD)
    page.wait_for_url(page.base_url + "/home/")
    badge = page.locator("[data-testid=notifications] .badge")
    assert badge.inner_text() == "1"
    page.click("[data-testid=notifications]")
    page.wait_for_url(page.base_url + "/notifications/")
    assert "您的入驻申请已核验通过" in page.inner_text("[data-testid=notification-list]")
    screenshot(page, "notifications-zh")
    page.click("[data-testid=mark-read]")
    page.wait_for_url(page.base_url + "/notifications/")
    assert page.locator("[data-testid=notifications] .badge").count() == 0
    assert Notification.objects.get(recipient=user).read_at is not None
