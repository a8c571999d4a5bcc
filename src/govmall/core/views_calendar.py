"""Calendar pages: the public deadline calculator and the regional centre's calendar management."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govmall.accounts.access import is_regional_operator_admin, request_user
from govmall.core import calendar
from govmall.core.errors import DomainError
from govmall.core.forms import add_domain_error
from govmall.core.models import CalendarYear
from govmall.core.services_calendar import (
    calendar_override_remove,
    calendar_override_set,
    calendar_year_mark_complete,
)


class DeadlineForm(forms.Form):
    start = forms.CharField(
        label=gettext_lazy("Start (date and time, Asia/Shanghai)"),
        max_length=64,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "step": "1"}),
    )
    working_days = forms.CharField(
        label=gettext_lazy("Working days"),
        max_length=12,
        widget=forms.NumberInput(attrs={"min": "1", "max": "365", "step": "1"}),
    )


class OverrideForm(forms.Form):
    date = forms.CharField(
        label=gettext_lazy("Date"), max_length=64, widget=forms.DateInput(attrs={"type": "date"})
    )
    is_working = forms.TypedChoiceField(
        label=gettext_lazy("The day is"),
        choices=[("0", gettext_lazy("a day off")), ("1", gettext_lazy("a working day"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)


class YearForm(forms.Form):
    year = forms.CharField(
        label=gettext_lazy("Year"),
        max_length=12,
        widget=forms.NumberInput(attrs={"min": "1", "max": "9999"}),
    )


def calculator(request: HttpRequest) -> HttpResponse:
    """Public: the deadline N working days after a start (GET, so a result can be linked)."""
    bound = "start" in request.GET or "working_days" in request.GET
    form = DeadlineForm(request.GET if bound else None)
    result: calendar.Deadline | None = None
    if bound and form.is_valid():
        try:
            result = calendar.deadline_for(
                form.cleaned_data["start"], form.cleaned_data["working_days"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
    context: dict[str, Any] = {"form": form, "result": result}
    if result is not None:
        # Formatted from the +08:00 value itself, so the page shows exactly what the API says.
        context["deadline_local"] = result.deadline.isoformat(sep=" ")[:19]
        context["deadline_date"] = result.deadline.date()
    return render(request, "core/calendar.html", context)


def _current_year() -> int:
    return timezone.localtime(timezone.now(), calendar.TZ).year


def _manage_url(year: int) -> str:
    return f"{reverse('calendar:manage')}?year={year}"


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    """Regional centre operator admins: overrides of a year, and marking the year complete."""
    actor = request_user(request)
    if not is_regional_operator_admin(actor):
        raise PermissionDenied
    year_form = YearForm(request.GET if "year" in request.GET else {"year": _current_year()})
    year = _current_year()
    if year_form.is_valid():
        try:
            year = calendar.parse_year_input(year_form.cleaned_data["year"])
        except DomainError as exc:
            add_domain_error(year_form, exc)

    override_form = OverrideForm()
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "set":
        override_form = OverrideForm(request.POST)
        if override_form.is_valid():
            data = override_form.cleaned_data
            try:
                override, _created = calendar_override_set(
                    actor=actor, date=data["date"], is_working=data["is_working"], note=data["note"]
                )
            except DomainError as exc:
                add_domain_error(override_form, exc)
            else:
                messages.success(
                    request,
                    _("Override for %(date)s saved.") % {"date": override.date.isoformat()},
                )
                return redirect(_manage_url(override.date.year))
    elif action == "remove":
        try:
            override = calendar_override_remove(actor=actor, date=request.POST.get("date", ""))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Override for %(date)s removed.") % {"date": override.date.isoformat()},
            )
            return redirect(_manage_url(override.date.year))
    elif action == "complete":
        try:
            row = calendar_year_mark_complete(actor=actor, year=request.POST.get("year", ""))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("The schedule of %(year)d is marked complete; open deadlines were recomputed.")
                % {"year": row.year},
            )
            return redirect(_manage_url(row.year))
    elif action is not None:
        messages.error(request, _("Unknown action."))

    context: dict[str, Any] = {
        "year_form": year_form,
        "override_form": override_form,
        "summary": calendar.year_summary(year),
        "year_row": CalendarYear.objects.filter(year=year).select_related("marked_by").first(),
        "previous_year": year - 1 if year > 1 else None,
        "next_year": year + 1 if year < 9999 else None,
    }
    return render(request, "core/calendar_manage.html", context)
