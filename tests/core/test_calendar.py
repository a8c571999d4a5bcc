"""The legal rule for "N working days" (core/calendar.py), with exact values."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from govmall.core import calendar
from govmall.core.calendar import add_working_days, deadline_for, is_working_day, year_known
from govmall.core.errors import DomainError
from govmall.core.models import CalendarOverride, CalendarYear

pytestmark = pytest.mark.django_db

CST = timezone(timedelta(hours=8))


def iso(start, n):
    return deadline_for(start, n).as_json()


def known(value):
    return {"deadline": value, "calendar_known": True}


def unknown(value):
    return {"deadline": value, "calendar_known": False}


# --- National Day 2026 ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "deadline"),
    [
        # the requirement's example: 10-01…10-07 off; 10-08 is day 1, 10-09 day 2
        ("2026-09-30T10:00:00+08:00", 2, "2026-10-09T23:59:59+08:00"),
        ("2026-09-30T10:00:00+08:00", 1, "2026-10-08T23:59:59+08:00"),
        # 10-10 (Saturday) is a make-up working day
        ("2026-09-30T10:00:00+08:00", 3, "2026-10-10T23:59:59+08:00"),
        ("2026-09-30T10:00:00+08:00", 4, "2026-10-12T23:59:59+08:00"),
        # the Mid-autumn Festival 09-25…09-27 right before it
        ("2026-09-24T09:00:00+08:00", 1, "2026-09-28T23:59:59+08:00"),
        ("2026-09-24T09:00:00+08:00", 4, "2026-10-08T23:59:59+08:00"),
    ],
)
def test_national_day_2026(start, n, deadline):
    assert iso(start, n) == known(deadline)


def test_the_deadline_is_an_aware_datetime_at_the_end_of_the_day_in_shanghai():
    result = add_working_days(datetime(2026, 9, 30, 10, tzinfo=CST), 2)
    assert result == calendar.Deadline(datetime(2026, 10, 9, 23, 59, 59, tzinfo=CST), True)
    assert result.deadline.utcoffset() == timedelta(hours=8)
    assert result.deadline.astimezone(UTC) == datetime(2026, 10, 9, 15, 59, 59, tzinfo=UTC)


def test_the_time_of_day_of_the_start_does_not_matter():
    assert iso("2026-09-30T00:00:00", 2) == iso("2026-09-30T23:59:59.999999", 2)
    assert iso("2026-09-30", 2) == known("2026-10-09T23:59:59+08:00")


# --- Spring Festival 2026 and the make-up days -------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "deadline"),
    [
        ("2026-02-13T12:00", 1, "2026-02-14T23:59:59+08:00"),  # Saturday 02-14 is working
        ("2026-02-13T12:00", 2, "2026-02-24T23:59:59+08:00"),  # 02-15…02-23 off
        ("2026-02-14T12:00", 1, "2026-02-24T23:59:59+08:00"),
        ("2026-02-14T12:00", 5, "2026-02-28T23:59:59+08:00"),  # Saturday 02-28 is working
        ("2026-02-14T12:00", 6, "2026-03-02T23:59:59+08:00"),
        ("2026-02-27T12:00", 1, "2026-02-28T23:59:59+08:00"),
    ],
)
def test_spring_festival_2026(start, n, deadline):
    assert iso(start, n) == known(deadline)


@pytest.mark.parametrize(
    "day",
    ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"],
)
def test_make_up_saturdays_and_sundays_are_working_days(day):
    d = date.fromisoformat(day)
    assert d.weekday() >= 5
    assert is_working_day(d) is True
    # … and a period ending on the day before finishes on it
    assert iso(f"{(d - timedelta(days=1)).isoformat()}T09:00", 1) == known(f"{day}T23:59:59+08:00")


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2026-01-01", False),  # New Year's Day (Thursday)
        ("2026-01-02", False),  # Friday off, made up on Sunday 01-04
        ("2026-01-03", False),  # Saturday
        ("2026-02-16", False),  # Spring Festival Monday
        ("2026-10-01", False),
        ("2026-10-07", False),
        ("2026-10-08", True),
        ("2026-10-11", False),  # ordinary Sunday
        ("2026-10-12", True),  # ordinary Monday
    ],
)
def test_is_working_day_follows_the_state_council_schedule(day, working):
    assert is_working_day(date.fromisoformat(day)) is working


def test_make_up_days_lead_over_new_year_and_labour_day():
    assert iso("2026-01-03T09:00", 1) == known("2026-01-04T23:59:59+08:00")
    assert iso("2026-01-01T09:00", 2) == known("2026-01-05T23:59:59+08:00")
    assert iso("2026-05-08T09:00", 1) == known("2026-05-09T23:59:59+08:00")
    assert iso("2026-09-19T09:00", 1) == known("2026-09-20T23:59:59+08:00")


# --- starts on a holiday, across zones ----------------------------------------------------------


def test_a_start_on_a_holiday():
    assert iso("2026-10-03T15:00+08:00", 1) == known("2026-10-08T23:59:59+08:00")
    assert iso("2026-10-07T15:00+08:00", 3) == known("2026-10-10T23:59:59+08:00")
    assert iso("2026-02-18T08:00+08:00", 1) == known("2026-02-24T23:59:59+08:00")


def test_a_utc_start_that_is_already_the_next_day_in_shanghai():
    # 2026-09-29T17:00Z is 2026-09-30 01:00 in Shanghai: the period starts from 09-30
    assert iso("2026-09-29T17:00:00Z", 2) == known("2026-10-09T23:59:59+08:00")
    assert iso("2026-09-29T17:00:00+00:00", 1) == known("2026-10-08T23:59:59+08:00")
    # one second earlier it is still 09-29 in Shanghai: 09-30 is day 1
    assert iso("2026-09-29T15:59:59Z", 1) == known("2026-09-30T23:59:59+08:00")
    aware = datetime(2026, 9, 29, 17, tzinfo=UTC)
    assert add_working_days(aware, 2).as_json() == known("2026-10-09T23:59:59+08:00")


def test_other_zones_are_converted_to_shanghai():
    # 2026-09-30T10:00-10:00 is 2026-10-01 04:00 in Shanghai (a holiday)
    assert iso("2026-09-30T10:00:00-10:00", 1) == known("2026-10-08T23:59:59+08:00")


def test_a_naive_start_means_shanghai_time():
    # as Shanghai time 09-29 20:00 → day 1 is 09-30; read as UTC it would be 09-30 04:00 → 10-08
    assert iso("2026-09-29T20:00:00", 1) == known("2026-09-30T23:59:59+08:00")
    naive = datetime(2026, 9, 29, 20)
    assert add_working_days(naive, 1).as_json() == known("2026-09-30T23:59:59+08:00")


# --- unknown years -----------------------------------------------------------------------------


def test_a_period_running_into_2027_assumes_monday_to_friday_and_says_so():
    # 12-21…25 (5), 12-28…31 (4), 2027-01-01 Friday (10), then four full weeks → 01-29
    assert iso("2026-12-20T10:00", 30) == unknown("2027-01-29T23:59:59+08:00")
    assert iso("2026-12-31T10:00", 1) == unknown("2027-01-01T23:59:59+08:00")
    assert iso("2027-01-01T10:00", 1) == unknown("2027-01-04T23:59:59+08:00")
    # a period inside 2026 stays known
    assert iso("2026-12-30T10:00", 1) == known("2026-12-31T23:59:59+08:00")


def test_year_known():
    assert year_known(2004) is True
    assert year_known(2026) is True
    assert year_known(2027) is False
    assert year_known(2003) is False
    CalendarYear.objects.create(year=2027, complete=True)
    assert year_known(2027) is True
    CalendarYear.objects.create(year=2028, complete=False)
    assert year_known(2028) is False


def test_a_year_marked_complete_is_known_for_the_whole_period():
    CalendarYear.objects.create(year=2027, complete=True)
    assert iso("2026-12-20T10:00", 30) == known("2027-01-29T23:59:59+08:00")
    # a start in 2027 whose deadline reaches 2028 is still unknown
    assert iso("2027-12-30T10:00", 2) == unknown("2028-01-03T23:59:59+08:00")


def test_a_start_in_an_unknown_year_makes_the_answer_unknown():
    # 2003 is before what chinesecalendar knows; the start year counts even though the start
    # day itself does not
    assert iso("2003-12-31T10:00", 1) == unknown("2004-01-02T23:59:59+08:00")


# --- overrides ---------------------------------------------------------------------------------


def test_a_region_wide_extra_day_off_moves_the_deadline():
    CalendarOverride.objects.create(date=date(2026, 10, 9), is_working=False, note="extra")
    assert is_working_day(date(2026, 10, 9)) is False
    assert iso("2026-09-30T10:00", 2) == known("2026-10-10T23:59:59+08:00")


def test_an_extra_working_day_moves_the_deadline_earlier():
    CalendarOverride.objects.create(date=date(2026, 10, 7), is_working=True, note="extra")
    assert iso("2026-09-30T10:00", 2) == known("2026-10-08T23:59:59+08:00")


def test_an_inactive_override_is_ignored():
    CalendarOverride.objects.create(
        date=date(2026, 10, 9), is_working=False, note="x", active=False
    )
    assert iso("2026-09-30T10:00", 2) == known("2026-10-09T23:59:59+08:00")


def test_overrides_in_an_unknown_year_apply_on_top_of_monday_to_friday():
    CalendarOverride.objects.create(date=date(2027, 1, 1), is_working=False, note="New Year")
    CalendarOverride.objects.create(date=date(2027, 1, 2), is_working=False, note="(Sat)")
    assert iso("2026-12-31T10:00", 1) == unknown("2027-01-04T23:59:59+08:00")
    CalendarOverride.objects.create(date=date(2027, 1, 3), is_working=True, note="make-up")
    assert iso("2026-12-31T10:00", 1) == unknown("2027-01-03T23:59:59+08:00")


# --- limits and efficiency ---------------------------------------------------------------------


def test_365_working_days():
    assert iso("2026-01-01T10:00", 365) == unknown(
        "2027-06-14T23:59:59+08:00"
    )  # 248 in 2026, 117 Mon–Fri
    CalendarYear.objects.create(year=2027, complete=True)
    assert iso("2026-01-01T10:00", 365)["calendar_known"] is True


def test_the_calendar_is_read_once_per_version(django_assert_num_queries):
    CalendarOverride.objects.create(date=date(2026, 10, 9), is_working=False, note="x")
    with django_assert_num_queries(3):  # version, overrides, completed years
        assert add_working_days(datetime(2026, 9, 30, tzinfo=CST), 30).calendar_known is True
    with django_assert_num_queries(1):  # the version only: the process's copy is current
        assert add_working_days(datetime(2026, 1, 1, tzinfo=CST), 365).calendar_known is False
    version = calendar.calendar_version()
    with django_assert_num_queries(0):  # the caller read the version in its own statement
        assert add_working_days(
            datetime(2026, 9, 30, tzinfo=CST), 2, calendar_version=version
        ).deadline == datetime(2026, 10, 10, 23, 59, 59, tzinfo=CST)  # 10-09 off: Sat 10-10


def test_a_new_version_is_read_again_in_every_process():
    assert iso("2026-09-30T10:00", 2) == known("2026-10-09T23:59:59+08:00")
    # written as another process would (not through this process's services)
    override = CalendarOverride.objects.create(date=date(2026, 10, 9), is_working=False, note="x")
    assert iso("2026-09-30T10:00", 2) == known("2026-10-10T23:59:59+08:00")
    CalendarOverride.objects.filter(pk=override.pk).update(active=False, audit_length=1)
    assert iso("2026-09-30T10:00", 2) == known("2026-10-09T23:59:59+08:00")
    assert iso("2026-12-31T10:00", 1) == unknown("2027-01-01T23:59:59+08:00")
    CalendarYear.objects.create(year=2027, complete=True)
    assert iso("2026-12-31T10:00", 1) == known("2027-01-01T23:59:59+08:00")


def test_extreme_dates():
    assert iso("0001-01-01T00:00", 1) == unknown("0001-01-02T23:59:59+08:00")
    assert iso("9999-12-30T10:00", 1) == unknown("9999-12-31T23:59:59+08:00")
    for start, n in [("9999-12-31T10:00", 1), ("9999-12-30T10:00", 2), ("9999-06-01", 365)]:
        with pytest.raises(DomainError) as exc:
            deadline_for(start, n)
        assert exc.value.code == "out_of_range" and exc.value.field == "start"


# --- input -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["", "   ", "tomorrow", "2026-13-01", "2026-02-30T10:00", "2026-09-30T25:00", "30/09/2026",
     "2026-09-30T10:00+25:00", "0001-01-01T00:00+14:00", "9999-12-31T23:00-10:00", "x" * 500,
     "2026-09-30\x00", None, 20260930],
)  # fmt: skip
def test_malformed_starts(value):
    with pytest.raises(DomainError) as exc:
        deadline_for(value, 2)
    assert (exc.value.code, exc.value.field, exc.value.status) == ("invalid_datetime", "start", 400)
    assert exc.value.details == {"field": "start"}


@pytest.mark.parametrize(
    "value", [0, -1, 366, 10**30, "0", "-1", "366", "", "two", "1.5", "1e2", "٣", True, None, 2.0]
)
def test_working_days_outside_1_to_365(value):
    with pytest.raises(DomainError) as exc:
        deadline_for("2026-09-30T10:00", value)
    assert (exc.value.code, exc.value.field) == ("invalid_working_days", "working_days")
    assert exc.value.details == {"field": "working_days", "min": 1, "max": 365}


@pytest.mark.parametrize(("value", "n"), [(1, 1), (365, 365), ("7", 7), (" 12 ", 12), ("+3", 3)])
def test_working_days_accepted(value, n):
    assert calendar.parse_working_days(value) == n


def test_add_working_days_checks_n_itself():
    with pytest.raises(DomainError) as exc:
        add_working_days(datetime(2026, 9, 30, tzinfo=CST), 0)
    assert exc.value.code == "invalid_working_days"


def test_years_spanned():
    start = datetime(2026, 12, 31, 17, tzinfo=UTC)  # 2027-01-01 01:00 in Shanghai
    deadline = datetime(2027, 1, 4, 23, 59, 59, tzinfo=CST)
    assert calendar.years_spanned(start, deadline) == {2027}
    assert calendar.years_spanned(datetime(2026, 12, 20), deadline) == {2026, 2027}


def test_year_summary_2026():
    summary = calendar.year_summary(2026).as_json()
    assert summary["calendar_known"] is True and summary["bundled"] is True
    assert summary["make_up_days"] == [
        "2026-01-04",
        "2026-02-14",
        "2026-02-28",
        "2026-05-09",
        "2026-09-20",
        "2026-10-10",
    ]
    assert summary["days_off"][:8] == [
        "2026-01-01",
        "2026-01-02",
        "2026-02-16",
        "2026-02-17",
        "2026-02-18",
        "2026-02-19",
        "2026-02-20",
        "2026-02-23",
    ]
    assert "2026-10-01" in summary["days_off"] and "2026-10-08" not in summary["days_off"]
    assert summary["overrides"] == []
