"""Supplier statistics: every figure from its own attribute, exact numbers and strings."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from govmall.accounts.roles import OrgKind, Role
from govmall.core.calendar import TZ
from govmall.stats.selectors import share, supplier_stats, verification_stats
from govmall.suppliers.models import Application
from tests.factories import make_org, make_supplier, make_user

pytestmark = pytest.mark.django_db

# (status, type, division, size) — in-region 8, out-of-region 4, individual 3: all differ.
DATASET = [
    *[("active", "enterprise", "150202", "small")] * 4,
    ("active", "enterprise", "150102", "medium"),
    *[("active", "individual", "150203", "micro")] * 2,
    ("active", "other", "150207", "small"),
    *[("active", "enterprise", "610113", "large")] * 3,
    ("active", "individual", "640104", "micro"),
    ("pending", "enterprise", "150202", "small"),
    ("rejected", "individual", "150202", "micro"),
    ("returned", "enterprise", "610113", "small"),
]


@pytest.fixture
def dataset():
    from govmall.suppliers.models import Supplier

    for status, kind, division, size in DATASET:
        supplier, _admin = make_supplier(
            status=status, supplier_type=kind, division=division, with_admin=False
        )
        Supplier.objects.filter(pk=supplier.pk).update(size=size)


def test_share_is_two_decimals_half_up_from_counts():
    assert share(2348, 2823) == "83.17"
    assert share(475, 2823) == "16.83"
    assert share(1, 800) == "0.13"  # half up, not half even
    assert share(3, 3) == "100.00"
    assert share(0, 0) == "0.00"


def test_figures_over_active_suppliers(dataset):
    stats = supplier_stats()
    assert {k: stats[k] for k in list(stats)[:7]} == {
        "total": 12,
        "in_region": 8,
        "in_region_share": "66.67",
        "out_of_region": 4,
        "out_of_region_share": "33.33",
        "individual_businesses": 3,
        "individual_business_share": "25.00",
    }
    assert [(r["key"], r["count"], r["share"]) for r in stats["by_type"]] == [
        ("enterprise", 8, "66.67"),
        ("individual", 3, "25.00"),
        ("other", 1, "8.33"),
    ]
    assert [(r["key"], r["count"], r["share"]) for r in stats["by_size"]] == [
        ("large", 3, "25.00"),
        ("medium", 1, "8.33"),
        ("small", 5, "41.67"),
        ("micro", 3, "25.00"),
    ]
    assert stats["by_division"] == [
        {"code": "150200", "name": "包头市", "in_region": True, "count": 7, "share": "58.33"},
        {"code": "150100", "name": "呼和浩特市", "in_region": True, "count": 1, "share": "8.33"},
        {"code": "610000", "name": "陕西省", "in_region": False, "count": 3, "share": "25.00"},
        {
            "code": "640000",
            "name": "宁夏回族自治区",
            "in_region": False,
            "count": 1,
            "share": "8.33",
        },
    ]


def test_figures_come_from_a_fixed_number_of_aggregate_queries(dataset):
    with CaptureQueriesContext(connection) as queries:
        supplier_stats()
    count = len(queries.captured_queries)
    for _i in range(5):
        make_supplier(division="150602", with_admin=False)
    with CaptureQueriesContext(connection) as queries:
        supplier_stats()
    assert len(queries.captured_queries) == count


def test_empty_register():
    stats = supplier_stats()
    assert (stats["total"], stats["in_region_share"], stats["by_division"]) == (0, "0.00", [])
    assert stats["verification"] == {
        "completed": 0,
        "within_deadline": 0,
        "within_deadline_share": "0.00",
        "median_hours": None,
    }


def _applications(durations_hours: list[tuple[float, bool, str]]) -> None:
    supplier, _admin = make_supplier(status="pending", with_admin=False)
    operator = make_org(OrgKind.OPERATOR, division="150200")
    submitter = make_user(Role.SUPPLIER_ADMIN)
    start = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)  # a Monday
    for n, (hours, on_time, status) in enumerate(durations_hours):
        submitted = start + timedelta(days=7 * n)
        decided = submitted + timedelta(hours=hours) if status != "pending" else None
        deadline = (decided or submitted) + (
            timedelta(hours=1) if on_time else -timedelta(seconds=1)
        )
        Application.objects.create(
            number=f"SUP-2026-{n:06d}",
            supplier=supplier,
            kind="onboarding",
            status=status,
            owner=operator,
            submitted_by=submitter,
            submitted_at=submitted,
            deadline=deadline,
            decided_at=decided,
        )


def test_verification_even_count_median_and_deadline_share():
    _applications(
        [
            (2, True, "approved"),
            (30, True, "returned"),
            (10, True, "rejected"),
            (50, False, "approved"),
            (500, True, "pending"),  # not decided: not counted
        ]
    )
    assert verification_stats() == {
        "completed": 4,
        "within_deadline": 3,
        "within_deadline_share": "75.00",
        "median_hours": "20.0",
    }


def test_verification_odd_count_and_half_up_rounding():
    _applications([(1, True, "approved"), (1.45, False, "approved"), (100, True, "approved")])
    stats = verification_stats()
    assert (stats["median_hours"], stats["within_deadline_share"]) == ("1.5", "66.67")


def test_verification_median_of_two_rounds_half_up():
    _applications([(1, True, "approved"), (1.9, True, "approved")])  # (1 + 1.9) / 2 = 1.45
    assert verification_stats()["median_hours"] == "1.5"


def test_api_is_public_and_matches_the_selector(client, dataset):
    response = client.get("/api/v1/stats/suppliers")
    assert response.status_code == 200
    body = response.json()
    assert body == {**supplier_stats(), "by_type": body["by_type"], "by_size": body["by_size"]}
    assert (body["total"], body["in_region_share"], body["individual_business_share"]) == (
        12,
        "66.67",
        "25.00",
    )


def test_statistics_page_draws_its_charts_on_the_server(client, dataset):
    response = client.get("/stats/suppliers/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('role="img"') == 5
    for chart in ("chart-region", "chart-individual", "chart-type", "chart-size", "chart-division"):
        assert f'id="{chart}"' in html and f'id="{chart}-desc"' in html
    assert '<script src="http' not in html and "cdn" not in html.lower()
    assert 'data-testid="stat-total">12<' in html
    assert "66.67%" in html and "25.00%" in html
