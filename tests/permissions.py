"""The permission-matrix helper every capability reuses.

`check_matrix` calls one endpoint as each actor and asserts the expected status; every refused
call (4xx) must leave the database exactly as it was: no row added, changed or removed in any
GovMall table, and no audit event.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping

from django.apps import apps
from django.test import Client

from govmall.accounts.models import User

SKIP_TABLES = {"sessions.session", "accounts.loginfailure"}


def database_fingerprint() -> dict[str, str]:
    """A digest per GovMall/auth model of every row's serialised fields."""
    result = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in SKIP_TABLES or not (
            model.__module__.startswith("govmall.") or label.startswith("auth.")
        ):
            continue
        rows = repr(list(model._default_manager.order_by("pk").values_list()))
        result[label] = hashlib.sha256(rows.encode()).hexdigest()
    return result


def client_for(user: User | None, *, token: str | None = None) -> Client:
    client = Client(enforce_csrf_checks=False)
    if token is not None:
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    elif user is not None:
        client.force_login(user)
    return client


def check_matrix(
    call: Callable[[Client], object],
    actors: Mapping[str, User | None],
    expected: Mapping[str, int],
) -> dict[str, object]:
    """Run `call` as every actor; assert each status; refused calls change nothing."""
    missing = set(actors) ^ set(expected)
    assert not missing, f"matrix rows without expectation or actor: {sorted(missing)}"
    responses = {}
    for label, user in actors.items():
        client = client_for(user)
        before = database_fingerprint()
        response = call(client)
        status = response.status_code  # type: ignore[attr-defined]
        assert status == expected[label], (
            f"{label}: expected {expected[label]}, got {status}: "
            f"{getattr(response, 'content', b'')[:300]!r}"
        )
        if status >= 400:
            assert database_fingerprint() == before, f"{label}: a refused call changed data"
            if response["Content-Type"].startswith("application/json"):  # type: ignore[index]
                body = response.json()  # type: ignore[attr-defined]
                assert set(body) == {"error"} and {"code", "message", "details"} <= set(
                    body["error"]
                ), f"{label}: error not in the one shape: {body}"
        responses[label] = response
    return responses
