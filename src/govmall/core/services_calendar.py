"""Business verbs of the working-day calendar. Region-wide data: only operator admins of the
regional centre may call them. Each runs in one transaction, records its audit event and
recomputes the open deadlines of the years it touched before committing."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govmall.accounts.access import require_regional_operator_admin
from govmall.audit.services import record_event
from govmall.core import calendar
from govmall.core.calendar import parse_date_input, parse_year_input
from govmall.core.deadlines import recompute_open_deadlines
from govmall.core.errors import DomainError, NotFound
from govmall.core.models import CalendarOverride, CalendarYear
from govmall.core.text import clean_text

if TYPE_CHECKING:
    from govmall.accounts.models import User

NOTE_MAX_LENGTH = 200


def _clean_note(note: Any) -> str:
    return clean_text(
        note,
        field="note",
        limit=NOTE_MAX_LENGTH,
        required_message=_("Say why this day differs (e.g. the notice it comes from)."),
    )


def _clean_is_working(value: Any) -> bool:
    if not isinstance(value, bool):
        raise DomainError("invalid_choice", _("Choose working day or day off."), field="is_working")
    return value


def calendar_override_set(
    *, actor: User | None, date: date | str, is_working: bool, note: str
) -> tuple[CalendarOverride, bool]:
    """Mark `date` a working day or a day off for the whole region. Returns (override, created);
    setting what is already set changes nothing and records nothing."""
    actor = require_regional_operator_admin(actor)
    day = parse_date_input(date, field="date")
    is_working = _clean_is_working(is_working)
    note = _clean_note(note)
    with calendar.changing(), transaction.atomic():
        override = CalendarOverride.objects.select_for_update().filter(date=day).first()
        created = False
        if override is None:
            try:
                with transaction.atomic():
                    override = CalendarOverride.objects.create(
                        date=day, is_working=is_working, note=note
                    )
                created = True
            except IntegrityError:  # a concurrent writer created it first
                override = CalendarOverride.objects.select_for_update().get(date=day)
        before: dict[str, Any] = {}
        after: dict[str, Any] = {"date": day, "is_working": is_working, "note": note}
        if not created:
            assert override is not None
            was_active = override.active
            if was_active and (override.is_working, override.note) == (is_working, note):
                return override, False
            before = {"date": day, "active": False}
            if was_active:
                before = {"date": day, "is_working": override.is_working, "note": override.note}
            override.is_working, override.note, override.active = is_working, note, True
            override.save(update_fields=["is_working", "note", "active"])
            created = not was_active
        record_event(
            obj=override, action="calendar.override_set", actor=actor, before=before, after=after
        )
        recompute_open_deadlines({day.year}, actor)
    return override, created


def calendar_override_remove(*, actor: User | None, date: date | str) -> CalendarOverride:
    """Remove the override of `date`: the day follows the State Council schedule again.

    The row stays (inactive) so its audit chain keeps its head."""
    actor = require_regional_operator_admin(actor)
    day = parse_date_input(date, field="date")
    with calendar.changing(), transaction.atomic():
        override = (
            CalendarOverride.objects.select_for_update().filter(date=day, active=True).first()
        )
        if override is None:
            raise NotFound(_("There is no override for this date."), field="date")
        before = {
            "date": day,
            "is_working": override.is_working,
            "note": override.note,
            "active": True,
        }
        override.active = False
        override.save(update_fields=["active"])
        record_event(
            obj=override,
            action="calendar.override_removed",
            actor=actor,
            before=before,
            after={"date": day, "active": False},
        )
        recompute_open_deadlines({day.year}, actor)
    return override


def calendar_year_mark_complete(*, actor: User | None, year: int | str) -> CalendarYear:
    """Record that `year`'s official schedule has been entered: the year becomes known and every
    open deadline touching it is recomputed. Marking a complete year again changes nothing."""
    actor = require_regional_operator_admin(actor)
    year = parse_year_input(year, field="year")
    with calendar.changing(), transaction.atomic():
        row = CalendarYear.objects.select_for_update().filter(year=year).first()
        if row is None:
            try:
                with transaction.atomic():
                    row = CalendarYear.objects.create(year=year)
            except IntegrityError:  # a concurrent writer created it first
                row = CalendarYear.objects.select_for_update().get(year=year)
        if row.complete:
            return row
        now = timezone.now()
        row.complete, row.marked_by, row.marked_at = True, actor, now
        row.save(update_fields=["complete", "marked_by", "marked_at"])
        record_event(
            obj=row,
            action="calendar.year_marked_complete",
            actor=actor,
            before={"year": year, "complete": False},
            after={"year": year, "complete": True, "marked_at": now},
        )
        recompute_open_deadlines({year}, actor)
    return row
