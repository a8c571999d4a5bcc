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

The pieces: `bulk_plan` (items → rows → classified, the outcomes), `bulk_apply` (rows →
objects, reviews and events), `bulk_write` (COPY and set-based UPDATE); this module is the
entry point and the import jobs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govmall.accounts.access import require_role
from govmall.accounts.roles import Role
from govmall.audit.services import record_event, record_events_bulk
from govmall.catalog import content
from govmall.catalog.bulk_apply import ACTION, Writer, build, notify_manual, write
from govmall.catalog.bulk_plan import (
    CREATED,
    EDITABLE,
    ERROR,
    OUTCOMES,
    REVISION_APPLIED,
    REVISION_FROM_VERDICT,
    REVISION_PENDING,
    REVISION_REJECTED,
    SKU_LIMIT,
    STATE_FROM_VERDICT,
    STORED_FIELDS,
    UNCHANGED,
    UPDATED,
    ItemOutcome,
    error_json,
    latest_revisions,
    lock_listings,
    prepare_rows,
    review_json,
    summary_of,
)
from govmall.catalog.bulk_plan import classify as _classify
from govmall.catalog.bulk_write import BULK_SET_CHUNK, bulk_set, fast_insert
from govmall.catalog.models import (
    ImportState,
    ListingImportJob,
    ListingState,
    RevisionState,
    RuleSet,
)
from govmall.core.errors import DomainError, NotFound

if TYPE_CHECKING:
    from govmall.accounts.models import User
    from govmall.suppliers.models import Supplier

__all__ = [
    "ACTION",
    "BULK_LIMIT",
    "BULK_SET_CHUNK",
    "CREATED",
    "EDITABLE",
    "ERROR",
    "JOB_CHUNK",
    "OUTCOMES",
    "REVISION_APPLIED",
    "REVISION_FROM_VERDICT",
    "REVISION_PENDING",
    "REVISION_REJECTED",
    "SKU_LIMIT",
    "STATE_FROM_VERDICT",
    "STORED_FIELDS",
    "UNCHANGED",
    "UPDATED",
    "ItemOutcome",
    "bulk_set",
    "bulk_supplier",
    "error_json",
    "fast_insert",
    "import_job_create",
    "import_job_step",
    "job_failed_rows",
    "job_for_actor",
    "listings_bulk_upsert",
    "review_json",
    "summary_of",
]

BULK_LIMIT = 1000
JOB_CHUNK = 200


def bulk_supplier(actor: User | None) -> Supplier:
    """The supplier the actor lists for: supplier admin or staff of a supplier that may trade
    (the same checks and codes as the single listing services)."""
    from govmall.catalog.services_listings import require_listing_actor

    return require_listing_actor(actor)


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
        # The cyclic GC waits for the end of the call (a third of its CPU time otherwise).
        with engine.paused_gc(), transaction.atomic():
            rows = prepare_rows(items, supplier, outcomes)
            existing = lock_listings(supplier, [row.sku for row in rows])
            listed_ids = [
                listing.pk for listing in existing.values() if listing.state == ListingState.LISTED
            ]
            latest = latest_revisions(listed_ids)
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
                writer = Writer(actor, supplier, ruleset, timezone.now())
                for row in to_review:  # a newer proposal withdraws the pending one
                    if row.kind == "revision" and row.listing is not None:
                        revision = latest.get(row.listing.pk)
                        if revision is not None and revision.state == RevisionState.PENDING:
                            writer.withdraw.append(revision.pk)
            else:
                writer = Writer(actor, supplier, RuleSet(), timezone.now())
            build(writer, rows, outcomes)
            if writer.events:  # the listings are locked or new: their rows get the heads
                record_events_bulk(
                    items=list(writer.events),
                    actor=actor,
                    organisation=supplier.organisation,
                    caller_writes_heads=True,
                )
            write(writer)
            if writer.sync:
                sync_listings([listing.pk for listing in writer.sync])
            notify_manual(writer)
    except IntegrityError as exc:
        raise DomainError(
            "concurrent_update",
            _("Another upload changed these listings at the same time; send the items again."),
            status=409,
        ) from exc
    result = [o for o in outcomes if o is not None]
    assert len(result) == len(items)
    return result


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
        job = ListingImportJob.objects.select_for_update(of=("self",)).get(pk=job_id)
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
