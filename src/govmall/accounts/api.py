"""Accounts API: who am I, divisions, organisations and their users, personal API tokens."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from govmall.accounts import access, services
from govmall.accounts.models import ApiToken, Division, Organisation, User
from govmall.accounts.roles import Role
from govmall.core.api_base import ERRORS
from govmall.core.errors import NotFound

router = Router(tags=["accounts"])


class DivisionOut(Schema):
    code: str
    name_zh: str
    level: str
    parent: str | None = Field(None, alias="parent_id")


class OrganisationOut(Schema):
    id: int
    kind: str
    name: str
    division: DivisionOut


class UserOut(Schema):
    id: int
    username: str
    display_name: str
    roles: list[str]


class MeOut(UserOut):
    organisation: OrganisationOut | None


class UserIn(Schema):
    username: str = Field(..., min_length=1, max_length=150)
    password: str = Field(..., min_length=1, max_length=128)
    roles: list[Role] = Field(..., min_length=1, max_length=3)
    display_name: str = Field("", max_length=100)
    email: str = Field("", max_length=254)


class PurchasingUnitIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    division_code: str = Field(..., min_length=6, max_length=6, pattern=r"^\d{6}$")
    admin_username: str = Field(..., min_length=1, max_length=150)
    admin_password: str = Field(..., min_length=1, max_length=128)
    admin_display_name: str = Field("", max_length=100)


class PurchasingUnitOut(Schema):
    organisation: OrganisationOut
    admin: UserOut


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class TokenCreatedOut(TokenOut):
    token: str = Field(..., description="The secret, shown this once only.")


def _user_out(user: User) -> dict:
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": user.display_name,
        "roles": sorted(user.role_set),
    }


def _actor(request: HttpRequest) -> User:
    return access.request_user(request)


@router.get("/me", response={200: MeOut, **ERRORS}, summary="The calling user")
def me(request: HttpRequest) -> dict:
    user = _actor(request)
    return {**_user_out(user), "organisation": user.organisation}


@router.get(
    "/divisions/{code}",
    response={200: DivisionOut, **ERRORS},
    auth=None,
    summary="An administrative division",
)
def division(request: HttpRequest, code: str) -> Division:
    found = Division.objects.filter(code=code[:6]).first() if len(code) == 6 else None
    if found is None:
        raise NotFound("Unknown division code.", field="code")
    return found


@router.get(
    "/divisions/{code}/children",
    response={200: list[DivisionOut], **ERRORS},
    auth=None,
    summary="The divisions directly under a division",
)
def division_children(request: HttpRequest, code: str) -> list[Division]:
    parent = division(request, code)
    return list(Division.objects.filter(parent=parent))


@router.get("/organisations/{org_id}", response={200: OrganisationOut, **ERRORS})
def organisation(request: HttpRequest, org_id: int) -> Organisation:
    return access.organisation_for_actor(_actor(request), org_id)


@router.get("/organisations/{org_id}/users", response={200: list[UserOut], **ERRORS})
def organisation_users(request: HttpRequest, org_id: int) -> list[dict]:
    org = access.organisation_for_actor(_actor(request), org_id)
    return [_user_out(u) for u in org.users.prefetch_related("roles").order_by("id")]


@router.post(
    "/organisations/{org_id}/users",
    response={201: UserOut, **ERRORS},
    summary="An organisation's admin adds a user",
)
def organisation_user_add(request: HttpRequest, org_id: int, payload: UserIn) -> Status:
    actor = _actor(request)
    org = access.organisation_for_actor(actor, org_id)
    user = services.organisation_user_add(
        actor=actor,
        organisation=org,
        username=payload.username,
        password=payload.password,
        roles=[str(r) for r in payload.roles],
        display_name=payload.display_name,
        email=payload.email,
    )
    return Status(201, _user_out(user))


@router.post(
    "/purchasing-units",
    response={201: PurchasingUnitOut, **ERRORS},
    summary="An operator admin opens a purchasing unit with its first admin",
)
def purchasing_unit_create(request: HttpRequest, payload: PurchasingUnitIn) -> Status:
    org, admin = services.purchasing_unit_create(
        actor=_actor(request),
        name=payload.name,
        division_code=payload.division_code,
        admin_username=payload.admin_username,
        admin_password=payload.admin_password,
        admin_display_name=payload.admin_display_name,
    )
    return Status(201, {"organisation": org, "admin": _user_out(admin)})


@router.get("/tokens", response={200: list[TokenOut], **ERRORS}, summary="My API tokens")
def tokens(request: HttpRequest) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=_actor(request)))


@router.post(
    "/tokens",
    response={201: TokenCreatedOut, **ERRORS},
    summary="Create a personal API token (the secret is shown once)",
)
def token_create(request: HttpRequest, payload: TokenIn) -> Status:
    token, secret = services.api_token_create(actor=_actor(request), name=payload.name)
    return Status(201, {**TokenOut.from_orm(token).model_dump(), "token": secret})


@router.delete(
    "/tokens/{token_id}", response={200: TokenOut, **ERRORS}, summary="Revoke one of my API tokens"
)
def token_revoke(request: HttpRequest, token_id: int) -> ApiToken:
    return services.api_token_revoke(actor=_actor(request), token_id=token_id)
