"""Browser: the public statistics page shows the article's figures with server-drawn charts."""

import pytest

from govmall.core.demo import load_demo
from tests.e2e.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_statistics_page_renders_the_charts(page, tmp_path, settings):
    settings.GOVMALL_PRIVATE_MEDIA = tmp_path / "private"
    load_demo()
    page.goto(page.base_url + "/stats/suppliers/")
    assert page.locator("[data-testid=stat-total]").inner_text() == "2823"
    assert page.locator("[data-testid=stat-in-region]").inner_text() == "2348"
    assert page.locator("[data-testid=stat-individual]").inner_text() == "475"
    assert page.locator("text=83.17%").first.is_visible()
    assert page.locator("svg[role=img]").count() == 5
    box = page.locator("#chart-division").bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 300
    bars = page.locator("#chart-type .chart-bar")
    assert bars.count() == 3
    screenshot(page, "stats-suppliers")
