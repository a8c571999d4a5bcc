"""Applying a classified bulk plan in two steps around the audit writer:

- `build`: new listings, in-place edits, revisions and stock changes become objects collected
  by a `Writer`, with one ListingReview per reviewed row and one audit event per listing
  touched (new listings get their ids first: from the sequence on PostgreSQL, by their insert
  elsewhere);
- the caller records the events (`record_events_bulk(caller_writes_heads=True)`: the
  listings are locked or new, and the moved chain heads are set on the objects);
- `write`: the rows are written set-wise (`bulk_write`), each listing once, its chain head
  with it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.utils.translation import gettext as _

from govmall.accounts.access import owning_operator
from govmall.catalog.bulk_plan import (
    CREATED,
    REVISION_FROM_VERDICT,
    STATE_FROM_VERDICT,
    STORED_FIELDS,
    UNCHANGED,
    UPDATED,
    ItemOutcome,
    Row,
    changed,
    review_json,
)
from govmall.catalog.bulk_write import bulk_set, fast_insert, reserve_ids
from govmall.catalog.models import (
    Listing,
    ListingReview,
    ListingRevision,
    ListingState,
    ReviewOutcome,
    RevisionState,
    RuleSet,
)
from govmall.catalog.review_flow import deciders, results_json
from govmall.catalog.types import CONTENT_FIELDS
from govmall.core.numbers import next_numbers

if TYPE_CHECKING:
    from govmall.accounts.models import User
    from govmall.suppliers.models import Supplier

ACTION = "listing.bulk_upserted"
# The audit chain head on each listing row, written with the listing.
HEAD_FIELDS = ["audit_head", "audit_length"]


class Writer:
    """Collects the writes of one call and performs them set-wise."""

    def __init__(self, actor: User, supplier: Supplier, ruleset: RuleSet, now: datetime) -> None:
        self.actor = actor
        self.supplier = supplier
        self.ruleset = ruleset
        self.now = now
        self.new: list[tuple[Row, Listing]] = []
        self.updated: list[Listing] = []
        self.update_fields: set[str] = set()
        self.stock_only: list[Listing] = []
        self.revisions: list[tuple[Row, ListingRevision]] = []
        self.withdraw: list[int] = []
        self.reviews: list[tuple[Row, ListingReview]] = []
        self.events: list[tuple[Listing, str, dict[str, Any], dict[str, Any]]] = []
        self.sync: list[Listing] = []
        self.new_inserted = False  # new listings inserted to get their ids (not PostgreSQL)
        self._manual: tuple[Any, datetime] | None = None
        # PostgreSQL: COPY encodes Decimals and dates (DjangoJSONEncoder); SQLite's
        # bulk_create needs JSON-safe values.
        self._raw_results = connection.vendor == "postgresql"

    def manual_owner(self) -> tuple[Any, datetime]:
        """The owning operator of the supplier's division and the 1-working-day deadline."""
        if self._manual is None:
            from govmall.core.calendar import add_working_days

            operator = owning_operator(self.supplier.organisation.division)
            self._manual = (operator, add_working_days(self.now, 1).deadline)
        return self._manual

    def review_row(self, row: Row, listing: Listing, revision: ListingRevision | None) -> None:
        verdict = row.verdict
        assert verdict is not None
        review = ListingReview(
            listing=listing,
            revision=revision,
            ruleset=self.ruleset,
            outcome=verdict.outcome,
            results=[r.as_json() for r in verdict.results]
            if self._raw_results
            else results_json(verdict),
            created_at=self.now,
        )
        if verdict.outcome == ReviewOutcome.MANUAL:
            review.operator, review.deadline = self.manual_owner()
        self.reviews.append((row, review))


def build(writer: Writer, rows: list[Row], outcomes: list[ItemOutcome | None]) -> None:
    """Turn the classified rows into objects, reviews and events; every row gets its outcome.
    Nothing is written yet except, where ids cannot be reserved, the new listings."""
    now = writer.now
    new_rows = [row for row in rows if row.kind == "new"]
    numbers = next_numbers("LST", len(new_rows)) if new_rows else []
    for row, number in zip(new_rows, numbers, strict=True):
        assert row.verdict is not None
        state = STATE_FROM_VERDICT[row.verdict.outcome]
        listing = Listing(
            number=number,
            supplier=writer.supplier,
            sku=row.sku,
            state=state,
            stock=row.stock or 0,
            created_by=writer.actor,
            created_at=now,
            updated_at=now,
            listed_at=now if state == ListingState.LISTED else None,
            **row.fields,
        )
        writer.new.append((row, listing))
    if writer.new:
        listings = [listing for _row, listing in writer.new]
        if not reserve_ids(Listing, listings):
            fast_insert(Listing, listings, need_ids=True)
            writer.new_inserted = True
    for row, listing in writer.new:
        assert row.verdict is not None
        writer.review_row(row, listing, None)
        after = {
            "outcome": CREATED,
            "number": listing.number,
            "sku": listing.sku,
            "state": listing.state,
            "stock": listing.stock,
            "review": row.verdict.outcome,
            "ruleset_version": row.verdict.ruleset_version,
            **{name: row.fields[name] for name in CONTENT_FIELDS},
        }
        after["category"] = row.fields["category"].code
        writer.events.append((listing, ACTION, {}, after))
        writer.sync.append(listing)
        outcomes[row.index] = ItemOutcome(
            row.index,
            row.sku,
            CREATED,
            number=listing.number,
            state=listing.state,
            review=review_json(row.verdict),
        )

    for row in rows:
        existing = row.listing
        if existing is None:
            continue
        listing = existing
        if row.kind == "unchanged":
            outcomes[row.index] = ItemOutcome(
                row.index, row.sku, UNCHANGED, number=listing.number, state=listing.state
            )
        elif row.kind == "stock":
            before_stock, listing.stock = listing.stock, row.stock or 0
            listing.updated_at = now
            writer.stock_only.append(listing)
            writer.events.append(
                (
                    listing,
                    ACTION,
                    {"stock": before_stock},
                    {"outcome": UPDATED, "stock": listing.stock},
                )
            )
            outcomes[row.index] = ItemOutcome(
                row.index, row.sku, UPDATED, number=listing.number, state=listing.state
            )
        elif row.kind == "edit":
            _edit(writer, row, listing, outcomes)
        elif row.kind == "revision":
            _revise(writer, row, listing, outcomes)


def write(writer: Writer) -> None:
    """Write what `build` collected (after the events moved the listings' chain heads)."""
    now = writer.now
    if writer.new:
        listings = [listing for _row, listing in writer.new]
        if writer.new_inserted:
            bulk_set(Listing, listings, HEAD_FIELDS)
        else:
            fast_insert(Listing, listings, need_ids=True)
    if writer.withdraw:
        ListingRevision.objects.filter(pk__in=writer.withdraw).update(
            state=RevisionState.WITHDRAWN, closed_at=now
        )
    if writer.revisions:
        fast_insert(ListingRevision, [r for _row, r in writer.revisions], need_ids=True)
    for row, revision in writer.revisions:
        writer.review_row(row, revision.listing, revision)
    if writer.updated:
        fields = writer.update_fields | {"updated_at", *HEAD_FIELDS}
        bulk_set(Listing, writer.updated, sorted(fields))
    if writer.stock_only:
        bulk_set(Listing, writer.stock_only, ["stock", "updated_at", *HEAD_FIELDS])
    if writer.reviews:
        fast_insert(ListingReview, [r for _row, r in writer.reviews], need_ids=False)


def _edit(writer: Writer, row: Row, listing: Listing, outcomes: list[ItemOutcome | None]) -> None:
    """Draft, rejected or delisted: content replaced in place, state from the verdict."""
    assert row.verdict is not None
    before, after = changed(listing, row)
    old_state = listing.state
    state = STATE_FROM_VERDICT[row.verdict.outcome]
    for name in STORED_FIELDS:
        setattr(listing, name, row.fields[name])
    writer.update_fields.update(STORED_FIELDS)
    if row.stock is not None and row.stock != listing.stock:
        before["stock"], after["stock"] = listing.stock, row.stock
        listing.stock = row.stock
    writer.update_fields.update(["stock", "state", "listed_at"])
    listing.state = state
    if state == ListingState.LISTED:
        listing.listed_at = writer.now
    listing.updated_at = writer.now
    before["state"] = old_state
    after.update(
        {
            "state": state,
            "outcome": UPDATED,
            "review": row.verdict.outcome,
            "ruleset_version": row.verdict.ruleset_version,
        }
    )
    writer.updated.append(listing)
    writer.review_row(row, listing, None)
    writer.events.append((listing, ACTION, before, after))
    writer.sync.append(listing)
    outcomes[row.index] = ItemOutcome(
        row.index,
        row.sku,
        UPDATED,
        number=listing.number,
        state=state,
        review=review_json(row.verdict),
    )


def _revise(writer: Writer, row: Row, listing: Listing, outcomes: list[ItemOutcome | None]) -> None:
    """Listed: a revision reviewed at once; applied when it passes."""
    assert row.verdict is not None
    revision_state, outcome = REVISION_FROM_VERDICT[row.verdict.outcome]
    revision = ListingRevision(
        listing=listing,
        state=revision_state,
        created_by=writer.actor,
        created_at=writer.now,
        closed_at=None if revision_state == RevisionState.PENDING else writer.now,
        **row.fields,
    )
    writer.revisions.append((row, revision))
    before, after = changed(listing, row)
    event_after: dict[str, Any] = {
        "outcome": outcome,
        "revision_state": revision_state,
        "review": row.verdict.outcome,
        "ruleset_version": row.verdict.ruleset_version,
    }
    event_before: dict[str, Any] = {}
    if revision_state == RevisionState.APPLIED:
        for name in STORED_FIELDS:
            setattr(listing, name, row.fields[name])
        writer.update_fields.update(STORED_FIELDS)
        event_before.update(before)
        event_after.update(after)
        writer.sync.append(listing)
    else:
        event_after["proposed"] = after
    if row.stock is not None and row.stock != listing.stock:
        event_before["stock"], event_after["stock"] = listing.stock, row.stock
        listing.stock = row.stock
        writer.update_fields.add("stock")
    listing.updated_at = writer.now
    writer.updated.append(listing)
    writer.events.append((listing, ACTION, event_before, event_after))
    outcomes[row.index] = ItemOutcome(
        row.index,
        row.sku,
        outcome,
        number=listing.number,
        state=listing.state,
        review=review_json(row.verdict),
    )


def notify_manual(writer: Writer) -> None:
    """One notification per owning operator's reviewers for the manual reviews of this call."""
    manual = [r for _row, r in writer.reviews if r.outcome == ReviewOutcome.MANUAL]
    if not manual or writer._manual is None:
        return
    operator, _deadline = writer._manual
    if operator is None:
        return
    from govmall.core.notify import notify

    reviewers = deciders(operator)
    notify(
        reviewers,
        verb="listing.review_queued",
        message=_("%(supplier)s: %(n)d listing(s) wait for manual review.")
        % {"supplier": writer.supplier.organisation.name, "n": len(manual)},
    )
