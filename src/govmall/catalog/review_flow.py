"""The pieces the listing and review services share: the listing state machine, running the
rules engine on one listing or revision and recording its review, applying a revision, the
before/after of changed content, and keeping the search table in step.

Everything here runs inside the calling service's transaction, on rows it has locked.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from govmall.accounts.access import owning_operator
from govmall.accounts.models import Organisation, User
from govmall.accounts.roles import Role
from govmall.audit.services import record_event
from govmall.catalog.content import candidate_for, storage_fields
from govmall.catalog.models import (
    Listing,
    ListingReview,
    ListingRevision,
    ListingState,
    ReviewOutcome,
    RevisionState,
    RuleSet,
)
from govmall.catalog.types import CONTENT_FIELDS, ListingData, Verdict
from govmall.core.calendar import add_working_days
from govmall.core.errors import InvalidTransition
from govmall.core.notify import notify

S = ListingState

# Listing states and where each may go. A submit reviews at once and lands on listed, rejected
# or pending (manual review); an edit of a rejected listing makes it a draft again; an
# operator's decision ends pending; the supplier delists, the operator suspends and
# reinstates. A suspended listing goes back to listed only by the operator's reinstatement: the
# supplier cannot delist it (delisting and resubmitting would bypass the suspension).
TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.PENDING, S.LISTED, S.REJECTED}),
    S.REJECTED: frozenset({S.DRAFT, S.PENDING, S.LISTED, S.REJECTED}),
    S.PENDING: frozenset({S.LISTED, S.REJECTED}),
    S.LISTED: frozenset({S.DELISTED, S.SUSPENDED}),
    S.SUSPENDED: frozenset({S.LISTED}),
    S.DELISTED: frozenset({S.PENDING, S.LISTED, S.REJECTED}),
}
# Where a listing may be submitted from, edited in place from.
SUBMITTABLE = frozenset({S.DRAFT, S.REJECTED, S.DELISTED})
EDITABLE_IN_PLACE = frozenset({S.DRAFT, S.REJECTED, S.DELISTED})

OUTCOME_STATE = {
    ReviewOutcome.PASSED: S.LISTED,
    ReviewOutcome.REJECTED: S.REJECTED,
    ReviewOutcome.MANUAL: S.PENDING,
}
MANUAL_REVIEW_WORKING_DAYS = 1


def invalid_transition(listing: Listing, action: str) -> InvalidTransition:
    return InvalidTransition(
        _("Listing %(number)s is %(state)s: it cannot be %(action)s now.")
        % {
            "number": listing.number,
            "state": ListingState(listing.state).label,
            "action": action,
        },
        state=listing.state,
        action=action,
    )


def require_transition(listing: Listing, target: str, action: str) -> None:
    if target not in TRANSITIONS.get(listing.state, frozenset()):
        raise invalid_transition(listing, action)


# --- content ----------------------------------------------------------------------------------


def event_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Content fields for an event or a comparison: the category as its code."""
    out = dict(fields)
    category = out.get("category")
    if category is not None and not isinstance(category, str):
        out["category"] = category.code
    return json.loads(json.dumps(out, cls=DjangoJSONEncoder, ensure_ascii=False))


def row_fields(row: Listing | ListingRevision) -> dict[str, Any]:
    fields = {name: getattr(row, name) for name in CONTENT_FIELDS}
    fields["key_signature"] = row.key_signature
    return fields


def content_diff(old: dict[str, Any], new: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """before/after of the fields that differ (compared in their JSON form)."""
    a, b = event_fields(old), event_fields(new)
    changed = [k for k in b if a.get(k) != b.get(k)]
    return {k: a.get(k) for k in changed}, {k: b[k] for k in changed}


def apply_fields(row: Listing | ListingRevision, fields: dict[str, Any]) -> list[str]:
    for name, value in fields.items():
        setattr(row, name, value)
    return list(fields)


# --- reviews ----------------------------------------------------------------------------------


def run_review(
    data: ListingData, *, supplier_id: int, listing_id: int | None
) -> tuple[RuleSet, Verdict]:
    from govmall.catalog.rules import engine

    ruleset = engine.current_ruleset()
    candidate = candidate_for(data, supplier_id=supplier_id, listing_id=listing_id)
    [verdict] = engine.review([candidate], ruleset)
    return ruleset, verdict


def results_json(verdict: Verdict) -> list[dict[str, Any]]:
    return json.loads(
        json.dumps(
            [r.as_json() for r in verdict.results], cls=DjangoJSONEncoder, ensure_ascii=False
        )
    )


def deciders(operator: Organisation) -> QuerySet[User]:
    return User.objects.filter(
        organisation=operator,
        is_active=True,
        roles__role__in=[Role.OPERATOR_REVIEWER, Role.OPERATOR_ADMIN],
    ).distinct()


def record_review(
    *,
    listing: Listing,
    revision: ListingRevision | None,
    ruleset: RuleSet,
    verdict: Verdict,
    now: datetime,
) -> ListingReview:
    """The ListingReview row; a manual one gets its owning operator and deadline (1 working
    day) and the operator's deciders are notified."""
    review = ListingReview(
        listing=listing,
        revision=revision,
        ruleset=ruleset,
        outcome=verdict.outcome,
        results=results_json(verdict),
        created_at=now,
    )
    if verdict.outcome == ReviewOutcome.MANUAL:
        operator = owning_operator(listing.supplier.organisation.division)
        review.operator = operator
        review.deadline = add_working_days(now, MANUAL_REVIEW_WORKING_DAYS).deadline
    review.save()
    if review.operator is not None:
        from django.urls import reverse

        try:
            link = reverse("catalog:review_detail", args=[review.pk])
        except Exception:  # the page may not be wired in every deployment
            link = ""
        what = _("a change of listing") if revision is not None else _("listing")
        notify(
            deciders(review.operator),
            verb="listing.review_queued",
            message=_("%(what)s %(number)s (%(title)s) needs a manual review.")
            % {"what": what, "number": listing.number, "title": listing.title},
            link=link,
        )
    return review


def review_summary(review: ListingReview) -> dict[str, Any]:
    return {
        "review": review.pk,
        "outcome": review.outcome,
        "ruleset_version": review.ruleset.version,
        "failures": [r["code"] for r in review.results if r.get("status") == "fail"],
    }


# --- revisions --------------------------------------------------------------------------------


def pending_revision(listing: Listing) -> ListingRevision | None:
    return (
        ListingRevision.objects.select_for_update(of=("self",))
        .filter(listing=listing, state=RevisionState.PENDING)
        .first()
    )


def withdraw_pending_revision(
    listing: Listing, *, actor: User | None, now: datetime, why: str
) -> ListingRevision | None:
    revision = pending_revision(listing)
    if revision is None:
        return None
    revision.state = RevisionState.WITHDRAWN
    revision.closed_at = now
    revision.save(update_fields=["state", "closed_at"])
    record_event(
        obj=listing,
        action="listing.revision_withdrawn",
        actor=actor,
        before={"revision": revision.pk, "revision_state": RevisionState.PENDING},
        after={"revision": revision.pk, "revision_state": RevisionState.WITHDRAWN, "why": why},
    )
    return revision


def apply_revision(
    listing: Listing,
    revision: ListingRevision,
    *,
    actor: User | None,
    now: datetime,
    review: ListingReview,
) -> None:
    """Copy the revision's content onto the (locked, listed) listing; search synced."""
    old = row_fields(listing)
    new = row_fields(revision)
    before, after = content_diff(old, new)
    apply_fields(listing, new)
    listing.updated_at = now
    listing.save(update_fields=[*new, "updated_at"])
    revision.state = RevisionState.APPLIED
    revision.closed_at = now
    revision.save(update_fields=["state", "closed_at"])
    record_event(
        obj=listing,
        action="listing.revision_applied",
        actor=actor,
        before=before,
        after={**after, "revision": revision.pk, "review": review.pk},
    )
    sync([listing.pk])


def reject_revision(
    listing: Listing,
    revision: ListingRevision,
    *,
    actor: User | None,
    now: datetime,
    review: ListingReview,
    reasons: str = "",
) -> None:
    revision.state = RevisionState.REJECTED
    revision.closed_at = now
    revision.save(update_fields=["state", "closed_at"])
    after: dict[str, Any] = {
        "revision": revision.pk,
        "revision_state": RevisionState.REJECTED,
        **review_summary(review),
    }
    if reasons:
        after["reasons"] = reasons
    record_event(
        obj=listing,
        action="listing.revision_rejected",
        actor=actor,
        before={"revision": revision.pk, "revision_state": RevisionState.PENDING},
        after=after,
    )


def new_revision(
    listing: Listing, data: ListingData, *, actor: User | None, now: datetime
) -> ListingRevision:
    return ListingRevision.objects.create(
        listing=listing,
        created_by=actor,
        created_at=now,
        state=RevisionState.PENDING,
        **storage_fields(data),
    )


# --- queue ------------------------------------------------------------------------------------


def open_manual_reviews() -> QuerySet[ListingReview]:
    """Manual reviews still waiting for a decision whose subject is still waiting too (a
    listing still pending, or a revision still pending)."""
    return ListingReview.objects.filter(
        outcome=ReviewOutcome.MANUAL, decided_at__isnull=True
    ).filter(
        Q(revision__isnull=True, listing__state=ListingState.PENDING)
        | Q(revision__state=RevisionState.PENDING)
    )


# --- search -----------------------------------------------------------------------------------


def sync(ids: list[int]) -> None:
    from govmall.catalog.search import index

    index.sync_listings(ids)
