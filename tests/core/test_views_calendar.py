"""The calendar pages through Django's test client (the browser journey is in tests/e2e)."""

import pytest

from govmall.accounts.roles import Role
from govmall.audit.models import Event
from govmall.core import deadlines
from govmall.core.models import CalendarOverride, CalendarYear
from tests.factories import make_user, regional_operator_admin
from tests.permissions import client_for as _client_for

pytestmark = pytest.mark.django_db


def client_for(user):
    """A logged-in client asking for the English pages (assertions below read English text)."""
    c = _client_for(user)
    c.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return c


@pytest.fixture
def client():
    return client_for(None)


def html(response):
    return response.content.decode()


def test_the_calculator_is_public(client):
    response = client.get("/calendar/")
    assert response.status_code == 200
    assert 'id="deadline-form"' in html(response) and "deadline-result" not in html(response)


def test_the_calculator_computes_a_deadline(client):
    response = client.get("/calendar/?start=2026-09-30T10:00&working_days=2")
    page = html(response)
    assert '<strong id="deadline-local">2026-10-09 23:59:59</strong>' in page
    assert '<code id="deadline-iso">2026-10-09T23:59:59+08:00</code>' in page
    assert 'id="calendar-known"' in page and 'id="calendar-unknown"' not in page


def test_the_calculator_says_when_the_calendar_was_not_known(client):
    page = html(client.get("/calendar/?start=2026-12-20T10:00&working_days=30"))
    assert '<code id="deadline-iso">2027-01-29T23:59:59+08:00</code>' in page
    assert 'id="calendar-unknown"' in page and "Monday to Friday was assumed" in page


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("start=2026-09-30T10:00&working_days=0", "working_days"),
        ("start=2026-09-30T10:00&working_days=abc", "working_days"),
        ("start=2026-09-30T10:00&working_days=", "working_days"),
        ("start=nonsense&working_days=2", "start"),
        ("start=&working_days=2", "start"),
        ("start=9999-12-31T10:00&working_days=1", "start"),
    ],
)
def test_calculator_errors_are_shown_at_the_field(client, query, field):
    response = client.get("/calendar/?" + query)
    assert response.status_code == 200
    assert f'id="error-{field}"' in html(response) and "deadline-result" not in html(response)


def test_manage_needs_login(client):
    response = client.get("/calendar/manage/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role_division", [(Role.BUYER, None), (Role.OPERATOR_ADMIN, "150200")])
def test_manage_is_refused_to_others(role_division):
    role, division = role_division
    client = client_for(make_user(role, division=division))
    assert client.get("/calendar/manage/").status_code == 403
    response = client.post(
        "/calendar/manage/",
        {"action": "set", "date": "2027-01-01", "is_working": "0", "note": "x"},
    )
    assert response.status_code == 403
    response = client.post("/calendar/manage/", {"action": "complete", "year": "2027"})
    assert response.status_code == 403
    assert not CalendarOverride.objects.exists() and not CalendarYear.objects.exists()
    assert not Event.objects.filter(object_type__startswith="core.").exists()


def test_manage_lists_a_bundled_year():
    client = client_for(regional_operator_admin())
    page = html(client.get("/calendar/manage/?year=2026"))
    assert 'id="status-bundled"' in page and 'id="complete-form"' not in page
    assert "2026-10-10" in page and "2026-02-14" in page


def test_manage_add_remove_and_complete():
    admin = regional_operator_admin()
    client = client_for(admin)
    calls = []
    fn = deadlines.register_recompute(lambda years, actor: calls.append(years))
    try:
        page = html(client.get("/calendar/manage/?year=2027"))
        assert 'id="status-unknown"' in page and 'id="no-overrides"' in page
        response = client.post(
            "/calendar/manage/?year=2027",
            {"action": "set", "date": "2027-01-01", "is_working": "0", "note": "New Year's Day"},
        )
        assert response.status_code == 302 and response["Location"] == "/calendar/manage/?year=2027"
        override = CalendarOverride.objects.get()
        assert (str(override.date), override.is_working, override.note) == (
            "2027-01-01",
            False,
            "New Year's Day",
        )
        page = html(client.get("/calendar/manage/?year=2027"))
        assert 'id="override-2027-01-01"' in page
        response = client.post(
            "/calendar/manage/?year=2027", {"action": "remove", "date": "2027-01-01"}
        )
        assert response.status_code == 302
        assert CalendarOverride.objects.get().active is False
        response = client.post(
            "/calendar/manage/?year=2027", {"action": "complete", "year": "2027"}
        )
        assert response.status_code == 302
        row = CalendarYear.objects.get()
        assert row.complete is True and row.marked_by == admin
        page = html(client.get("/calendar/manage/?year=2027"))
        assert 'id="status-complete"' in page and str(admin) in page
    finally:
        deadlines.unregister_recompute(fn)
    assert calls == [{2027}, {2027}, {2027}]
    assert Event.objects.filter(object_type__startswith="core.").count() == 3


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"date": "2027-02-30", "is_working": "0", "note": "x"}, "date"),
        ({"date": "", "is_working": "0", "note": "x"}, "date"),
        ({"date": "2027-01-01", "is_working": "0", "note": ""}, "note"),
        ({"date": "2027-01-01", "is_working": "2", "note": "x"}, "is_working"),
    ],
)
def test_manage_errors_are_shown_at_the_field(data, field):
    client = client_for(regional_operator_admin())
    response = client.post("/calendar/manage/?year=2027", {"action": "set", **data})
    assert response.status_code == 200
    assert f'id="error-{field}"' in html(response)
    assert not CalendarOverride.objects.exists()


def test_manage_bad_year_in_the_address():
    client = client_for(regional_operator_admin())
    for year in ["0", "abc", "99999"]:
        response = client.get(f"/calendar/manage/?year={year}")
        assert response.status_code == 200 and 'id="error-year"' in html(response)
