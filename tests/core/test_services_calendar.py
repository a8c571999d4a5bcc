"""Calendar services: who may change the calendar, the audit trail, the recompute registry."""

from datetime import date

import pytest

from govmall.accounts.roles import OrgKind, Role
from govmall.audit.models import Event
from govmall.core import deadlines
from govmall.core.calendar import deadline_for
from govmall.core.errors import DomainError
from govmall.core.models import CalendarOverride, CalendarYear
from govmall.core.services_calendar import (
    calendar_override_remove,
    calendar_override_set,
    calendar_year_mark_complete,
)
from tests.factories import make_org, make_user, regional_operator_admin

pytestmark = pytest.mark.django_db


@pytest.fixture
def recomputes():
    """A recompute registered like a later capability would; records its calls."""
    calls = []

    def recompute(years, actor):
        calls.append((years, actor))
        return len(calls)

    deadlines.register_recompute(recompute)
    yield calls
    deadlines.unregister_recompute(recompute)


def events(obj):
    return list(
        Event.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .order_by("seq")
        .values_list("action", "before", "after")
    )


def test_an_override_is_set_audited_and_changes_deadlines(recomputes):
    admin = regional_operator_admin()
    override, created = calendar_override_set(
        actor=admin, date=date(2026, 10, 9), is_working=False, note="Regional day off"
    )
    assert created is True
    assert (override.date, override.is_working, override.note, override.active) == (
        date(2026, 10, 9),
        False,
        "Regional day off",
        True,
    )
    assert events(override) == [
        (
            "calendar.override_set",
            {},
            {"date": "2026-10-09", "is_working": False, "note": "Regional day off"},
        )
    ]
    event = Event.objects.get(object_type="core.calendaroverride")
    assert event.actor == admin and event.organisation == admin.organisation
    assert override.audit_length == 1 and override.audit_head == event.hash
    assert recomputes == [({2026}, admin)]
    assert deadline_for("2026-09-30T10:00", 2).as_json() == {
        "deadline": "2026-10-10T23:59:59+08:00",
        "calendar_known": True,
    }


def test_changing_an_override_records_before_and_after(recomputes):
    admin = regional_operator_admin()
    calendar_override_set(actor=admin, date="2027-01-01", is_working=False, note="New Year")
    override, created = calendar_override_set(
        actor=admin, date="2027-01-01", is_working=True, note="  Moved  "
    )
    assert created is False and override.note == "Moved"
    assert events(override)[1] == (
        "calendar.override_set",
        {"date": "2027-01-01", "is_working": False, "note": "New Year"},
        {"date": "2027-01-01", "is_working": True, "note": "Moved"},
    )
    assert recomputes == [({2027}, admin), ({2027}, admin)]


def test_setting_the_same_override_again_records_nothing(recomputes):
    admin = regional_operator_admin()
    calendar_override_set(actor=admin, date="2027-01-01", is_working=False, note="New Year")
    override, created = calendar_override_set(
        actor=admin, date="2027-01-01", is_working=False, note="New Year"
    )
    assert created is False and len(events(override)) == 1 and len(recomputes) == 1


def test_removing_an_override_keeps_the_row_and_its_chain(recomputes):
    admin = regional_operator_admin()
    calendar_override_set(actor=admin, date="2026-10-09", is_working=False, note="x")
    override = calendar_override_remove(actor=admin, date="2026-10-09")
    override.refresh_from_db()
    assert override.active is False and override.audit_length == 2
    assert events(override)[1] == (
        "calendar.override_removed",
        {"date": "2026-10-09", "is_working": False, "note": "x", "active": True},
        {"date": "2026-10-09", "active": False},
    )
    assert deadline_for("2026-09-30T10:00", 2).as_json()["deadline"] == (
        "2026-10-09T23:59:59+08:00"
    )
    assert recomputes == [({2026}, admin), ({2026}, admin)]
    # setting it again reactivates the same row, on the same chain
    again, created = calendar_override_set(
        actor=admin, date="2026-10-09", is_working=True, note="y"
    )
    assert created is True and again.pk == override.pk and again.audit_length == 3
    assert events(again)[2][1] == {"date": "2026-10-09", "active": False}


def test_removing_a_missing_override_is_not_found():
    admin = regional_operator_admin()
    with pytest.raises(DomainError) as exc:
        calendar_override_remove(actor=admin, date="2026-10-09")
    assert (exc.value.code, exc.value.status, exc.value.field) == ("not_found", 404, "date")


def test_marking_2027_complete_makes_it_known_and_recomputes(recomputes):
    admin = regional_operator_admin()
    assert deadline_for("2026-12-31T10:00", 1).calendar_known is False
    row = calendar_year_mark_complete(actor=admin, year=2027)
    assert (row.year, row.complete, row.marked_by) == (2027, True, admin)
    assert row.marked_at is not None
    assert deadline_for("2026-12-31T10:00", 1).as_json() == {
        "deadline": "2027-01-01T23:59:59+08:00",
        "calendar_known": True,
    }
    assert recomputes == [({2027}, admin)]
    (action, before, after), = events(row)  # fmt: skip
    assert action == "calendar.year_marked_complete"
    assert before == {"year": 2027, "complete": False}
    assert after["year"] == 2027 and after["complete"] is True
    # marking again changes nothing
    calendar_year_mark_complete(actor=admin, year="2027")
    assert len(events(row)) == 1 and len(recomputes) == 1


def test_a_failing_recompute_rolls_the_calendar_change_back():
    admin = regional_operator_admin()

    def broken(years, actor):
        raise RuntimeError("boom")

    deadlines.register_recompute(broken)
    try:
        with pytest.raises(RuntimeError):
            calendar_year_mark_complete(actor=admin, year=2027)
        with pytest.raises(RuntimeError):
            calendar_override_set(actor=admin, date="2027-01-01", is_working=False, note="x")
    finally:
        deadlines.unregister_recompute(broken)
    assert not CalendarYear.objects.filter(complete=True).exists()
    assert not CalendarOverride.objects.exists()
    assert not Event.objects.filter(object_type__startswith="core.").exists()


def test_register_recompute_is_idempotent_and_a_decorator():
    def fn(years, actor):
        return None

    assert deadlines.register_recompute(fn) is fn
    deadlines.register_recompute(fn)
    try:
        assert deadlines.registered().count(fn) == 1
    finally:
        deadlines.unregister_recompute(fn)
    assert fn not in deadlines.registered()


@pytest.mark.django_db(transaction=True)
def test_recompute_needs_a_transaction():
    with pytest.raises(RuntimeError):
        deadlines.recompute_open_deadlines({2027}, None)


@pytest.mark.parametrize(
    "who",
    ["anonymous", "buyer", "city operator admin", "regional reviewer", "regional regulator"],
)
def test_only_regional_operator_admins_change_the_calendar(who, recomputes):
    regional = make_org(OrgKind.OPERATOR, division="150000")
    actor = {
        "anonymous": None,
        "buyer": make_user(Role.BUYER),
        "city operator admin": make_user(Role.OPERATOR_ADMIN, division="150200"),
        "regional reviewer": make_user(Role.OPERATOR_REVIEWER, org=regional),
        "regional regulator": make_user(Role.REGULATOR, division="150000"),
    }[who]
    before = Event.objects.count()
    calls = [
        lambda: calendar_override_set(actor=actor, date="2027-01-01", is_working=False, note="x"),
        lambda: calendar_override_remove(actor=actor, date="2027-01-01"),
        lambda: calendar_year_mark_complete(actor=actor, year=2027),
    ]
    for call in calls:
        with pytest.raises(DomainError) as exc:
            call()
        assert exc.value.status == (401 if actor is None else 403)
    assert not CalendarOverride.objects.exists() and not CalendarYear.objects.exists()
    assert Event.objects.count() == before and recomputes == []


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"date": "2027-02-30"}, "invalid_date", "date"),
        ({"date": ""}, "invalid_date", "date"),
        ({"date": None}, "invalid_date", "date"),
        ({"note": ""}, "required", "note"),
        ({"note": "   "}, "required", "note"),
        ({"note": "x" * 201}, "too_long", "note"),
        ({"is_working": "yes"}, "invalid_choice", "is_working"),
    ],
)
def test_override_input_errors_name_the_field(kwargs, code, field):
    admin = regional_operator_admin()
    args = {"date": "2027-01-01", "is_working": False, "note": "x", **kwargs}
    before = Event.objects.count()
    with pytest.raises(DomainError) as exc:
        calendar_override_set(actor=admin, **args)
    assert (exc.value.code, exc.value.field) == (code, field)
    assert not CalendarOverride.objects.exists() and Event.objects.count() == before


@pytest.mark.parametrize("year", [0, 10000, -1, "", "abc", None, True])
def test_mark_complete_rejects_bad_years(year):
    admin = regional_operator_admin()
    with pytest.raises(DomainError) as exc:
        calendar_year_mark_complete(actor=admin, year=year)
    assert (exc.value.code, exc.value.field) == ("invalid_year", "year")
    assert not CalendarYear.objects.exists()


def test_the_calendar_trail_verifies():
    from govmall.audit.verify import verify

    admin = regional_operator_admin()
    calendar_override_set(actor=admin, date="2027-01-01", is_working=False, note="New Year")
    calendar_override_set(actor=admin, date="2027-01-01", is_working=False, note="New Year's Day")
    calendar_override_remove(actor=admin, date="2027-01-01")
    calendar_year_mark_complete(actor=admin, year=2027)
    report = verify()
    assert report.ok, report.summary
