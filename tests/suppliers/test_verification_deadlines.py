"""Deadlines over time: recomputed when a year becomes known or an override changes; overdue is
a query; the tick job notifies the owner once per overdue application."""

from __future__ import annotations

from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
import time_machine

from govmall.audit.models import Event
from govmall.core.deadlines import registered
from govmall.core.models import Notification
from govmall.core.services_calendar import calendar_override_set, calendar_year_mark_complete
from govmall.core.tick import run_tick
from govmall.suppliers import deadlines
from govmall.suppliers.selectors_verification import overdue_applications
from govmall.suppliers.services_verification import application_approve
from tests.factories import make_user, regional_operator_admin
from tests.suppliers.verification_helpers import (
    reviewer,
    setup_operators,
    submitted,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
CST = dt_timezone(timedelta(hours=8))


@pytest.fixture(autouse=True)
def _registered():
    deadlines.register()
    deadlines.register()  # twice: no effect
    assert registered().count(deadlines.recompute_verification_deadlines) == 1


def test_unknown_year_then_marked_complete_recomputes_the_deadline():
    setup_operators()
    with time_machine.travel(datetime(2026, 12, 30, 10, 0, tzinfo=CST), tick=False):
        _s, _a, application = submitted()
    assert application.deadline == datetime(2027, 1, 1, 23, 59, 59, tzinfo=CST)
    assert application.deadline_calendar_known is False
    with time_machine.travel(datetime(2026, 10, 20, 10, 0, tzinfo=CST), tick=False):
        _s2, _a2, unaffected = submitted()
    regional = regional_operator_admin()
    calendar_override_set(actor=regional, date="2027-01-01", is_working=False, note="元旦")
    application.refresh_from_db()
    assert application.deadline == datetime(2027, 1, 4, 23, 59, 59, tzinfo=CST)
    assert application.deadline_calendar_known is False
    calendar_year_mark_complete(actor=regional, year=2027)
    application.refresh_from_db()
    assert application.deadline == datetime(2027, 1, 4, 23, 59, 59, tzinfo=CST)
    assert application.deadline_calendar_known is True
    events = Event.objects.filter(
        object_type="suppliers.application",
        object_id=str(application.pk),
        action="application.deadline_recomputed",
    ).order_by("seq")
    assert [e.after for e in events] == [
        {
            "deadline": "2027-01-04T23:59:59+08:00",
            "deadline_calendar_known": False,
            "years": [2027],
        },
        {
            "deadline": "2027-01-04T23:59:59+08:00",
            "deadline_calendar_known": True,
            "years": [2027],
        },
    ]
    assert events[0].actor == regional
    assert not Event.objects.filter(
        object_id=str(unaffected.pk), action="application.deadline_recomputed"
    ).exists()


def test_decided_applications_are_not_recomputed():
    _centre, city = setup_operators()
    with time_machine.travel(datetime(2026, 12, 30, 10, 0, tzinfo=CST), tick=False):
        _s, _a, application = submitted()
    application_approve(actor=reviewer(city), number=application.number)
    calendar_year_mark_complete(actor=regional_operator_admin(), year=2027)
    application.refresh_from_db()
    assert application.deadline_calendar_known is False


def test_overdue_is_a_query_and_the_owner_is_notified_once():
    _centre, city = setup_operators()
    city_reviewer = reviewer(city)
    with time_machine.travel(datetime(2026, 9, 30, 10, 0, tzinfo=CST), tick=False):
        _s, _a, late = submitted()
    with time_machine.travel(datetime(2026, 10, 9, 10, 0, tzinfo=CST), tick=False):
        _s, _a, fresh = submitted()
        assert list(overdue_applications()) == []
    Notification.objects.all().delete()
    with time_machine.travel(datetime(2026, 10, 10, 0, 0, 1, tzinfo=CST), tick=False):
        assert list(overdue_applications()) == [late]
        assert deadlines.overdue_notification_job() == "1 overdue applications notified"
        assert deadlines.overdue_notification_job() == "0 overdue applications notified"
    notes = Notification.objects.filter(verb="application.overdue")
    assert [n.recipient for n in notes] == [city_reviewer]
    assert notes[0].message == (
        f"Application {late.number} of {late.supplier.organisation.name} is overdue: "
        "its deadline was 2026-10-09 23:59."
    )
    marks = Event.objects.filter(action="application.overdue_notified")
    assert [m.object_id for m in marks] == [str(late.pk)]
    assert fresh.pk not in [int(m.object_id) for m in marks]


def test_tick_runs_the_overdue_job():
    setup_operators()
    with time_machine.travel(datetime(2026, 9, 30, 10, 0, tzinfo=CST), tick=False):
        submitted()
    make_user("operator_reviewer", org=setup_operators()[1])
    with time_machine.travel(datetime(2026, 10, 12, 9, 0, tzinfo=CST), tick=False):
        results = dict((path, (ok, summary)) for path, ok, summary in run_tick())
    assert results["govmall.suppliers.deadlines.overdue_notification_job"] == (
        True,
        "1 overdue applications notified",
    )


def test_marking_the_last_supported_year_complete_is_fine():
    from govmall.core.services_calendar import calendar_year_mark_complete
    from tests.factories import regional_operator_admin

    row = calendar_year_mark_complete(actor=regional_operator_admin(), year=9999)
    assert row.complete
