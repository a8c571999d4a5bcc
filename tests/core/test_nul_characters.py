"""NUL characters never reach the database (PostgreSQL refuses them): a clear 400 instead."""

import pytest

from govmall.accounts.models import ApiToken
from tests.factories import make_user
from tests.permissions import client_for

pytestmark = pytest.mark.django_db


def test_a_nul_in_a_json_body_is_refused_naming_the_field():
    client = client_for(make_user())
    response = client.post("/api/v1/tokens", {"name": "ab\x00c"}, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "invalid_characters",
            "message": "Text may not contain NUL characters.",
            "details": {"field": "name"},
        }
    }
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    "url",
    ["/api/v1/divisions/1502%0000", "/api/v1/calendar/deadline?start=2026-09-30%00&working_days=2"],
)
def test_a_nul_in_an_api_path_or_query_gets_the_json_error(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_characters"


def test_a_nul_in_a_page_query_gets_the_error_page(client):
    response = client.get("/calendar/?start=2026%00&working_days=2")
    assert response.status_code == 400
    assert b"invalid_characters" in response.content
