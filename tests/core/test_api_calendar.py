"""/api/v1/calendar/…: exact answers, the one error shape, the permission matrix."""

from urllib.parse import urlencode

import pytest

from govmall.accounts.roles import OrgKind, Role
from govmall.audit.models import Event
from govmall.core import deadlines
from govmall.core.models import CalendarOverride, CalendarYear
from tests.factories import make_org, make_user, regional_operator_admin
from tests.permissions import check_matrix, client_for

pytestmark = pytest.mark.django_db

DEADLINE = "/api/v1/calendar/deadline"


def get_deadline(client, **params):
    return client.get(DEADLINE + "?" + urlencode(params))


def assert_error(response, status, code, field=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    if field is not None:
        details = body["error"]["details"]
        assert details.get("field") == field or field in details.get("fields", {}), details
    return body


# --- deadline ----------------------------------------------------------------------------------


def test_the_requirement_example(client):
    response = get_deadline(client, start="2026-09-30T10:00:00+08:00", working_days="2")
    assert response.status_code == 200
    assert response.json() == {"deadline": "2026-10-09T23:59:59+08:00", "calendar_known": True}


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        ("2026-09-29T17:00:00Z", 2, ("2026-10-09T23:59:59+08:00", True)),
        ("2026-09-29T20:00:00", 1, ("2026-09-30T23:59:59+08:00", True)),
        ("2026-02-13", 2, ("2026-02-24T23:59:59+08:00", True)),
        ("2026-12-20T10:00", 30, ("2027-01-29T23:59:59+08:00", False)),
        ("0001-01-01T00:00", 1, ("0001-01-02T23:59:59+08:00", False)),
        ("9999-12-30T00:00", 1, ("9999-12-31T23:59:59+08:00", False)),
    ],
)
def test_deadlines(client, start, n, expected):
    body = get_deadline(client, start=start, working_days=n).json()
    assert (body["deadline"], body["calendar_known"]) == expected


def test_the_deadline_is_public_and_needs_no_csrf_or_login(client):
    assert get_deadline(client, start="2026-09-30", working_days=2).status_code == 200


WD, DT = "invalid_working_days", "invalid_datetime"
BAD_DEADLINE_INPUT = [
    # (start, working_days, status, code, field); None leaves the parameter out
    ("2026-09-30", "0", 400, WD, "working_days"),
    ("2026-09-30", "-1", 400, WD, "working_days"),
    ("2026-09-30", "366", 400, WD, "working_days"),
    ("2026-09-30", "ten", 400, WD, "working_days"),
    ("2026-09-30", "2.5", 400, WD, "working_days"),
    ("2026-09-30", "9" * 60, 400, WD, "working_days"),
    ("2026-09-30", "", 400, WD, "working_days"),
    ("2026-09-31", "2", 400, DT, "start"),
    ("yesterday", "2", 400, DT, "start"),
    ("", "2", 400, DT, "start"),
    ("", "", 400, DT, "start"),
    ("2026-09-30T10:00+99:00", "2", 400, DT, "start"),
    ("1" * 5000, "2", 400, DT, "start"),
    ("0001-01-01T00:00+14:00", "1", 400, DT, "start"),
    ("9999-12-31T23:00-10:00", "1", 400, DT, "start"),
    ("99999-01-01", "1", 400, DT, "start"),
    ("9999-12-31", "1", 400, "out_of_range", "start"),
    ("9999-01-01", "365", 400, "out_of_range", "start"),
    (None, "2", 422, "validation_error", "start"),
    ("2026-09-30", None, 422, "validation_error", "working_days"),
    (None, None, 422, "validation_error", "start"),
]


@pytest.mark.parametrize(("start", "n", "status", "code", "field"), BAD_DEADLINE_INPUT)
def test_bad_input_is_a_4xx_in_the_one_shape_naming_the_field(
    client, start, n, status, code, field
):
    params = {k: v for k, v in {"start": start, "working_days": n}.items() if v is not None}
    assert_error(get_deadline(client, **params), status, code, field)


def test_a_nul_byte_is_refused_cleanly(client):
    assert_error(
        client.get(DEADLINE + "?start=2026-09-30%00&working_days=2"), 400, "invalid_characters"
    )


# --- years -------------------------------------------------------------------------------------


def test_year_2026(client):
    body = client.get("/api/v1/calendar/years/2026").json()
    assert (body["year"], body["calendar_known"], body["bundled"], body["complete"]) == (
        2026,
        True,
        True,
        False,
    )
    assert body["make_up_days"] == [
        "2026-01-04",
        "2026-02-14",
        "2026-02-28",
        "2026-05-09",
        "2026-09-20",
        "2026-10-10",
    ]
    assert [d for d in body["days_off"] if d.startswith("2026-10")] == [
        "2026-10-01",
        "2026-10-02",
        "2026-10-05",
        "2026-10-06",
        "2026-10-07",
    ]
    assert body["overrides"] == []


def test_year_2027_is_unknown_until_marked_complete(client):
    CalendarOverride.objects.create(date="2027-01-01", is_working=False, note="New Year")
    CalendarOverride.objects.create(date="2027-02-06", is_working=True, note="make-up")
    body = client.get("/api/v1/calendar/years/2027").json()
    assert body == {
        "year": 2027,
        "calendar_known": False,
        "bundled": False,
        "complete": False,
        "days_off": ["2027-01-01"],
        "make_up_days": ["2027-02-06"],
        "overrides": [
            {"date": "2027-01-01", "is_working": False, "note": "New Year"},
            {"date": "2027-02-06", "is_working": True, "note": "make-up"},
        ],
    }
    CalendarYear.objects.create(year=2027, complete=True)
    assert client.get("/api/v1/calendar/years/2027").json()["calendar_known"] is True


@pytest.mark.parametrize(
    ("year", "status", "code"),
    [
        ("0", 400, "invalid_year"),
        ("10000", 400, "invalid_year"),
        ("9" * 40, 400, "invalid_year"),
        ("-5", 400, "invalid_year"),
        ("abc", 422, "validation_error"),
        ("2026.5", 422, "validation_error"),
    ],
)
def test_bad_years(client, year, status, code):
    assert_error(client.get(f"/api/v1/calendar/years/{year}"), status, code, "year")


def test_extreme_years_answer(client):
    assert client.get("/api/v1/calendar/years/1").json()["calendar_known"] is False
    assert client.get("/api/v1/calendar/years/9999").json()["calendar_known"] is False


# --- writes: the permission matrix -------------------------------------------------------------


@pytest.fixture
def actors():
    regional = make_org(OrgKind.OPERATOR, division="150000")
    return {
        "anonymous": None,
        "buyer": make_user(Role.BUYER),
        "city_operator_admin": make_user(Role.OPERATOR_ADMIN, division="150200"),
        "regional_reviewer": make_user(Role.OPERATOR_REVIEWER, org=regional),
        "regional_operator_admin": make_user(Role.OPERATOR_ADMIN, org=regional),
    }


def refused(ok):
    return {
        "anonymous": 401,
        "buyer": 403,
        "city_operator_admin": 403,
        "regional_reviewer": 403,
        "regional_operator_admin": ok,
    }


def no_calendar_writes():
    assert not CalendarOverride.objects.exists()
    assert not CalendarYear.objects.exists()
    assert not Event.objects.filter(object_type__startswith="core.").exists()


def test_override_set_matrix(actors):
    payload = {"date": "2027-01-01", "is_working": False, "note": "New Year's Day"}

    def call(client):
        # the last actor (the only one allowed) runs last, so the others see an empty calendar
        no_calendar_writes()
        return client.post("/api/v1/calendar/overrides", payload, content_type="application/json")

    responses = check_matrix(call, actors, refused(201))
    assert responses["regional_operator_admin"].json() == {
        "date": "2027-01-01",
        "is_working": False,
        "note": "New Year's Day",
    }
    assert responses["buyer"].json()["error"]["code"] == "forbidden"
    assert responses["anonymous"].json()["error"]["code"] == "unauthenticated"
    override = CalendarOverride.objects.get()
    assert (
        Event.objects.filter(
            object_type="core.calendaroverride", object_id=str(override.pk)
        ).count()
        == 1
    )
    # the same again is 200 and records nothing more; a change is 200 with a new event
    admin = client_for(actors["regional_operator_admin"])
    again = admin.post("/api/v1/calendar/overrides", payload, content_type="application/json")
    assert again.status_code == 200
    changed = admin.post(
        "/api/v1/calendar/overrides",
        {**payload, "is_working": True},
        content_type="application/json",
    )
    assert changed.status_code == 200 and changed.json()["is_working"] is True
    assert Event.objects.filter(object_type="core.calendaroverride").count() == 2


def test_override_remove_matrix(actors):
    admin = regional_operator_admin()
    from govmall.core.services_calendar import calendar_override_set

    calendar_override_set(actor=admin, date="2027-01-01", is_working=False, note="x")
    responses = check_matrix(
        lambda c: c.delete("/api/v1/calendar/overrides/2027-01-01"), actors, refused(200)
    )
    assert responses["regional_operator_admin"].json() == {"date": "2027-01-01", "removed": True}
    assert CalendarOverride.objects.get().active is False
    admin_client = client_for(admin)
    assert_error(admin_client.delete("/api/v1/calendar/overrides/2027-01-01"), 404, "not_found")
    assert_error(
        admin_client.delete("/api/v1/calendar/overrides/not-a-date"), 400, "invalid_date", "date"
    )


def test_mark_complete_matrix_calls_registered_recomputes(actors):
    calls = []

    def recompute(years, actor):
        calls.append((years, actor.username))

    deadlines.register_recompute(recompute)
    try:
        responses = check_matrix(
            lambda c: c.post("/api/v1/calendar/years/2027/complete"), actors, refused(200)
        )
    finally:
        deadlines.unregister_recompute(recompute)
    body = responses["regional_operator_admin"].json()
    assert (body["year"], body["calendar_known"], body["complete"]) == (2027, True, True)
    assert calls == [({2027}, actors["regional_operator_admin"].username)]
    row = CalendarYear.objects.get()
    assert row.marked_by == actors["regional_operator_admin"]
    assert Event.objects.filter(object_type="core.calendaryear").count() == 1
    response = client_for(None).get(DEADLINE + "?start=2026-12-31T10:00&working_days=1")
    assert response.json() == {"deadline": "2027-01-01T23:59:59+08:00", "calendar_known": True}


@pytest.mark.parametrize(
    ("payload", "status", "code", "field"),
    [
        ({"date": "2027-02-30", "is_working": False, "note": "x"}, 400, "invalid_date", "date"),
        ({"date": "", "is_working": False, "note": "x"}, 400, "invalid_date", "date"),
        ({"date": "2027-01-01", "is_working": False, "note": ""}, 400, "required", "note"),
        ({"date": "2027-01-01", "is_working": False}, 400, "required", "note"),
        ({"date": "2027-01-01", "is_working": False, "note": "x" * 201}, 400, "too_long", "note"),
        ({"date": "2027-01-01", "note": "x"}, 422, "validation_error", "is_working"),
        ({"date": "2027-01-01", "is_working": "maybe", "note": "x"}, 422, "validation_error",
         "is_working"),
        ({"is_working": False, "note": "x"}, 422, "validation_error", "date"),
    ],
)  # fmt: skip
def test_override_input_errors(payload, status, code, field):
    admin = client_for(regional_operator_admin())
    response = admin.post("/api/v1/calendar/overrides", payload, content_type="application/json")
    assert_error(response, status, code, field)
    no_calendar_writes()


def test_malformed_json_is_a_4xx_in_the_one_shape():
    admin = client_for(regional_operator_admin())
    response = admin.post("/api/v1/calendar/overrides", "{", content_type="application/json")
    assert 400 <= response.status_code < 500
    assert set(response.json()["error"]) == {"code", "message", "details"}
    no_calendar_writes()


def test_bad_year_to_mark_complete():
    admin = client_for(regional_operator_admin())
    assert_error(admin.post("/api/v1/calendar/years/0/complete"), 400, "invalid_year", "year")
    assert_error(admin.post("/api/v1/calendar/years/x/complete"), 422, "validation_error", "year")
    no_calendar_writes()


def test_session_writes_need_csrf():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(regional_operator_admin())
    response = client.post("/api/v1/calendar/years/2027/complete")
    assert 400 <= response.status_code < 500
    no_calendar_writes()


def test_openapi_lists_the_calendar_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for p in [
        "/api/v1/calendar/deadline",
        "/api/v1/calendar/years/{year}",
        "/api/v1/calendar/overrides",
        "/api/v1/calendar/overrides/{date}",
        "/api/v1/calendar/years/{year}/complete",
    ]:
        assert p in paths
    assert paths["/api/v1/calendar/deadline"]["get"]["tags"] == ["calendar"]
