from __future__ import annotations

import pytest
from django.db import transaction

from govmall.accounts.models import User
from govmall.accounts.roles import OrgKind, Role
from govmall.accounts.services import api_token_create
from govmall.audit import access
from govmall.audit.access import register_timeline, registered_types, timeline_for_actor
from govmall.core.errors import NotFound
from tests.factories import make_org, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    unit = make_org(OrgKind.PURCHASER, division="150202")
    return {
        "unit": unit,
        "buyer": make_user(Role.BUYER, org=unit),
        "colleague": make_user(Role.APPROVER, org=unit),
        "stranger": make_user(Role.BUYER),
        "operator": make_user(Role.OPERATOR_REVIEWER, division="150200"),
        "other_city": make_user(Role.OPERATOR_REVIEWER, division="150100"),
    }


def test_accounts_types_are_registered():
    assert registered_types()[:3] == ["accounts.apitoken", "accounts.organisation", "accounts.user"]


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("buyer", True), ("stranger", False), ("operator", True), ("other_city", False)],
)
def test_organisation_timeline_matrix(world, who, allowed):
    unit = world["unit"]
    if allowed:
        assert timeline_for_actor(world[who], "accounts.organisation", str(unit.pk)) == unit
    else:
        with pytest.raises(NotFound):
            timeline_for_actor(world[who], "accounts.organisation", str(unit.pk))


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("buyer", True),
        ("colleague", True),
        ("stranger", False),
        ("operator", True),
        ("other_city", False),
    ],
)
def test_user_timeline_matrix(world, who, allowed):
    buyer = world["buyer"]
    if allowed:
        assert timeline_for_actor(world[who], "accounts.user", str(buyer.pk)) == buyer
    else:
        with pytest.raises(NotFound):
            timeline_for_actor(world[who], "accounts.user", str(buyer.pk))


def test_api_token_timeline_is_for_its_owner_and_superusers_only(world):
    token, _secret = api_token_create(actor=world["buyer"], name="ci")
    assert timeline_for_actor(world["buyer"], "accounts.apitoken", str(token.pk)) == token
    for who in ("colleague", "operator", "stranger"):
        with pytest.raises(NotFound):
            timeline_for_actor(world[who], "accounts.apitoken", str(token.pk))
    root = User.objects.create(username="root", is_superuser=True)
    assert timeline_for_actor(root, "accounts.apitoken", str(token.pk)) == token


@pytest.mark.parametrize(
    ("object_type", "object_id"),
    [
        ("accounts.organisation", "999999"),  # missing
        ("accounts.organisation", "abc"),  # not an id at all
        ("accounts.division", "150202"),  # a real model nobody registered
        ("nosuch.thing", "1"),  # unknown
        ("audit.event", "1"),
    ],
)
def test_unknown_missing_and_unregistered_are_the_same_404(world, object_type, object_id):
    with pytest.raises(NotFound) as exc:
        timeline_for_actor(world["buyer"], object_type, object_id)
    assert (exc.value.code, exc.value.status, exc.value.message) == ("not_found", 404, "Not found.")


def test_inactive_actor_sees_nothing(world):
    buyer = world["buyer"]
    buyer.is_active = False
    with pytest.raises(NotFound):
        timeline_for_actor(buyer, "accounts.user", str(buyer.pk))


def test_a_later_app_registers_its_type_with_one_call(world, monkeypatch):
    monkeypatch.setattr(access, "_REGISTRY", dict(access._REGISTRY))
    division_check_calls = []

    def check(actor, division):
        division_check_calls.append((actor.pk, division.pk))
        return True

    register_timeline("accounts.division", check)
    division = timeline_for_actor(world["buyer"], "accounts.division", "150202")
    assert division.pk == "150202"
    assert division_check_calls == [(world["buyer"].pk, "150202")]


@pytest.mark.parametrize("bad", ["Accounts.Organisation", "organisation", "a.b.c"])
def test_register_refuses_malformed_types(bad):
    with pytest.raises(ValueError, match=r"app_label\.modelname"):
        register_timeline(bad, lambda actor, obj: True)


def test_recent_events_for_organisation_newest_first(world):
    from govmall.audit.selectors import recent_events_for_organisation
    from govmall.audit.services import record_event

    unit, buyer = world["unit"], world["buyer"]
    with transaction.atomic():
        third = record_event(obj=unit, action="test.renamed", actor=buyer)
    events = recent_events_for_organisation(unit, limit=10)
    assert [(e.action, e.object_type, e.object_id) for e in events] == [
        (third.action, "accounts.organisation", str(unit.pk)),
        ("user.created", "accounts.user", str(world["colleague"].pk)),
        ("user.created", "accounts.user", str(buyer.pk)),
        ("organisation.created", "accounts.organisation", str(unit.pk)),
    ]
    assert [e.id for e in recent_events_for_organisation(unit, limit=2)] == [
        third.id,
        events[1].id,
    ]
