"""Browser journeys: the public checkpoint page and an object's timeline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.db import transaction

from govmall.accounts.roles import OrgKind, Role
from govmall.audit.services import checkpoint_create, record_event
from tests.e2e.conftest import login, screenshot
from tests.factories import PASSWORD, make_org, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _load_divisions() -> None:
    from govmall.accounts.divisions import load_divisions
    from govmall.accounts.models import Division

    load_divisions(Division)


def test_public_checkpoint_page_and_roots_download(page):
    _load_divisions()
    unit = make_org(OrgKind.PURCHASER, name="包头市第一中学")
    make_user(Role.BUYER, org=unit)
    first = checkpoint_create()
    make_org(OrgKind.SUPPLIER, name="内蒙古示例科技有限公司")
    second = checkpoint_create()
    assert first is not None and second is not None

    page.goto(page.base_url + "/audit/checkpoints/")
    rows = page.locator("#checkpoint-table tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).get_attribute("data-seq") == "2"
    assert rows.nth(1).locator("td").nth(2).inner_text() == "2"
    assert rows.nth(0).locator("code").nth(1).inner_text() == second.hash
    screenshot(page, "audit-checkpoints")

    with page.expect_download() as info:
        page.click("#roots-download")
    download = info.value
    assert download.suggested_filename == "govmall-audit-roots.json"
    data = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert [(c["seq"], c["hash"]) for c in data["checkpoints"]] == [
        (1, first.hash),
        (2, second.hash),
    ]


def test_timeline_page_after_login(page):
    _load_divisions()
    unit = make_org(OrgKind.PURCHASER, name="包头市第一中学")
    buyer = make_user(Role.BUYER, org=unit, username="timeline-buyer")
    with transaction.atomic():
        record_event(
            obj=unit,
            action="organisation.renamed",
            actor=buyer,
            before={"name": "包头市第一中学"},
            after={"name": "包头市第一中学（新校区）"},
        )
    checkpoint_create()

    login(page, buyer.username, PASSWORD)
    page.wait_for_url("**/home/")
    page.goto(page.base_url + f"/audit/timeline/accounts.organisation/{unit.pk}/")
    rows = page.locator("#timeline-table tbody tr")
    assert rows.count() == 2
    assert rows.nth(1).locator("td").nth(3).inner_text() == "organisation.renamed"
    assert rows.nth(1).locator("td").nth(2).inner_text() == "timeline-buyer"
    assert "包头市第一中学（新校区）" in rows.nth(1).locator(".audit-after").inner_text()
    screenshot(page, "audit-timeline")

    response = page.goto(page.base_url + "/audit/timeline/accounts.organisation/999999/")
    assert response is not None and response.status == 404
