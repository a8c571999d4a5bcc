"""Browser journey of the listing rules: a regional operator admin edits a word list, makes a
mistake that is shown at its field, publishes version 2 and reads version 1 in the history."""

import pytest

from govmall.audit.models import Event
from govmall.catalog.models import RuleSet
from tests.e2e.conftest import login, screenshot
from tests.factories import PASSWORD, regional_operator_admin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_regional_admin_edits_a_word_list_and_publishes_version_two(page):
    page.set_default_timeout(30_000)  # the shared test machine can be slow
    admin = regional_operator_admin()
    login(page, admin.username, PASSWORD)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(page.base_url + "/catalog/rules/")
    page.wait_for_selector('[data-testid="current-version"]')
    assert "v1" in page.inner_text('[data-testid="current-version"]')
    assert page.locator("details.rule-card").count() == 15
    screenshot(page, "catalog-rules-editor")

    # a broken pattern first: the error is shown at its field, nothing is published
    page.click('details[data-rule="energy_certificate"] > summary')
    page.fill(
        'textarea[name="energy_certificate__param__pattern"], '
        'input[name="energy_certificate__param__pattern"]',
        "CQC([",
    )
    page.click('[data-testid="publish"]')
    page.wait_for_selector("#field-energy_certificate__param__pattern .field-error")
    assert page.locator('details[data-rule="energy_certificate"][open]').count() == 1
    assert RuleSet.objects.count() == 1
    page.locator("#field-energy_certificate__param__pattern").scroll_into_view_if_needed()
    screenshot(page, "catalog-rules-error")

    page.fill('input[name="energy_certificate__param__pattern"]', r"^(CQC|CCAEC|CEC)\d{8,14}$")
    page.click('details[data-rule="forbidden_words"] > summary')
    words = page.locator('textarea[name="forbidden_words__param__words"]')
    words.fill(words.input_value() + "\n史上最强")
    page.fill('input[name="note"]', "禁用词加入“史上最强”")
    page.click('[data-testid="publish"]')
    page.wait_for_selector(".message-success, .messages")
    assert "v2" in page.inner_text('[data-testid="current-version"]')
    screenshot(page, "catalog-rules-published")

    current = RuleSet.objects.get(version=2)
    forbidden = next(r for r in current.rules if r["code"] == "forbidden_words")
    assert forbidden["params"]["words"][-1] == "史上最强"
    assert current.note == "禁用词加入“史上最强”"
    assert Event.objects.filter(action="ruleset.published", object_id=str(current.pk)).exists()

    # the history links to version 1, read-only and marked superseded
    history = page.locator('[data-testid="rule-versions"]')
    assert history.locator("tbody tr").count() == 2
    history.locator('a[href$="/catalog/rules/versions/1/"]').click()
    page.wait_for_selector('[data-testid="version-status"]')
    assert page.locator('[data-testid="publish"]').count() == 0
    assert "史上最强" not in page.inner_text('tr[data-rule="forbidden_words"]')
    screenshot(page, "catalog-rules-version-1")
