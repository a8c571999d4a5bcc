"""Review API: the operator's queue, one review, decisions, suspend/reinstate; the permission
matrix (refused calls change nothing)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from govmall.accounts.roles import OrgKind, Role
from govmall.catalog.models import ListingReview
from tests.catalog.factories import make_category
from tests.catalog.listing_helpers import (  # noqa: F401
    listed_listing,
    private_media,
    submitted_listing,
)
from tests.factories import make_org, make_supplier, make_user
from tests.permissions import check_matrix, client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media", "english")]
BASE = "/api/v1/catalog"


@pytest.fixture
def world():
    supplier, admin = make_supplier()
    operator_org = make_org(OrgKind.OPERATOR, division="150200")
    reviewer = make_user(Role.OPERATOR_REVIEWER, org=operator_org)
    actors = {
        "anonymous": None,
        "purchaser": make_user(Role.BUYER),
        "supplier": admin,
        "other_operator": make_user(
            Role.OPERATOR_ADMIN, org=make_org(OrgKind.OPERATOR, division="150100")
        ),
        "reviewer": reviewer,
    }
    return supplier, admin, reviewer, make_category(), actors


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_queue_detail_and_decisions(world):
    supplier, admin, reviewer, category, _actors = world
    first, review1 = submitted_listing(supplier, admin, category, description="官方授权")
    _second, review2 = submitted_listing(supplier, admin, category, description="限量")
    ListingReview.objects.filter(pk=review1.pk).update(deadline=timezone.now() - timedelta(hours=1))
    client = client_for(reviewer)
    queue = client.get(f"{BASE}/reviews/queue").json()
    assert (queue["count"], queue["overdue"]) == (2, 1)
    assert [r["id"] for r in queue["results"]] == [review1.pk, review2.pk]
    assert queue["results"][0]["overdue"] is True
    assert queue["results"][0]["listing"] == first.number
    assert queue["results"][0]["kind"] == "listing"
    assert queue["results"][0]["failures"][0]["code"] == "review_words"
    detail = client.get(f"{BASE}/reviews/{review1.pk}").json()
    assert detail["listing_state"] == "pending" and detail["proposed"] is None
    assert len(detail["results"]) >= 10
    response = _post(client, f"{BASE}/reviews/{review1.pk}/decide", {"approve": False})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "reasons_required"
    response = _post(client, f"{BASE}/reviews/{review1.pk}/decide", {"approve": "yes"})
    assert response.status_code == 400
    response = _post(
        client, f"{BASE}/reviews/{review1.pk}/decide", {"approve": False, "reasons": "不实宣传"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["decision"] == "rejected"
    assert response.json()["listing_state"] == "rejected"
    response = _post(client, f"{BASE}/reviews/{review2.pk}/decide", {"approve": True})
    assert response.json()["listing_state"] == "listed"
    response = _post(client, f"{BASE}/reviews/{review2.pk}/decide", {"approve": True})
    assert response.status_code == 409
    assert client.get(f"{BASE}/reviews/queue").json()["count"] == 0


def test_matrix_queue_and_decide(world):
    supplier, admin, _reviewer, category, actors = world
    _listing, review = submitted_listing(supplier, admin, category, description="官方授权")
    check_matrix(
        lambda c: c.get(f"{BASE}/reviews/queue"),
        actors,
        {
            "anonymous": 401,
            "purchaser": 403,
            "supplier": 403,
            "other_operator": 200,
            "reviewer": 200,
        },
    )
    expected = {
        "anonymous": 401,
        "purchaser": 404,
        "supplier": 404,
        "other_operator": 404,
    }
    check_matrix(
        lambda c: c.get(f"{BASE}/reviews/{review.pk}"), actors, {**expected, "reviewer": 200}
    )
    check_matrix(
        lambda c: _post(c, f"{BASE}/reviews/{review.pk}/decide", {"approve": True}),
        actors,
        {**expected, "reviewer": 200},
    )


def test_suspend_and_reinstate(world):
    supplier, admin, reviewer, category, actors = world
    listing = listed_listing(supplier, admin, category)
    n = listing.number
    expected = {
        "anonymous": 401,
        "purchaser": 404,
        "supplier": 404,
        "other_operator": 404,
    }
    response = _post(client_for(reviewer), f"{BASE}/listings/{n}/suspend", {"reason": " "})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "reason_required"
    responses = check_matrix(
        lambda c: _post(c, f"{BASE}/listings/{n}/suspend", {"reason": "涉嫌虚假商品"}),
        actors,
        {**expected, "reviewer": 200},
    )
    body = responses["reviewer"].json()  # type: ignore[attr-defined]
    assert (body["state"], body["suspended_reason"]) == ("suspended", "涉嫌虚假商品")
    check_matrix(
        lambda c: _post(c, f"{BASE}/listings/{n}/reinstate", {}),
        actors,
        {**expected, "reviewer": 200},
    )
    response = _post(client_for(reviewer), f"{BASE}/listings/{n}/reinstate", {})
    assert response.status_code == 409
