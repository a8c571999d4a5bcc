"""Credit-list screening: import a list file, re-screen every active supplier, resolve a flag.

Decisions (each one tested):
- A file with some bad rows imports its good rows; every bad row is reported with its line
  number and reason on CreditListImport.report. A structurally bad file imports nothing.
- An entry is identified by (list type, credit code, listed date). Importing it again updates
  the same row (name, reason, source, expiry date may change, e.g. an earlier expiry after
  credit repair), so a flag on it — unique per supplier and entry — keeps its resolution.
- Operator admins (any operator) and regulators import; the command line may import as the
  system (actor None). Operator admins and reviewers with jurisdiction resolve flags.
"""

from __future__ import annotations

import io
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any, TypeVar

from django.db import connection, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from govmall.accounts.access import is_authenticated, owning_operator, require_role
from govmall.accounts.models import Division, Organisation, User
from govmall.accounts.roles import Role
from govmall.audit.hashing import event_hash, normalise
from govmall.audit.models import GENESIS_HASH, Event
from govmall.audit.services import object_type_of, record_event
from govmall.core.errors import DomainError, InvalidTransition, NotFound, PermissionDenied
from govmall.core.middleware import current_request_id
from govmall.core.notify import notify
from govmall.suppliers.access import supervises
from govmall.suppliers.credit import (
    IMPORTED_ACTION,
    can_import_credit_lists,
    can_resolve_flags,
    today,
)
from govmall.suppliers.creditcsv import ParsedRow, RowFault, iter_rows
from govmall.suppliers.models import (
    CreditFlag,
    CreditListEntry,
    CreditListImport,
    CreditListType,
    Supplier,
    SupplierStatus,
)

BATCH = 2000  # parsed rows per look-up of existing entries and per bulk insert
REPORT_LIMIT = 1000  # report lines kept on the import; the counts cover every row
FETCH_CHUNK = 5000  # ids per IN list (SQLite's bound-parameter limit)
# Key of the PostgreSQL advisory lock serializing imports ("GMCREDIT" as an int64).
IMPORT_LOCK_KEY = 0x474D_4352_4544_4954
UPDATABLE = ("name", "reason", "source", "expiry_date")
RAISED_ACTION = "credit_flag.raised"
RESOLVED_ACTION = "credit_flag.resolved"

Progress = Callable[[int], None]
T = TypeVar("T")


@dataclass
class _Tally:
    rows_total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    faults: int = 0
    not_listed: int = 0  # report lines beyond REPORT_LIMIT
    report: list[dict[str, Any]] = field(default_factory=list)

    def add(self, row: int, ok: bool, code: str, message: str) -> None:
        if len(self.report) < REPORT_LIMIT:
            self.report.append({"row": row, "ok": ok, "code": code, "message": message})
        else:
            self.not_listed += 1


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _link(name: str, fallback: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return fallback


# ---- import -------------------------------------------------------------------------------


def _lock_imports() -> None:
    """One import at a time, so two files cannot both create the same entry. SQLite
    transactions are IMMEDIATE: the writer lock is already held."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])


def _show(value: object) -> str:
    return "—" if value in (None, "") else str(value)


def _flush(imp: CreditListImport, batch: list[ParsedRow], tally: _Tally) -> None:
    existing: dict[tuple[str, str, date], CreditListEntry] = {}
    codes = sorted({r.credit_code for r in batch})
    for row in CreditListEntry.objects.filter(credit_code__in=codes).order_by("-id"):
        existing[(row.list_type, row.credit_code, row.listed_date)] = row  # lowest id wins
    new: list[CreditListEntry] = []
    changed: list[CreditListEntry] = []
    for r in batch:
        entry = existing.get(r.key)
        if entry is None:
            new.append(
                CreditListEntry(
                    list_type=r.list_type,
                    credit_code=r.credit_code,
                    name=r.name,
                    reason=r.reason,
                    source=r.source,
                    listed_date=r.listed_date,
                    expiry_date=r.expiry_date,
                    imported_in=imp,
                )
            )
            continue
        diffs = [f for f in UPDATABLE if getattr(entry, f) != getattr(r, f)]
        if not diffs:
            tally.unchanged += 1
            continue
        detail = "; ".join(
            f"{f}: {_show(getattr(entry, f))} → {_show(getattr(r, f))}" for f in diffs
        )
        tally.add(
            r.row, True, "updated", _("Already listed; updated %(changes)s.") % {"changes": detail}
        )
        for f in diffs:
            setattr(entry, f, getattr(r, f))
        changed.append(entry)
    CreditListEntry.objects.bulk_create(new, batch_size=1000)
    if changed:
        CreditListEntry.objects.bulk_update(changed, list(UPDATABLE), batch_size=500)
    tally.created += len(new)
    tally.updated += len(changed)


def _load(imp: CreditListImport, stream: IO[bytes], progress: Progress | None) -> _Tally:
    tally = _Tally()
    batch: list[ParsedRow] = []
    for item in iter_rows(stream):
        tally.rows_total += 1
        if isinstance(item, RowFault):
            tally.faults += 1
            tally.add(item.row, False, item.code, item.message)
            continue
        batch.append(item)
        if len(batch) >= BATCH:
            _flush(imp, batch, tally)
            batch = []
            if progress is not None:
                progress(tally.rows_total)
    if batch:
        _flush(imp, batch, tally)
    if progress is not None:
        progress(tally.rows_total)
    if tally.not_listed:
        tally.report.append(
            {
                "row": None,
                "ok": False,
                "code": "report_truncated",
                "message": _("%(n)d more report lines are not listed.") % {"n": tally.not_listed},
            }
        )
    return tally


def credit_list_import(
    *,
    actor: User | None,
    data: bytes | IO[bytes],
    file_name: str,
    progress: Progress | None = None,
) -> CreditListImport:
    """Import one list file (see creditcsv for the format), then re-screen every active
    supplier. `actor` None is the system (the command line). A structurally bad file raises a
    DomainError and leaves nothing behind; row faults are reported on the returned import."""
    if actor is not None:
        if not is_authenticated(actor):
            raise DomainError("unauthenticated", "Log in first.", status=401)
        if not can_import_credit_lists(actor):
            raise PermissionDenied(_("Only operator admins and regulators import credit lists."))
    name = os.path.basename(file_name.replace("\\", "/")).strip()[:200] or "credit-list.csv"
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    with transaction.atomic():
        _lock_imports()
        imp = CreditListImport.objects.create(
            file_name=name, imported_by=actor, imported_at=timezone.now()
        )
        tally = _load(imp, stream, progress)
        imp.rows_total = tally.rows_total
        imp.rows_imported = tally.created + tally.updated + tally.unchanged
        imp.report = tally.report
        imp.save(update_fields=["rows_total", "rows_imported", "report"])
        raised = rescreen_active_suppliers(actor=actor)
        record_event(
            obj=imp,
            action=IMPORTED_ACTION,
            actor=actor,
            after={
                "file_name": imp.file_name,
                "rows_total": imp.rows_total,
                "rows_imported": imp.rows_imported,
                "created": tally.created,
                "updated": tally.updated,
                "unchanged": tally.unchanged,
                "faults": tally.faults,
                "flags_raised": raised,
            },
        )
    return imp


# ---- re-screen --------------------------------------------------------------------------------


def _insert_new_flags(now: datetime, on: date) -> list[int]:
    """One set-based statement: a flag for every (active supplier, in-force entry with its
    code) pair that has none yet. Returns the new flags' ids."""
    qn = connection.ops.quote_name
    flag, supplier, entry = (m._meta.db_table for m in (CreditFlag, Supplier, CreditListEntry))
    sql = f"""
        INSERT INTO {qn(flag)} (supplier_id, entry_id, raised_at, resolved_at, resolved_by_id,
                                resolution, audit_head, audit_length)
        SELECT s.id, e.id, %s, NULL, NULL, '', %s, 0
          FROM {qn(supplier)} s
          JOIN {qn(entry)} e ON e.credit_code = s.credit_code
         WHERE s.status = %s
           AND e.listed_date <= %s
           AND (e.expiry_date IS NULL OR e.expiry_date >= %s)
           AND NOT EXISTS (SELECT 1 FROM {qn(flag)} f
                            WHERE f.supplier_id = s.id AND f.entry_id = e.id)
        ON CONFLICT DO NOTHING
        RETURNING id
    """  # noqa: S608 - table names come from the models, values are bound parameters
    day = connection.ops.adapt_datefield_value(on)
    params = [
        connection.ops.adapt_datetimefield_value(now),
        GENESIS_HASH,
        SupplierStatus.ACTIVE.value,
        day,
        day,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return sorted(row[0] for row in cursor.fetchall())


def _record_raised(flags: list[CreditFlag], actor: User | None, now: datetime) -> None:
    """The first event of each new flag's chain, written in bulk (what record_event would
    write one by one; nobody else can see the new rows yet, so no lock is needed)."""
    request_id = current_request_id() or ""
    events = []
    for flag in flags:
        fields: dict[str, Any] = {
            "object_type": object_type_of(flag),
            "object_id": str(flag.pk),
            "seq": 1,
            "action": RAISED_ACTION,
            "actor_id": actor.pk if actor is not None else None,
            "actor_label": actor.get_username() if actor is not None else "system",
            "organisation_id": flag.supplier.organisation_id,
            "before": {},
            "after": normalise(
                {
                    "supplier": flag.supplier_id,
                    "credit_code": flag.entry.credit_code,
                    "entry": flag.entry_id,
                    "list_type": flag.entry.list_type,
                    "raised_at": now,
                }
            ),
            "at": now,
            "request_id": request_id,
            "prev_hash": GENESIS_HASH,
        }
        digest = event_hash(**fields)
        events.append(Event(**fields, hash=digest))
        flag.audit_head, flag.audit_length = digest, 1
    Event.objects.bulk_create(events, batch_size=1000)
    _set_chain_heads([(flag.pk, flag.audit_head) for flag in flags])


def _set_chain_heads(heads: list[tuple[int, str]]) -> None:
    """Move each new flag's chain head, a thousand flags per statement (a join against a
    VALUES list: Django's bulk_update builds a CASE per row and takes seconds at this size)."""
    table = connection.ops.quote_name(CreditFlag._meta.db_table)
    for chunk in _chunks(heads, 1000):
        rows = ", ".join(["(%s, %s)"] * len(chunk))
        sql = f"""
            WITH heads(id, head) AS (VALUES {rows})
            UPDATE {table} SET audit_head = heads.head, audit_length = 1
              FROM heads WHERE {table}.id = heads.id
        """  # noqa: S608 - the table name comes from the model, values are bound parameters
        with connection.cursor() as cursor:
            cursor.execute(sql, [value for pair in chunk for value in pair])


def _list_names(types: Iterable[str]) -> str:
    return "、".join(str(CreditListType(t).label) for t in sorted(types))


def _notify_raised(flags: list[CreditFlag]) -> None:
    """Supplier admins learn which lists they are on; each owning operator's users learn how
    many new hits await them. One notify() per distinct message, not one per flag."""
    lists_of: dict[int, set[str]] = defaultdict(set)
    owner_of_division: dict[str, Organisation | None] = {}
    hits_of_operator: dict[int, int] = defaultdict(int)
    for flag in flags:
        org = flag.supplier.organisation
        lists_of[org.pk].add(flag.entry.list_type)
        division: Division = org.division
        if division.code not in owner_of_division:
            owner_of_division[division.code] = owning_operator(division)
        owner = owner_of_division[division.code]
        if owner is not None:
            hits_of_operator[owner.pk] += 1
    messages: dict[str, list[User]] = defaultdict(list)
    org_ids = sorted(lists_of)
    for chunk in _chunks(org_ids, FETCH_CHUNK):
        admins = User.objects.filter(
            organisation_id__in=chunk, is_active=True, roles__role=Role.SUPPLIER_ADMIN
        ).distinct()
        for admin in admins:
            assert admin.organisation_id is not None
            message = _(
                "Your organisation was found on the credit list(s) %(lists)s. Listing, quoting "
                "and new orders are blocked until an operator resolves the hit."
            ) % {"lists": _list_names(lists_of[admin.organisation_id])}
            messages[message].append(admin)
    for user in User.objects.filter(organisation_id__in=sorted(hits_of_operator), is_active=True):
        assert user.organisation_id is not None
        n = hits_of_operator[user.organisation_id]
        message = ngettext(
            "%(n)d new credit-list hit on a supplier you own awaits resolution.",
            "%(n)d new credit-list hits on suppliers you own await resolution.",
            n,
        ) % {"n": n}
        messages[message].append(user)
    operator_link = _link("suppliers:credit_lists", "/suppliers/credit/")
    supplier_link = _link("suppliers:home", "/suppliers/")
    for message, users in messages.items():
        is_operator = users[0].organisation_id in hits_of_operator
        notify(
            users,
            verb=RAISED_ACTION,
            message=message,
            link=operator_link if is_operator else supplier_link,
        )


def rescreen_active_suppliers(*, actor: User | None = None) -> int:
    """Screen every ACTIVE supplier against the in-force entries in one statement; audit and
    announce the new flags. Returns how many were raised. Idempotent: a pair that has a flag
    (open or resolved) never gets a second one."""
    now = timezone.now()
    with transaction.atomic():
        ids = _insert_new_flags(now, today())
        if not ids:
            return 0
        flags: list[CreditFlag] = []
        for chunk in _chunks(ids, FETCH_CHUNK):
            flags.extend(
                CreditFlag.objects.filter(pk__in=chunk)
                .select_related("supplier__organisation__division", "entry")
                .order_by("id")
            )
        _record_raised(flags, actor, now)
        _notify_raised(flags)
    return len(ids)


def rescreen_job() -> str:
    """For `govmall tick` (e.g. daily): entries whose listed date arrives raise flags then."""
    raised = rescreen_active_suppliers()
    return f"{raised} new credit flags"


# ---- resolve ----------------------------------------------------------------------------------


def credit_flag_resolve(*, actor: User | None, flag_id: int, resolution: str) -> CreditFlag:
    """An operator admin or reviewer with jurisdiction over the supplier resolves an open
    flag, giving a reason. A resolved flag stays resolved (re-imports reuse the entry)."""
    require_role(actor, Role.OPERATOR_ADMIN, Role.OPERATOR_REVIEWER, Role.REGULATOR)
    assert actor is not None
    if not 0 < flag_id < 2**63:  # beyond the id column: no such flag (not a database error)
        raise NotFound()
    with transaction.atomic():
        flag = CreditFlag.objects.select_for_update().filter(pk=flag_id).first()
        supplier = (
            Supplier.objects.select_related("organisation__division")
            .filter(pk=flag.supplier_id)
            .first()
            if flag is not None
            else None
        )
        if flag is None or supplier is None or not supervises(actor, supplier):
            raise NotFound()
        if not can_resolve_flags(actor):
            raise PermissionDenied(_("Only operators resolve credit flags."))
        if flag.resolved_at is not None:
            raise InvalidTransition(
                _("This flag was already resolved on %(when)s.")
                % {"when": timezone.localtime(flag.resolved_at).strftime("%Y-%m-%d %H:%M")},
                flag=flag.pk,
            )
        text = resolution.strip()
        if not text:
            raise DomainError(
                "resolution_required",
                _("Give the reason for resolving this flag."),
                field="resolution",
            )
        if len(text) > 500:
            raise DomainError(
                "resolution_too_long",
                _("The reason may have at most 500 characters."),
                field="resolution",
            )
        flag.resolved_at = timezone.now()
        flag.resolved_by = actor
        flag.resolution = text
        flag.save(update_fields=["resolved_at", "resolved_by", "resolution"])
        record_event(
            obj=flag,
            action=RESOLVED_ACTION,
            actor=actor,
            before={"resolved_at": None},
            after={"resolved_at": flag.resolved_at, "resolution": text},
            organisation=supplier.organisation,
        )
        entry = CreditListEntry.objects.get(pk=flag.entry_id)
        notify(
            User.objects.filter(
                organisation=supplier.organisation, is_active=True, roles__role=Role.SUPPLIER_ADMIN
            ).distinct(),
            verb=RESOLVED_ACTION,
            message=_("The operator resolved the credit-list hit (%(list)s): %(reason)s")
            % {"list": _list_names([entry.list_type]), "reason": text},
            link=_link("suppliers:home", "/suppliers/"),
        )
    return flag
