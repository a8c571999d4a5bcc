"""The supplier bulk path: upsert up to 1,000 listings by SKU in one set-based transaction, and
the chunked CSV/XLSX import jobs built on it.

Same semantics as the single listing services (`services_listings`), written for sets: one
locking read of the supplier's listings by SKU, the rules engine ONCE for every good row, bulk
inserts and updates, one audit event per listing touched (`record_events_bulk`), one search
sync. Bad rows are reported and skipped; good rows go through. Re-sending the same items
changes nothing (outcome "unchanged", no review, no event).

Per existing listing:
- draft, rejected, delisted: content replaced, reviewed, state from the verdict (a rejected
  listing re-sent unchanged stays as it is: re-judging the same content would change nothing);
- listed: unchanged content → "unchanged"; changed → a revision reviewed at once: passed →
  applied (live content replaced), manual → pending (the live version stays on sale), rejected
  → rejected revision; content equal to the latest pending/rejected revision → "unchanged";
- pending, suspended: content changes are refused on that row (`invalid_state`).
Stock is not content: a changed stock is written directly (outcome "updated" when nothing else
changed).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, transaction
from django.db.models import JSONField, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from govmall.accounts.access import owning_operator, require_role
from govmall.accounts.roles import Role
from govmall.audit.services import record_event, record_events_bulk
from govmall.catalog import content
from govmall.catalog.models import (
    ImportState,
    Listing,
    ListingImportJob,
    ListingReview,
    ListingRevision,
    ListingState,
    ReviewOutcome,
    RevisionState,
    RuleSet,
)
from govmall.catalog.review_flow import deciders, results_json
from govmall.catalog.types import CONTENT_FIELDS, ListingData, Verdict
from govmall.core.errors import DomainError, NotFound
from govmall.core.numbers import next_numbers

if TYPE_CHECKING:
    from govmall.accounts.models import User
    from govmall.suppliers.models import Supplier

BULK_LIMIT = 1000
SKU_LIMIT = 64
ACTION = "listing.bulk_upserted"
JOB_CHUNK = 200
BULK_SET_CHUNK = 1000

CREATED = "created"
UPDATED = "updated"
UNCHANGED = "unchanged"
REVISION_APPLIED = "revision_applied"
REVISION_PENDING = "revision_pending"
REVISION_REJECTED = "revision_rejected"
ERROR = "error"
OUTCOMES = [
    CREATED,
    UPDATED,
    UNCHANGED,
    REVISION_APPLIED,
    REVISION_PENDING,
    REVISION_REJECTED,
    ERROR,
]

STATE_FROM_VERDICT: dict[str, str] = {
    ReviewOutcome.PASSED: ListingState.LISTED,
    ReviewOutcome.REJECTED: ListingState.REJECTED,
    ReviewOutcome.MANUAL: ListingState.PENDING,
}
REVISION_FROM_VERDICT: dict[str, tuple[str, str]] = {
    ReviewOutcome.PASSED: (RevisionState.APPLIED, REVISION_APPLIED),
    ReviewOutcome.REJECTED: (RevisionState.REJECTED, REVISION_REJECTED),
    ReviewOutcome.MANUAL: (RevisionState.PENDING, REVISION_PENDING),
}
# States whose content the bulk path replaces (and reviews).
EDITABLE = {ListingState.DRAFT, ListingState.REJECTED, ListingState.DELISTED}
# Content fields stored on listings and revisions (CONTENT_FIELDS + the signature).
STORED_FIELDS = [*CONTENT_FIELDS, "key_signature"]


@dataclass
class ItemOutcome:
    index: int
    sku: str
    outcome: str
    number: str = ""
    state: str = ""
    review: dict[str, Any] | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "sku": self.sku,
            "number": self.number,
            "state": self.state,
            "outcome": self.outcome,
            "review": self.review,
            "errors": self.errors,
        }


def error_json(exc: DomainError) -> dict[str, Any]:
    return {"code": exc.code, "field": exc.field, "message": exc.message}


def review_json(verdict: Verdict) -> dict[str, Any]:
    return {
        "outcome": verdict.outcome,
        "ruleset_version": verdict.ruleset_version,
        "failures": [
            {
                "code": r.code,
                "severity": r.severity,
                "message_zh": r.message_zh,
                "message_en": r.message_en,
            }
            for r in verdict.failures
        ],
    }


def summary_of(outcomes: Sequence[ItemOutcome | Mapping[str, Any]]) -> dict[str, int]:
    counts = Counter(o["outcome"] if isinstance(o, Mapping) else o.outcome for o in outcomes)
    return {name: counts.get(name, 0) for name in OUTCOMES}


# ---- access ------------------------------------------------------------------------------


def bulk_supplier(actor: User | None) -> Supplier:
    """The supplier the actor lists for: supplier admin or staff of a supplier that may trade
    (the same checks and codes as the single listing services)."""
    from govmall.catalog.services_listings import require_listing_actor

    return require_listing_actor(actor)


# ---- comparing content -------------------------------------------------------------------


def _canon_value(name: str, value: Any) -> Any:
    if name == "price":
        return f"{value:.2f}"
    if isinstance(value, (dict, list)):
        return json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False)
    return value


def _canon(source: Any) -> dict[str, Any]:
    """Comparable values of the content fields of a model row (listing or revision)."""
    canon = {name: _canon_value(name, getattr(source, name)) for name in CONTENT_FIELDS}
    canon["category"] = source.category_id
    return canon


def _canon_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Comparable values of storage field values (`_storage`)."""
    canon = {name: _canon_value(name, fields[name]) for name in CONTENT_FIELDS}
    canon["category"] = fields["category"].pk
    return canon


def _storage(data: ListingData, key_attrs: dict[int, list[str]]) -> dict[str, Any]:
    """Model field values of the content incl. the key signature (templates cached)."""
    from govmall.catalog.attribute_template import key_signature, template_for

    keys = key_attrs.get(data.category.pk)
    if keys is None:
        keys = [spec.key for spec in template_for(data.category) if spec.is_key]
        key_attrs[data.category.pk] = keys
    fields = data.as_fields()
    fields["attributes"] = {k: content.attribute_json(v) for k, v in data.attributes.items()}
    fields["image_ids"] = list(data.image_ids)
    fields["delivery_divisions"] = list(data.delivery_divisions)
    fields["extra_fees"] = [dict(fee) for fee in data.extra_fees]
    fields["key_signature"] = key_signature(data.brand, data.model_no, fields["attributes"], keys)
    return fields


def _changed(obj: Any, row: _Row) -> tuple[dict[str, Any], dict[str, Any]]:
    """before/after of the content fields that change (the category by its code)."""
    live = _canon(obj)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for name in CONTENT_FIELDS:
        if live[name] == row.canon[name]:
            continue
        if name == "category":
            before[name], after[name] = obj.category.code, row.fields[name].code
        else:
            before[name], after[name] = getattr(obj, name), row.fields[name]
    return before, after


# ---- the bulk upsert -----------------------------------------------------------------------


@dataclass
class _Row:
    index: int
    sku: str
    raw: Mapping[str, Any]
    stock: int | None
    data: ListingData | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    canon: dict[str, Any] = field(default_factory=dict)
    listing: Listing | None = None
    kind: str = ""  # new | edit | revision | stock | unchanged
    verdict: Verdict | None = None


def _check_sku(raw: Mapping[str, Any]) -> tuple[str, DomainError | None]:
    value = raw.get("sku")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        return "", DomainError(
            "invalid_sku", _("Every item needs its SKU (your product code)."), field="sku"
        )
    sku = value.strip()
    if len(sku) > SKU_LIMIT or "\x00" in sku:
        return sku[:SKU_LIMIT], DomainError(
            "invalid_sku",
            _("A SKU has at most %(limit)d characters.") % {"limit": SKU_LIMIT},
            field="sku",
        )
    return sku, None


def _prepare_rows(
    items: Sequence[Any], supplier: Supplier, outcomes: list[ItemOutcome | None]
) -> list[_Row]:
    rows: list[_Row] = []
    first: dict[str, int] = {}
    for index, raw in enumerate(items):
        if not isinstance(raw, Mapping):
            bad = DomainError("invalid_item", _("Each item must be an object of fields."))
            outcomes[index] = ItemOutcome(index, "", ERROR, errors=[error_json(bad)])
            continue
        sku, error = _check_sku(raw)
        if error is None and sku in first:
            error = DomainError(
                "duplicate_sku",
                _("The SKU %(sku)s is already used by item %(first)d of this call.")
                % {"sku": sku, "first": first[sku]},
                field="sku",
                first=first[sku],
            )
        stock: int | None = None
        errors: list[DomainError] = [error] if error is not None else []
        if raw.get("stock") not in (None, ""):
            try:
                stock = content.parse_stock(raw.get("stock"))
            except DomainError as exc:
                errors.append(exc)
        if errors:
            outcomes[index] = ItemOutcome(index, sku, ERROR, errors=[error_json(e) for e in errors])
            continue
        first[sku] = index
        rows.append(_Row(index=index, sku=sku, raw=raw, stock=stock))
    parsed = content.parse_many([row.raw for row in rows], supplier=supplier) if rows else []
    good: list[_Row] = []
    for row, (data, errors) in zip(rows, parsed, strict=True):
        if errors or data is None:
            outcomes[row.index] = ItemOutcome(
                row.index, row.sku, ERROR, errors=[error_json(e) for e in errors]
            )
        else:
            row.data = data
            good.append(row)
    return good


def _latest_revisions(listing_ids: list[int]) -> dict[int, ListingRevision]:
    """The newest revision of each listing (pending ones locked)."""
    latest: dict[int, ListingRevision] = {}
    if not listing_ids:
        return latest
    for revision in (
        ListingRevision.objects.select_for_update()
        .filter(listing_id__in=listing_ids)
        .exclude(state=RevisionState.WITHDRAWN)
        .order_by("listing_id", "-id")
    ):
        latest.setdefault(revision.listing_id, revision)
    return latest


def _classify(
    rows: list[_Row],
    existing: dict[str, Listing],
    latest: dict[int, ListingRevision],
    key_attrs: dict[int, list[str]],
    outcomes: list[ItemOutcome | None],
) -> list[_Row]:
    """Decide per row what happens; rows needing a review are returned."""
    to_review: list[_Row] = []
    for row in rows:
        assert row.data is not None
        row.fields = _storage(row.data, key_attrs)
        row.canon = _canon_fields(row.fields)
        listing = existing.get(row.sku)
        row.listing = listing
        if listing is None:
            row.kind = "new"
            to_review.append(row)
            continue
        stock_changed = row.stock is not None and row.stock != listing.stock
        same_as_live = _canon(listing) == row.canon
        state = listing.state
        if state == ListingState.LISTED:
            revision = latest.get(listing.pk)
            same_as_proposal = (
                revision is not None
                and revision.state in (RevisionState.PENDING, RevisionState.REJECTED)
                and _canon(revision) == row.canon
            )
            if same_as_live or same_as_proposal:
                row.kind = "stock" if stock_changed else "unchanged"
            else:
                row.kind = "revision"
                to_review.append(row)
        elif state in EDITABLE:
            if same_as_live and state == ListingState.REJECTED:
                row.kind = "stock" if stock_changed else "unchanged"
            else:
                row.kind = "edit"
                to_review.append(row)
        elif same_as_live:  # pending or suspended: nothing asked of the content
            row.kind = "stock" if stock_changed else "unchanged"
        else:
            error = DomainError(
                "invalid_state",
                _("Listing %(number)s is %(state)s: its content cannot be changed now.")
                % {"number": listing.number, "state": ListingState(state).label},
                field="sku",
                state=state,
            )
            outcomes[row.index] = ItemOutcome(
                row.index,
                row.sku,
                ERROR,
                number=listing.number,
                state=state,
                errors=[error_json(error)],
            )
    return to_review


class _Writer:
    """Collects the writes of one call and performs them set-wise."""

    def __init__(self, actor: User, supplier: Supplier, ruleset: RuleSet, now: datetime) -> None:
        self.actor = actor
        self.supplier = supplier
        self.ruleset = ruleset
        self.now = now
        self.new: list[tuple[_Row, Listing]] = []
        self.updated: list[Listing] = []
        self.update_fields: set[str] = set()
        self.stock_only: list[Listing] = []
        self.revisions: list[tuple[_Row, ListingRevision]] = []
        self.withdraw: list[int] = []
        self.reviews: list[tuple[_Row, ListingReview]] = []
        self.events: list[tuple[Listing, str, dict[str, Any], dict[str, Any]]] = []
        self.sync: list[Listing] = []
        self._manual: tuple[Any, datetime] | None = None

    def manual_owner(self) -> tuple[Any, datetime]:
        """The owning operator of the supplier's division and the 1-working-day deadline."""
        if self._manual is None:
            from govmall.core.calendar import add_working_days

            operator = owning_operator(self.supplier.organisation.division)
            self._manual = (operator, add_working_days(self.now, 1).deadline)
        return self._manual

    def review_row(self, row: _Row, listing: Listing, revision: ListingRevision | None) -> None:
        verdict = row.verdict
        assert verdict is not None
        review = ListingReview(
            listing=listing,
            revision=revision,
            ruleset=self.ruleset,
            outcome=verdict.outcome,
            # PostgreSQL: COPY encodes Decimals and dates (DjangoJSONEncoder); SQLite's
            # bulk_create needs JSON-safe values.
            results=[r.as_json() for r in verdict.results]
            if connection.vendor == "postgresql"
            else results_json(verdict),
            created_at=self.now,
        )
        if verdict.outcome == ReviewOutcome.MANUAL:
            review.operator, review.deadline = self.manual_owner()
        self.reviews.append((row, review))


def _apply(writer: _Writer, rows: list[_Row], outcomes: list[ItemOutcome | None]) -> None:
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
        fast_insert(Listing, [listing for _row, listing in writer.new], need_ids=True)
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

    if writer.withdraw:
        ListingRevision.objects.filter(pk__in=writer.withdraw).update(
            state=RevisionState.WITHDRAWN, closed_at=now
        )
    if writer.revisions:
        fast_insert(ListingRevision, [r for _row, r in writer.revisions], need_ids=True)
    for row, revision in writer.revisions:
        writer.review_row(row, revision.listing, revision)
    if writer.updated:
        bulk_set(Listing, writer.updated, sorted(writer.update_fields | {"updated_at"}))
    if writer.stock_only:
        bulk_set(Listing, writer.stock_only, ["stock", "updated_at"])
    if writer.reviews:
        fast_insert(ListingReview, [r for _row, r in writer.reviews], need_ids=False)


def fast_insert(model: type[Model], objs: Sequence[Model], *, need_ids: bool) -> None:
    """INSERT many new rows. PostgreSQL: ids taken from the table's sequence in one query
    (when the caller needs them) and the rows sent with COPY, several times faster than
    `bulk_create`'s UNNEST for rows with long JSON and text (psycopg quotes array elements
    in Python). Elsewhere: `bulk_create` (SQLite returns the ids)."""
    if not objs:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objs, batch_size=500)
        return
    meta = model._meta
    qn = connection.ops.quote_name
    fields = [f for f in meta.concrete_fields if need_ids or not f.primary_key]
    with connection.cursor() as cursor:
        if need_ids:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(objs)],
            )
            for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
                obj.pk = pk
        columns = ", ".join(qn(f.column) for f in fields)
        sql = f"COPY {qn(meta.db_table)} ({columns}) FROM STDIN"
        # The raw psycopg cursor: its errors become Django's (IntegrityError …) here.
        with connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
            for obj in objs:
                copy.write_row([_copy_value(f, getattr(obj, f.attname)) for f in fields])
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def _copy_value(f: Any, value: Any) -> Any:
    """A value for COPY: JSON as text; plain Python values (str, int, bool, Decimal, date,
    aware datetime, ids) as they are, psycopg formats them."""
    if value is None:
        return None
    if isinstance(f, JSONField):
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    if isinstance(value, (str, int, Decimal, date)):  # bool is an int; datetime a date
        return value
    return f.get_db_prep_save(value, connection)


def bulk_set(model: type[Model], objs: Sequence[Model], fields: list[str]) -> None:
    """UPDATE `fields` of many rows to their objects' values in a few statements.

    Django's `bulk_update` builds a CASE WHEN per field and row, which costs seconds for 1,000
    rows; here PostgreSQL gets one UPDATE … FROM unnest(arrays) per chunk and SQLite one
    prepared UPDATE run for every row (executemany)."""
    if not objs:
        return
    meta = model._meta
    qn = connection.ops.quote_name
    table = qn(meta.db_table)
    pk_column = qn(meta.pk.column)
    model_fields: list[Any] = [meta.get_field(name) for name in fields]
    postgres = connection.vendor == "postgresql"
    for start in range(0, len(objs), BULK_SET_CHUNK):
        chunk = objs[start : start + BULK_SET_CHUNK]
        columns = [
            [_db_value(f, getattr(o, f.attname), postgres) for o in chunk] for f in model_fields
        ]
        with connection.cursor() as cursor:
            if postgres:
                sets, unnests = [], ["%s::bigint[]"]
                for i, f in enumerate(model_fields):
                    if isinstance(f, JSONField):
                        unnests.append("%s::text[]")
                        sets.append(f"{qn(f.column)} = v.c{i}::jsonb")
                    else:
                        unnests.append(f"%s::{f.db_type(connection)}[]")
                        sets.append(f"{qn(f.column)} = v.c{i}")
                names = ", ".join(["pk", *(f"c{i}" for i in range(len(model_fields)))])
                cursor.execute(
                    f"UPDATE {table} AS t SET {', '.join(sets)} "  # noqa: S608 - our names
                    f"FROM unnest({', '.join(unnests)}) AS v({names}) "
                    f"WHERE t.{pk_column} = v.pk",
                    [[o.pk for o in chunk], *columns],
                )
            else:
                sets_sql = ", ".join(f"{qn(f.column)} = %s" for f in model_fields)
                cursor.executemany(
                    f"UPDATE {table} SET {sets_sql} WHERE {pk_column} = %s",  # noqa: S608
                    [[*(col[n] for col in columns), o.pk] for n, o in enumerate(chunk)],
                )


def _db_value(f: Any, value: Any, postgres: bool) -> Any:
    """A field's value as the UPDATE parameter (JSON as text on PostgreSQL, cast there)."""
    if postgres:
        return _copy_value(f, value)
    return f.get_db_prep_save(value, connection)


def _edit(writer: _Writer, row: _Row, listing: Listing, outcomes: list[ItemOutcome | None]) -> None:
    """Draft, rejected or delisted: content replaced in place, state from the verdict."""
    assert row.verdict is not None
    before, after = _changed(listing, row)
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


def _revise(
    writer: _Writer, row: _Row, listing: Listing, outcomes: list[ItemOutcome | None]
) -> None:
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
    before, after = _changed(listing, row)
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


def listings_bulk_upsert(*, actor: User, items: list[dict[str, Any]]) -> list[ItemOutcome]:
    """Create or update the supplier's listings by SKU; one outcome per item, in order."""
    from govmall.catalog.rules import engine
    from govmall.catalog.search.index import sync_listings

    supplier = bulk_supplier(actor)
    if not isinstance(items, list):
        raise DomainError("invalid_items", _("Send a list of items."), field="items")
    if len(items) > BULK_LIMIT:
        raise DomainError(
            "bulk_too_large",
            _("At most %(limit)d items per call; this one has %(count)d.")
            % {"limit": BULK_LIMIT, "count": len(items)},
            status=413,
            field="items",
            limit=BULK_LIMIT,
            count=len(items),
        )
    outcomes: list[ItemOutcome | None] = [None] * len(items)
    try:
        with transaction.atomic():
            rows = _prepare_rows(items, supplier, outcomes)
            existing: dict[str, Listing] = {}
            skus = [row.sku for row in rows]
            for start in range(0, len(skus), 500):
                for listing in (
                    Listing.objects.select_for_update()
                    .filter(supplier=supplier, sku__in=skus[start : start + 500])
                    .select_related("category")
                ):
                    existing[listing.sku] = listing
            listed_ids = [
                listing.pk for listing in existing.values() if listing.state == ListingState.LISTED
            ]
            latest = _latest_revisions(listed_ids)
            key_attrs: dict[int, list[str]] = {}
            to_review = _classify(rows, existing, latest, key_attrs, outcomes)
            if to_review:
                ruleset = engine.current_ruleset()
                candidates = content.candidates_for(
                    [
                        (row.data, supplier.pk, row.listing.pk if row.listing else None)
                        for row in to_review
                        if row.data is not None
                    ]
                )
                verdicts = engine.review(candidates, ruleset)
                for row, verdict in zip(to_review, verdicts, strict=True):
                    row.verdict = verdict
                writer = _Writer(actor, supplier, ruleset, timezone.now())
                for row in to_review:  # a newer proposal withdraws the pending one
                    if row.kind == "revision" and row.listing is not None:
                        revision = latest.get(row.listing.pk)
                        if revision is not None and revision.state == RevisionState.PENDING:
                            writer.withdraw.append(revision.pk)
            else:
                writer = _Writer(actor, supplier, RuleSet(), timezone.now())
            _apply(writer, rows, outcomes)
            if writer.events:
                record_events_bulk(
                    items=list(writer.events), actor=actor, organisation=supplier.organisation
                )
            if writer.sync:
                sync_listings([listing.pk for listing in writer.sync])
            _notify_manual(writer)
    except IntegrityError as exc:
        raise DomainError(
            "concurrent_update",
            _("Another upload changed these listings at the same time; send the items again."),
            status=409,
        ) from exc
    result = [o for o in outcomes if o is not None]
    assert len(result) == len(items)
    return result


def _notify_manual(writer: _Writer) -> None:
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


# ---- import jobs ---------------------------------------------------------------------------


def job_for_actor(actor: User | None, job_id: int) -> ListingImportJob:
    """The actor's own supplier's job; missing and not-yours are the same 404."""
    from govmall.suppliers.access import own_supplier

    try:
        require_role(actor, Role.SUPPLIER_ADMIN, Role.SUPPLIER_STAFF)
        supplier = own_supplier(actor)
    except DomainError as exc:
        raise NotFound() from exc
    job = (
        ListingImportJob.objects.select_related("uploaded_by")
        .filter(pk=job_id, supplier=supplier)
        .first()
    )
    if job is None:
        raise NotFound()
    return job


def import_job_create(*, actor: User, data: bytes, file_name: str) -> ListingImportJob:
    """Parse an uploaded file into a job (rows stored, nothing listed yet)."""
    from govmall.catalog.bulk_rows import parse_listing_file

    supplier = bulk_supplier(actor)
    name = file_name.replace("\\", "/").rsplit("/", 1)[-1].strip()[:200] or "upload"
    parsed = parse_listing_file(data, name)
    if not parsed.rows:
        raise DomainError("no_rows", _("The file has a header but no rows."), field="file")
    with transaction.atomic():
        job = ListingImportJob.objects.create(
            supplier=supplier,
            uploaded_by=actor,
            file_name=name,
            state=ImportState.RUNNING,
            total=len(parsed.rows),
            done=0,
            rows=[{"line": row.line, "item": row.item} for row in parsed.rows],
            report=[],
            created_at=timezone.now(),
        )
        record_event(
            obj=job,
            action="import.created",
            actor=actor,
            organisation=supplier.organisation,
            after={"file_name": name, "total": job.total, "state": job.state},
        )
    return job


def _report_line(line: int, outcome: ItemOutcome) -> dict[str, Any]:
    review = outcome.review or {}
    return {
        "line": line,
        "sku": outcome.sku,
        "number": outcome.number,
        "state": outcome.state,
        "outcome": outcome.outcome,
        "review": review.get("outcome", ""),
        "failures": review.get("failures", []),
        "errors": outcome.errors,
    }


def job_failed_rows(job: ListingImportJob) -> int:
    """Rows that did not go through: errors, and listings or revisions the rules rejected."""
    return sum(
        1
        for line in job.report
        if line["outcome"] in (ERROR, REVISION_REJECTED) or line.get("review") == "rejected"
    )


def import_job_step(*, actor: User, job_id: int, chunk: int | None = None) -> ListingImportJob:
    """Process the next chunk of a running job through the bulk upsert (one transaction)."""
    job_for_actor(actor, job_id)
    chunk = max(1, min(chunk or JOB_CHUNK, BULK_LIMIT))
    with transaction.atomic():
        job = ListingImportJob.objects.select_for_update().get(pk=job_id)
        if job.state != ImportState.RUNNING:
            return job
        start = job.done
        batch = job.rows[start : start + chunk]
        try:
            with transaction.atomic():
                outcomes = listings_bulk_upsert(actor=actor, items=[r["item"] for r in batch])
        except DomainError as exc:
            if exc.code == "concurrent_update":
                raise  # another writer at the same moment: the next poll tries again
            job.state = ImportState.FAILED
            job.finished_at = timezone.now()
            job.save(update_fields=["state", "finished_at"])
            record_event(
                obj=job,
                action="import.failed",
                actor=actor,
                before={"state": ImportState.RUNNING},
                after={"state": job.state, "done": job.done, "error": exc.code},
            )
            return job
        job.report = [
            *job.report,
            *(_report_line(r["line"], o) for r, o in zip(batch, outcomes, strict=True)),
        ]
        job.done = start + len(batch)
        fields = ["report", "done"]
        if job.done >= job.total:
            job.state = ImportState.DONE
            job.finished_at = timezone.now()
            job.rows = []  # processed: the report is what stays
            fields += ["state", "finished_at", "rows"]
        job.save(update_fields=fields)
        if job.state == ImportState.DONE:
            record_event(
                obj=job,
                action="import.finished",
                actor=actor,
                before={"state": ImportState.RUNNING},
                after={
                    "state": job.state,
                    "total": job.total,
                    "summary": summary_of(job.report),
                    "failed": job_failed_rows(job),
                },
            )
    return job
