"""Business verbs of supplier registration: self-registration (public, zero-cost) and the
supplier admin's profile edits.

Registration creates the supplier organisation, its supplier admin user and the Supplier row in
one transaction; every refusal names the field at fault and leaves nothing behind. No fee field
exists: onboarding is free of charge (零成本入驻).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govmall.accounts import services as account_services
from govmall.accounts.access import is_authenticated
from govmall.accounts.models import Division, Organisation, User
from govmall.accounts.roles import OrgKind, Role
from govmall.audit.services import changes, record_event
from govmall.core.errors import DomainError, NotFound, PermissionDenied
from govmall.core.text import clean_text
from govmall.suppliers import codes
from govmall.suppliers.models import (
    SUPPLIER_FIELDS,
    Supplier,
    SupplierSize,
    SupplierStatus,
    SupplierType,
)

# Upper bounds of every text input (the model's columns; the API schemas use the same).
LIMITS: dict[str, int] = {
    "username": 150,
    "password": 128,
    "display_name": 100,
    "email": 254,
    "org_name": 200,
    "credit_code": 18,
    "legal_representative": 100,
    "contact_name": 100,
    "contact_phone": 30,
    "contact_email": 254,
    "address": 200,
    "business_scope": 2000,
    "service_outlets": 1000,
    "hotline_hours": 100,
}
MAX_CATEGORIES = 30
MAX_CATEGORY_LENGTH = 100
PHONE = re.compile(r"^[0-9+()\- ]{5,30}$")

# Profile fields as the caller names them → where they live.
ORGANISATION_FIELDS = ("org_name", "division_code")
PROFILE_FIELDS = ORGANISATION_FIELDS + SUPPLIER_FIELDS
# Key data of an active supplier changes only through verification (a change application).
# The type and the registered division go with the credit code and the owning operator.
KEY_FIELDS = ("org_name", "credit_code", "legal_representative", "supplier_type", "division_code")
REQUIRED_PROFILE = (
    "org_name",
    "credit_code",
    "supplier_type",
    "size",
    "division_code",
    "legal_representative",
    "contact_name",
    "contact_phone",
    "business_scope",
)
EDITABLE_STATUSES = (SupplierStatus.DRAFT, SupplierStatus.RETURNED, SupplierStatus.REJECTED)


@dataclass
class RegistrationResult:
    supplier: Supplier
    admin_user: User
    warnings: list[str] = field(default_factory=list)


# ---- validation ---------------------------------------------------------------------------


def _required(name: str) -> DomainError:
    return DomainError("required", _("This field is required."), field=name)


def _clean_text(name: str, value: Any, *, required: bool) -> str:
    return clean_text(value, field=name, limit=LIMITS[name], required=required)


def _clean_email(name: str, value: Any, *, required: bool) -> str:
    value = _clean_text(name, value, required=required)
    if value:
        try:
            validate_email(value)
        except ValidationError as exc:
            raise DomainError(
                "invalid_email", _("Enter a valid email address."), field=name
            ) from exc
    return value


def _clean_phone(value: Any) -> str:
    value = _clean_text("contact_phone", value, required=True)
    if not PHONE.match(value):
        raise DomainError(
            "invalid_phone",
            _("Enter a telephone number: digits, spaces, +, - and brackets."),
            field="contact_phone",
        )
    return value


def _clean_choice(name: str, value: Any, choices: list[str]) -> str:
    value = (value or "").strip() if isinstance(value, str) else value
    if not value:
        raise _required(name)
    if value not in choices:
        raise DomainError("invalid_choice", _("Choose one of the listed options."), field=name)
    return str(value)


def _clean_categories(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [part for part in re.split(r"[,，、;\n]", value)]
    if not isinstance(value, list | tuple):
        raise DomainError("invalid", _("Give a list of categories."), field="intended_categories")
    result: list[str] = []
    for item in value:
        if not isinstance(item, str):
            raise DomainError(
                "invalid", _("Give a list of categories."), field="intended_categories"
            )
        item = item.strip()
        if not item or item in result:
            continue
        if len(item) > MAX_CATEGORY_LENGTH:
            raise DomainError(
                "too_long",
                _("A category has at most %(limit)d characters.") % {"limit": MAX_CATEGORY_LENGTH},
                field="intended_categories",
                limit=MAX_CATEGORY_LENGTH,
            )
        result.append(item)
    if len(result) > MAX_CATEGORIES:
        raise DomainError(
            "too_many",
            _("At most %(limit)d categories.") % {"limit": MAX_CATEGORIES},
            field="intended_categories",
            limit=MAX_CATEGORIES,
        )
    return result


def _division(code: Any) -> Division:
    code = code.strip() if isinstance(code, str) else ""
    if not code:
        raise _required("division_code")
    division = Division.objects.filter(code=code).first() if re.fullmatch(r"\d{6}", code) else None
    if division is None:
        raise DomainError(
            "unknown_division",
            _("Unknown division code %(code)s: give a six-digit code of a division in China.")
            % {"code": code[:10]},
            field="division_code",
        )
    return division


def _clean_profile(data: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """Validate the profile fields in `names` (all required ones must be among them)."""
    cleaned: dict[str, Any] = {}
    for name in names:
        value = data.get(name)
        if name == "supplier_type":
            cleaned[name] = _clean_choice(name, value, SupplierType.values)
        elif name == "size":
            cleaned[name] = _clean_choice(name, value, SupplierSize.values)
        elif name == "division_code":
            cleaned[name] = _division(value).code
        elif name == "intended_categories":
            cleaned[name] = _clean_categories(value)
        elif name == "contact_phone":
            cleaned[name] = _clean_phone(value)
        elif name == "contact_email":
            cleaned[name] = _clean_email(name, value, required=False)
        elif name == "credit_code":
            # Any length reaches the validator, which names the fault (credit_code_format).
            if value is not None and not isinstance(value, str):
                raise DomainError("invalid", _("Enter text."), field=name)
            cleaned[name] = codes.normalise(value or "")[:64]
            if not cleaned[name]:
                raise _required(name)
        else:
            cleaned[name] = _clean_text(name, value, required=name in REQUIRED_PROFILE)
    return cleaned


def _check_credit_code(code: str, supplier_type: str, *, exclude: int | None = None) -> str:
    code = codes.validate_credit_code(code, supplier_type)
    taken = Supplier.objects.filter(credit_code__iexact=code)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise DomainError(
            "credit_code_taken",
            _("A supplier with this credit code is already registered."),
            field="credit_code",
            status=409,
        )
    return code


def _check_password(password: Any, *, username: str, email: str, display_name: str) -> str:
    from django.contrib.auth.password_validation import validate_password

    if not isinstance(password, str) or not password.strip():
        raise _required("password")
    if len(password) > LIMITS["password"]:
        raise DomainError(
            "too_long",
            _("At most %(limit)d characters.") % {"limit": LIMITS["password"]},
            field="password",
            limit=LIMITS["password"],
        )
    try:
        validate_password(password, User(username=username, email=email, display_name=display_name))
    except ValidationError as exc:
        raise DomainError("weak_password", " ".join(exc.messages), field="password") from exc
    return password


def _org_name_free(name: str, *, exclude: int | None = None) -> None:
    taken = Organisation.objects.filter(kind=OrgKind.SUPPLIER, name=name)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise DomainError(
            "org_name_taken",
            _("A supplier with this name is already registered."),
            field="org_name",
            status=409,
        )


# ---- registration -------------------------------------------------------------------------


def supplier_register(
    *,
    username: str,
    password: str,
    display_name: str,
    email: str,
    org_name: str,
    credit_code: str,
    supplier_type: str,
    size: str,
    division_code: str,
    legal_representative: str,
    contact_name: str,
    contact_phone: str,
    contact_email: str,
    address: str,
    business_scope: str,
    intended_categories: list[str],
    service_outlets: str,
    hotline_hours: str,
) -> RegistrationResult:
    """Register a supplier online (public, no actor): its organisation, its supplier admin and
    its profile in status draft. The credit code's division differing from the registered
    division is a warning in the result, not an error."""
    profile = _clean_profile(
        {
            "org_name": org_name,
            "credit_code": credit_code,
            "supplier_type": supplier_type,
            "size": size,
            "division_code": division_code,
            "legal_representative": legal_representative,
            "contact_name": contact_name,
            "contact_phone": contact_phone,
            "contact_email": contact_email,
            "address": address,
            "business_scope": business_scope,
            "intended_categories": intended_categories,
            "service_outlets": service_outlets,
            "hotline_hours": hotline_hours,
        },
        PROFILE_FIELDS,
    )
    username = _clean_text("username", username, required=True)
    display_name = _clean_text("display_name", display_name, required=False)
    email = _clean_email("email", email, required=False)
    password = _check_password(password, username=username, email=email, display_name=display_name)
    code = codes.validate_credit_code(profile["credit_code"], profile["supplier_type"])
    warning = codes.division_warning(code, profile["division_code"])
    try:
        with transaction.atomic():
            code = _check_credit_code(code, profile["supplier_type"])
            _org_name_free(profile["org_name"])
            org = account_services.organisation_create(
                actor=None,
                kind=OrgKind.SUPPLIER,
                name=profile["org_name"],
                division_code=profile["division_code"],
            )
            admin = account_services.user_create(
                actor=None,
                organisation=org,
                username=username,
                password=password,
                roles=[Role.SUPPLIER_ADMIN],
                display_name=display_name,
                email=email,
            )
            values = {k: profile[k] for k in SUPPLIER_FIELDS}
            values["credit_code"] = code
            supplier = Supplier.objects.create(
                organisation=org,
                status=SupplierStatus.DRAFT,
                registered_at=timezone.now(),
                **values,
            )
            record_event(
                obj=supplier,
                action="supplier.registered",
                actor=admin,
                organisation=org,
                after={
                    **values,
                    "org_name": org.name,
                    "division_code": org.division_id,
                    "status": supplier.status,
                    "source": supplier.source,
                    "admin": admin.username,
                },
            )
    except IntegrityError:  # a concurrent registration won the race: say which field
        _check_credit_code(code, profile["supplier_type"])
        _org_name_free(profile["org_name"])
        if User.objects.filter(username__iexact=username).exists():
            raise DomainError("duplicate", _("This username is taken."), field="username") from None
        raise
    return RegistrationResult(
        supplier=supplier, admin_user=admin, warnings=[warning] if warning else []
    )


# ---- profile ------------------------------------------------------------------------------


def require_supplier_admin(actor: User | None, supplier: Supplier) -> User:
    """The admin of this very supplier: others' suppliers are not found; staff are refused."""
    if not is_authenticated(actor) or actor is None:
        raise DomainError("unauthenticated", _("Log in first."), status=401)
    if actor.organisation_id != supplier.organisation_id:
        raise NotFound()
    if not actor.has_role(Role.SUPPLIER_ADMIN):
        raise PermissionDenied(_("Only the supplier admin may do this."))
    return actor


def profile_of(supplier: Supplier) -> dict[str, Any]:
    """The profile as the caller names its fields."""
    data: dict[str, Any] = {name: getattr(supplier, name) for name in SUPPLIER_FIELDS}
    data["org_name"] = supplier.organisation.name
    data["division_code"] = supplier.organisation.division_id
    return data


def supplier_profile_update(*, actor: User | None, supplier: Supplier, **fields: Any) -> Supplier:
    """The supplier admin edits the profile. Before approval (draft, returned, rejected) every
    field is edited directly; while active, key data (name, credit code, legal representative,
    type, division) needs verification: `key_change_needs_verification`."""
    unknown = sorted(set(fields) - set(PROFILE_FIELDS))
    if unknown:
        raise DomainError(
            "unknown_field",
            _("Unknown field: %(name)s") % {"name": unknown[0]},
            field=unknown[0],
        )
    require_supplier_admin(actor, supplier)
    with transaction.atomic():
        locked = (
            Supplier.objects.select_for_update().select_related("organisation").get(pk=supplier.pk)
        )
        org = Organisation.objects.select_for_update().get(pk=locked.organisation_id)
        current = profile_of(locked)
        asked = _clean_profile(fields, tuple(n for n in PROFILE_FIELDS if n in fields))
        new = {k: v for k, v in asked.items() if v != current[k]}
        if locked.status == SupplierStatus.PENDING:
            raise DomainError(
                "profile_pending_verification",
                _(
                    "The application is being verified: the profile can be changed after the "
                    "operator's decision."
                ),
                status=409,
            )
        if locked.status == SupplierStatus.ACTIVE:
            key = sorted(set(new) & set(KEY_FIELDS))
            if key:
                raise DomainError(
                    "key_change_needs_verification",
                    _(
                        "Key data (name, credit code, legal representative, type, division) of "
                        "an active supplier changes only through verification: submit a change "
                        "application."
                    ),
                    field=key[0],
                    status=409,
                    fields=key,
                )
        if not new:
            return locked
        merged = {**current, **new}
        if "credit_code" in new or "supplier_type" in new:
            new["credit_code"] = merged["credit_code"] = _check_credit_code(
                merged["credit_code"], merged["supplier_type"], exclude=locked.pk
            )
            if new["credit_code"] == current["credit_code"]:
                del new["credit_code"]
        if "org_name" in new:
            _org_name_free(new["org_name"], exclude=org.pk)
        org_new = {}
        if "org_name" in new:
            org_new["name"] = new["org_name"]
        if "division_code" in new:
            org_new["division_id"] = new["division_code"]
        if org_new:
            before, after = changes(org, list(org_new), org_new)
            Organisation.objects.filter(pk=org.pk).update(**org_new)
            record_event(
                obj=org,
                action="organisation.updated",
                actor=actor,
                organisation=org,
                before=before,
                after=after,
            )
        supplier_new = {k: v for k, v in new.items() if k in SUPPLIER_FIELDS}
        if supplier_new:
            Supplier.objects.filter(pk=locked.pk).update(**supplier_new)
        record_event(
            obj=locked,
            action="supplier.profile_updated",
            actor=actor,
            organisation=org,
            before={k: current[k] for k in new},
            after=new,
        )
    return Supplier.objects.select_related("organisation__division").get(pk=supplier.pk)
