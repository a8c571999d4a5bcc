"""Public home page and each role's home (workspace)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from govmall.accounts.access import SUPERVISORY_KINDS, jurisdiction_divisions, request_user
from govmall.accounts.models import Organisation, User
from govmall.accounts.roles import OrgKind
from govmall.audit.models import Checkpoint, Event
from govmall.audit.selectors import recent_events_for_organisation
from govmall.core.navigation import nav_items

RECENT_EVENTS = 20

WORKSPACE_TITLES: dict[str, Promise] = {
    OrgKind.SUPPLIER: _("Supplier workspace"),
    OrgKind.PURCHASER: _("Purchaser workspace"),
    OrgKind.OPERATOR: _("Operations management workspace"),
    OrgKind.REGULATOR: _("Supervision workspace"),
}


@dataclass(frozen=True)
class KindCount:
    kind: str
    label: str
    count: int


def organisation_counts() -> list[KindCount]:
    """How many organisations of each kind are registered (every kind listed, zero included)."""
    counts = dict(
        Organisation.objects.order_by()
        .values("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    return [
        KindCount(kind=str(kind), label=str(label), count=counts.get(kind, 0))
        for kind, label in OrgKind.choices
    ]


def public_home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/public_home.html",
        {
            "org_counts": organisation_counts(),
            "checkpoint_count": Checkpoint.objects.count(),
        },
    )


def recent_events(org: Organisation, limit: int = RECENT_EVENTS) -> list[Event]:
    """The organisation's newest audit events, newest first (the audit app's selector)."""
    return recent_events_for_organisation(org, limit)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    org = (
        Organisation.objects.select_related("division").filter(pk=user.organisation_id).first()
        if user.organisation_id is not None
        else None
    )
    members: list[User] = []
    events: list[Event] = []
    jurisdiction = None
    jurisdiction_size = 0
    if org is not None:
        members = list(org.users.prefetch_related("roles").order_by("id"))
        events = recent_events(org)
        if org.kind in SUPERVISORY_KINDS:
            jurisdiction = org.division
            # The divisions under it (the division itself not counted).
            jurisdiction_size = jurisdiction_divisions(user).count() - 1
    title = WORKSPACE_TITLES.get(org.kind, _("My workspace")) if org else _("My workspace")
    shortcuts = [
        item for item in nav_items(request) if item.key not in {"public_home", "workspace"}
    ]
    return render(
        request,
        "core/home.html",
        {
            "workspace_title": title,
            "organisation": org,
            "members": members,
            "events": events,
            "jurisdiction": jurisdiction,
            "jurisdiction_size": jurisdiction_size,
            "shortcuts": shortcuts,
        },
    )
