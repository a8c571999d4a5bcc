"""Factories build through the services, so test data carries its audit events like real data."""

from __future__ import annotations

import itertools

from govmall.accounts import services
from govmall.accounts.models import Organisation, User
from govmall.accounts.roles import ROLE_ORG_KIND, OrgKind, Role

_counter = itertools.count(1)
PASSWORD = "correct horse battery staple"

DEFAULT_DIVISION = {
    OrgKind.SUPPLIER: "150202",
    OrgKind.PURCHASER: "150202",
    OrgKind.OPERATOR: "150200",
    OrgKind.REGULATOR: "150200",
}


def make_org(
    kind: str = OrgKind.PURCHASER, *, division: str | None = None, name: str | None = None
) -> Organisation:
    n = next(_counter)
    return services.organisation_create(
        actor=None,
        kind=kind,
        name=name or f"{kind} org {n}",
        division_code=division or DEFAULT_DIVISION[kind],
    )


def make_user(
    role: str | list[str] = Role.BUYER,
    *,
    org: Organisation | None = None,
    division: str | None = None,
    username: str | None = None,
    password: str = PASSWORD,
) -> User:
    roles = [role] if isinstance(role, str) else list(role)
    if org is None:
        org = make_org(ROLE_ORG_KIND[roles[0]], division=division)
    n = next(_counter)
    return services.user_create(
        actor=None,
        organisation=org,
        username=username or f"{roles[0]}{n}",
        password=password,
        roles=roles,
        display_name=f"{roles[0]} {n}",
    )


def regional_operator_admin() -> User:
    org = Organisation.objects.filter(kind=OrgKind.OPERATOR, division_id="150000").first()
    return make_user(Role.OPERATOR_ADMIN, org=org or make_org(OrgKind.OPERATOR, division="150000"))
