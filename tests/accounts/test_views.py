"""Login, logout and personal API tokens through the web UI (Django's test client)."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.urls import reverse

from govmall.accounts.models import ApiToken
from govmall.accounts.roles import Role
from govmall.audit.models import Event
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
LOGIN = "/accounts/login/"
TOKENS = "/accounts/tokens/"


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def _secret_in(body: str) -> str:
    match = re.search(r'id="new-secret"[^>]*>(gm_[^<]+)</textarea>', body)
    assert match, "the new secret is shown"
    return match.group(1)


# ---- login / logout -----------------------------------------------------------------------


def test_login_page_in_chinese_by_default(client):
    response = client.get(LOGIN, **ZH)
    assert response.status_code == 200
    body = response.content.decode()
    assert '<h1 id="login-title">登录</h1>' in body
    assert "用户名" in body and "密码" in body
    assert "5 次" in body  # the throttle is explained with the configured numbers


def test_login_page_in_english(client):
    body = client.get(LOGIN, **EN).content.decode()
    assert '<h1 id="login-title">Log in</h1>' in body
    assert "After 5 failed attempts within 15 minutes" in body


def test_login_success_goes_to_the_workspace_or_next(client):
    user = make_user(Role.BUYER)
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    client.logout()
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD, "next": TOKENS})
    assert response["Location"] == TOKENS


def test_login_failure_shows_the_form_error(client):
    user = make_user(Role.BUYER)
    response = client.post(LOGIN, {"username": user.username, "password": "wrong"}, **EN)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="login-error"' in body
    assert "Please enter a correct" in body
    assert "_auth_user_id" not in client.session


def test_locked_account_shows_the_locked_message_even_with_the_right_password(client):
    user = make_user(Role.BUYER)
    for _ in range(5):
        client.post(LOGIN, {"username": user.username, "password": "wrong"})
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD}, **ZH)
    assert response.status_code == 200
    body = response.content.decode()
    assert "该账号因连续多次登录失败已被锁定" in body
    assert "_auth_user_id" not in client.session


def test_logout_needs_post_and_returns_to_public_home(client):
    _login(client, make_user(Role.BUYER))
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == reverse("core:public_home")
    assert client.get("/home/").status_code == 302


# ---- API tokens ---------------------------------------------------------------------------


def test_tokens_page_requires_login(client):
    response = client.get(TOKENS)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={TOKENS}"
    response = client.post(reverse("accounts:token_revoke", args=[1]))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_create_token_shows_the_secret_once_and_stores_only_its_sha256(client):
    user = make_user(Role.SUPPLIER_STAFF)
    _login(client, user)
    response = client.post(TOKENS, {"name": "财务系统导入"}, **ZH)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.content.decode()
    secret = _secret_in(body)
    assert "请立即复制此令牌" in body

    token = ApiToken.objects.get(user=user)
    assert token.name == "财务系统导入"
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:10]
    stored = [str(v) for v in ApiToken.objects.filter(pk=token.pk).values().get().values()]
    assert secret not in stored
    event = Event.objects.get(object_type="accounts.apitoken", object_id=str(token.pk))
    assert event.action == "api_token.created"
    assert secret not in str(event.after)

    again = client.get(TOKENS).content.decode()
    assert secret not in again
    assert 'id="new-secret"' not in again
    assert token.prefix in again
    assert "财务系统导入" in again


def test_create_token_without_a_name_shows_the_field_error(client):
    user = make_user(Role.BUYER)
    _login(client, user)
    response = client.post(TOKENS, {"name": "   "}, **EN)
    assert response.status_code == 200
    assert 'id="new-secret"' not in response.content.decode()
    assert response.context["form"].errors["name"]
    assert not ApiToken.objects.filter(user=user).exists()


def test_tokens_page_lists_only_my_tokens(client):
    me = make_user(Role.BUYER)
    other = make_user(Role.BUYER)
    from govmall.accounts import services

    services.api_token_create(actor=other, name="their-token")
    services.api_token_create(actor=me, name="my-token")
    _login(client, me)
    body = client.get(TOKENS).content.decode()
    assert "my-token" in body
    assert "their-token" not in body


def test_revoke_own_token_writes_an_audit_event(client):
    from govmall.accounts import services

    user = make_user(Role.BUYER)
    token, secret = services.api_token_create(actor=user, name="t")
    _login(client, user)
    assert client.get(reverse("accounts:token_revoke", args=[token.pk])).status_code == 405
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]), follow=True, **ZH)
    assert response.redirect_chain == [(TOKENS, 302)]
    assert "令牌已吊销。" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    event = Event.objects.filter(object_type="accounts.apitoken", object_id=str(token.pk)).latest(
        "id"
    )
    assert event.action == "api_token.revoked"
    assert event.actor_id == user.pk
    assert services.api_token_authenticate(secret) is None
    body = response.content.decode()
    assert "已吊销" in body
    assert reverse("accounts:token_revoke", args=[token.pk]) not in body  # no button any more


def test_revoking_twice_changes_nothing_more(client):
    from govmall.accounts import services

    user = make_user(Role.BUYER)
    token, _secret = services.api_token_create(actor=user, name="t")
    services.api_token_revoke(actor=user, token_id=token.pk)
    token.refresh_from_db()
    events = Event.objects.count()
    _login(client, user)
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]), follow=True, **EN)
    assert "This token is already revoked." in response.content.decode()
    assert Event.objects.count() == events
    assert ApiToken.objects.get(pk=token.pk).revoked_at == token.revoked_at


def test_cannot_revoke_another_users_token(client):
    from govmall.accounts import services

    owner = make_user(Role.BUYER)
    token, secret = services.api_token_create(actor=owner, name="not yours")
    intruder = make_user(Role.BUYER, org=owner.organisation)  # even a colleague
    events = Event.objects.count()
    _login(client, intruder)
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]), **ZH)
    assert response.status_code == 404
    missing = client.post(reverse("accounts:token_revoke", args=[token.pk + 1000]), **ZH)
    assert missing.status_code == 404  # missing and not-yours look the same
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    assert Event.objects.count() == events
    assert services.api_token_authenticate(secret) == owner
