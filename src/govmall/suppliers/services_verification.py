"""Verification of suppliers within 2 working days: submitting (onboarding or a change of key
data) and the owning operator's decisions — approve, return for correction (补正), reject.

Every verb runs in one transaction, locks the supplier and then the application (always in that
order), validates, writes and records its audit events; a refusal writes nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govmall.accounts.access import is_authenticated, owning_operator
from govmall.accounts.models import Organisation, User
from govmall.accounts.roles import Role
from govmall.audit.services import record_event
from govmall.core.calendar import add_working_days
from govmall.core.errors import DomainError, InvalidTransition, NotFound, PermissionDenied
from govmall.core.notify import notify
from govmall.core.numbers import next_number
from govmall.suppliers.access import application_for_actor, require_deciding_operator
from govmall.suppliers.commitment import has_signed_current
from govmall.suppliers.documents import latest_documents, missing_required_types
from govmall.suppliers.models import (
    Application,
    ApplicationKind,
    ApplicationStatus,
    Document,
    Supplier,
    SupplierStatus,
)
from govmall.suppliers.selectors_verification import (
    REASON_MAX_LENGTH,
    SUBMITTABLE,
    application_link,
    check_unique,
    clean_change,
    clean_reason,
    clean_reasons,
    link,
    owner_users,
    profile_snapshot,
    screening_entries,
    supplier_admins,
)


def _require_supplier_admin(actor: User | None, supplier: Supplier) -> User:
    if not is_authenticated(actor) or actor is None:
        raise NotFound()
    if actor.organisation_id != supplier.organisation_id:
        raise NotFound()
    if not actor.has_role(Role.SUPPLIER_ADMIN):
        raise PermissionDenied(_("Only the supplier admin may submit applications."))
    return actor


def _lock_supplier(supplier_id: int) -> Supplier:
    return (
        Supplier.objects.select_for_update()
        .select_related("organisation__division")
        .get(pk=supplier_id)
    )


def _refuse_if_pending(supplier: Supplier) -> None:
    pending = Application.objects.filter(supplier=supplier, status=ApplicationStatus.PENDING)
    if supplier.status == SupplierStatus.PENDING or pending.exists():
        raise DomainError(
            "already_pending",
            _("An application is already awaiting verification."),
            status=409,
        )


def _check_commitment_and_documents(supplier: Supplier) -> None:
    if not has_signed_current(supplier):
        raise DomainError(
            "commitment_not_signed",
            _("Sign the current credit commitment before submitting."),
            field="commitment",
        )
    missing = missing_required_types(supplier)
    if missing:
        raise DomainError(
            "documents_missing",
            _("Required documents are missing: %(types)s")
            % {"types": "、".join(t.name_zh for t in missing)},
            field="documents",
            types=[t.code for t in missing],
        )


def _create_application(
    *,
    actor: User,
    supplier: Supplier,
    kind: str,
    data: dict[str, Any],
    document_ids: list[int],
) -> Application:
    owner = owning_operator(supplier.organisation.division)
    if owner is None:
        raise DomainError(
            "no_owning_operator",
            _("No operator exists to verify this application; please contact the operator."),
            status=409,
        )
    previous = (
        Application.objects.filter(
            supplier=supplier,
            kind=kind,
            status__in=[ApplicationStatus.RETURNED, ApplicationStatus.REJECTED],
        )
        .order_by("-submitted_at", "-id")
        .first()
    )
    latest = Application.objects.filter(supplier=supplier).order_by("-submitted_at", "-id").first()
    if previous is not None and latest is not None and latest.pk != previous.pk:
        previous = None  # it answers only the latest application, not an older one
    now = timezone.now()
    due = add_working_days(now, settings.GOVMALL_VERIFICATION_WORKING_DAYS)
    try:
        with transaction.atomic():
            application = Application.objects.create(
                number=next_number("SUP"),
                supplier=supplier,
                kind=kind,
                status=ApplicationStatus.PENDING,
                data=data,
                document_ids=document_ids,
                owner=owner,
                previous=previous,
                submitted_by=actor,
                submitted_at=now,
                deadline=due.deadline,
                deadline_calendar_known=due.calendar_known,
            )
    except IntegrityError:  # a concurrent submission won the one-pending constraint
        raise DomainError(
            "already_pending", _("An application is already awaiting verification."), status=409
        ) from None
    record_event(
        obj=application,
        action="application.submitted",
        actor=actor,
        after={
            "number": application.number,
            "kind": kind,
            "status": ApplicationStatus.PENDING,
            "owner": owner.pk,
            "previous": previous.number if previous else None,
            "deadline": due.deadline,
            "deadline_calendar_known": due.calendar_known,
            "document_ids": document_ids,
            "screening": data.get("screening", []),
        },
    )
    notify(
        owner_users(owner),
        verb="application.submitted",
        message=_("%(supplier)s submitted application %(number)s; verify it by %(deadline)s.")
        % {
            "supplier": supplier.organisation.name,
            "number": application.number,
            "deadline": timezone.localtime(due.deadline).strftime("%Y-%m-%d %H:%M"),
        },
        link=application_link(application),
    )
    return application


# ---- submitting ---------------------------------------------------------------------------


def application_submit(*, actor: User | None, supplier: Supplier) -> Application:
    """Submit the supplier's profile and documents for verification (onboarding; for an active
    supplier, its new document versions as a change). Screening runs now: a hit is recorded in
    `data["screening"]` and blocks approval, not submission."""
    actor = _require_supplier_admin(actor, supplier)
    with transaction.atomic():
        supplier = _lock_supplier(supplier.pk)
        if supplier.status == SupplierStatus.ACTIVE:
            return _submit_change(actor=actor, supplier=supplier, data={})
        _refuse_if_pending(supplier)
        if supplier.status not in SUBMITTABLE:
            raise InvalidTransition(
                _("A supplier in status %(status)s cannot submit an application.")
                % {"status": supplier.get_status_display()},
                status_from=supplier.status,
            )
        _check_commitment_and_documents(supplier)
        data = profile_snapshot(supplier)
        data["screening"] = screening_entries(supplier.credit_code)
        document_ids = sorted(d.pk for d in latest_documents(supplier).values())
        application = _create_application(
            actor=actor,
            supplier=supplier,
            kind=ApplicationKind.ONBOARDING,
            data=data,
            document_ids=document_ids,
        )
        before_status = supplier.status
        supplier.status = SupplierStatus.PENDING
        supplier.save(update_fields=["status"])
        record_event(
            obj=supplier,
            action="supplier.submitted",
            actor=actor,
            before={"status": before_status},
            after={"status": SupplierStatus.PENDING, "application": application.number},
        )
    return application


def _submit_change(*, actor: User, supplier: Supplier, data: dict[str, Any]) -> Application:
    _refuse_if_pending(supplier)
    changes = clean_change(supplier, data)
    _check_commitment_and_documents(supplier)
    latest = latest_documents(supplier)
    accepted = latest_documents(supplier, accepted_only=True)
    new_documents = sorted(
        code for code, doc in latest.items() if code not in accepted or accepted[code] != doc
    )
    if not changes and not new_documents:
        raise DomainError(
            "no_changes", _("Nothing has changed: there is nothing to verify."), field="data"
        )
    current = profile_snapshot(supplier)
    snapshot = {**current, **changes}
    snapshot["changes"] = {k: {"old": current[k], "new": v} for k, v in changes.items()}
    snapshot["changed_documents"] = new_documents
    snapshot["screening"] = screening_entries(supplier.credit_code, snapshot["credit_code"])
    return _create_application(
        actor=actor,
        supplier=supplier,
        kind=ApplicationKind.CHANGE,
        data=snapshot,
        document_ids=sorted(d.pk for d in latest.values()),
    )


def application_submit_change(
    *, actor: User | None, supplier: Supplier, data: dict[str, Any]
) -> Application:
    """An active supplier's change of key data (name, credit code, legal representative) and/or
    new document versions. It stays active on its old data until the change is approved."""
    actor = _require_supplier_admin(actor, supplier)
    if not isinstance(data, dict):
        raise DomainError("invalid_field", _("Send the changes as an object."), field="data")
    with transaction.atomic():
        supplier = _lock_supplier(supplier.pk)
        if supplier.status != SupplierStatus.ACTIVE:
            raise InvalidTransition(
                _("Only an active supplier changes its key data through verification."),
                status_from=supplier.status,
            )
        return _submit_change(actor=actor, supplier=supplier, data=data)


# ---- deciding -----------------------------------------------------------------------------


def _lock_for_decision(actor: User | None, number: str) -> tuple[User, Supplier, Application]:
    found = application_for_actor(actor, number)
    decider = require_deciding_operator(actor, found)
    supplier = _lock_supplier(found.supplier_id)
    application = Application.objects.select_for_update().get(pk=found.pk)
    if application.status != ApplicationStatus.PENDING:
        raise InvalidTransition(
            _("Application %(number)s has already been decided (%(status)s).")
            % {"number": application.number, "status": application.get_status_display()},
            status_from=application.status,
        )
    return decider, supplier, application


def _record_decision(
    *,
    actor: User,
    supplier: Supplier,
    application: Application,
    status: str,
    reasons: dict[str, str],
    now: datetime,
    note: str = "",
) -> None:
    application.status = status
    application.decided_by = actor
    application.decided_at = now
    application.reasons = reasons
    application.save(update_fields=["status", "decided_by", "decided_at", "reasons"])
    after: dict[str, Any] = {"status": status, "decided_at": now, "reasons": reasons}
    if note:
        after["note"] = note
    record_event(
        obj=application,
        action=f"application.{status}",
        actor=actor,
        before={"status": ApplicationStatus.PENDING},
        after=after,
    )
    messages: dict[str, str] = {
        ApplicationStatus.APPROVED: _("Application %(number)s has been approved."),
        ApplicationStatus.RETURNED: _(
            "Application %(number)s has been returned for correction: please see the reasons, "
            "correct and submit again."
        ),
        ApplicationStatus.REJECTED: _("Application %(number)s has been rejected: %(reason)s"),
    }
    notify(
        supplier_admins(supplier),
        verb=f"application.{status}",
        message=messages[status]
        % {"number": application.number, "reason": reasons.get("_general", "")},
        link=link("suppliers:home", fallback="/suppliers/"),
    )


def _set_supplier_status(
    actor: User, supplier: Supplier, status: str, action: str, now: datetime
) -> None:
    before = supplier.status
    supplier.status = status
    fields = ["status"]
    after: dict[str, Any] = {"status": status}
    if status == SupplierStatus.ACTIVE and supplier.activated_at is None:
        supplier.activated_at = now
        fields.append("activated_at")
        after["activated_at"] = supplier.activated_at
    supplier.save(update_fields=fields)
    record_event(obj=supplier, action=action, actor=actor, before={"status": before}, after=after)


def _apply_change(actor: User, supplier: Supplier, application: Application) -> None:
    changes = {k: v["new"] for k, v in (application.data.get("changes") or {}).items()}
    check_unique(supplier, changes)
    org = supplier.organisation
    if "name" in changes:
        org_locked = Organisation.objects.select_for_update().get(pk=org.pk)
        old_name = org_locked.name
        org_locked.name = changes["name"]
        org_locked.save(update_fields=["name"])
        org.name = changes["name"]
        record_event(
            obj=org_locked,
            action="organisation.renamed",
            actor=actor,
            before={"name": old_name},
            after={"name": changes["name"], "application": application.number},
        )
    supplier_changes = {k: v for k, v in changes.items() if k != "name"}
    before = {k: v["old"] for k, v in application.data["changes"].items()}
    for key, value in supplier_changes.items():
        setattr(supplier, key, value)
    if supplier_changes:
        supplier.save(update_fields=list(supplier_changes))
    record_event(
        obj=supplier,
        action="supplier.changed",
        actor=actor,
        before=before,
        after={**changes, "application": application.number},
    )


def _accept_documents(actor: User, application: Application, now: datetime) -> None:
    docs = Document.objects.select_for_update().filter(
        pk__in=application.document_ids, supplier_id=application.supplier_id, accepted_at=None
    )
    for doc in docs.order_by("pk"):
        doc.accepted_at = now
        doc.save(update_fields=["accepted_at"])
        record_event(
            obj=doc,
            action="document.accepted",
            actor=actor,
            before={"accepted_at": None},
            after={"accepted_at": now, "application": application.number},
        )


def application_approve(*, actor: User | None, number: str, note: str = "") -> Application:
    """Approve: an onboarding makes the supplier active; a change applies its data. The submitted
    documents are accepted. Refused while the credit code (old or new) is on a credit list."""
    with transaction.atomic():
        decider, supplier, application = _lock_for_decision(actor, number)
        now = timezone.now()
        hits = screening_entries(supplier.credit_code, application.data.get("credit_code", ""))
        if hits:
            raise DomainError(
                "credit_list_hit",
                _("The credit code is on a credit list: the application cannot be approved."),
                status=409,
                hits=[{"list_type": h["list_type"], "credit_code": h["credit_code"]} for h in hits],
            )
        note = (note or "").strip()[:REASON_MAX_LENGTH]
        if application.kind == ApplicationKind.CHANGE:
            _apply_change(decider, supplier, application)
        else:
            _set_supplier_status(decider, supplier, SupplierStatus.ACTIVE, "supplier.approved", now)
        _accept_documents(decider, application, now)
        _record_decision(
            actor=decider,
            supplier=supplier,
            application=application,
            now=now,
            status=ApplicationStatus.APPROVED,
            reasons={"_general": note} if note else {},
            note=note,
        )
    return application


def application_return(*, actor: User | None, number: str, reasons: dict[str, str]) -> Application:
    """Return for correction (补正) with a reason per field; the supplier corrects and submits
    again (a new application with a new deadline)."""
    with transaction.atomic():
        decider, supplier, application = _lock_for_decision(actor, number)
        now = timezone.now()
        cleaned = clean_reasons(reasons)
        if application.kind == ApplicationKind.ONBOARDING:
            _set_supplier_status(
                decider, supplier, SupplierStatus.RETURNED, "supplier.returned", now
            )
        _record_decision(
            actor=decider,
            supplier=supplier,
            application=application,
            now=now,
            status=ApplicationStatus.RETURNED,
            reasons=cleaned,
        )
    return application


def application_reject(*, actor: User | None, number: str, reason: str) -> Application:
    """Reject with a reason; the supplier may apply again (an active supplier's change is
    refused and it stays active on its data)."""
    with transaction.atomic():
        decider, supplier, application = _lock_for_decision(actor, number)
        now = timezone.now()
        text = clean_reason(reason, field="reason")
        if application.kind == ApplicationKind.ONBOARDING:
            _set_supplier_status(
                decider, supplier, SupplierStatus.REJECTED, "supplier.rejected", now
            )
        _record_decision(
            actor=decider,
            supplier=supplier,
            application=application,
            now=now,
            status=ApplicationStatus.REJECTED,
            reasons={"_general": text},
        )
    return application
