"""The plan of a bulk upsert: items checked and parsed into rows, rows matched to the
supplier's listings by SKU and classified (new, edit, revision, stock, unchanged, error), and
the per-item outcomes the caller gets back.

Content is compared in a canonical form (`canon`): JSON fields as sorted JSON text, the price
with two decimals, the category by id — computed only for rows that have a listing to compare
with.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _

from govmall.catalog import content
from govmall.catalog.attribute_template import key_signature, template_for
from govmall.catalog.models import (
    Listing,
    ListingRevision,
    ListingState,
    ReviewOutcome,
    RevisionState,
)
from govmall.catalog.types import CONTENT_FIELDS, ListingData, Verdict
from govmall.core.errors import DomainError

if TYPE_CHECKING:
    from govmall.suppliers.models import Supplier

SKU_LIMIT = 64

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


# ---- comparing content -------------------------------------------------------------------


# `json.dumps(…, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False)`, one encoder.
_CANON_JSON = DjangoJSONEncoder(sort_keys=True, ensure_ascii=False)


def _canon_value(name: str, value: Any) -> Any:
    if name == "price":
        return f"{value:.2f}"
    if isinstance(value, (dict, list)):
        return _CANON_JSON.encode(value)
    return value


def canon(source: Any) -> dict[str, Any]:
    """Comparable values of the content fields of a model row (listing or revision)."""
    values = {name: _canon_value(name, getattr(source, name)) for name in CONTENT_FIELDS}
    values["category"] = source.category_id
    return values


def canon_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Comparable values of storage field values (`storage`)."""
    values = {name: _canon_value(name, fields[name]) for name in CONTENT_FIELDS}
    values["category"] = fields["category"].pk
    return values


def storage(data: ListingData, key_attrs: dict[int, list[str]]) -> dict[str, Any]:
    """Model field values of the content incl. the key signature (templates cached)."""
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


def changed(obj: Any, row: Row) -> tuple[dict[str, Any], dict[str, Any]]:
    """before/after of the content fields that change (the category by its code)."""
    live = row.live if row.live is not None and obj is row.listing else canon(obj)
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


# ---- rows ----------------------------------------------------------------------------------


@dataclass
class Row:
    index: int
    sku: str
    raw: Mapping[str, Any]
    stock: int | None
    data: ListingData | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    canon: dict[str, Any] = field(default_factory=dict)  # only for rows with a listing
    listing: Listing | None = None
    live: dict[str, Any] | None = None  # the listing's canon when classified
    kind: str = ""  # new | edit | revision | stock | unchanged
    verdict: Verdict | None = None


def check_sku(raw: Mapping[str, Any]) -> tuple[str, DomainError | None]:
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


def prepare_rows(
    items: Sequence[Any], supplier: Supplier, outcomes: list[ItemOutcome | None]
) -> list[Row]:
    """Rows of the items whose SKU, stock and content are valid; the others get their error
    outcome."""
    rows: list[Row] = []
    first: dict[str, int] = {}
    for index, raw in enumerate(items):
        if not isinstance(raw, Mapping):
            bad = DomainError("invalid_item", _("Each item must be an object of fields."))
            outcomes[index] = ItemOutcome(index, "", ERROR, errors=[error_json(bad)])
            continue
        sku, error = check_sku(raw)
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
        rows.append(Row(index=index, sku=sku, raw=raw, stock=stock))
    parsed = content.parse_many([row.raw for row in rows], supplier=supplier) if rows else []
    good: list[Row] = []
    for row, (data, errors) in zip(rows, parsed, strict=True):
        if errors or data is None:
            outcomes[row.index] = ItemOutcome(
                row.index, row.sku, ERROR, errors=[error_json(e) for e in errors]
            )
        else:
            row.data = data
            good.append(row)
    return good


def lock_listings(supplier: Supplier, skus: list[str]) -> dict[str, Listing]:
    """The supplier's listings with these SKUs, locked, by SKU."""
    existing: dict[str, Listing] = {}
    for start in range(0, len(skus), 500):
        for listing in (
            Listing.objects.select_for_update(of=("self",))
            .filter(supplier=supplier, sku__in=skus[start : start + 500])
            .select_related("category")
        ):
            existing[listing.sku] = listing
    return existing


def latest_revisions(listing_ids: list[int]) -> dict[int, ListingRevision]:
    """The newest revision of each listing (pending ones locked)."""
    latest: dict[int, ListingRevision] = {}
    if not listing_ids:
        return latest
    for revision in (
        ListingRevision.objects.select_for_update(of=("self",))
        .filter(listing_id__in=listing_ids)
        .exclude(state=RevisionState.WITHDRAWN)
        .order_by("listing_id", "-id")
    ):
        latest.setdefault(revision.listing_id, revision)
    return latest


def classify(
    rows: list[Row],
    existing: dict[str, Listing],
    latest: dict[int, ListingRevision],
    key_attrs: dict[int, list[str]],
    outcomes: list[ItemOutcome | None],
) -> list[Row]:
    """Decide per row what happens; rows needing a review are returned."""
    to_review: list[Row] = []
    for row in rows:
        assert row.data is not None
        row.fields = storage(row.data, key_attrs)
        listing = existing.get(row.sku)
        row.listing = listing
        if listing is None:
            row.kind = "new"
            to_review.append(row)
            continue
        row.canon = canon_fields(row.fields)
        stock_changed = row.stock is not None and row.stock != listing.stock
        row.live = canon(listing)
        same_as_live = row.live == row.canon
        state = listing.state
        if state == ListingState.LISTED:
            revision = latest.get(listing.pk)
            same_as_proposal = (
                revision is not None
                and revision.state in (RevisionState.PENDING, RevisionState.REJECTED)
                and canon(revision) == row.canon
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
