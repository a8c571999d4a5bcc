"""Browser journey: the regional operator admin opens the category tree, adds an attribute to
the desktop computer category (a mistake first, shown at its field), and sees it in the
template."""

import pytest

from govmall.audit.models import Event
from govmall.catalog.categories import ensure_demo_categories
from govmall.catalog.models import AttributeSpec
from tests.e2e.conftest import login, screenshot
from tests.factories import PASSWORD, regional_operator_admin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_regional_admin_adds_an_attribute_to_a_category(page):
    admin = regional_operator_admin()
    # The first request loads every URL module (and the search dictionary): allow it time.
    page.goto(page.base_url + "/accounts/login/", timeout=60_000)
    login(page, admin.username, PASSWORD)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    ensure_demo_categories()

    page.goto(page.base_url + "/catalog/categories/")
    row = page.locator('tr[data-code="A02010104"]')
    assert "★" in row.inner_text()
    screenshot(page, "catalog-categories-tree")
    row.locator("a").first.click()
    page.wait_for_url("**/catalog/categories/A02010104/")
    assert page.locator('tr[data-key="memory_gb"]').count() == 1

    # a mistake first: a choice without allowed values → the error is at that field
    page.fill("#add-attribute input[name=attr-key]", "chassis")
    page.select_option("#add-attribute select[name=attr-kind]", "choice")
    page.fill("#add-attribute input[name=attr-name_zh]", "机箱类型")
    page.fill("#add-attribute input[name=attr-name_en]", "Form factor")
    # number-only fields are hidden for a choice attribute
    assert not page.locator("#field-attr-min_value").is_visible()
    page.click("[data-testid=add-attribute]")
    page.wait_for_selector("#error-attr-choices")
    screenshot(page, "catalog-categories-attribute-error")
    assert not AttributeSpec.objects.filter(key="chassis", category__code="A02010104").exists()

    page.fill("#add-attribute textarea[name=attr-choices]", "塔式\n小机箱\n一体机")
    page.check("#add-attribute input[name=attr-is_key]")
    page.check("#add-attribute input[name=attr-is_filter]")
    page.click("[data-testid=add-attribute]")
    page.wait_for_selector('tr[data-key="chassis"]')
    added = page.locator('tr[data-key="chassis"]').inner_text()
    assert "塔式" in added and "一体机" in added
    page.locator('tr[data-key="chassis"]').scroll_into_view_if_needed()
    screenshot(page, "catalog-categories-attribute-added")

    spec = AttributeSpec.objects.get(key="chassis", category__code="A02010104")
    assert (spec.kind, spec.choices, spec.is_key, spec.is_filter) == (
        "choice",
        ["塔式", "小机箱", "一体机"],
        True,
        True,
    )
    event = Event.objects.get(action="category.attribute_added")
    assert event.actor_id == admin.pk
    assert event.after["attribute"]["key"] == "chassis"
