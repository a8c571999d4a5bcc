"""Deterministic demo data: organisations and one user per role. Later capabilities extend it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from govmall.accounts import services as accounts
from govmall.accounts.models import Organisation
from govmall.accounts.roles import OrgKind, Role
from govmall.core.models import DemoMarker

DEMO_VERSION = "1"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    organisation: str


# (kind, name, division)
ORGANISATIONS = [
    (OrgKind.OPERATOR, "内蒙古自治区公共资源交易中心", "150000"),
    (OrgKind.OPERATOR, "包头市公共资源交易中心", "150200"),
    (OrgKind.REGULATOR, "包头市财政局", "150200"),
    (OrgKind.PURCHASER, "包头市第一中学", "150203"),
    (OrgKind.SUPPLIER, "包头市鹿城办公设备有限公司", "150202"),
]

# (username, role, organisation name, display name)
USERS = [
    ("op-admin", Role.OPERATOR_ADMIN, "内蒙古自治区公共资源交易中心", "自治区中心管理员"),
    ("op-reviewer", Role.OPERATOR_REVIEWER, "包头市公共资源交易中心", "包头中心审核员"),
    ("regulator", Role.REGULATOR, "包头市财政局", "财政局监管员"),
    ("unit-admin", Role.PURCHASER_ADMIN, "包头市第一中学", "一中管理员"),
    ("buyer", Role.BUYER, "包头市第一中学", "一中采购员"),
    ("approver", Role.APPROVER, "包头市第一中学", "一中审批人"),
    ("supplier-admin", Role.SUPPLIER_ADMIN, "包头市鹿城办公设备有限公司", "鹿城管理员"),
    ("supplier-staff", Role.SUPPLIER_STAFF, "包头市鹿城办公设备有限公司", "鹿城业务员"),
]


def demo_password(username: str) -> str:
    return f"Demo-{username}-2026"


def load_demo(progress: Callable[[str], None] = lambda _msg: None) -> list[DemoLogin]:
    """Create the demo organisations and users in one transaction (idempotent by name)."""
    logins = []
    with transaction.atomic():
        orgs: dict[str, Organisation] = {}
        for kind, name, division in ORGANISATIONS:
            existing = Organisation.objects.filter(kind=kind, name=name).first()
            orgs[name] = existing or accounts.organisation_create(
                actor=None, kind=kind, name=name, division_code=division
            )
        progress(f"organisations: {len(orgs)}")
        from govmall.accounts.models import User

        for username, role, org_name, display in USERS:
            if not User.objects.filter(username=username).exists():
                accounts.user_create(
                    actor=None,
                    organisation=orgs[org_name],
                    username=username,
                    password=demo_password(username),
                    roles=[role],
                    display_name=display,
                )
            logins.append(DemoLogin(username, demo_password(username), role, org_name))
        progress(f"users: {len(logins)}")
        from govmall.suppliers.demo import load_supplier_demo

        logins += load_supplier_demo(progress)
        from govmall.catalog.demo import load_demo_catalogue

        load_demo_catalogue(progress=progress)
        from govmall.trading.demo import load_demo_trading

        load_demo_trading(progress=progress)
        DemoMarker.objects.get_or_create(version=DEMO_VERSION)
    return logins
