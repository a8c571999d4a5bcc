"""Browser journeys: a unit admin adds a buyer; an operator admin opens a purchasing unit."""

import pytest

from govmall.accounts.models import Organisation, User
from govmall.core.demo import demo_password, load_demo
from tests.e2e.conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_unit_admin_adds_a_buyer(page):
    load_demo()
    login(page, "unit-admin", demo_password("unit-admin"))
    page.click("[data-shortcut=users]")
    page.fill("input[name=username]", "new-buyer")
    page.fill("input[name=display_name]", "新采购员")
    page.fill("input[name=password]", "123")
    page.check("input[name=roles][value=buyer]")
    page.click("[data-testid=add-user]")
    assert page.locator("#error-password").is_visible()
    screenshot(page, "users-error")
    page.fill("input[name=password]", "Strong-pass-2026!")
    page.check("input[name=roles][value=buyer]")
    page.click("[data-testid=add-user]")
    page.wait_for_selector("text=新采购员")
    screenshot(page, "users")
    assert User.objects.get(username="new-buyer").role_set == {"buyer"}


def test_operator_admin_opens_a_purchasing_unit(page):
    load_demo()
    login(page, "op-admin", demo_password("op-admin"))
    page.click("[data-shortcut=purchasing_units]")
    page.fill("input[name=name]", "呼和浩特市第一中学")
    page.fill("input[name=division_code]", "150102")
    page.fill("input[name=admin_username]", "hh-admin")
    page.fill("input[name=admin_password]", "Strong-pass-2026!")
    page.click("[data-testid=open-unit]")
    page.wait_for_selector("[data-testid=units] >> text=呼和浩特市第一中学")
    screenshot(page, "purchasing-units")
    unit = Organisation.objects.get(name="呼和浩特市第一中学")
    assert unit.division_id == "150102"
    assert User.objects.get(username="hh-admin").organisation == unit
