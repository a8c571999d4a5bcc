"""Property-based run over the whole API: no generated request may cause a server error.

Bounded (50 examples per operation). Runs twice: anonymously, and with the token of a regional
operator admin, so the authenticated paths are exercised past the auth check too.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from govmall.accounts.roles import OrgKind, Role
from govmall.accounts.services import api_token_create
from tests.factories import make_org, make_user

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())

BOUNDED = settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Calling the WSGI app directly fires request_started/finished, whose handler closes the
    database connection, and with it the test's transaction (on PostgreSQL). Django's test
    client disconnects that handler in the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def operator_token(db) -> str:
    centre = make_org(OrgKind.OPERATOR, division="150000")
    _token, secret = api_token_create(actor=make_user(Role.OPERATOR_ADMIN, org=centre), name="st")
    return secret


def _assert_no_server_error(response) -> None:
    assert response.status_code < 500, f"{response.status_code}: {response.text[:500]}"
    if response.status_code >= 400 and response.headers.get("Content-Type", "").startswith(
        "application/json"
    ):
        body = response.json()
        assert set(body) == {"error"}, body
        assert {"code", "message", "details"} <= set(body["error"]), body


@schema.parametrize()
@BOUNDED
@pytest.mark.django_db
def test_anonymous_requests_never_cause_a_server_error(case):
    _assert_no_server_error(case.call())


@schema.parametrize()
@BOUNDED
@pytest.mark.django_db
def test_authenticated_requests_never_cause_a_server_error(case, operator_token):
    _assert_no_server_error(case.call(headers={"Authorization": f"Bearer {operator_token}"}))
