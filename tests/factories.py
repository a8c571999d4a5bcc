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


# ---- suppliers ---------------------------------------------------------------------------

_serial = itertools.count(1)


def credit_code_for(supplier_type: str = "enterprise", division: str = "150202") -> str:
    from govmall.suppliers.codes import make_credit_code

    prefix = {"enterprise": "91", "individual": "92", "other": "51"}[supplier_type]
    return make_credit_code(prefix, division, next(_serial) + 100_000)


def make_supplier(
    *,
    status: str = "active",
    supplier_type: str = "enterprise",
    division: str = "150202",
    name: str | None = None,
    with_admin: bool = True,
    signed: bool = True,
    documents: bool = True,
):
    """A supplier in `status` (set directly: tests of the onboarding flow drive the services
    themselves). `signed`/`documents` make it pass the trading gate when active. Returns
    (supplier, admin user or None)."""
    from django.db import transaction
    from django.utils import timezone

    from govmall.audit.services import record_event
    from govmall.suppliers.commitment import current_commitment, text_sha256
    from govmall.suppliers.documents import required_types
    from govmall.suppliers.models import CommitmentSignature, Document, Supplier

    org = make_org(OrgKind.SUPPLIER, division=division, name=name)
    admin = make_user(Role.SUPPLIER_ADMIN, org=org) if with_admin else None
    now = timezone.now()
    with transaction.atomic():
        supplier = Supplier.objects.create(
            organisation=org,
            credit_code=credit_code_for(supplier_type, division),
            supplier_type=supplier_type,
            size="small",
            legal_representative="张三",
            contact_name="李四",
            contact_phone="0472-1234567",
            business_scope="办公设备销售",
            status=status,
            registered_at=now,
            activated_at=now if status == "active" else None,
        )
        record_event(
            obj=supplier,
            action="supplier.created",
            actor=None,
            organisation=org,
            after={"status": status},
        )
        text = current_commitment()
        if signed and admin is not None and text is not None:
            CommitmentSignature.objects.create(
                supplier=supplier,
                text=text,
                language="zh-hans",
                text_sha256=text_sha256(text.text_zh),
                signed_by=admin,
                signed_at=now,
            )
        if documents and admin is not None:
            for doc_type in required_types(supplier_type):
                Document.objects.create(
                    supplier=supplier,
                    doc_type=doc_type,
                    version=1,
                    storage_name=f"factory/{supplier.pk}/{doc_type.code}.pdf",
                    content_type="application/pdf",
                    size=1,
                    sha256="0" * 64,
                    original_name=f"{doc_type.code}.pdf",
                    uploaded_by=admin,
                    uploaded_at=now,
                    accepted_at=now if status == "active" else None,
                )
    return supplier, admin
