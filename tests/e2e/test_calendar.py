"""Browser journeys of the working-day calendar: the public calculator and the regional centre's
calendar management (add an override, mark a year complete)."""

import pytest

from govmall.audit.models import Event
from govmall.core.models import CalendarOverride, CalendarYear
from tests.e2e.conftest import login, screenshot
from tests.factories import PASSWORD, regional_operator_admin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_public_calculator_computes_a_deadline(page):
    page.goto(page.base_url + "/calendar/")
    page.fill("input[name=start]", "2026-09-30T10:00:00")
    page.fill("input[name=working_days]", "2")
    page.click("#deadline-form button[type=submit]")
    page.wait_for_selector("#deadline-result")
    assert page.inner_text("#deadline-local") == "2026-10-09 23:59:59"
    assert page.inner_text("#deadline-iso") == "2026-10-09T23:59:59+08:00"
    assert page.locator("#calendar-known").count() == 1
    assert page.locator("#calendar-unknown").count() == 0
    screenshot(page, "calendar-calculator-known")

    # a period running into 2027: Monday to Friday assumed, and the page says so
    page.fill("input[name=start]", "2026-12-20T10:00:00")
    page.fill("input[name=working_days]", "30")
    page.click("#deadline-form button[type=submit]")
    page.wait_for_selector("#calendar-unknown")
    assert page.inner_text("#deadline-iso") == "2027-01-29T23:59:59+08:00"
    screenshot(page, "calendar-calculator-unknown")

    # a bad number is reported at its field
    page.fill("input[name=working_days]", "400")
    page.click("#deadline-form button[type=submit]")
    page.wait_for_selector("#error-working_days")
    assert page.locator("#deadline-result").count() == 0
    screenshot(page, "calendar-calculator-error")


def test_regional_operator_admin_adds_an_override_and_marks_a_year_complete(page):
    admin = regional_operator_admin()
    login(page, admin.username, PASSWORD)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto(page.base_url + "/calendar/manage/?year=2027")
    page.wait_for_selector("#status-unknown")
    assert page.locator("#no-overrides").count() == 1

    # a mistake first: no note → the error is shown at the note field, nothing saved
    page.fill("#override-form input[name=date]", "2027-01-01")
    page.select_option("#override-form select[name=is_working]", "0")
    page.click("#override-form button[type=submit]")
    page.wait_for_selector("#error-note")
    screenshot(page, "calendar-manage-error")
    assert not CalendarOverride.objects.exists()

    page.fill("#override-form input[name=note]", "New Year's Day 2027")
    page.click("#override-form button[type=submit]")
    page.wait_for_selector("#override-2027-01-01")
    assert "New Year's Day 2027" in page.inner_text("#override-2027-01-01")
    assert "2027-01-01" in page.inner_text("#days-off")
    override = CalendarOverride.objects.get()
    assert (str(override.date), override.is_working) == ("2027-01-01", False)
    screenshot(page, "calendar-manage-override")

    page.click("#complete-form button[type=submit]")
    page.wait_for_selector("#status-complete")
    assert page.locator("#complete-form").count() == 0
    row = CalendarYear.objects.get(year=2027)
    assert row.complete is True and row.marked_by_id == admin.pk
    assert Event.objects.filter(object_type__startswith="core.").count() == 2
    screenshot(page, "calendar-manage-complete")

    # the public calculator now answers with a known calendar and the override applied
    page.goto(page.base_url + "/calendar/?start=2026-12-31T10:00&working_days=1")
    page.wait_for_selector("#calendar-known")
    assert page.inner_text("#deadline-iso") == "2027-01-04T23:59:59+08:00"
    screenshot(page, "calendar-calculator-after-complete")
