import hashlib
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from govmall.accounts.models import ApiToken, User, UserRole
from govmall.accounts.roles import Role
from govmall.accounts.services import (
    TOKEN_LAST_USED_INTERVAL,
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
)
from govmall.audit.models import Event
from govmall.core.errors import DomainError, NotFound
from tests.factories import make_user
from tests.permissions import client_for, database_fingerprint

pytestmark = pytest.mark.django_db


def test_token_is_stored_only_as_its_sha256_and_creation_is_audited():
    user = make_user()
    token, secret = api_token_create(actor=user, name="budget sync")
    assert secret.startswith("gm_") and len(secret) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {getattr(stored, f.attname) for f in ApiToken._meta.concrete_fields}
    event = Event.objects.get(object_type="accounts.apitoken", object_id=str(token.pk))
    assert (event.action, event.actor, event.after["name"]) == (
        "api_token.created",
        user,
        "budget sync",
    )
    assert secret not in str(event.after)


def test_token_authenticates_api_calls_until_revoked():
    user = make_user()
    token, secret = api_token_create(actor=user, name="t")
    client = client_for(None, token=secret)
    assert client.get("/api/v1/me").json()["username"] == user.username
    api_token_revoke(actor=user, token_id=token.pk)
    for _ in range(2):  # every use of a revoked token is refused
        response = client.get("/api/v1/me")
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthenticated"
    revoke = Event.objects.get(object_id=str(token.pk), action="api_token.revoked")
    assert revoke.before == {"revoked_at": None} and revoke.after["revoked_at"]


def test_unknown_or_malformed_tokens_are_refused():
    for bad in ["gm_nope", "x" * 500, "Bearer", ""]:
        client = client_for(None, token=bad)
        assert client.get("/api/v1/me").status_code == 401


def test_revoking_twice_or_someone_elses_token_is_refused_and_changes_nothing():
    owner, other = make_user(), make_user()
    token, _secret = api_token_create(actor=owner, name="t")
    before = database_fingerprint()
    with pytest.raises(NotFound):
        api_token_revoke(actor=other, token_id=token.pk)
    assert database_fingerprint() == before
    api_token_revoke(actor=owner, token_id=token.pk)
    before = database_fingerprint()
    with pytest.raises(DomainError) as exc:
        api_token_revoke(actor=owner, token_id=token.pk)
    assert exc.value.code == "already_revoked"
    assert database_fingerprint() == before


def test_token_api_round_trip():
    user = make_user()
    client = client_for(user)
    created = client.post("/api/v1/tokens", {"name": "ci"}, content_type="application/json")
    assert created.status_code == 201
    body = created.json()
    assert body["token"].startswith("gm_") and body["prefix"] == body["token"][:10]
    listed = client.get("/api/v1/tokens").json()
    assert [t["id"] for t in listed] == [body["id"]] and "token" not in listed[0]
    revoked = client.delete(f"/api/v1/tokens/{body['id']}")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert client_for(None, token=body["token"]).get("/api/v1/me").status_code == 401


def test_over_long_token_name_names_the_field_and_writes_nothing():
    user = make_user()
    client = client_for(user)
    before = database_fingerprint()
    response = client.post("/api/v1/tokens", {"name": "x" * 101}, content_type="application/json")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error" and list(error["details"]["fields"]) == ["name"]
    assert database_fingerprint() == before


def test_authentication_loads_user_organisation_and_roles_in_one_query():
    user = make_user([Role.BUYER, Role.APPROVER])
    _token, secret = api_token_create(actor=user, name="t")
    api_token_authenticate(secret)  # the first use writes last_used_at
    with CaptureQueriesContext(connection) as queries:
        found = api_token_authenticate(secret)
        assert found == user and found.organisation is not None and user.organisation is not None
        assert found.organisation == user.organisation
        assert found.organisation.name == user.organisation.name
        assert found.role_set == frozenset({Role.BUYER, Role.APPROVER})
        assert found.is_authenticated and found.username == user.username
    assert len(queries) == 1


def test_authentication_refuses_inactive_users_and_revoked_tokens():
    user = make_user()
    token, secret = api_token_create(actor=user, name="t")
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert api_token_authenticate(secret) is None
    User.objects.filter(pk=user.pk).update(is_active=True)
    assert api_token_authenticate(secret) == user
    api_token_revoke(actor=user, token_id=token.pk)
    assert api_token_authenticate(secret) is None
    assert api_token_authenticate(secret + "x") is None


def test_user_without_organisation_or_roles_authenticates():
    user = make_user()
    UserRole.objects.filter(user=user).delete()
    User.objects.filter(pk=user.pk).update(organisation=None)
    _token, secret = api_token_create(actor=User.objects.get(pk=user.pk), name="t")
    found = api_token_authenticate(secret)
    assert found == user and found.organisation is None and found.role_set == frozenset()


def test_last_used_at_is_written_at_most_once_per_interval():
    user = make_user()
    token, secret = api_token_create(actor=user, name="t")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        api_token_authenticate(secret)
        token.refresh_from_db()
        assert token.last_used_at == start
        with CaptureQueriesContext(connection) as queries:
            api_token_authenticate(secret)
        assert len(queries) == 1  # no second write within the interval
    later = start + TOKEN_LAST_USED_INTERVAL + timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        api_token_authenticate(secret)
    token.refresh_from_db()
    assert token.last_used_at == later
