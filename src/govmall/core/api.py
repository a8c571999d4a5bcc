"""Core API: the working-day calendar.

Reads are public; writes (overrides, marking a year complete) are for operator admins of the
regional centre. Every refusal is a `DomainError` in the one error shape.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema, Status

from govmall.accounts.access import request_user
from govmall.core import calendar
from govmall.core.services_calendar import (
    calendar_override_remove,
    calendar_override_set,
    calendar_year_mark_complete,
)

router = Router(tags=["calendar"])


class DeadlineOut(Schema):
    deadline: str
    calendar_known: bool


class OverrideOut(Schema):
    date: str
    is_working: bool
    note: str


class YearOut(Schema):
    year: int
    calendar_known: bool
    bundled: bool
    complete: bool
    days_off: list[str]
    make_up_days: list[str]
    overrides: list[OverrideOut]


class OverrideIn(Schema):
    date: str
    is_working: bool
    note: str = ""


class OverrideRemovedOut(Schema):
    date: str
    removed: bool


class ErrorDetail(Schema):
    code: str
    message: str
    details: dict


class ErrorOut(Schema):
    error: ErrorDetail


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


@router.get(
    "/calendar/deadline",
    auth=None,
    response={200: DeadlineOut, 400: ErrorOut, 422: ErrorOut},
    summary="Deadline N working days after a start",
)
def deadline(request: HttpRequest, start: str, working_days: str) -> dict:
    """The end (23:59:59 Asia/Shanghai) of the Nth working day after `start`'s local date.

    `start` is ISO 8601 (without a zone it means Asia/Shanghai); `working_days` is 1 to 365.
    `calendar_known` is false if a year in the period has no official schedule yet (Monday to
    Friday was assumed for it).
    """
    return calendar.deadline_for(start, working_days).as_json()


@router.get(
    "/calendar/years/{year}",
    auth=None,
    response={200: YearOut, 400: ErrorOut, 422: ErrorOut},
    summary="A year's days off, make-up working days and overrides",
)
def year_detail(request: HttpRequest, year: int) -> dict:
    """`days_off`: Monday–Friday days that are not working days; `make_up_days`: Saturdays and
    Sundays that are (调休); both after the region's overrides."""
    return calendar.year_summary(calendar.parse_year_input(year)).as_json()


@router.post(
    "/calendar/overrides",
    response={200: OverrideOut, 201: OverrideOut, **ERRORS},
    summary="Mark a date a working day or a day off (regional operator admins)",
)
def override_set(request: HttpRequest, payload: OverrideIn) -> Status:
    override, created = calendar_override_set(
        actor=request_user(request),
        date=payload.date,
        is_working=payload.is_working,
        note=payload.note,
    )
    body = {
        "date": override.date.isoformat(),
        "is_working": override.is_working,
        "note": override.note,
    }
    return Status(201 if created else 200, body)


@router.delete(
    "/calendar/overrides/{date}",
    response={200: OverrideRemovedOut, **ERRORS},
    summary="Remove a date's override (regional operator admins)",
)
def override_remove(request: HttpRequest, date: str) -> dict:
    override = calendar_override_remove(actor=request_user(request), date=date)
    return {"date": override.date.isoformat(), "removed": True}


@router.post(
    "/calendar/years/{year}/complete",
    response={200: YearOut, **ERRORS},
    summary="Mark a year's official schedule complete (regional operator admins)",
)
def year_mark_complete(request: HttpRequest, year: int) -> dict:
    calendar_year_mark_complete(actor=request_user(request), year=year)
    return calendar.year_summary(year).as_json()
