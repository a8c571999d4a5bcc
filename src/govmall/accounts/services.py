"""Business verbs of accounts: organisations, users and roles, login throttling, API tokens."""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import connection, transaction
from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext as _

from govmall.accounts.models import ApiToken, Division, LoginFailure, Organisation, User, UserRole
from govmall.accounts.roles import ORG_ADMIN_ROLE, ROLE_ORG_KIND, OrgKind, Role
from govmall.audit.services import record_event
from govmall.core import planned
from govmall.core.errors import DomainError, NotFound, PermissionDenied

TOKEN_PREFIX = "gm_"  # noqa: S105 (a prefix, not a secret)


def _division(code: str) -> Division:
    division = Division.objects.filter(code=code).first()
    if division is None:
        raise DomainError(
            "unknown_division",
            _("Unknown division code %(code)s.") % {"code": code},
            field="division_code",
        )
    return division


def _check_length(field: str, value: str, limit: int) -> None:
    if len(value) > limit:
        raise DomainError(
            "too_long",
            _("%(field)s is longer than %(limit)d characters.") % {"field": field, "limit": limit},
            field=field,
            limit=limit,
        )


def organisation_create(
    *, actor: User | None, kind: str, name: str, division_code: str
) -> Organisation:
    """Create an organisation. Callers check who may (an operator admin for purchasing units,
    registration for suppliers); `actor` None means installation or demo set-up."""
    name = name.strip()
    if kind not in OrgKind.values:
        raise DomainError("invalid_kind", _("Unknown organisation kind."), field="kind")
    if not name:
        raise DomainError("required", _("A name is required."), field="name")
    _check_length("name", name, 200)
    with transaction.atomic():
        division = _division(division_code)
        if Organisation.objects.filter(kind=kind, name=name).exists():
            raise DomainError(
                "duplicate",
                _("An organisation of this kind with this name exists."),
                field="name",
            )
        org = Organisation.objects.create(kind=kind, name=name, division=division)
        record_event(
            obj=org,
            action="organisation.created",
            actor=actor,
            organisation=org,
            after={"kind": kind, "name": name, "division": division.code},
        )
    return org


def user_create(
    *,
    actor: User | None,
    organisation: Organisation | None,
    username: str,
    password: str,
    roles: list[str],
    display_name: str = "",
    email: str = "",
) -> User:
    """Create a user in an organisation with roles that organisation's kind allows.

    `actor` must be an admin of that organisation (or None: installation and demo set-up).
    """
    if actor is not None:
        if organisation is None or actor.organisation_id != organisation.pk:
            raise PermissionDenied()
        if not actor.has_role(ORG_ADMIN_ROLE[organisation.kind]):
            raise PermissionDenied()
    return _insert_user(
        actor=actor,
        organisation=organisation,
        username=username,
        password=password,
        roles=roles,
        display_name=display_name,
        email=email,
    )


def _insert_user(
    *,
    actor: User | None,
    organisation: Organisation | None,
    username: str,
    password: str,
    roles: list[str],
    display_name: str,
    email: str,
) -> User:
    username = username.strip()
    if not username:
        raise DomainError("required", _("A username is required."), field="username")
    _check_length("username", username, 150)
    _check_length("display_name", display_name, 100)
    if organisation is not None:
        for role in roles:
            if role not in Role.values:
                raise DomainError("invalid_role", _("Unknown role."), field="roles", role=role)
            if ROLE_ORG_KIND[role] != organisation.kind:
                raise DomainError(
                    "role_not_allowed",
                    _("This role does not belong to this organisation kind."),
                    field="roles",
                    role=role,
                )
    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise DomainError("duplicate", _("This username is taken."), field="username")
        user = User.objects.create(
            username=username,
            password=make_password(password),
            organisation=organisation,
            display_name=display_name,
            email=email,
        )
        UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in sorted(set(roles))])
        record_event(
            obj=user,
            action="user.created",
            actor=actor,
            organisation=organisation,
            after={
                "username": username,
                "roles": sorted(set(roles)),
                "organisation": organisation.pk if organisation else None,
            },
        )
    return user


# ---- login throttling -------------------------------------------------------------------


def _record_failure(username: str, user: User | None, ip: str | None, reason: str) -> None:
    LoginFailure.objects.create(
        username=username[:150], user=user, at=timezone.now(), ip=ip, reason=reason
    )


def record_bad_password(user: User, *, ip: str | None, now: datetime) -> None:
    """Record a wrong secret (password, activation code) for `user` and lock the account when
    it is the 5th within 15 minutes. Failures before the last lock ended are spent. The caller
    holds the user's row lock inside its transaction."""
    _record_failure(user.username, user, ip, LoginFailure.Reason.BAD_PASSWORD)
    window_start = now - timedelta(seconds=settings.GOVMALL_LOGIN_WINDOW_SECONDS)
    if user.locked_until is not None and user.locked_until > window_start:
        window_start = user.locked_until
    recent = LoginFailure.objects.filter(
        user=user, reason=LoginFailure.Reason.BAD_PASSWORD, at__gt=window_start
    ).count()
    if recent >= settings.GOVMALL_LOGIN_MAX_FAILURES:
        until = now + timedelta(seconds=settings.GOVMALL_LOGIN_LOCK_SECONDS)
        before = {"locked_until": user.locked_until}
        User.objects.filter(pk=user.pk).update(locked_until=until)
        user.locked_until = until
        record_event(
            obj=user,
            action="user.locked",
            actor=None,
            organisation=user.organisation,
            before=before,
            after={"locked_until": until, "failures": recent},
        )


def login_authenticate(*, username: str, password: str, ip: str | None) -> User | None:
    """Check a password under the throttle: 5 failures within 15 minutes lock the account for
    15 minutes, during which even the right password is refused. Every failure is recorded."""
    now = timezone.now()
    with transaction.atomic():
        user = User.objects.select_for_update().filter(username__iexact=username.strip()).first()
        if user is None:
            make_password(password)  # spend the same time as a real check
            _record_failure(username, None, ip, LoginFailure.Reason.UNKNOWN_USER)
            return None
        if user.locked_until is not None and user.locked_until > now:
            _record_failure(username, user, ip, LoginFailure.Reason.LOCKED)
            return None
        if not user.is_active:
            _record_failure(username, user, ip, LoginFailure.Reason.INACTIVE)
            return None
        if check_password(password, user.password, setter=None):
            return user
        record_bad_password(user, ip=ip, now=now)
    return None


# ---- API tokens -------------------------------------------------------------------------


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def api_token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """Issue a personal token. The secret is returned once and never stored."""
    name = name.strip()
    if not name:
        raise DomainError("required", _("Give the token a name."), field="name")
    _check_length("name", name, 100)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor,
            name=name,
            prefix=secret[:10],
            token_hash=hash_token(secret),
            created_at=timezone.now(),
        )
        record_event(
            obj=token,
            action="api_token.created",
            actor=actor,
            after={"name": name, "prefix": token.prefix, "user": actor.pk},
        )
    return token, secret


def api_token_revoke(*, actor: User, token_id: int) -> ApiToken:
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id, user=actor).first()
        if token is None:
            raise NotFound()
        if token.revoked_at is not None:
            raise DomainError("already_revoked", _("This token is already revoked."), status=409)
        token.revoked_at = timezone.now()
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=token.revoked_at)
        record_event(
            obj=token,
            action="api_token.revoked",
            actor=actor,
            before={"revoked_at": None},
            after={"revoked_at": token.revoked_at},
        )
    return token


# A token's last use is written at most this often (one UPDATE per token per interval).
TOKEN_LAST_USED_INTERVAL = timedelta(minutes=5)


@functools.cache
def _token_query() -> tuple[str, list[str], list[str], list[tuple[int, list[Any], Any]]]:
    """The token, its user, the user's organisation and roles in one plain statement (one row
    per role). Every API call runs it: building the equivalent ORM query costs more CPU than
    executing it. Columns come from the models, so a new field is read without a change here;
    the backend's and the fields' converters are applied as the ORM would (aware datetimes on
    SQLite, for instance)."""
    qn = connection.ops.quote_name
    token = {f.attname: f for f in ApiToken._meta.concrete_fields}
    role = next(f for f in UserRole._meta.concrete_fields if f.attname == "role")
    selected: list[tuple[str, Field[Any, Any]]] = [
        *(("t", token[name]) for name in ("id", "revoked_at", "last_used_at")),
        *(("u", f) for f in User._meta.concrete_fields),
        *(("o", f) for f in Organisation._meta.concrete_fields),
        ("r", role),
    ]
    user_fields = [f.attname for f in User._meta.concrete_fields]
    org_fields = [f.attname for f in Organisation._meta.concrete_fields]
    columns = ", ".join(f"{alias}.{qn(field.column)}" for alias, field in selected)
    sql = (
        f"SELECT {columns} "  # noqa: S608 - the models' own tables and columns
        f"FROM {qn(ApiToken._meta.db_table)} t "
        f"JOIN {qn(User._meta.db_table)} u ON u.id = t.user_id "
        f"LEFT JOIN {qn(Organisation._meta.db_table)} o ON o.id = u.organisation_id "
        f"LEFT JOIN {qn(UserRole._meta.db_table)} r ON r.user_id = u.id "
        "WHERE t.token_hash = %s"
    )
    converters = []
    for index, (_alias, field) in enumerate(selected):
        col = field.cached_col
        own = field.get_db_converters(connection)  # type: ignore[attr-defined]  # not in the stubs
        found = connection.ops.get_db_converters(col) + own
        if found:
            converters.append((index, found, col))
    return sql, user_fields, org_fields, converters


def api_token_authenticate(secret: str) -> User | None:
    """The active user a token belongs to, with organisation and roles loaded; revoked or
    unknown tokens and inactive users give None. `last_used_at` is written at most once per
    `TOKEN_LAST_USED_INTERVAL` per token (a conditional UPDATE: concurrent calls write once)."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    sql, user_fields, org_fields, converters = _token_query()
    rows = [list(r) for r in planned.fetchall(sql, [hash_token(secret)])]
    if not rows:
        return None
    for row in rows:
        for index, found, col in converters:
            for convert in found:
                row[index] = convert(row[index], col, connection)
    row = rows[0]
    token_id, revoked_at, last_used_at = row[:3]
    n_user = len(user_fields)
    user = User.from_db(connection.alias, user_fields, row[3 : 3 + n_user])
    if revoked_at is not None or not user.is_active:
        return None
    if user.organisation_id is not None:
        org_values = row[3 + n_user : 3 + n_user + len(org_fields)]
        user.organisation = Organisation.from_db(connection.alias, org_fields, org_values)
    user._role_cache = frozenset(r[-1] for r in rows if r[-1] is not None)
    now = timezone.now()
    if last_used_at is None or now - last_used_at > TOKEN_LAST_USED_INTERVAL:
        table = connection.ops.quote_name(ApiToken._meta.db_table)
        with connection.cursor() as cursor:  # a plain statement: the ORM's cost 1 ms to build
            cursor.execute(
                f"UPDATE {table} SET last_used_at = %s WHERE id = %s "  # noqa: S608 - model's own
                "AND (last_used_at IS NULL OR last_used_at < %s)",
                [
                    connection.ops.adapt_datetimefield_value(now),
                    token_id,
                    connection.ops.adapt_datetimefield_value(now - TOKEN_LAST_USED_INTERVAL),
                ],
            )
    return user


def _validate_password(password: str, field: str = "password") -> None:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    try:
        validate_password(password)
    except ValidationError as exc:
        raise DomainError("weak_password", " ".join(exc.messages), field=field) from exc


def purchasing_unit_create(
    *,
    actor: User,
    name: str,
    division_code: str,
    admin_username: str,
    admin_password: str,
    admin_display_name: str = "",
) -> tuple[Organisation, User]:
    """An operator admin opens a purchasing unit in its jurisdiction with its first admin user."""
    from govmall.accounts.access import in_jurisdiction, require_role

    require_role(actor, Role.OPERATOR_ADMIN)
    _validate_password(admin_password, "admin_password")
    with transaction.atomic():
        division = _division(division_code)
        if not in_jurisdiction(actor, division):
            raise DomainError(
                "outside_jurisdiction",
                _("Division %(code)s is outside your jurisdiction.") % {"code": division_code},
                status=403,
                field="division_code",
            )
        org = organisation_create(
            actor=actor, kind=OrgKind.PURCHASER, name=name, division_code=division_code
        )
        try:
            admin = _insert_user(
                actor=actor,
                organisation=org,
                username=admin_username,
                password=admin_password,
                roles=[Role.PURCHASER_ADMIN],
                display_name=admin_display_name,
                email="",
            )
        except DomainError as exc:  # name the field as the caller knows it
            if exc.field in ("username", "display_name"):
                exc.field = exc.details["field"] = f"admin_{exc.field}"
            raise
    return org, admin


def organisation_user_add(
    *,
    actor: User,
    organisation: Organisation,
    username: str,
    password: str,
    roles: list[str],
    display_name: str = "",
    email: str = "",
) -> User:
    """An organisation's admin adds a user with roles of that organisation's kind."""
    if not roles:
        raise DomainError("required", _("Give the user at least one role."), field="roles")
    _validate_password(password)
    return user_create(
        actor=actor,
        organisation=organisation,
        username=username,
        password=password,
        roles=roles,
        display_name=display_name,
        email=email,
    )
