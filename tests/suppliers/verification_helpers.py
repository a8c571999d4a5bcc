"""Shared set-up of the verification tests (no tests here): operators, ready suppliers,
submitted applications, credit-list entries."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from govmall.accounts.models import Organisation, User
from govmall.accounts.roles import OrgKind, Role
from govmall.suppliers.models import (
    Application,
    CreditListEntry,
    CreditListImport,
    Supplier,
)
from govmall.suppliers.services_verification import application_submit
from tests.factories import make_org, make_supplier, make_user


def operator(division: str) -> Organisation:
    found = Organisation.objects.filter(kind=OrgKind.OPERATOR, division_id=division).first()
    return found or make_org(OrgKind.OPERATOR, division=division)


def reviewer(org: Organisation) -> User:
    return make_user(Role.OPERATOR_REVIEWER, org=org)


def setup_operators() -> tuple[Organisation, Organisation]:
    """The regional centre (150000) and 包头市 (150200)."""
    return operator("150000"), operator("150200")


def submitted(**kwargs) -> tuple[Supplier, User, Application]:
    kwargs.setdefault("status", "draft")
    supplier, admin = make_supplier(**kwargs)
    assert admin is not None
    application = application_submit(actor=admin, supplier=supplier)
    return supplier, admin, application


def list_entry(credit_code: str, *, expiry: date | None = None) -> CreditListEntry:
    imp = CreditListImport.objects.create(file_name="list.csv", imported_at=timezone.now())
    return CreditListEntry.objects.create(
        list_type="dishonest_judgment",
        credit_code=credit_code,
        name="失信企业",
        reason="未履行生效判决",
        source="最高人民法院",
        listed_date=date(2025, 1, 1),
        expiry_date=expiry,
        imported_in=imp,
    )


def overdue_application() -> Application:
    """A pending application whose deadline passed 5 hours ago."""
    _s, _a, application = submitted(name="包头市逾期测试商贸有限公司")
    now = timezone.now()
    Application.objects.filter(pk=application.pk).update(
        submitted_at=now - timedelta(days=6), deadline=now - timedelta(hours=5)
    )
    return application
