"""The operator's listing review pages: the queue by deadline (overdue marked), one review with
its rule outcomes, approve/reject (reasons required to reject), suspend/reinstate."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from govmall.accounts.roles import OrgKind, Role
from govmall.catalog.models import ListingReview
from tests.catalog.factories import make_category
from tests.catalog.listing_helpers import listed_listing, submitted_listing
from tests.factories import make_org, make_supplier, make_user
from tests.permissions import check_matrix, client_for, database_fingerprint

pytestmark = pytest.mark.django_db

REVIEW_TITLE_WORD = "原装进口"  # a review-severity claim in the default rules


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.GOVMALL_PRIVATE_MEDIA = tmp_path / "private"


@pytest.fixture
def world():
    # the supplier (150202) is owned by the Baotou operator (150200)
    baotou = make_org(OrgKind.OPERATOR, division="150200", name="包头市公共资源交易中心")
    reviewer = make_user(Role.OPERATOR_REVIEWER, org=baotou)
    elsewhere = make_user(Role.OPERATOR_REVIEWER, org=make_org(OrgKind.OPERATOR, division="150100"))
    supplier, admin = make_supplier(name="草原办公设备有限公司")
    category = make_category("Z2", name_zh="投影仪", name_en="Projector")
    return {
        "baotou": baotou,
        "reviewer": reviewer,
        "elsewhere": elsewhere,
        "supplier": supplier,
        "admin": admin,
        "category": category,
        "buyer": make_user(Role.BUYER),
    }


def manual(world, **overrides):
    model_no = overrides.pop("model_no", "CB-X06")
    listing, review = submitted_listing(
        world["supplier"],
        world["admin"],
        world["category"],
        brand="爱普生",
        model_no=model_no,
        title=f"爱普生 {model_no} {REVIEW_TITLE_WORD} 投影仪",
        **overrides,
    )
    assert review.outcome == "manual", review.results
    assert listing.state == "pending"
    assert review.operator_id == world["baotou"].pk
    return listing, review


def test_queue_matrix(world):
    url = reverse("catalog:review_queue")
    check_matrix(
        lambda c: c.get(url),
        {
            "anonymous": None,
            "supplier": world["admin"],
            "buyer": world["buyer"],
            "operator": world["reviewer"],
        },
        {"anonymous": 302, "supplier": 403, "buyer": 403, "operator": 200},
    )


def test_queue_lists_open_reviews_by_deadline_and_marks_overdue(world):
    first, _review1 = manual(world, model_no="CB-X06")
    second, review2 = manual(world, model_no="CB-X49")
    ListingReview.objects.filter(pk=review2.pk).update(deadline=timezone.now() - timedelta(hours=2))
    html = client_for(world["reviewer"]).get(reverse("catalog:review_queue")).content.decode()
    rows = html.split('data-testid="review-row"')[1:]
    assert len(rows) == 2
    # ordered by deadline: the overdue one first, highlighted and labelled
    assert second.number in rows[0] and first.number in rows[1]
    assert 'class="is-overdue"' in html.split(second.number)[0].rsplit("<tr", 1)[1]
    assert "已超期" in rows[0] and "已超期" not in rows[1]
    assert "草原办公设备有限公司" in rows[0]
    assert REVIEW_TITLE_WORD in rows[0]  # the failing review-severity rule's message
    # another city's operator does not own them
    html = client_for(world["elsewhere"]).get(reverse("catalog:review_queue")).content.decode()
    assert 'data-testid="queue-empty"' in html


def test_review_detail_matrix(world):
    _listing, review = manual(world)
    url = reverse("catalog:review_detail", args=[review.pk])
    check_matrix(
        lambda c: c.get(url),
        {
            "anonymous": None,
            "supplier": world["admin"],
            "other_operator": world["elsewhere"],
            "owner": world["reviewer"],
        },
        {"anonymous": 302, "supplier": 403, "other_operator": 404, "owner": 200},
    )
    check_matrix(
        lambda c: c.post(url, {"action": "decide", "decide-decision": "approve"}),
        {"supplier": world["admin"], "other_operator": world["elsewhere"]},
        {"supplier": 403, "other_operator": 404},
    )
    assert (
        client_for(world["reviewer"])
        .get(reverse("catalog:review_detail", args=[999999]))
        .status_code
        == 404
    )
    huge = "/catalog/reviews/" + "9" * 30 + "/"
    assert client_for(world["reviewer"]).get(huge).status_code == 404


def test_detail_shows_every_rule_outcome(world, english):
    _listing, review = manual(world)
    html = (
        client_for(world["reviewer"])
        .get(reverse("catalog:review_detail", args=[review.pk]))
        .content.decode()
    )
    assert 'data-rule="review_words" data-status="review"' in html
    assert 'data-rule="brand_model_in_title" data-status="pass"' in html
    assert 'data-testid="decide"' in html
    assert f"version {review.ruleset.version}" in html


def test_reject_needs_reasons_and_approve_lists(world):
    listing, review = manual(world)
    client = client_for(world["reviewer"])
    url = reverse("catalog:review_detail", args=[review.pk])
    before = database_fingerprint()
    for data in (
        {"action": "decide", "decide-decision": "reject", "decide-reasons": "   "},
        {"action": "decide", "decide-decision": "maybe"},
        {"action": "decide"},
        {"action": "explode"},
        {},
    ):
        response = client.post(url, data)
        assert response.status_code == 200, data
    assert database_fingerprint() == before
    response = client.post(
        url, {"action": "decide", "decide-decision": "reject", "decide-reasons": ""}
    )
    assert 'data-testid="error-reasons"' in response.content.decode()

    response = client.post(url, {"action": "decide", "decide-decision": "approve"})
    assert response.status_code == 302
    assert response["Location"] == reverse("catalog:review_queue")
    listing.refresh_from_db()
    review.refresh_from_db()
    assert listing.state == "listed"
    assert (review.decision, review.decided_by_id) == ("approved", world["reviewer"].pk)
    # deciding twice is refused with a message, not a 500
    response = client.post(
        url, {"action": "decide", "decide-decision": "reject", "decide-reasons": "x"}
    )
    assert response.status_code in (200, 404)


def test_reject_with_reasons(world):
    listing, review = manual(world)
    client = client_for(world["reviewer"])
    url = reverse("catalog:review_detail", args=[review.pk])
    response = client.post(
        url, {"action": "decide", "decide-decision": "reject", "decide-reasons": "无法核实原装进口"}
    )
    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.state == "rejected"
    # the supplier sees the operator's reasons
    html = (
        client_for(world["admin"])
        .get(reverse("catalog:listing_detail", args=[listing.number]))
        .content.decode()
    )
    assert "无法核实原装进口" in html


def test_suspend_and_reinstate_from_the_review_page(world):
    listing, review = manual(world)
    client = client_for(world["reviewer"])
    url = reverse("catalog:review_detail", args=[review.pk])
    client.post(url, {"action": "decide", "decide-decision": "approve"})
    html = client.get(url).content.decode()
    assert 'data-testid="suspend"' in html
    before = database_fingerprint()
    response = client.post(url, {"action": "suspend", "suspend-reason": ""})
    assert response.status_code == 200
    assert database_fingerprint() == before
    response = client.post(url, {"action": "suspend", "suspend-reason": "价格异常，待核实"})
    assert response.status_code == 302
    listing.refresh_from_db()
    assert (listing.state, listing.suspended_reason) == ("suspended", "价格异常，待核实")
    response = client.post(url, {"action": "reinstate"})
    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.state == "listed"


def test_revision_is_shown_beside_the_live_version(world, english):
    listing = listed_listing(
        world["supplier"], world["admin"], world["category"], brand="爱普生", model_no="CB-FH52"
    )
    supplier_client = client_for(world["admin"])
    from tests.catalog.listing_helpers import listing_raw
    from tests.catalog.test_views_listings import form_post

    raw = listing_raw(
        world["category"],
        image_ids=listing.image_ids,
        brand="爱普生",
        model_no="CB-FH52",
        title=f"爱普生 CB-FH52 {REVIEW_TITLE_WORD} 投影仪",
    )
    supplier_client.post(
        reverse("catalog:listing_edit", args=[listing.number]), form_post(raw, action="submit")
    )
    review = ListingReview.objects.get(listing=listing, revision__isnull=False)
    assert review.outcome == "manual"
    html = (
        client_for(world["reviewer"])
        .get(reverse("catalog:review_detail", args=[review.pk]))
        .content.decode()
    )
    assert 'data-testid="revision-diff"' in html
    assert (
        "changes to a listed product"
        in client_for(world["reviewer"]).get(reverse("catalog:review_queue")).content.decode()
    )


def test_operator_listing_page_suspends_and_reinstates(world):
    listing = listed_listing(
        world["supplier"], world["admin"], world["category"], brand="爱普生", model_no="CB-W06"
    )
    url = reverse("catalog:listing_supervise", args=[listing.number])
    check_matrix(
        lambda c: c.get(url),
        {
            "anonymous": None,
            "supplier": world["admin"],
            "buyer": world["buyer"],
            "other_operator": world["elsewhere"],
            "owner": world["reviewer"],
        },
        {"anonymous": 302, "supplier": 403, "buyer": 403, "other_operator": 404, "owner": 200},
    )
    check_matrix(
        lambda c: c.post(url, {"action": "suspend", "suspend-reason": "x"}),
        {"supplier": world["admin"], "other_operator": world["elsewhere"]},
        {"supplier": 403, "other_operator": 404},
    )
    client = client_for(world["reviewer"])
    before = database_fingerprint()
    for data in ({"action": "suspend", "suspend-reason": " "}, {"action": "nope"}, {}):
        assert client.post(url, data).status_code == 200
    assert database_fingerprint() == before
    html = client.post(url, {"action": "suspend", "suspend-reason": ""}).content.decode()
    assert 'data-testid="error-suspend-reason"' in html
    response = client.post(url, {"action": "suspend", "suspend-reason": "涉嫌虚假商品"})
    assert response.status_code == 302
    listing.refresh_from_db()
    assert (listing.state, listing.suspended_reason) == ("suspended", "涉嫌虚假商品")
    assert 'data-testid="reinstate"' in client.get(url).content.decode()
    # the supplier sees why
    html = (
        client_for(world["admin"])
        .get(reverse("catalog:listing_detail", args=[listing.number]))
        .content.decode()
    )
    assert "涉嫌虚假商品" in html
    client.post(url, {"action": "reinstate"})
    listing.refresh_from_db()
    assert listing.state == "listed"
    assert client.post(url, {"action": "reinstate"}).status_code == 200  # not suspended now
    assert client.get(reverse("catalog:listing_supervise", args=["LST-0"])).status_code == 404
