"""Supplier pages: the registration wizard, the supplier's home (status, stepper, deadline,
reasons, blockers) and the profile."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from govmall.accounts.access import request_user
from govmall.accounts.models import User
from govmall.accounts.roles import Role
from govmall.core.errors import DomainError, NotFound
from govmall.core.forms import add_domain_error
from govmall.suppliers import access
from govmall.suppliers.commitment import current_commitment, current_signature
from govmall.suppliers.documents import missing_required_types
from govmall.suppliers.forms_registration import WIDE_FIELDS, ProfileForm, RegistrationForm
from govmall.suppliers.gate import trading_blockers
from govmall.suppliers.models import Application, Supplier, SupplierStatus
from govmall.suppliers.services_registration import (
    EDITABLE_STATUSES,
    KEY_FIELDS,
    profile_of,
    supplier_profile_update,
    supplier_register,
)

BACKEND = "govmall.accounts.backends.ThrottledModelBackend"


def url_or(name: str, fallback: str = "") -> str:
    """The URL of `name` if another area has built it; else `fallback`."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return fallback


def own_supplier_page(actor: User, *, admin: bool = False) -> Supplier:
    """`access.own_supplier` for pages: not found → 404, not allowed → 403."""
    try:
        return access.own_supplier(actor, admin=admin)
    except NotFound as exc:
        raise Http404 from exc
    except DomainError as exc:
        raise PermissionDenied(exc.message) from exc


def _categories(text: str) -> list[str]:
    return [part for part in text.replace("，", ",").replace("、", ",").split(",") if part.strip()]


def register(request: HttpRequest) -> HttpResponse:
    """The public registration wizard (always open, free of charge)."""
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("password_again")
        data["intended_categories"] = _categories(data["intended_categories"])
        try:
            result = supplier_register(**data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            login(request, result.admin_user, backend=BACKEND)
            messages.success(
                request,
                _("Registration complete: %(name)s. Next, sign the credit commitment.")
                % {"name": result.supplier.organisation.name},
            )
            for warning in result.warnings:
                messages.warning(request, warning)
            return redirect("suppliers:home")
    return render(request, "suppliers/register.html", {"form": form, "wide_fields": WIDE_FIELDS})


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    done: bool
    current: bool = False


def time_left(deadline: datetime, now: datetime | None = None) -> tuple[str, bool]:
    """("1 day 5 hours", overdue?) until `deadline`."""
    now = now or timezone.now()
    seconds = int((deadline - now).total_seconds())
    overdue = seconds < 0
    seconds = abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = []
    if days:
        parts.append(ngettext("%(n)d day", "%(n)d days", days) % {"n": days})
    if hours or days:
        parts.append(ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours})
    if not days:
        parts.append(ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes})
    return " ".join(parts), overdue


def _steps(supplier: Supplier, signed: bool, documents_ready: bool) -> list[Step]:
    status = supplier.status
    flags = [
        ("registered", _("Register"), True),
        ("commitment", _("Sign the commitment"), signed),
        ("documents", _("Upload documents"), documents_ready),
        ("submitted", _("Submit for verification"), status in (SupplierStatus.PENDING, "active")),
        ("approved", _("Approved"), status == SupplierStatus.ACTIVE),
    ]
    first_open = next((key for key, _label, done in flags if not done), None)
    return [
        Step(key=key, label=str(label), done=done, current=key == first_open)
        for key, label, done in flags
    ]


def _reason_rows(application: Application) -> list[tuple[str, str]]:
    labels = {name: str(f.label) for name, f in ProfileForm.base_fields.items() if f.label}
    labels["documents"] = _("Documents")
    try:  # the verification area's names for the fields of an application
        from govmall.suppliers.selectors_verification import FIELD_LABELS
    except ImportError:
        FIELD_LABELS = {}
    labels.update({k: str(v) for k, v in FIELD_LABELS.items()})
    labels["_general"] = _("General")
    reasons = application.reasons if isinstance(application.reasons, dict) else {}
    return [(labels.get(key) or key, str(text)) for key, text in reasons.items()]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    supplier = own_supplier_page(actor)
    current = current_commitment()
    signature = current_signature(supplier)
    missing = missing_required_types(supplier)
    latest = Application.objects.filter(supplier=supplier).order_by("-submitted_at", "-id").first()
    context: dict[str, Any] = {
        "supplier": supplier,
        "organisation": supplier.organisation,
        "is_admin": actor.has_role(Role.SUPPLIER_ADMIN),
        "steps": _steps(supplier, signature is not None, not missing),
        "current_commitment": current,
        "signature": signature,
        "missing_documents": missing,
        "blockers": trading_blockers(supplier),
        "application": latest,
        "commitment_url": reverse("suppliers:commitment"),
        "profile_url": reverse("suppliers:profile"),
        "documents_url": url_or("suppliers:documents", "/suppliers/documents/"),
        "submit_url": url_or("suppliers:submit"),
        "may_submit": supplier.status in EDITABLE_STATUSES,
        "ready": signature is not None and not missing,
        "users_url": url_or("accounts:users"),
    }
    if latest is not None:
        left, overdue = time_left(latest.deadline)
        context.update(time_left=left, overdue=overdue)
        if latest.status in ("returned", "rejected"):
            context["reasons"] = _reason_rows(latest)
    return render(request, "suppliers/home.html", context)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    supplier = own_supplier_page(actor)
    is_admin = actor.has_role(Role.SUPPLIER_ADMIN)
    current = profile_of(supplier)
    initial = {**current, "intended_categories": ", ".join(current["intended_categories"])}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not is_admin:
            raise PermissionDenied
        if form.is_valid():
            data = dict(form.cleaned_data)
            data["intended_categories"] = _categories(data["intended_categories"])
            try:
                with transaction.atomic():  # plain and key changes together, or neither
                    done = _apply_profile(actor, supplier, current, data)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, done)
                return redirect("suppliers:profile")
    return render(
        request,
        "suppliers/profile.html",
        {
            "form": form,
            "supplier": supplier,
            "is_admin": is_admin,
            "active": supplier.status == SupplierStatus.ACTIVE,
            "locked": supplier.status == SupplierStatus.PENDING,
            "key_fields": KEY_FIELDS,
            "mark_key": supplier.status == SupplierStatus.ACTIVE,
            "wide_fields": WIDE_FIELDS,
            "change_supported": _submit_change() is not None,
        },
    )


def _submit_change() -> Any:
    """The verification area's `application_submit_change`, once it exists."""
    try:
        from govmall.suppliers import services_verification
    except ImportError:
        return None
    return getattr(services_verification, "application_submit_change", None)


# Key data the verification area's change application carries, as it names the fields.
CHANGE_NAMES = {
    "org_name": "name",
    "credit_code": "credit_code",
    "legal_representative": "legal_representative",
}


def _apply_profile(
    actor: User, supplier: Supplier, current: dict[str, Any], data: dict[str, Any]
) -> str:
    """Apply the edit; for an active supplier, changed key data goes to a change application."""
    changed = {k: v for k, v in data.items() if v != current.get(k)}
    if supplier.status != SupplierStatus.ACTIVE:
        supplier_profile_update(actor=actor, supplier=supplier, **changed)
        return _("The profile has been saved.")
    key = {k: v for k, v in changed.items() if k in KEY_FIELDS}
    plain = {k: v for k, v in changed.items() if k not in KEY_FIELDS}
    submit_change = _submit_change()
    if key and (submit_change is None or set(key) - set(CHANGE_NAMES)):
        # Not changeable here: let the service refuse with its own message, naming the field.
        supplier_profile_update(actor=actor, supplier=supplier, **changed)
    if plain:
        supplier_profile_update(actor=actor, supplier=supplier, **plain)
    if not key:
        return _("The profile has been saved.")
    try:
        application = submit_change(
            actor=actor, supplier=supplier, data={CHANGE_NAMES[k]: v for k, v in key.items()}
        )
    except DomainError as exc:
        if exc.field == "name":  # the form calls it org_name
            exc.field = exc.details["field"] = "org_name"
        raise
    return _(
        "Saved. The change of key data has been submitted for verification as %(number)s; "
        "until it is approved you trade on your current data."
    ) % {"number": application.number}
