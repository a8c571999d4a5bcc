"""Shared recruitment (共享制): importing suppliers already admitted by another mall of the
region, and the one-time activation of their supplier admin.

Who imports: operator admins of the regional centre (150000) only. Shared recruitment is an
agreement between the region's malls ("全区政府采购一张网": one admission is valid region-wide),
and suppliers from outside the region are the regional centre's anyway; city operators run
their queues. Any registered division in China is accepted.

The file (UTF-8; a BOM is allowed) is CSV with a header row naming exactly the columns of
`COLUMNS` (any order), or JSON: an array of objects with those keys (string values; null or a
missing optional key is empty). `contact_email` and `admin_display_name` may be empty; every
other column is required. A file that is not UTF-8, not parseable, lacks or adds a column, has
a ragged row, no rows or more than `MAX_ROWS` imports nothing (`shared_file_invalid`).

Each row is then checked on its own (its own savepoint: a refused row leaves nothing): field
lengths and choices, the credit code (GB 32100, matching the type), unique credit code, name and
admin username (in the database and within the file), the division, and the credit lists (a
listed code is refused). A row that passes becomes at once an ACTIVE supplier (source `shared`,
`source_mall` kept) with its organisation, a supplier admin whose password is unusable, and a
one-time activation code: shown once in the report for the operator to hand over, stored only
as its SHA-256. Until its admin signs the commitment and uploads the required documents it
lacks, the trading gate blocks it.

Activation: username + code + a new password. The code works once. A wrong code counts as a
failed login of that account (a `LoginFailure`, reason `bad_password`), so the login throttle's
lock (5 failures in 15 minutes) also stops guessing codes; an unknown username is recorded as
`unknown_user` and answered exactly like a wrong code.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govmall.accounts import services as account_services
from govmall.accounts.access import require_regional_operator_admin
from govmall.accounts.models import Division, LoginFailure, Organisation, User, UserRole
from govmall.accounts.roles import OrgKind, Role
from govmall.audit.services import record_event
from govmall.core.errors import DomainError
from govmall.suppliers import codes
from govmall.suppliers.credit import active_hits
from govmall.suppliers.models import (
    ActivationCode,
    Supplier,
    SupplierSize,
    SupplierSource,
    SupplierStatus,
    SupplierType,
)

COLUMNS = (
    "source_mall",
    "name",
    "credit_code",
    "supplier_type",
    "size",
    "division_code",
    "legal_representative",
    "contact_name",
    "contact_phone",
    "contact_email",
    "business_scope",
    "admin_username",
    "admin_display_name",
)
OPTIONAL = ("contact_email", "admin_display_name")
LIMITS = {
    "source_mall": 200,
    "name": 200,
    "credit_code": 18,
    "supplier_type": 20,
    "size": 10,
    "division_code": 6,
    "legal_representative": 100,
    "contact_name": 100,
    "contact_phone": 30,
    "contact_email": 254,
    "business_scope": 2000,
    "admin_username": 150,
    "admin_display_name": 100,
}
MAX_ROWS = 5000
MAX_FILE_BYTES = 5 * 1024 * 1024
# No 0/O, 1/I/L, 5/S, 2/Z, 8/B, U/V: nothing a person could misread when handing it over.
CODE_ALPHABET = "34679ACDEFGHJKMNPQRTWXY"
CODE_GROUPS = 4
CODE_GROUP_LENGTH = 4

Progress = Callable[[int, int], None]


@dataclass
class SharedRowResult:
    row: int
    ok: bool
    code: str  # "imported" or the refusal's error code
    message: str
    name: str = ""
    credit_code: str = ""
    field: str | None = None
    admin_username: str = ""
    activation_code: str | None = None  # shown once, never stored


@dataclass
class SharedImportReport:
    file_name: str
    rows_total: int = 0
    rows_imported: int = 0
    rows: list[SharedRowResult] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


# ---- the file -----------------------------------------------------------------------------


def _bad_file(message: str, **details: Any) -> DomainError:
    return DomainError("shared_file_invalid", message, field="file", **details)


def _decode(data: bytes) -> str:
    if not data.strip():
        raise _bad_file(_("The file is empty."))
    if len(data) > MAX_FILE_BYTES:
        raise _bad_file(
            _("The file is larger than %(mb)d MB.") % {"mb": MAX_FILE_BYTES // (1024 * 1024)}
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _bad_file(_("The file is not UTF-8 text.")) from exc
    if "\x00" in text:
        raise _bad_file(_("The file contains NUL characters."))
    return text


def _check_columns(names: list[str]) -> None:
    missing = [c for c in COLUMNS if c not in names]
    extra = [n for n in names if n not in COLUMNS]
    if missing or extra or len(names) != len(set(names)):
        raise _bad_file(
            _("The columns must be exactly: %(columns)s.") % {"columns": ", ".join(COLUMNS)},
            missing=missing,
            unexpected=extra,
        )


def _parse_csv(text: str) -> list[dict[str, str]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        first = next(reader, None)
        if first is None:  # an empty file
            raise _bad_file(_("The file has no rows."))
        header = [h.strip() for h in first]
        _check_columns(header)
        rows = []
        for number, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue  # blank lines
            if len(cells) != len(header):
                raise _bad_file(
                    _("Line %(line)d has %(found)d cells; the header has %(expected)d.")
                    % {"line": number, "found": len(cells), "expected": len(header)},
                    line=number,
                )
            rows.append(dict(zip(header, cells, strict=True)))
    except csv.Error as exc:
        raise _bad_file(_("The CSV file cannot be read: %(error)s") % {"error": exc}) from exc
    return rows


def _parse_json(text: str) -> list[dict[str, str]]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise _bad_file(_("The JSON file cannot be read: %(error)s") % {"error": exc}) from exc
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise _bad_file(_("The JSON file must be an array of objects."))
    rows = []
    for index, item in enumerate(data, start=1):
        unexpected = [k for k in item if k not in COLUMNS]
        missing = [c for c in COLUMNS if c not in item and c not in OPTIONAL]
        if unexpected or missing:
            raise _bad_file(
                _("Object %(n)d does not have the keys: %(columns)s.")
                % {"n": index, "columns": ", ".join(COLUMNS)},
                missing=missing,
                unexpected=unexpected,
            )
        if not all(v is None or isinstance(v, str) for v in item.values()):
            raise _bad_file(
                _("Object %(n)d: every value must be a string.") % {"n": index}, row=index
            )
        rows.append({c: item.get(c) or "" for c in COLUMNS})
    return rows


def parse_shared_file(data: bytes, file_name: str) -> list[dict[str, str]]:
    """The rows of a shared-recruitment file, or `shared_file_invalid` for a bad file."""
    text = _decode(data)
    lowered = file_name.lower()
    is_json = lowered.endswith(".json") or (
        not lowered.endswith(".csv") and text.lstrip()[:1] in ("[", "{")
    )
    rows = _parse_json(text) if is_json else _parse_csv(text)
    if not rows:
        raise _bad_file(_("The file has no rows."))
    if len(rows) > MAX_ROWS:
        raise _bad_file(_("At most %(n)d rows per file.") % {"n": MAX_ROWS}, limit=MAX_ROWS)
    return rows


# ---- one row ------------------------------------------------------------------------------


def _clean_row(raw: dict[str, str]) -> dict[str, str]:
    row = {name: (raw.get(name) or "").strip() for name in COLUMNS}
    for name, value in row.items():
        if not value and name not in OPTIONAL:
            raise DomainError("required", _("%(field)s is required.") % {"field": name}, field=name)
        if len(value) > LIMITS[name] and name != "credit_code":  # the validator names that
            raise DomainError(
                "too_long",
                _("%(field)s is longer than %(limit)d characters.")
                % {"field": name, "limit": LIMITS[name]},
                field=name,
            )
    for name, choices in (("supplier_type", SupplierType), ("size", SupplierSize)):
        if row[name] not in choices.values:
            raise DomainError(
                "invalid_choice",
                _("%(field)s must be one of: %(choices)s.")
                % {"field": name, "choices": ", ".join(choices.values)},
                field=name,
            )
    try:
        User._meta.get_field("username").run_validators(row["admin_username"])
    except ValidationError as exc:
        raise DomainError(
            "invalid_username",
            _("A username has letters, digits and @ . + - _ only."),
            field="admin_username",
        ) from exc
    if row["contact_email"]:
        from django.core.validators import validate_email

        try:
            validate_email(row["contact_email"])
        except ValidationError as exc:
            raise DomainError(
                "invalid_email", _("Enter a valid email address."), field="contact_email"
            ) from exc
    row["credit_code"] = codes.validate_credit_code(row["credit_code"], row["supplier_type"])
    return row


def _screen(row: dict[str, str]) -> None:
    """Uniqueness, division and the credit lists (a listed code is refused)."""
    code = row["credit_code"]
    if Supplier.objects.filter(credit_code=code).exists():
        raise DomainError(
            "credit_code_taken",
            _("A supplier with this credit code is already registered."),
            field="credit_code",
        )
    if Organisation.objects.filter(kind=OrgKind.SUPPLIER, name=row["name"]).exists():
        raise DomainError(
            "org_name_taken", _("A supplier with this name is already registered."), field="name"
        )
    if User.objects.filter(username__iexact=row["admin_username"]).exists():
        raise DomainError("username_taken", _("This username is taken."), field="admin_username")
    if not Division.objects.filter(code=row["division_code"]).exists():
        raise DomainError(
            "unknown_division",
            _("Unknown division code %(code)s.") % {"code": row["division_code"]},
            field="division_code",
        )
    lists = sorted(set(active_hits(code).values_list("list_type", flat=True)))
    if lists:
        raise DomainError(
            "credit_listed",
            _("This credit code is on a credit list (%(lists)s); it cannot be admitted.")
            % {"lists": ", ".join(lists)},
            field="credit_code",
            lists=lists,
        )


def new_activation_code() -> str:
    """16 characters from an unambiguous alphabet, grouped for reading: `XXXX-XXXX-XXXX-XXXX`."""
    chars = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_GROUPS * CODE_GROUP_LENGTH))
    return "-".join(
        chars[i : i + CODE_GROUP_LENGTH] for i in range(0, len(chars), CODE_GROUP_LENGTH)
    )


def hash_activation_code(code: str) -> str:
    normalised = "".join(c for c in code.upper() if c.isalnum())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def _admit(actor: User, row: dict[str, str], now: Any) -> tuple[Supplier, User, str]:
    org = account_services.organisation_create(
        actor=actor, kind=OrgKind.SUPPLIER, name=row["name"], division_code=row["division_code"]
    )
    # Created here rather than by accounts.user_create: the password is unusable (no hash to
    # compute per row) and the operator, not the supplier's own admin, is the actor.
    admin = User.objects.create(
        username=row["admin_username"],
        password=make_password(None),
        organisation=org,
        display_name=row["admin_display_name"],
    )
    UserRole.objects.create(user=admin, role=Role.SUPPLIER_ADMIN)
    record_event(
        obj=admin,
        action="user.created",
        actor=actor,
        organisation=org,
        after={
            "username": admin.username,
            "roles": [Role.SUPPLIER_ADMIN.value],
            "organisation": org.pk,
            "password": "unusable until activation",
        },
    )
    supplier = Supplier.objects.create(
        organisation=org,
        credit_code=row["credit_code"],
        supplier_type=row["supplier_type"],
        size=row["size"],
        legal_representative=row["legal_representative"],
        contact_name=row["contact_name"],
        contact_phone=row["contact_phone"],
        contact_email=row["contact_email"],
        business_scope=row["business_scope"],
        status=SupplierStatus.ACTIVE,
        source=SupplierSource.SHARED,
        source_mall=row["source_mall"],
        registered_at=now,
        activated_at=now,
    )
    code = new_activation_code()
    ActivationCode.objects.create(
        supplier=supplier, user=admin, code_hash=hash_activation_code(code), created_at=now
    )
    record_event(
        obj=supplier,
        action="supplier.shared_imported",
        actor=actor,
        organisation=org,
        after={
            "status": SupplierStatus.ACTIVE.value,
            "source": SupplierSource.SHARED.value,
            "source_mall": row["source_mall"],
            "credit_code": row["credit_code"],
            "supplier_type": row["supplier_type"],
            "size": row["size"],
            "division": row["division_code"],
            "admin": admin.username,
            "activated_at": now,
        },
    )
    return supplier, admin, code


def shared_suppliers_import(
    *, actor: User | None, data: bytes, file_name: str, progress: Progress | None = None
) -> SharedImportReport:
    """Import a shared-recruitment file: each passing row becomes an active supplier at once."""
    operator = require_regional_operator_admin(actor)
    rows = parse_shared_file(data, file_name)
    report = SharedImportReport(file_name=file_name[:200], rows_total=len(rows))
    now = timezone.now()
    seen: dict[str, set[str]] = {"credit_code": set(), "name": set(), "admin_username": set()}
    with transaction.atomic():
        for number, raw in enumerate(rows, start=1):
            result = SharedRowResult(
                row=number,
                ok=False,
                code="",
                message="",
                name=(raw.get("name") or "").strip()[:200],
                credit_code=(raw.get("credit_code") or "").strip().upper()[:18],
                admin_username=(raw.get("admin_username") or "").strip()[:150],
            )
            try:
                with transaction.atomic():
                    row = _clean_row(raw)
                    for key, values in seen.items():
                        if row[key].lower() in values:
                            raise DomainError(
                                "duplicate_in_file",
                                _("An earlier row of this file has the same %(field)s.")
                                % {"field": key},
                                field=key,
                            )
                    _screen(row)
                    _supplier, _admin, code = _admit(operator, row, now)
                    for key, values in seen.items():
                        values.add(row[key].lower())
            except DomainError as exc:
                result.code, result.message, result.field = exc.code, exc.message, exc.field
            except IntegrityError:  # a concurrent registration took the code, name or username
                result.code = "conflict"
                result.message = _("Another registration took this credit code, name or user.")
            else:
                result.ok, result.code, result.activation_code = True, "imported", code
                result.message = _("Imported: active; hand the activation code to its admin.")
                report.rows_imported += 1
            report.rows.append(result)
            if progress is not None:
                progress(number, len(rows))
    return report


# ---- activation ---------------------------------------------------------------------------


def _invalid_code() -> DomainError:
    return DomainError(
        "activation_invalid",
        _("The username or the activation code is wrong."),
        field="code",
    )


def supplier_admin_activate(
    *, username: str, code: str, password: str, ip: str | None = None
) -> User:
    """Use a one-time activation code: set the admin's password; the code is spent."""
    from django.contrib.auth.password_validation import validate_password

    username, now = (username or "").strip()[:150], timezone.now()
    refusal: DomainError | None = None
    with transaction.atomic():
        user = User.objects.select_for_update().filter(username__iexact=username).first()
        if user is None or not username:
            LoginFailure.objects.create(
                username=username, at=now, ip=ip, reason=LoginFailure.Reason.UNKNOWN_USER
            )
            refusal = _invalid_code()
        elif user.locked_until is not None and user.locked_until > now:
            LoginFailure.objects.create(
                username=username, user=user, at=now, ip=ip, reason=LoginFailure.Reason.LOCKED
            )
            refusal = DomainError(
                "account_locked",
                _("Too many failed attempts: this account is locked for a while. Try later."),
                status=429,
            )
        else:
            activation = (
                ActivationCode.objects.select_for_update()
                .filter(user=user, code_hash=hash_activation_code(code or ""))
                .first()
            )
            if activation is None or not user.is_active:
                account_services.record_bad_password(user, ip=ip, now=now)
                refusal = _invalid_code()
            elif activation.used_at is not None:
                refusal = DomainError(
                    "activation_used",
                    _("This activation code has already been used: log in with your password."),
                    field="code",
                    status=409,
                )
            else:
                if not password or len(password) > 128:
                    raise DomainError("required", _("Choose a password."), field="password")
                try:
                    validate_password(password, user)
                except ValidationError as exc:
                    raise DomainError(
                        "weak_password", " ".join(exc.messages), field="password"
                    ) from exc
                User.objects.filter(pk=user.pk).update(password=make_password(password))
                ActivationCode.objects.filter(pk=activation.pk).update(used_at=now)
                record_event(
                    obj=user,
                    action="user.activated",
                    actor=user,
                    organisation=user.organisation,
                    before={"password": "unusable"},
                    after={"password": "set", "activation_code_used_at": now},
                )
                user.refresh_from_db()
                return user
    # Outside the transaction: the failure records stay.
    assert refusal is not None
    raise refusal
