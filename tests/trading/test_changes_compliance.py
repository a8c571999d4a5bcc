"""Compliance statistics of the 1-working-day verification (stats/compliance.py, the public API
GET /api/v1/stats/changes and the page stats:changes), with exact figures."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse

from govmall.catalog.models import Listing
from govmall.core.calendar import TZ
from govmall.stats.compliance import change_compliance
from govmall.trading.services_changes import (
    change_agree,
    change_approve,
    change_object,
    change_reject,
    change_request,
)
from tests.permissions import client_for
from tests.trading.test_changes_world import make_world, order_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def agree_at(world, when: str):
    with time_machine.travel(at(when), tick=False):
        change = change_request(
            actor=world.unit.buyer,
            number=order_of(world).number,
            kind="return",
            reason="need_changed",
        )
        return change_agree(actor=world.seller.admin, number=change.number)


def decide_at(world, change, when: str, approve: bool = True):
    with time_machine.travel(at(when), tick=False):
        if approve:
            return change_approve(actor=world.reviewer, number=change.number)
        return change_reject(actor=world.reviewer, number=change.number, reasons="不符合")


@pytest.fixture
def world():
    w = make_world()
    Listing.objects.filter(pk__in=[w.seller.listing.pk, w.listing2.pk]).update(stock=1000)
    return w


@pytest.fixture
def history(world):
    """Decided in May 2026: 2 h, 5 h and 30 h after agreement, all in time; one dispute. In
    June: 97 h (late: agreed Thursday, decided the next Monday) and 1 h; one still awaiting."""
    a = agree_at(world, "2026-05-12T09:00:00")
    decide_at(world, a, "2026-05-12T11:00:00")
    b = agree_at(world, "2026-05-13T09:00:00")
    decide_at(world, b, "2026-05-13T14:00:00", approve=False)
    c = agree_at(world, "2026-05-14T09:00:00")  # due 2026-05-15 23:59:59
    decide_at(world, c, "2026-05-15T15:00:00")
    with time_machine.travel(at("2026-05-20T09:00:00"), tick=False):
        d = change_request(
            actor=world.unit.buyer,
            number=order_of(world).number,
            kind="terminate",
            reason="method_changed",
        )
        change_object(actor=world.seller.admin, number=d.number, objection="不同意")
    late = agree_at(world, "2026-05-28T09:00:00")  # due 2026-05-29 23:59:59
    decide_at(world, late, "2026-06-01T10:00:00")  # Monday after: late (97 h)
    e = agree_at(world, "2026-06-02T09:00:00")
    decide_at(world, e, "2026-06-02T10:00:00")
    agree_at(world, "2026-06-03T09:00:00")  # still awaiting
    return world


def test_figures_over_a_period(history):
    stats = change_compliance(date(2026, 5, 1), date(2026, 5, 31))
    assert {
        k: stats[k]
        for k in (
            "decided",
            "approved",
            "rejected",
            "within_deadline",
            "within_deadline_share",
            "median_hours",
            "disputed",
        )
    } == {
        "decided": 3,
        "approved": 2,
        "rejected": 1,
        "within_deadline": 3,
        "within_deadline_share": "100.00",
        "median_hours": "5.0",
        "disputed": 1,
    }


def test_figures_overall_with_a_late_one(history):
    with time_machine.travel(at("2026-06-05T09:00:00"), tick=False):
        stats = change_compliance()
    # durations 1, 2, 5, 30, 97 hours: median 5.0; 4 of 5 within the deadline
    assert stats["decided"] == 5 and stats["within_deadline"] == 4
    assert stats["within_deadline_share"] == "80.00" and stats["median_hours"] == "5.0"
    assert stats["awaiting_verification"] == 1 and stats["overdue_now"] == 1
    assert stats["by_operator"] == [
        {
            "operator_id": history.operator.pk,
            "operator": "包头市公共资源交易中心",
            "decided": 5,
            "approved": 4,
            "rejected": 1,
            "within_deadline": 4,
            "within_deadline_share": "80.00",
            "median_hours": "5.0",
            "disputed": 1,
        }
    ]


def test_even_count_median_and_empty_period(history):
    stats = change_compliance(date(2026, 6, 1), date(2026, 6, 30))
    assert stats["decided"] == 2 and stats["median_hours"] == "49.0"  # (97 + 1) / 2
    assert stats["within_deadline_share"] == "50.00"
    empty = change_compliance(date(2027, 1, 1), date(2027, 1, 31))
    assert (empty["decided"], empty["within_deadline_share"], empty["median_hours"]) == (
        0,
        "0.00",
        None,
    )
    assert empty["by_operator"] == []


def test_public_api(history):
    response = client_for(None).get(
        "/api/v1/stats/changes", {"from": "2026-05-01", "to": "2026-05-31"}
    )
    assert response.status_code == 200
    data = response.json()
    assert data["from"] == "2026-05-01" and data["to"] == "2026-05-31"
    assert data["decided"] == 3 and data["within_deadline_share"] == "100.00"
    assert data["by_operator"][0]["operator"] == "包头市公共资源交易中心"
    assert "reviewer" not in response.text  # no personal data


@pytest.mark.parametrize(
    ("query", "code", "field"),
    [
        ({"from": "2026-13-01"}, "invalid_date", "from"),
        ({"to": "yesterday"}, "invalid_date", "to"),
        ({"from": "0001-01-01"}, "invalid_date", "from"),
        ({"to": "9999-12-31"}, "invalid_date", "to"),
        ({"from": "2026-06-01", "to": "2026-05-01"}, "invalid_period", "from"),
    ],
)
def test_public_api_validates_the_period(db, query, code, field):
    response = client_for(None).get("/api/v1/stats/changes", query)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code and error["details"]["field"] == field


def test_public_page(history):
    client = client_for(None)
    page = client.get(reverse("stats:changes"), {"from": "2026-05-01", "to": "2026-05-31"})
    assert page.status_code == 200
    assert 'data-testid="stat-share">100.00%<' in page.text
    assert 'data-testid="stat-median">5.0<' in page.text
    assert 'data-testid="stat-disputed">1<' in page.text
    bad = client.get(reverse("stats:changes"), {"from": "x"})
    assert bad.status_code == 200 and 'data-testid="period-error"' in bad.text
    assert reverse("stats:changes") in client.get(reverse("stats:suppliers")).text
