"""/api/v1/ endpoints of trading: contracts.

Parties and supervisors read contracts (text, SHA-256, signatures, deadlines with overdue
flags); each side signs by sending the SHA-256 of the text it read (`text_changed` if it is not
the contract's); the purchaser publishes and files. The public endpoints need no login and show
only published contracts' public text. Errors: not_found (404: missing or not yours),
not_a_party / forbidden (403), invalid_sha256, text_changed, already_signed, already_published,
already_filed, supplier_cannot_trade, invalid_transition (409).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field

from govmall.accounts.access import request_user
from govmall.core.api_base import ERRORS
from govmall.core.errors import NotFound
from govmall.trading import access, services_contracts
from govmall.trading import selectors_contracts as sel
from govmall.trading.models import Contract

router = Router(tags=["trading: contracts"])


class SignatureOut(Schema):
    side: str
    organisation: str
    user: str
    signed_at: datetime
    text_sha256: str


class ContractSummaryOut(Schema):
    number: str
    order: str
    state: str
    purchaser: str
    supplier: str
    total: Decimal
    total_in_words: str
    signed_at: datetime | None
    publish_deadline: datetime | None
    published_at: datetime | None
    file_deadline: datetime | None
    filed_at: datetime | None
    publish_overdue: bool
    file_overdue: bool


class ContractOut(ContractSummaryOut):
    text: str
    text_sha256: str
    delivery_days: int
    acceptance_working_days: int
    payment_condition: str
    payment_days: int
    after_sales_terms: str
    created_at: datetime
    ended_at: datetime | None
    signatures: list[SignatureOut]


class ContractPageOut(Schema):
    count: int
    page: int
    results: list[ContractSummaryOut]


class PublicContractOut(Schema):
    number: str
    state: str
    purchaser: str
    supplier: str
    supplier_credit_code: str
    total: Decimal
    total_in_words: str
    signed_at: datetime | None
    published_at: datetime
    public_text: str


class PublicPageOut(Schema):
    count: int
    page: int
    results: list[PublicContractOut]


class ListQuery(Schema):
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(50, ge=1, le=200)
    overdue: bool = False
    state: str | None = Field(None, max_length=30)


class PublicQuery(Schema):
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(50, ge=1, le=200)


class SignIn(Schema):
    model_config = ConfigDict(extra="forbid")
    text_sha256: str = Field(..., max_length=200)


def summary_json(contract: Contract, now: datetime) -> dict[str, Any]:
    order = contract.order
    return {
        "number": contract.number,
        "order": order.number,
        "state": contract.state,
        "purchaser": order.purchaser.name,
        "supplier": order.supplier.organisation.name,
        "total": contract.total,
        "total_in_words": contract.total_in_words,
        "signed_at": contract.signed_at,
        "publish_deadline": contract.publish_deadline,
        "published_at": contract.published_at,
        "file_deadline": contract.file_deadline,
        "filed_at": contract.filed_at,
        "publish_overdue": sel.is_publish_overdue(contract, now),
        "file_overdue": sel.is_file_overdue(contract, now),
    }


def contract_json(contract: Contract) -> dict[str, Any]:
    signatures = contract.signatures.select_related("user", "organisation")
    return {
        **summary_json(contract, timezone.now()),
        "text": contract.text,
        "text_sha256": contract.text_sha256,
        "delivery_days": contract.delivery_days,
        "acceptance_working_days": contract.acceptance_working_days,
        "payment_condition": contract.payment_condition,
        "payment_days": contract.payment_days,
        "after_sales_terms": contract.after_sales_terms,
        "created_at": contract.created_at,
        "ended_at": contract.ended_at,
        "signatures": [
            {
                "side": s.side,
                "organisation": s.organisation.name,
                "user": str(s.user),
                "signed_at": s.signed_at,
                "text_sha256": s.text_sha256,
            }
            for s in signatures
        ],
    }


def public_json(contract: Contract) -> dict[str, Any]:
    order = contract.order
    return {
        "number": contract.number,
        "state": contract.state,
        "purchaser": order.purchaser.name,
        "supplier": order.supplier.organisation.name,
        "supplier_credit_code": order.supplier.credit_code,
        "total": contract.total,
        "total_in_words": contract.total_in_words,
        "signed_at": contract.signed_at,
        "published_at": contract.published_at,
        "public_text": contract.public_text,
    }


def _reload(number: str, actor: Any) -> dict[str, Any]:
    return contract_json(access.contract_for_actor(actor, number))


@router.get(
    "/contracts",
    response={200: ContractPageOut, **ERRORS},
    summary="Contracts I may see (parties and supervisors), newest first",
)
def list_contracts(request: HttpRequest, query: Query[ListQuery]) -> dict[str, Any]:
    actor = request_user(request)
    qs = sel.visible_contracts(actor).order_by("-id")
    now = timezone.now()
    if query.overdue:
        qs = qs.filter(sel.publish_overdue_q(now) | sel.file_overdue_q(now))
    if query.state:
        qs = qs.filter(state=query.state)
    start = (query.page - 1) * query.page_size
    return {
        "count": qs.count(),
        "page": query.page,
        "results": [summary_json(c, now) for c in qs[start : start + query.page_size]],
    }


@router.get(
    "/contracts/{number}",
    response={200: ContractOut, **ERRORS},
    summary="One contract: full text, SHA-256, signatures, deadlines",
)
def get_contract(request: HttpRequest, number: str) -> dict[str, Any]:
    return _reload(number[:40], request_user(request))


@router.post(
    "/contracts/{number}/sign",
    response={200: ContractOut, **ERRORS},
    summary="Confirm the contract text for my side (send the SHA-256 of the text read)",
)
def sign_contract(request: HttpRequest, number: str, payload: SignIn) -> dict[str, Any]:
    actor = request_user(request)
    services_contracts.contract_sign(
        actor=actor,
        number=number[:40],
        text_sha256=payload.text_sha256,
        ip=request.META.get("REMOTE_ADDR"),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )
    return _reload(number[:40], actor)


@router.post(
    "/contracts/{number}/publish",
    response={200: ContractOut, **ERRORS},
    summary="Publish the signed contract on the public portal (purchaser)",
)
def publish_contract(request: HttpRequest, number: str) -> dict[str, Any]:
    actor = request_user(request)
    services_contracts.contract_publish(actor=actor, number=number[:40])
    return _reload(number[:40], actor)


@router.post(
    "/contracts/{number}/file",
    response={200: ContractOut, **ERRORS},
    summary="Record the filing of the signed contract with the regulator (purchaser)",
)
def file_contract(request: HttpRequest, number: str) -> dict[str, Any]:
    actor = request_user(request)
    services_contracts.contract_file(actor=actor, number=number[:40])
    return _reload(number[:40], actor)


@router.get(
    "/public/contracts",
    response={200: PublicPageOut, **ERRORS},
    auth=None,
    summary="Published contracts (public version: no contacts, no bank details)",
)
def public_contracts(request: HttpRequest, query: Query[PublicQuery]) -> dict[str, Any]:
    qs = sel.public_contracts()
    start = (query.page - 1) * query.page_size
    return {
        "count": qs.count(),
        "page": query.page,
        "results": [public_json(c) for c in qs[start : start + query.page_size]],
    }


@router.get(
    "/public/contracts/{number}",
    response={200: PublicContractOut, **ERRORS},
    auth=None,
    summary="One published contract (public version)",
)
def public_contract(request: HttpRequest, number: str) -> dict[str, Any]:
    contract = sel.public_contract(number[:40])
    if contract is None:
        raise NotFound()
    return public_json(contract)
