from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import time_machine

from govmall.accounts.models import User
from govmall.accounts.roles import OrgKind, Role
from govmall.audit.models import Checkpoint
from govmall.audit.services import checkpoint_create
from tests.audit.helpers import touch
from tests.factories import make_org, make_user
from tests.permissions import check_matrix, client_for

pytestmark = pytest.mark.django_db


def test_checkpoints_page_lists_checkpoints_in_beijing_time():
    with time_machine.travel(datetime(2026, 3, 1, 16, 30, 5, tzinfo=UTC), tick=False):
        make_org()
        checkpoint = checkpoint_create()
    assert checkpoint is not None
    response = client_for(None).get("/audit/checkpoints/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Audit checkpoints</h1>" in html
    assert (
        '<tr data-seq="1"><td class="num">1</td><td class="nowrap">2026-03-02 00:30:05</td>'
        '<td class="num">1</td>'
    ) in html
    assert f'<code class="audit-hash">{checkpoint.merkle_root}</code>' in html
    assert f'<code class="audit-hash">{checkpoint.hash}</code>' in html
    assert 'href="/audit/checkpoints/roots.json"' in html


def test_checkpoints_page_without_checkpoints():
    response = client_for(None).get("/audit/checkpoints/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert (
        '<p class="empty" id="no-checkpoints">No checkpoints yet.</p>' in response.content.decode()
    )


def test_checkpoints_page_is_paginated_newest_first(monkeypatch):
    from govmall.audit import views

    monkeypatch.setattr(views, "CHECKPOINTS_PER_PAGE", 2)
    for _ in range(3):
        make_org()
        checkpoint_create()
    first = client_for(None).get("/audit/checkpoints/").content.decode()
    assert 'data-seq="3"' in first and 'data-seq="2"' in first and 'data-seq="1"' not in first
    second = client_for(None).get("/audit/checkpoints/?page=2").content.decode()
    assert 'data-seq="1"' in second and 'data-seq="2"' not in second


def test_roots_json_download():
    make_org()
    checkpoint = checkpoint_create()
    assert checkpoint is not None
    response = client_for(None).get("/audit/checkpoints/roots.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="govmall-audit-roots.json"'
    data = json.loads(response.content)
    assert data["format"] == "govmall-audit-roots/1"
    assert [(c["seq"], c["hash"]) for c in data["checkpoints"]] == [(1, checkpoint.hash)]


@pytest.fixture
def world():
    unit = make_org(OrgKind.PURCHASER, division="150202", name="Baotou Unit")
    return {
        "unit": unit,
        "actors": {
            "anonymous": None,
            "other_org": make_user(Role.BUYER),
            "same_org": make_user(Role.BUYER, org=unit),
            "operator_in_jurisdiction": make_user(Role.OPERATOR_REVIEWER, division="150200"),
            "operator_other_city": make_user(Role.OPERATOR_REVIEWER, division="150100"),
        },
    }


def test_timeline_page_permission_matrix(world):
    url = f"/audit/timeline/accounts.organisation/{world['unit'].pk}/"
    responses = check_matrix(
        lambda c: c.get(url),
        world["actors"],
        {
            "anonymous": 302,
            "other_org": 404,
            "same_org": 200,
            "operator_in_jurisdiction": 200,
            "operator_other_city": 404,
        },
    )
    assert responses["anonymous"]["Location"] == f"/accounts/login/?next={url}"


def test_timeline_page_lists_events_with_before_and_after(world):
    unit = world["unit"]
    buyer = world["actors"]["same_org"]
    from django.db import transaction

    from govmall.audit.services import record_event

    with (
        time_machine.travel(datetime(2026, 5, 4, 2, 0, 0, tzinfo=UTC), tick=False),
        transaction.atomic(),
    ):
        record_event(
            obj=unit,
            action="organisation.renamed",
            actor=buyer,
            before={"name": "Baotou Unit"},
            after={"name": "包头市财政局", "tags": ["a", "b"]},
        )
    response = client_for(buyer).get(
        f"/audit/timeline/accounts.organisation/{unit.pk}/", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Timeline of Baotou Unit</h1>" in html
    assert "2 events" in html
    assert (
        '<tr data-seq="2"><td class="num">2</td><td class="nowrap">2026-05-04 10:00:00</td>'
        f'<td class="nowrap">{buyer.username}</td><td><code>organisation.renamed</code></td>'
    ) in html
    assert (
        '<li><span class="audit-field">name</span>: <span class="audit-before">Baotou Unit</span>'
        ' → <span class="audit-after">包头市财政局</span></li>'
    ) in html
    assert (
        '<li><span class="audit-field">tags</span>: <span class="audit-before">—</span>'
        ' → <span class="audit-after">[&quot;a&quot;, &quot;b&quot;]</span></li>'
    ) in html
    assert '<td class="nowrap">system</td><td><code>organisation.created</code></td>' in html


def test_timeline_page_unknown_type_is_404(world):
    client = client_for(world["actors"]["same_org"])
    assert client.get("/audit/timeline/nosuch.thing/1/").status_code == 404


def test_timeline_page_of_the_user_self(world):
    buyer = world["actors"]["same_org"]
    touch(buyer, 1)
    response = client_for(buyer).get(f"/audit/timeline/accounts.user/{buyer.pk}/")
    assert response.status_code == 200
    assert response.content.decode().count("<tr data-seq=") == 2


class TestAdmin:
    @pytest.fixture
    def admin_client(self):
        make_org()
        checkpoint_create()
        root = User.objects.create(username="root", is_superuser=True, is_staff=True)
        return client_for(root)

    def test_event_and_checkpoint_are_viewable(self, admin_client):
        assert admin_client.get("/admin/audit/event/").status_code == 200
        assert admin_client.get("/admin/audit/checkpoint/").status_code == 200
        event_id = Checkpoint.objects.get().events.get().pk
        page = admin_client.get(f"/admin/audit/event/{event_id}/change/")
        assert page.status_code == 200
        assert b'name="_save"' not in page.content

    def test_add_change_and_delete_are_refused(self, admin_client):
        from govmall.audit.models import Event

        event = Event.objects.get()
        cp = Checkpoint.objects.get()
        assert admin_client.get("/admin/audit/event/add/").status_code == 403
        assert admin_client.get("/admin/audit/checkpoint/add/").status_code == 403
        assert admin_client.post(f"/admin/audit/event/{event.pk}/delete/").status_code == 403
        assert admin_client.post(f"/admin/audit/checkpoint/{cp.pk}/delete/").status_code == 403
        response = admin_client.post(f"/admin/audit/event/{event.pk}/change/", {"action": "forged"})
        assert response.status_code == 403
        event.refresh_from_db()
        assert event.action == "organisation.created"
        assert Event.objects.count() == 1 and Checkpoint.objects.count() == 1

    def test_model_admin_permissions_are_all_false(self):
        from django.contrib import admin
        from django.test import RequestFactory

        from govmall.audit.models import Event

        request = RequestFactory().get("/")
        request.user = User(is_superuser=True, is_staff=True, is_active=True)
        for model in (Event, Checkpoint):
            model_admin = admin.site._registry[model]
            assert model_admin.has_add_permission(request) is False
            assert model_admin.has_change_permission(request) is False
            assert model_admin.has_delete_permission(request) is False
            assert model_admin.has_view_permission(request) is True
