"""The operator's queue: owned pending applications sorted by deadline, time left in a
working-day-aware human form, overdue rows, tabs, the jurisdiction tab, pagination, and a query
count that does not grow with the number of rows."""

from __future__ import annotations

from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
import time_machine
from django.utils import translation

from govmall.accounts.roles import Role
from govmall.suppliers.models import Application
from govmall.suppliers.selectors_verification import queue_for_operator, time_left_text
from govmall.suppliers.services_verification import application_reject, application_return
from tests.factories import make_supplier, make_user
from tests.permissions import client_for
from tests.suppliers.verification_helpers import (
    reviewer,
    setup_operators,
    submitted,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
CST = dt_timezone(timedelta(hours=8))


_batch = iter(range(1, 1000))


def bulk_pending(owner, n: int, *, first_deadline: datetime) -> list[Application]:
    """`n` pending applications owned by `owner`, deadlines an hour apart (newest first)."""
    submitter = make_user(Role.SUPPLIER_ADMIN)
    rows = []
    batch = next(_batch)
    for i in range(n):
        supplier, _ = make_supplier(status="pending", with_admin=False, signed=False)
        deadline = first_deadline + timedelta(hours=n - i)
        rows.append(
            Application(
                number=f"SUP-2026-{batch:03d}{i:04d}",
                supplier=supplier,
                kind="onboarding",
                data={},
                owner=owner,
                submitted_by=submitter,
                submitted_at=deadline - timedelta(days=2),
                deadline=deadline,
            )
        )
    return Application.objects.bulk_create(rows)


def test_time_left_is_working_day_aware():
    deadline = datetime(2026, 10, 12, 23, 59, 59, tzinfo=CST)  # Monday
    friday_noon = datetime(2026, 10, 9, 12, 0, tzinfo=CST)
    # Friday 12 hours + Saturday 10 Oct (a make-up working day) 24 h + Monday 24 h - 1 s
    assert time_left_text(deadline, friday_noon, {}) == "2 days 11 hours left"
    tuesday = datetime(2026, 10, 6, 12, 0, tzinfo=CST)  # National Day holiday
    assert time_left_text(deadline, tuesday, {}) == "3 days 23 hours left"  # 8, 9, 10, 12 Oct
    assert time_left_text(deadline, deadline - timedelta(hours=3), {}) == "3 hours left"
    assert time_left_text(deadline, deadline - timedelta(minutes=5), {}) == "5 minutes left"
    assert time_left_text(deadline, deadline + timedelta(hours=2, seconds=1), {}) == (
        "2 hours overdue"
    )
    assert time_left_text(deadline, deadline + timedelta(days=1, hours=3), {}) == (
        "1 day 3 hours overdue"
    )
    with translation.override("zh-hans"):
        text = time_left_text(deadline, deadline + timedelta(hours=2, seconds=1), {})
    assert text in ("已超期 2 小时", "2 hours overdue")  # before/after the catalogue is built


def test_queue_sorted_by_deadline_with_overdue_first():
    _centre, city = setup_operators()
    operator = reviewer(city)
    with time_machine.travel(datetime(2026, 10, 12, 10, 0, tzinfo=CST), tick=False):
        _s, _a, later = submitted()
    with time_machine.travel(datetime(2026, 10, 9, 10, 0, tzinfo=CST), tick=False):
        _s, _a, earlier = submitted()
    with time_machine.travel(datetime(2026, 10, 13, 9, 0, tzinfo=CST), tick=False):
        result = queue_for_operator(operator)
    assert [r.application.number for r in result.rows] == [earlier.number, later.number]
    assert [r.overdue for r in result.rows] == [True, False]
    assert [r.time_left for r in result.rows] == [
        "9 hours overdue",  # deadline 2026-10-12 23:59:59 (10 Oct, a Saturday, was working)
        "1 day 14 hours left",  # 13 Oct from 09:00, then all of 14 Oct
    ]
    assert result.counts == {"pending": 2, "overdue": 1}
    at = datetime(2026, 10, 13, 9, 0, tzinfo=CST)
    overdue = queue_for_operator(operator, overdue_only=True, now=at)
    assert [r.application.number for r in overdue.rows] == [earlier.number]


def test_tabs_returned_and_decided():
    _centre, city = setup_operators()
    operator = reviewer(city)
    _s, _a, returned = submitted()
    _s, _a, rejected = submitted()
    _s, _a, pending = submitted()
    application_return(actor=operator, number=returned.number, reasons={"name": "名称有误"})
    application_reject(actor=operator, number=rejected.number, reason="不符合条件")
    numbers = {
        tab: [r.application.number for r in queue_for_operator(operator, status=tab).rows]
        for tab in ("pending", "returned", "decided", "overdue")
    }
    assert numbers == {
        "pending": [pending.number],
        "returned": [returned.number],
        "decided": [rejected.number],
        "overdue": [],
    }


def test_queue_page_shows_rows_overdue_highlight_and_jurisdiction_tab():
    centre, city = setup_operators()
    with time_machine.travel(datetime(2026, 10, 9, 10, 0, tzinfo=CST), tick=False):
        _s, _a, late = submitted()
    with time_machine.travel(datetime(2026, 10, 13, 9, 0, tzinfo=CST), tick=False):
        page = client_for(reviewer(city)).get("/suppliers/queue/").content.decode()
        assert late.number in page and 'class="is-overdue"' in page
        assert "9 hours overdue" in page or "已超期 9 小时" in page
        centre_client = client_for(reviewer(centre))
        mine = centre_client.get("/suppliers/queue/").content.decode()
        others = centre_client.get("/suppliers/queue/?scope=others").content.decode()
    assert late.number not in mine
    assert late.number in others and city.name in others


def test_queue_page_access():
    assert client_for(None).get("/suppliers/queue/").status_code == 302
    assert client_for(make_user(Role.BUYER)).get("/suppliers/queue/").status_code == 403
    _supplier, admin = make_supplier()
    assert client_for(admin).get("/suppliers/queue/").status_code == 403
    assert client_for(make_user(Role.REGULATOR)).get("/suppliers/queue/").status_code == 403


def test_query_count_does_not_grow_with_rows(django_assert_max_num_queries):
    _centre, city = setup_operators()
    operator = reviewer(city)
    client = client_for(operator)
    start = datetime(2026, 10, 20, 23, 59, 59, tzinfo=CST)
    bulk_pending(city, 3, first_deadline=start)
    client.get("/suppliers/queue/")  # warm caches (session, content types)
    with django_assert_max_num_queries(12) as few:
        assert client.get("/suppliers/queue/").status_code == 200
    bulk_pending(city, 57, first_deadline=start + timedelta(days=5))
    with django_assert_max_num_queries(12) as many:
        response = client.get("/suppliers/queue/")
    assert len(few.captured_queries) == len(many.captured_queries)
    page = response.content.decode()
    assert page.count('data-testid="queue-row"') == 50
    assert "Page 1 of 2 (60 applications)" in page or "第 1 页" in page
    second = client.get("/suppliers/queue/?tab=pending&page=2").content.decode()
    assert second.count('data-testid="queue-row"') == 10
    deadlines = [a.deadline for a in Application.objects.filter(owner=city).order_by("deadline")]
    first_row = response.context["result"].rows[0].application
    assert first_row.deadline == deadlines[0]


def test_queue_shows_open_credit_flags_in_jurisdiction():
    from django.utils import timezone

    from govmall.accounts.roles import OrgKind
    from govmall.suppliers.models import CreditFlag
    from tests.factories import make_org
    from tests.suppliers.verification_helpers import list_entry, reviewer, setup_operators

    _centre, city = setup_operators()
    supplier, _admin = make_supplier()
    entry = list_entry(supplier.credit_code)
    CreditFlag.objects.create(supplier=supplier, entry=entry, raised_at=timezone.now())
    page = client_for(reviewer(city)).get("/suppliers/queue/", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert 'data-testid="open-flags"' in html and "1 active supplier" in html
    outside = make_org(OrgKind.OPERATOR, division="150100")
    other = client_for(reviewer(outside)).get("/suppliers/queue/").content.decode()
    assert 'data-testid="open-flags"' not in other
