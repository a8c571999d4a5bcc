"""Reads of verification: the profile vocabulary, screening, the operator's queue sorted by
deadline with time left (working-day aware), what operators above see, an application's history.

The queue page costs a fixed number of queries whatever the number of rows: one for the page's
rows (with supplier, organisation, division and owner joined), one count, one aggregate for the
tab counts and one for the calendar overrides spanning the rows' deadlines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from govmall.accounts.models import Division, Organisation, User
from govmall.accounts.roles import OrgKind, Role
from govmall.core.calendar import TZ, bundled_working_day
from govmall.core.errors import DomainError, PermissionDenied
from govmall.core.models import CalendarOverride
from govmall.core.text import clean_text
from govmall.suppliers.codes import validate_credit_code
from govmall.suppliers.credit import active_hits
from govmall.suppliers.models import (
    SUPPLIER_FIELDS,
    Application,
    ApplicationStatus,
    Supplier,
    SupplierSize,
    SupplierStatus,
    SupplierType,
)

PAGE_SIZE = 50

# The supplier fields an application snapshots (with the organisation's name and division).
PROFILE_FIELDS = ("name", "division", *SUPPLIER_FIELDS)
# A return gives reasons per field of the profile, or for the documents.
REASON_FIELDS = (*PROFILE_FIELDS, "documents")
# Key data an active supplier changes through verification.
CHANGE_FIELDS = ("name", "credit_code", "legal_representative")
REASON_MAX_LENGTH = 1000
SUBMITTABLE = (SupplierStatus.DRAFT, SupplierStatus.RETURNED, SupplierStatus.REJECTED)

FIELD_LABELS = {
    "name": gettext_lazy("Name"),
    "division": gettext_lazy("Registered division"),
    "credit_code": gettext_lazy("Unified social credit code"),
    "supplier_type": gettext_lazy("Type"),
    "size": gettext_lazy("Size"),
    "legal_representative": gettext_lazy("Legal representative"),
    "contact_name": gettext_lazy("Contact person"),
    "contact_phone": gettext_lazy("Contact phone"),
    "contact_email": gettext_lazy("Contact email"),
    "address": gettext_lazy("Address"),
    "business_scope": gettext_lazy("Business scope"),
    "intended_categories": gettext_lazy("Categories to sell"),
    "service_outlets": gettext_lazy("Service outlets"),
    "hotline_hours": gettext_lazy("Hotline hours"),
    "documents": gettext_lazy("Qualification documents"),
    "_general": gettext_lazy("Reason"),
}

TABS = ("pending", "overdue", "returned", "decided")
DECIDED = (ApplicationStatus.APPROVED, ApplicationStatus.REJECTED)


# ---- links, snapshot, screening, recipients ---------------------------------------------


def link(name: str, *args: Any, fallback: str) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return fallback


def application_link(application: Application) -> str:
    return link(
        "suppliers:application",
        application.number,
        fallback=f"/suppliers/applications/{application.number}/",
    )


def profile_snapshot(supplier: Supplier) -> dict[str, Any]:
    org = supplier.organisation
    data: dict[str, Any] = {"name": org.name, "division": org.division_id}
    for name in SUPPLIER_FIELDS:
        data[name] = getattr(supplier, name)
    return data


def screening_entries(*codes: str) -> list[dict[str, Any]]:
    """The in-force credit-list entries on any of `codes`, as recorded in an application."""
    entries: list[dict[str, Any]] = []
    for code in dict.fromkeys(c for c in codes if c):
        for entry in active_hits(code).order_by("list_type", "listed_date", "id"):
            entries.append(
                {
                    "entry_id": entry.pk,
                    "list_type": entry.list_type,
                    "credit_code": entry.credit_code,
                    "name": entry.name,
                    "reason": entry.reason,
                    "source": entry.source,
                    "listed_date": entry.listed_date.isoformat(),
                    "expiry_date": entry.expiry_date.isoformat() if entry.expiry_date else None,
                }
            )
    return entries


def owner_users(owner: Organisation) -> QuerySet[User]:
    """Those who decide the owner's queue: its operator reviewers and admins."""
    return User.objects.filter(
        organisation=owner,
        is_active=True,
        roles__role__in=[Role.OPERATOR_REVIEWER, Role.OPERATOR_ADMIN],
    ).distinct()


def supplier_admins(supplier: Supplier) -> QuerySet[User]:
    return User.objects.filter(
        organisation_id=supplier.organisation_id, is_active=True, roles__role=Role.SUPPLIER_ADMIN
    ).distinct()


# ---- overdue and time left ------------------------------------------------------------------


def overdue_applications(now: datetime | None = None) -> QuerySet[Application]:
    """Pending applications past their deadline: a query, never a stored flag."""
    return Application.objects.filter(
        status=ApplicationStatus.PENDING, deadline__lt=now or timezone.now()
    )


def is_overdue(application: Application, now: datetime | None = None) -> bool:
    return application.status == ApplicationStatus.PENDING and application.deadline < (
        now or timezone.now()
    )


def working_overrides(first: date, last: date) -> dict[date, bool]:
    """The region's active overrides from `first` to `last`, in one query."""
    if last < first:
        return {}
    return dict(
        CalendarOverride.objects.filter(active=True, date__gte=first, date__lte=last).values_list(
            "date", "is_working"
        )
    )


def working_seconds(start: datetime, end: datetime, overrides: dict[date, bool]) -> int:
    """Seconds from `start` to `end` that fall on working days (Asia/Shanghai)."""
    start, end = start.astimezone(TZ), end.astimezone(TZ)
    total = 0.0
    day = start.date()
    while day <= end.date():
        working = overrides.get(day)
        if working is None:
            working = bundled_working_day(day)
        if working:
            day_start = datetime.combine(day, datetime.min.time(), tzinfo=TZ)
            lo = max(start, day_start)
            hi = min(end, day_start + timedelta(days=1))
            if hi > lo:
                total += (hi - lo).total_seconds()
        day += timedelta(days=1)
    return int(total)


def _duration(seconds: int) -> str:
    days, rest = divmod(max(seconds, 0), 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        text = ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
        if hours:
            text += " " + ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
        return text
    if hours:
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}


def time_left_text(
    deadline: datetime, now: datetime, overrides: dict[date, bool] | None = None
) -> str:
    """ "剩余 1 天 3 小时" (working time left) or "已超期 2 小时" (clock time past the deadline)."""
    if deadline < now:
        return _("%(time)s overdue") % {"time": _duration(int((now - deadline).total_seconds()))}
    if overrides is None:
        overrides = working_overrides(now.astimezone(TZ).date(), deadline.astimezone(TZ).date())
    return _("%(time)s left") % {"time": _duration(working_seconds(now, deadline, overrides))}


@dataclass
class QueueRow:
    application: Application
    overdue: bool
    time_left: str


@dataclass
class QueuePage:
    tab: str
    rows: list[QueueRow]
    page: Page
    counts: dict[str, int]


# ---- the queue ------------------------------------------------------------------------------


def require_operator(actor: User) -> Organisation:
    org = actor.organisation
    if (
        org is None
        or org.kind != OrgKind.OPERATOR
        or not actor.has_role(Role.OPERATOR_REVIEWER, Role.OPERATOR_ADMIN)
    ):
        raise PermissionDenied(_("The verification queue is for operator reviewers and admins."))
    return org


def _base() -> QuerySet[Application]:
    return Application.objects.select_related("supplier__organisation__division", "owner").defer(
        "data", "document_ids", "reasons"
    )


def _filter_tab(qs: QuerySet[Application], tab: str, now: datetime) -> QuerySet[Application]:
    if tab == "overdue":
        return qs.filter(status=ApplicationStatus.PENDING, deadline__lt=now).order_by(
            "deadline", "id"
        )
    if tab == "returned":
        return qs.filter(status=ApplicationStatus.RETURNED).order_by("-decided_at", "-id")
    if tab == "decided":
        return qs.filter(status__in=DECIDED).order_by("-decided_at", "-id")
    return qs.filter(status=ApplicationStatus.PENDING).order_by("deadline", "id")


def _paged(qs: QuerySet[Application], tab: str, page: Any, now: datetime) -> QueuePage:
    paginator = Paginator(qs, PAGE_SIZE)
    current = paginator.get_page(page)
    apps: list[Application] = list(current.object_list)
    pending_deadlines = [
        a.deadline for a in apps if a.status == ApplicationStatus.PENDING and a.deadline >= now
    ]
    overrides = (
        working_overrides(now.astimezone(TZ).date(), max(pending_deadlines).astimezone(TZ).date())
        if pending_deadlines
        else {}
    )
    rows = []
    for app in apps:
        pending = app.status == ApplicationStatus.PENDING
        rows.append(
            QueueRow(
                application=app,
                overdue=pending and app.deadline < now,
                time_left=time_left_text(app.deadline, now, overrides) if pending else "",
            )
        )
    return QueuePage(tab=tab, rows=rows, page=current, counts={})


def _counts(qs: QuerySet[Application], now: datetime) -> dict[str, int]:
    counts = qs.filter(status=ApplicationStatus.PENDING).aggregate(
        pending=Count("id"), overdue=Count("id", filter=Q(deadline__lt=now))
    )
    return {"pending": counts["pending"] or 0, "overdue": counts["overdue"] or 0}


def queue_for_operator(
    actor: User,
    *,
    status: str = "pending",
    overdue_only: bool = False,
    page: Any = 1,
    now: datetime | None = None,
) -> QueuePage:
    """The applications the actor's operator owns: `status` is a tab (pending, overdue,
    returned, decided); pending ones sorted by deadline."""
    org = require_operator(actor)
    now = now or timezone.now()
    tab = "overdue" if overdue_only else (status if status in TABS else "pending")
    owned = Application.objects.filter(owner=org)
    result = _paged(_filter_tab(_base().filter(owner=org), tab, now), tab, page, now)
    result.counts = _counts(owned, now)
    return result


def jurisdiction_filter(org: Organisation) -> Q:
    if org.division_id == settings.GOVMALL_REGIONAL_CENTRE_DIVISION:
        return Q()
    return Q(supplier__organisation__division__path__startswith=org.division.path)


def visible_applications(actor: User) -> QuerySet[Application]:
    """Applications in the actor's jurisdiction that another operator owns (seen, not decided
    here); the regional centre sees the whole region."""
    org = require_operator(actor)
    return _base().filter(jurisdiction_filter(org)).exclude(owner=org)


def jurisdiction_queue(
    actor: User, *, status: str = "pending", page: Any = 1, now: datetime | None = None
) -> QueuePage:
    now = now or timezone.now()
    tab = status if status in TABS else "pending"
    return _paged(_filter_tab(visible_applications(actor), tab, now), tab, page, now)


# ---- one application ------------------------------------------------------------------------


def application_history(application: Application) -> list[Application]:
    """Every application of the same supplier, newest first (one query)."""
    return list(
        Application.objects.filter(supplier_id=application.supplier_id)
        .select_related("decided_by")
        .defer("data", "document_ids")
        .order_by("-submitted_at", "-id")
    )


def data_rows(application: Application) -> list[dict[str, Any]]:
    """The submitted profile as (field, label, value, old value if changed) rows."""
    data = application.data or {}
    changes = data.get("changes") or {}
    rows = []
    for name in PROFILE_FIELDS:
        rows.append(
            {
                "field": name,
                "label": FIELD_LABELS[name],
                "value": _display(name, data.get(name, "")),
                "changed": name in changes,
                "old": _display(name, changes.get(name, {}).get("old", "")),
            }
        )
    return rows


def _display(name: str, value: Any) -> Any:
    """A snapshot value as people read it: labels for choices, the division's name."""
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    choices = {"supplier_type": SupplierType, "size": SupplierSize}.get(name)
    if choices is not None and value in choices.values:
        return choices(value).label
    if name == "division" and value:
        division = Division.objects.filter(code=value).first()
        return f"{value} {division.name_zh}" if division else value
    return value


# ---- validation of what is submitted and decided -------------------------------------------


def clean_change(supplier: Supplier, data: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(data) - set(CHANGE_FIELDS))
    if unknown:
        raise DomainError(
            "invalid_field",
            _("Only the name, credit code and legal representative change this way."),
            field=unknown[0],
            fields=unknown,
        )
    current = profile_snapshot(supplier)
    cleaned: dict[str, Any] = {}
    for name in CHANGE_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if not isinstance(value, str) or not value.strip():
            raise DomainError("required", _("This field is required."), field=name)
        value = value.strip()
        if name == "credit_code":
            value = validate_credit_code(value, supplier.supplier_type)
        limit = {"name": 200, "credit_code": 18, "legal_representative": 100}[name]
        if len(value) > limit:
            raise DomainError(
                "too_long",
                _("At most %(limit)d characters.") % {"limit": limit},
                field=name,
                limit=limit,
            )
        if value != current[name]:
            cleaned[name] = value
    check_unique(supplier, cleaned)
    return cleaned


def check_unique(supplier: Supplier, changes: dict[str, Any]) -> None:
    code = changes.get("credit_code")
    if code and Supplier.objects.filter(credit_code=code).exclude(pk=supplier.pk).exists():
        raise DomainError(
            "credit_code_taken",
            _("Another supplier is registered with this credit code."),
            field="credit_code",
        )
    name = changes.get("name")
    org = supplier.organisation
    if name and Organisation.objects.filter(kind=org.kind, name=name).exclude(pk=org.pk).exists():
        raise DomainError(
            "name_taken", _("Another supplier is registered with this name."), field="name"
        )


def clean_reason(text: Any, *, field: str) -> str:
    return clean_text(
        text,
        field=field,
        limit=REASON_MAX_LENGTH,
        required_code="reason_required",
        required_message=_("Write the reason."),
    )


def clean_reasons(reasons: Any) -> dict[str, str]:
    """Reasons per field for a return: at least one; each named field from the vocabulary."""
    if not isinstance(reasons, dict):
        raise DomainError("reasons_required", _("Give at least one reason."), field="reasons")
    cleaned: dict[str, str] = {}
    for name, text in reasons.items():
        if name not in REASON_FIELDS:
            raise DomainError(
                "invalid_reason_field",
                _("%(name)s is not a field of the application.") % {"name": str(name)[:40]},
                field="reasons",
                allowed=list(REASON_FIELDS),
            )
        cleaned[name] = clean_reason(text, field=name)
    if not cleaned:
        raise DomainError("reasons_required", _("Give at least one reason."), field="reasons")
    return cleaned
