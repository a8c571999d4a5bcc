import pytest
from django.test import Client

from govmall.accounts.models import ApiToken
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_session_writes_through_the_api_need_the_csrf_token():
    user = make_user()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    refused = client.post("/api/v1/tokens", {"name": "x"}, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "csrf_failed"
    assert not ApiToken.objects.exists()

    client.get("/accounts/tokens/")  # any page sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    accepted = client.post(
        "/api/v1/tokens", {"name": "x"}, content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )
    assert accepted.status_code == 201
    assert ApiToken.objects.get().user == user
