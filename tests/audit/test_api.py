from __future__ import annotations

import pytest

from govmall.accounts.roles import OrgKind, Role
from govmall.audit.models import Checkpoint, Event
from govmall.audit.services import checkpoint_create
from tests.audit.helpers import chain_of, touch
from tests.factories import make_org, make_user
from tests.permissions import check_matrix, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    unit = make_org(OrgKind.PURCHASER, division="150202", name="Baotou Unit")
    buyer = make_user(Role.BUYER, org=unit)
    return {
        "unit": unit,
        "actors": {
            "anonymous": None,
            "other_org": make_user(Role.BUYER),
            "same_org": buyer,
            "operator_in_jurisdiction": make_user(Role.OPERATOR_REVIEWER, division="150200"),
            "operator_other_city": make_user(Role.OPERATOR_REVIEWER, division="150100"),
        },
    }


MATRIX = {
    "anonymous": 401,
    "other_org": 404,
    "same_org": 200,
    "operator_in_jurisdiction": 200,
    "operator_other_city": 404,
}


def test_checkpoints_are_public_oldest_first():
    make_org()
    first = checkpoint_create()
    make_org()
    second = checkpoint_create()
    assert first is not None and second is not None
    response = client_for(None).get("/api/v1/audit/checkpoints")
    assert response.status_code == 200
    assert response.json() == [
        {
            "seq": cp.seq,
            "created_at": cp.created_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "event_count": 1,
            "merkle_root": cp.merkle_root,
            "prev_hash": cp.prev_hash,
            "hash": cp.hash,
        }
        for cp in (first, second)
    ]
    assert response.json()[1]["prev_hash"] == first.hash


def test_checkpoints_empty_list():
    assert client_for(None).get("/api/v1/audit/checkpoints").json() == []


def test_timeline_api_permission_matrix(world):
    unit = world["unit"]
    url = f"/api/v1/audit/timeline/accounts.organisation/{unit.pk}"
    responses = check_matrix(lambda c: c.get(url), world["actors"], MATRIX)
    assert responses["anonymous"].json()["error"]["code"] == "unauthenticated"
    assert responses["other_org"].json() == {
        "error": {"code": "not_found", "message": "Not found.", "details": {}}
    }
    assert responses["operator_in_jurisdiction"].json() == responses["same_org"].json()


def test_timeline_api_body(world):
    unit = world["unit"]
    touch(unit, 1)
    checkpoint_create()
    created, touched = chain_of(unit)
    buyer = world["actors"]["same_org"]
    body = client_for(buyer).get(f"/api/v1/audit/timeline/accounts.organisation/{unit.pk}").json()
    assert body["object_type"] == "accounts.organisation"
    assert body["object_id"] == str(unit.pk)
    unit.refresh_from_db()
    assert (body["audit_length"], body["audit_head"]) == (2, unit.audit_head)
    assert [
        (e["seq"], e["action"], e["before"], e["after"], e["checkpoint_seq"])
        for e in body["events"]
    ] == [
        (
            1,
            "organisation.created",
            {},
            {"kind": "purchaser", "name": "Baotou Unit", "division": "150202"},
            1,
        ),
        (2, "test.touched", {"n": 0}, {"n": 1}, 1),
    ]
    assert [(e["hash"], e["prev_hash"]) for e in body["events"]] == [
        (created.hash, created.prev_hash),
        (touched.hash, touched.prev_hash),
    ]
    assert body["events"][0]["actor_label"] == "system"
    assert body["events"][0]["actor_id"] is None


def test_timeline_api_with_a_bearer_token(world):
    from govmall.accounts.services import api_token_create

    buyer = world["actors"]["same_org"]
    token, secret = api_token_create(actor=buyer, name="cli")
    client = client_for(None, token=secret)
    response = client.get(f"/api/v1/audit/timeline/accounts.apitoken/{token.pk}")
    assert response.status_code == 200
    assert [e["action"] for e in response.json()["events"]] == ["api_token.created"]
    other = client_for(None, token=api_token_create(actor=make_user(), name="x")[1])
    assert other.get(f"/api/v1/audit/timeline/accounts.apitoken/{token.pk}").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "accounts.organisation/999999",
        "accounts.organisation/abc",
        "nosuch.model/1",
        "accounts.division/150202",
    ],
)
def test_timeline_api_unknown_or_missing_is_404(world, path):
    client = client_for(world["actors"]["same_org"])
    response = client.get(f"/api/v1/audit/timeline/{path}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_checkpoint_api_changes_nothing():
    make_org()
    checkpoint_create()
    before = (Event.objects.count(), Checkpoint.objects.count())
    client_for(None).get("/api/v1/audit/checkpoints")
    assert (Event.objects.count(), Checkpoint.objects.count()) == before
