"""Supplier registration API: public self-registration, the supplier's own profile, and the
credit commitment (current text, signing, publishing a new version)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from govmall.accounts.access import request_user
from govmall.core.api_base import ERRORS
from govmall.core.errors import DomainError
from govmall.suppliers import access
from govmall.suppliers.commitment import (
    current_commitment,
    current_signature,
    signatures_of,
    text_sha256,
)
from govmall.suppliers.gate import trading_blockers
from govmall.suppliers.models import CommitmentText, Supplier, SupplierSize, SupplierType
from govmall.suppliers.services_commitment import MAX_TEXT, commitment_publish, commitment_sign
from govmall.suppliers.services_registration import (
    LIMITS,
    MAX_CATEGORIES,
    MAX_CATEGORY_LENGTH,
    profile_of,
    supplier_profile_update,
    supplier_register,
)

router = Router(tags=["suppliers"])

Category = Annotated[str, Field(max_length=MAX_CATEGORY_LENGTH)]


def _text(name: str, *, required: bool = True) -> Any:
    limit = LIMITS[name]
    if required:
        return Field(..., min_length=1, max_length=limit)
    return Field("", max_length=limit)


class RegisterIn(Schema):
    username: str = _text("username")
    password: str = _text("password")
    display_name: str = _text("display_name", required=False)
    email: str = _text("email", required=False)
    org_name: str = _text("org_name")
    credit_code: str = Field(..., min_length=1, max_length=40)
    supplier_type: SupplierType
    size: SupplierSize
    division_code: str = Field(..., min_length=6, max_length=6, pattern=r"^\d{6}$")
    legal_representative: str = _text("legal_representative")
    contact_name: str = _text("contact_name")
    contact_phone: str = _text("contact_phone")
    contact_email: str = _text("contact_email", required=False)
    address: str = _text("address", required=False)
    business_scope: str = _text("business_scope")
    intended_categories: list[Category] = Field(default_factory=list, max_length=MAX_CATEGORIES)
    service_outlets: str = _text("service_outlets", required=False)
    hotline_hours: str = _text("hotline_hours", required=False)


class RegisteredOut(Schema):
    supplier_id: int
    status: str
    admin_username: str
    warnings: list[str]


class ProfileIn(Schema):
    """Only the fields sent are changed."""

    org_name: str | None = Field(None, min_length=1, max_length=LIMITS["org_name"])
    credit_code: str | None = Field(None, min_length=1, max_length=40)
    supplier_type: SupplierType | None = None
    size: SupplierSize | None = None
    division_code: str | None = Field(None, min_length=6, max_length=6, pattern=r"^\d{6}$")
    legal_representative: str | None = Field(
        None, min_length=1, max_length=LIMITS["legal_representative"]
    )
    contact_name: str | None = Field(None, min_length=1, max_length=LIMITS["contact_name"])
    contact_phone: str | None = Field(None, min_length=1, max_length=LIMITS["contact_phone"])
    contact_email: str | None = Field(None, max_length=LIMITS["contact_email"])
    address: str | None = Field(None, max_length=LIMITS["address"])
    business_scope: str | None = Field(None, min_length=1, max_length=LIMITS["business_scope"])
    intended_categories: list[Category] | None = Field(None, max_length=MAX_CATEGORIES)
    service_outlets: str | None = Field(None, max_length=LIMITS["service_outlets"])
    hotline_hours: str | None = Field(None, max_length=LIMITS["hotline_hours"])


class ProfileOut(Schema):
    org_name: str
    credit_code: str
    supplier_type: str
    size: str
    division_code: str
    legal_representative: str
    contact_name: str
    contact_phone: str
    contact_email: str
    address: str
    business_scope: str
    intended_categories: list[str]
    service_outlets: str
    hotline_hours: str


class BlockerOut(Schema):
    code: str
    message: str


class SignatureOut(Schema):
    version: int
    language: str
    text_sha256: str
    signed_by: str
    signed_at: datetime
    ip: str | None
    user_agent: str


class CommitmentStateOut(Schema):
    current_version: int | None
    signed_current: bool
    signatures: list[SignatureOut]


class SupplierMeOut(Schema):
    id: int
    status: str
    source: str
    in_region: bool
    registered_at: datetime
    activated_at: datetime | None
    profile: ProfileOut
    blockers: list[BlockerOut]
    commitment: CommitmentStateOut


class CommitmentOut(Schema):
    version: int
    published_at: datetime
    text_zh: str
    text_en: str
    sha256_zh: str
    sha256_en: str


class SignIn(Schema):
    language: str = Field("zh-hans", max_length=10, description="zh-hans or en")
    version: int | None = Field(
        None, ge=1, description="The version the signer was shown; refused if outdated."
    )


class PublishIn(Schema):
    text_zh: str = Field(..., min_length=1, max_length=MAX_TEXT)
    text_en: str = Field(..., min_length=1, max_length=MAX_TEXT)


def _signature_out(sig: Any) -> dict[str, Any]:
    return {
        "version": sig.text.version,
        "language": sig.language,
        "text_sha256": sig.text_sha256,
        "signed_by": sig.signed_by.username,
        "signed_at": sig.signed_at,
        "ip": sig.ip,
        "user_agent": sig.user_agent,
    }


def _me(supplier: Supplier) -> dict[str, Any]:
    current = current_commitment()
    return {
        "id": supplier.pk,
        "status": supplier.status,
        "source": supplier.source,
        "in_region": supplier.in_region,
        "registered_at": supplier.registered_at,
        "activated_at": supplier.activated_at,
        "profile": profile_of(supplier),
        "blockers": [{"code": c, "message": m} for c, m in trading_blockers(supplier)],
        "commitment": {
            "current_version": current.version if current else None,
            "signed_current": current_signature(supplier) is not None,
            "signatures": [_signature_out(s) for s in signatures_of(supplier)],
        },
    }


def _commitment_out(text: CommitmentText) -> dict[str, Any]:
    return {
        "version": text.version,
        "published_at": text.published_at,
        "text_zh": text.text_zh,
        "text_en": text.text_en,
        "sha256_zh": text_sha256(text.text_zh),
        "sha256_en": text_sha256(text.text_en),
    }


@router.post(
    "/suppliers/register",
    auth=None,
    response={201: RegisteredOut, **ERRORS},
    summary="Register a supplier online (public, free of charge)",
)
def register(request: HttpRequest, payload: RegisterIn) -> Any:
    result = supplier_register(**payload.dict())
    return Status(
        201,
        {
            "supplier_id": result.supplier.pk,
            "status": result.supplier.status,
            "admin_username": result.admin_user.username,
            "warnings": result.warnings,
        },
    )


@router.get("/suppliers/me", response={200: SupplierMeOut, **ERRORS})
def me(request: HttpRequest) -> Any:
    return _me(access.own_supplier(request_user(request)))


@router.patch("/suppliers/me", response={200: SupplierMeOut, **ERRORS})
def me_update(request: HttpRequest, payload: ProfileIn) -> Any:
    actor = request_user(request)
    supplier = access.own_supplier(actor, admin=True)
    fields = payload.dict(exclude_unset=True)
    nulls = sorted(k for k, v in fields.items() if v is None)
    if nulls:
        raise DomainError("required", "This field cannot be null.", field=nulls[0])
    return _me(supplier_profile_update(actor=actor, supplier=supplier, **fields))


@router.get("/commitment/current", auth=None, response={200: CommitmentOut, **ERRORS})
def commitment_current(request: HttpRequest) -> Any:
    current = current_commitment()
    if current is None:
        raise DomainError("no_commitment", "No commitment text has been published.", status=404)
    return _commitment_out(current)


@router.post("/commitment/sign", response={201: SignatureOut, **ERRORS})
def commitment_sign_endpoint(request: HttpRequest, payload: SignIn) -> Any:
    actor = request_user(request)
    supplier = access.own_supplier(actor, admin=True)
    signature = commitment_sign(
        actor=actor,
        supplier=supplier,
        language=payload.language,
        ip=request.META.get("REMOTE_ADDR"),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        version=payload.version,
    )
    return Status(201, _signature_out(signature))


@router.post("/commitment/versions", response={201: CommitmentOut, **ERRORS})
def commitment_versions_publish(request: HttpRequest, payload: PublishIn) -> Any:
    text = commitment_publish(
        actor=request_user(request), text_zh=payload.text_zh, text_en=payload.text_en
    )
    return Status(201, _commitment_out(text))
