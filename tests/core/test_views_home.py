"""The public home, each role's workspace, navigation by role, and the error page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from govmall.accounts import services
from govmall.accounts.roles import OrgKind, Role
from govmall.audit.models import Event
from govmall.core.views import recent_events
from tests.factories import PASSWORD, make_org, make_user, regional_operator_admin

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


# ---- public home --------------------------------------------------------------------------


def test_public_home_is_public_and_counts_organisations_by_kind(client):
    make_org(OrgKind.SUPPLIER)
    make_org(OrgKind.SUPPLIER)
    make_org(OrgKind.PURCHASER)
    response = client.get("/", **ZH)
    assert response.status_code == 200
    counts = {row.kind: row.count for row in response.context["org_counts"]}
    assert counts == {"supplier": 2, "purchaser": 1, "operator": 0, "regulator": 0}
    body = response.content.decode()
    assert "政府采购电子卖场" in body
    assert "入驻零费用" in body
    assert 'href="/audit/checkpoints/"' in body
    assert 'href="/calendar/"' in body
    assert "/static/django_htmx/htmx-2.min.js" in body
    assert "/static/govmall/app.css" in body
    assert "cdn" not in body.lower()


def test_public_home_speaks_english_when_asked(client):
    body = client.get("/", **EN).content.decode()
    assert "Government Procurement E-Mall" in body
    assert "Zero fees for onboarding" in body
    assert 'lang="en"' in body


def test_language_switch_posts_to_set_language_and_keeps_the_page(client):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "/accounts/login/"}, **ZH
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    body = client.get("/accounts/login/").content.decode()
    assert "Log in" in body
    assert "登录" not in body.split("<main", 1)[1]


def test_static_assets_are_served_locally(client):
    assert client.get("/static/govmall/app.css").status_code == 200
    assert client.get("/static/django_htmx/htmx-2.min.js").status_code == 200


# ---- navigation ---------------------------------------------------------------------------


def _nav_keys(response):
    return [item.key for item in response.context["nav_items"]]


def test_anonymous_navigation_has_only_public_entries(client):
    response = client.get("/")
    assert _nav_keys(response) == [
        "public_home",
        "catalog",
        "audit_checkpoints",
        "calendar",
        "supplier_directory",
        "supplier_stats",
        "public_contracts",
        "quotation_results",
        "change_stats",
    ]
    assert "logout" not in response.content.decode()


def test_signed_in_navigation_adds_workspace_and_tokens_but_not_calendar_management(client):
    _login(client, make_user(Role.BUYER))
    response = client.get("/home/")
    assert _nav_keys(response) == [
        "public_home",
        "catalog",
        "audit_checkpoints",
        "calendar",
        "supplier_directory",
        "supplier_stats",
        "public_contracts",
        "quotation_results",
        "change_stats",
        "workspace",
        "api_tokens",
        "cart",
        "orders",
        "quotations",
        "contracts",
        "acceptance",
        "tickets",
        "changes",
        "unit_funds",
    ]
    active = [item.key for item in response.context["nav_items"] if item.active]
    assert active == ["workspace"]


def test_city_operator_admin_does_not_manage_the_calendar(client):
    _login(client, make_user(Role.OPERATOR_ADMIN, division="150200"))
    assert "calendar_manage" not in _nav_keys(client.get("/home/"))


def test_regional_operator_admin_gets_calendar_management(client):
    _login(client, regional_operator_admin())
    response = client.get("/home/")
    assert "calendar_manage" in _nav_keys(response)
    # an administrative page: a workspace shortcut, not a top-bar entry
    html = response.content.decode()
    assert 'data-shortcut="calendar_manage"' in html and 'data-nav="calendar_manage"' not in html


def test_header_shows_name_organisation_and_a_post_logout(client):
    user = make_user(Role.SUPPLIER_STAFF)
    _login(client, user)
    body = client.get("/home/", **ZH).content.decode()
    assert user.display_name in body
    assert user.organisation.name in body
    assert f'method="post" action="{reverse("accounts:logout")}"' in body
    assert "退出登录" in body
    assert "hx-headers" in body and "X-CSRFToken" in body


# ---- role home ----------------------------------------------------------------------------


def test_home_requires_login(client):
    response = client.get("/home/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/home/"


@pytest.mark.parametrize(
    ("role", "title"),
    [
        (Role.SUPPLIER_ADMIN, "供应商工作台"),
        (Role.SUPPLIER_STAFF, "供应商工作台"),
        (Role.PURCHASER_ADMIN, "采购人工作台"),
        (Role.BUYER, "采购人工作台"),
        (Role.APPROVER, "采购人工作台"),
        (Role.OPERATOR_ADMIN, "运营管理工作台"),
        (Role.OPERATOR_REVIEWER, "运营管理工作台"),
        (Role.REGULATOR, "监管工作台"),
    ],
)
def test_home_heading_by_role(client, role, title):
    _login(client, make_user(role))
    response = client.get("/home/", **ZH)
    assert response.status_code == 200
    assert f'<h1 data-testid="workspace-title">{title}</h1>' in response.content.decode()


def test_home_shows_exactly_the_organisations_users_and_events(client):
    org = make_org(OrgKind.PURCHASER, name="包头市第二中学")
    me = make_user(Role.PURCHASER_ADMIN, org=org)
    colleague = make_user([Role.BUYER, Role.APPROVER], org=org)
    other_org = make_org(OrgKind.PURCHASER, name="包头市第三中学")
    stranger = make_user(Role.BUYER, org=other_org)
    services.api_token_create(actor=stranger, name="other org token")
    services.api_token_create(actor=me, name="mine")

    _login(client, me)
    response = client.get("/home/", **ZH)
    assert response.status_code == 200
    ctx = response.context
    assert ctx["organisation"] == org
    assert [u.username for u in ctx["members"]] == [me.username, colleague.username]
    expected = list(Event.objects.filter(organisation=org).order_by("-id"))
    assert [e.pk for e in ctx["events"]] == [e.pk for e in expected]
    assert sorted(e.action for e in ctx["events"] if e.action != "organisation.created") == [
        "api_token.created",
        "user.created",
        "user.created",
    ]
    assert all(e.organisation_id == org.pk for e in ctx["events"])

    body = response.content.decode()
    assert "包头市第二中学" in body
    assert "150202" in body and "东河区" in body
    assert colleague.username in body
    assert "采购员" in body and "审批人" in body
    assert stranger.username not in body
    assert "包头市第三中学" not in body
    assert "jurisdiction" not in body  # purchasers have none
    for event in expected:
        link = f'href="/audit/timeline/{event.object_type}/{event.object_id}/"'
        assert link in body


def test_home_lists_at_most_twenty_events_newest_first(client):
    me = make_user(Role.SUPPLIER_ADMIN)
    for n in range(22):
        services.api_token_create(actor=me, name=f"t{n}")
    _login(client, me)
    events = client.get("/home/").context["events"]
    assert len(events) == 20
    ids = [e.pk for e in events]
    assert ids == sorted(ids, reverse=True)
    assert ids[0] == Event.objects.filter(organisation=me.organisation).latest("id").pk
    assert recent_events(me.organisation, 5) == events[:5]


def test_supervisor_home_shows_jurisdiction(client):
    regulator = make_user(Role.REGULATOR, division="150200")
    _login(client, regulator)
    response = client.get("/home/", **ZH)
    assert response.context["jurisdiction"].code == "150200"
    from govmall.accounts.models import Division

    under = Division.objects.filter(path__startswith=regulator.organisation.division.path).count()
    assert response.context["jurisdiction_size"] == under - 1 > 0
    body = response.content.decode()
    assert 'data-testid="jurisdiction"' in body
    assert "包头市" in body


def test_home_without_organisation(client, django_user_model):
    user = services.user_create(
        actor=None, organisation=None, username="installer", password=PASSWORD, roles=[]
    )
    _login(client, user)
    response = client.get("/home/", **EN)
    assert response.status_code == 200
    assert response.context["organisation"] is None
    assert "belongs to no organisation" in response.content.decode()


# ---- error page ---------------------------------------------------------------------------


def test_not_found_page_uses_the_layout(client):
    response = client.get("/no-such-page/", **ZH)
    assert response.status_code == 404
    body = response.content.decode()
    assert "页面不存在" in body
    assert "入驻零费用" in body  # the base layout's footer
