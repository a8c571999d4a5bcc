"""The working-day calendar and the legal rule for "N working days".

The rule (REQUIREMENTS.md, "Working days"): the day the period starts does not count; the
deadline is 23:59:59 Asia/Shanghai on the Nth working day after the start's local date. Working
days follow the State Council schedule bundled in chinesecalendar (holidays and make-up working
days, 调休) with the region-wide overrides of `CalendarOverride` on top. A year chinesecalendar
does not cover is *unknown* until an operator admin of the regional centre marks it complete:
Monday–Friday is assumed for it (plus overrides) and the answer says `calendar_known=False`.

Reads only: the services that change the calendar live in `services_calendar` (inside
`changing()`). Each process keeps the overrides and completed years in memory per version of
the calendar (see "reads with the region's overrides" below).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from datetime import timezone as dt_timezone
from functools import lru_cache
from typing import Any

import chinese_calendar
from django.db import connection
from django.utils.translation import gettext as _

from govmall.core.errors import DomainError

# China Standard Time. A fixed UTC+8 rather than the tz database's Asia/Shanghai, whose history
# (local mean time before 1901, summer time 1986–1991) would give odd offsets to old dates; for
# every date the mall deals with the two agree, and a deadline always reads +08:00.
TZ = dt_timezone(timedelta(hours=8), "Asia/Shanghai")
MIN_WORKING_DAYS = 1
MAX_WORKING_DAYS = 365
END_OF_DAY = time(23, 59, 59)
_MAX_INPUT_LENGTH = 64
_INTEGER = re.compile(r"[+-]?[0-9]{1,12}", re.ASCII)


@dataclass(frozen=True)
class Deadline:
    """The end of a period: an aware datetime in Asia/Shanghai, and whether every year from the
    start to the deadline was known (bundled or marked complete) when it was computed."""

    deadline: datetime
    calendar_known: bool

    def as_json(self) -> dict[str, Any]:
        return {"deadline": self.deadline.isoformat(), "calendar_known": self.calendar_known}


# --- the bundled State Council schedule -------------------------------------------------------


@lru_cache(maxsize=16384)
def bundled_year_known(year: int) -> bool:
    """True if chinesecalendar has the official schedule of `year`."""
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def bundled_working_day(day: date) -> bool:
    """The bundled answer for `day`: chinesecalendar where it knows the year, else Mon–Fri."""
    if bundled_year_known(day.year):
        return bool(chinese_calendar.is_workday(day))
    return day.weekday() < 5


# --- reads with the region's overrides ---------------------------------------------------------
#
# The active overrides and the completed years are few (a handful a year, region-wide) and
# change rarely, but a deadline is computed for nearly every order: each process keeps them in
# memory, labelled with the calendar's version, and asks the database only for the version (one
# cheap statement, or a column of a statement the caller runs anyway: `VERSION_SQL`). Every
# change made by `services_calendar` adds an audit event to the row it changes (a new row adds
# one more), so the version below grows with every committed change and a process re-reads the
# calendar on its next use: answers are as fresh as reading the rows each time.

# Rows plus chain lengths of both tables: grows with every change `services_calendar` commits.
VERSION_SQL = (
    "(SELECT count(*) + coalesce(sum(audit_length), 0) FROM core_calendaroverride)"
    " + (SELECT count(*) + coalesce(sum(audit_length), 0) FROM core_calendaryear)"
)


@dataclass(frozen=True)
class _Snapshot:
    version: int
    overrides: dict[date, bool]  # every active override
    completed: frozenset[int]  # years marked complete


_snapshot: _Snapshot | None = None
_changing = threading.local()  # .depth > 0 while this thread runs a calendar change


def calendar_version() -> int:
    """The calendar's current version (one plain statement)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {VERSION_SQL}")
        return int(cursor.fetchone()[0])


def _load(version: int) -> _Snapshot:
    from govmall.core.models import CalendarOverride, CalendarYear

    return _Snapshot(
        version=version,
        overrides=dict(
            CalendarOverride.objects.filter(active=True).values_list("date", "is_working")
        ),
        completed=frozenset(
            CalendarYear.objects.filter(complete=True).values_list("year", flat=True)
        ),
    )


def _calendar(version: int | None = None) -> _Snapshot:
    """The overrides and completed years, from this process's copy when `version` (read now if
    not given) is the copy's. The version is read before the rows: a change committed in
    between leaves a copy labelled older than it is, re-read on the next use."""
    global _snapshot
    if version is None:
        version = calendar_version()
    if getattr(_changing, "depth", 0):
        return _load(version)  # inside a change: its own uncommitted rows, never kept
    snapshot = _snapshot
    if snapshot is None or snapshot.version != version:
        snapshot = _snapshot = _load(version)
    return snapshot


def clear_cache() -> None:
    """Forget this process's copy of the calendar (the next read loads it again)."""
    global _snapshot
    _snapshot = None


@contextmanager
def changing() -> Iterator[None]:
    """Wrap a change of the calendar: reads in this thread go to the rows (the recompute of
    open deadlines sees the change before it commits) and the process's copy is dropped when
    the change ends, committed or rolled back."""
    _changing.depth = getattr(_changing, "depth", 0) + 1
    try:
        yield
    finally:
        _changing.depth -= 1
        clear_cache()


def _completed_years(years: Iterable[int]) -> set[int]:
    wanted = [y for y in years if not bundled_year_known(y)]
    if not wanted:
        return set()
    return set(wanted) & _calendar().completed


def is_working_day(day: date) -> bool:
    """Whether `day` is a working day in the region (an override wins over the schedule)."""
    override = _calendar().overrides.get(day)
    if override is not None:
        return override
    return bundled_working_day(day)


def year_known(year: int) -> bool:
    """A year is known when chinesecalendar covers it or it has been marked complete."""
    return bundled_year_known(year) or year in _completed_years([year])


def years_known(first: int, last: int) -> bool:
    """True if every year from `first` to `last` is known (at most one query)."""
    years = range(first, last + 1)
    unknown = [y for y in years if not bundled_year_known(y)]
    if not unknown:
        return True
    return set(unknown) <= _completed_years(unknown)


# --- input parsing -----------------------------------------------------------------------------


def _invalid_start(field: str) -> DomainError:
    return DomainError(
        "invalid_datetime",
        _(
            "Enter a date and time in ISO 8601 format, e.g. 2026-09-30T10:00:00+08:00 "
            "(a time without a zone means Asia/Shanghai)."
        ),
        field=field,
    )


def to_local(value: datetime) -> datetime:
    """`value` in Asia/Shanghai; a naive value is taken to be Shanghai time already."""
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=TZ)
    return value.astimezone(TZ)


def parse_datetime_input(value: Any, *, field: str = "start") -> datetime:
    """An aware datetime (Asia/Shanghai) from an ISO 8601 string or a datetime.

    A value without a zone means Asia/Shanghai; a bare date means the start of that day.
    Anything else raises `invalid_datetime` naming `field`.
    """
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        text = value.strip()
        if not text or len(text) > _MAX_INPUT_LENGTH:
            raise _invalid_start(field)
        try:
            parsed = datetime.fromisoformat(text)
        except (ValueError, OverflowError):
            raise _invalid_start(field) from None
    else:
        raise _invalid_start(field)
    try:
        return to_local(parsed)
    except (ValueError, OverflowError):
        # e.g. 0001-01-01T00:00+14:00 lies before the first representable instant
        raise _invalid_start(field) from None


def _invalid_working_days(field: str) -> DomainError:
    return DomainError(
        "invalid_working_days",
        _("Enter a whole number of working days from %(min)d to %(max)d.")
        % {"min": MIN_WORKING_DAYS, "max": MAX_WORKING_DAYS},
        field=field,
        min=MIN_WORKING_DAYS,
        max=MAX_WORKING_DAYS,
    )


def parse_working_days(value: Any, *, field: str = "working_days") -> int:
    """An int from 1 to 365 (a string of ASCII digits is accepted); else `invalid_working_days`."""
    if isinstance(value, bool):
        raise _invalid_working_days(field)
    if isinstance(value, int):
        n = value
    elif isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        n = int(value.strip())
    else:
        raise _invalid_working_days(field)
    if not MIN_WORKING_DAYS <= n <= MAX_WORKING_DAYS:
        raise _invalid_working_days(field)
    return n


def parse_date_input(value: Any, *, field: str = "date") -> date:
    """A date from `YYYY-MM-DD` (or a date); else `invalid_date` naming `field`."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and len(value.strip()) <= _MAX_INPUT_LENGTH:
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise DomainError(
        "invalid_date", _("Enter a date as YYYY-MM-DD, e.g. 2027-10-01."), field=field
    )


def parse_year_input(value: Any, *, field: str = "year") -> int:
    """A year from 1 to 9999; else `invalid_year` naming `field`."""
    text = value.strip() if isinstance(value, str) else value
    if isinstance(text, str) and _INTEGER.fullmatch(text):
        text = int(text)
    if isinstance(text, int) and not isinstance(text, bool) and 1 <= text <= 9999:
        return text
    raise DomainError(
        "invalid_year", _("Enter a year from 1 to 9999."), field=field, min=1, max=9999
    )


# --- the legal rule ----------------------------------------------------------------------------


def _out_of_range() -> DomainError:
    return DomainError(
        "out_of_range",
        _("The deadline would fall outside the supported dates (years 1 to 9999)."),
        field="start",
    )


def add_working_days(start: datetime, n: int, *, calendar_version: int | None = None) -> Deadline:
    """The deadline `n` working days after `start` (see the module docstring for the rule).

    One cheap statement (the calendar's version) unless the caller read `calendar_version`
    already (`VERSION_SQL` in one of its own statements); the overrides and completed years
    come from the process's copy of that version (loaded once per change of the calendar).
    """
    n = parse_working_days(n)
    local = parse_datetime_input(start)
    snapshot = _calendar(calendar_version)
    overrides = snapshot.overrides
    current = local.date()
    remaining = n
    while True:
        if current == date.max:
            raise _out_of_range()
        current += timedelta(days=1)
        working = overrides.get(current)
        if working is None:
            working = bundled_working_day(current)
        if working:
            remaining -= 1
            if remaining == 0:
                end = datetime.combine(current, END_OF_DAY, tzinfo=TZ)
                known = all(
                    bundled_year_known(year) or year in snapshot.completed
                    for year in range(local.year, current.year + 1)
                )
                return Deadline(deadline=end, calendar_known=known)


def deadline_for(start: Any, working_days: Any) -> Deadline:
    """Parse the two inputs as the API, the page and the CLI receive them, and apply the rule."""
    errors: list[DomainError] = []
    parsed_start: datetime | None = None
    parsed_n: int | None = None
    try:
        parsed_start = parse_datetime_input(start, field="start")
    except DomainError as exc:
        errors.append(exc)
    try:
        parsed_n = parse_working_days(working_days, field="working_days")
    except DomainError as exc:
        errors.append(exc)
    if errors:
        raise errors[0]
    assert parsed_start is not None and parsed_n is not None
    return add_working_days(parsed_start, parsed_n)


def years_spanned(start: datetime, deadline: datetime) -> set[int]:
    """The years from `start`'s local date to `deadline`'s: a recompute for any of these years
    may move this deadline."""
    return set(range(to_local(start).year, to_local(deadline).year + 1))


@dataclass(frozen=True)
class YearSummary:
    year: int
    known: bool
    bundled: bool
    complete: bool
    days_off: list[date]  # Monday–Friday days that are not working days
    make_up_days: list[date]  # Saturdays and Sundays that are working days (调休)
    overrides: list[Any]  # active CalendarOverride rows of the year

    def as_json(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "calendar_known": self.known,
            "bundled": self.bundled,
            "complete": self.complete,
            "days_off": [d.isoformat() for d in self.days_off],
            "make_up_days": [d.isoformat() for d in self.make_up_days],
            "overrides": [
                {"date": o.date.isoformat(), "is_working": o.is_working, "note": o.note}
                for o in self.overrides
            ],
        }


def year_summary(year: int) -> YearSummary:
    """Every exception to Monday–Friday in `year`, after overrides (two queries)."""
    from govmall.core.models import CalendarOverride, CalendarYear

    year = parse_year_input(year)
    first, last = date(year, 1, 1), date(year, 12, 31)
    rows = list(
        CalendarOverride.objects.filter(active=True, date__gte=first, date__lte=last).order_by(
            "date"
        )
    )
    overrides = {o.date: o.is_working for o in rows}
    days_off: list[date] = []
    make_up: list[date] = []
    day = first
    while True:
        working = overrides.get(day)
        if working is None:
            working = bundled_working_day(day)
        weekend = day.weekday() >= 5
        if weekend and working:
            make_up.append(day)
        elif not weekend and not working:
            days_off.append(day)
        if day == last:
            break
        day += timedelta(days=1)
    bundled = bundled_year_known(year)
    complete = CalendarYear.objects.filter(year=year, complete=True).exists()
    return YearSummary(
        year=year,
        known=bundled or complete,
        bundled=bundled,
        complete=complete,
        days_off=days_off,
        make_up_days=make_up,
        overrides=rows,
    )
