"""Supplier documents API: a supplier's documents (latest and history), uploading a new
version for one's own supplier, and the access-checked file."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import reverse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from govmall.accounts.access import request_user
from govmall.core.api_base import ERRORS
from govmall.suppliers import access
from govmall.suppliers.documents import (
    TypeStatus,
    document_for_actor,
    document_overview,
    missing_required_types,
)
from govmall.suppliers.filecheck import read_upload
from govmall.suppliers.models import Document, Supplier
from govmall.suppliers.services_documents import document_upload
from govmall.suppliers.views_documents import serve_document

router = Router(tags=["suppliers"])


class DocumentOut(Schema):
    id: int
    doc_type: str
    version: int
    content_type: str
    size: int
    sha256: str
    original_name: str
    uploaded_by: str
    uploaded_at: datetime
    accepted_at: datetime | None
    file_url: str


class DocumentTypeStatusOut(Schema):
    code: str
    name_zh: str
    name_en: str
    required: bool
    status: str  # missing | pending | accepted
    latest: DocumentOut | None
    accepted: DocumentOut | None
    versions: list[DocumentOut]  # newest first


class SupplierDocumentsOut(Schema):
    supplier_id: int
    missing_required: list[str]
    types: list[DocumentTypeStatusOut]


def document_out(doc: Document) -> dict:
    return {
        "id": doc.pk,
        "doc_type": doc.doc_type_id,
        "version": doc.version,
        "content_type": doc.content_type,
        "size": doc.size,
        "sha256": doc.sha256,
        "original_name": doc.original_name,
        "uploaded_by": doc.uploaded_by.get_username(),
        "uploaded_at": doc.uploaded_at,
        "accepted_at": doc.accepted_at,
        "file_url": reverse("api:document_file", args=[doc.pk]),
    }


def _type_out(row: TypeStatus) -> dict:
    return {
        "code": row.doc_type.code,
        "name_zh": row.doc_type.name_zh,
        "name_en": row.doc_type.name_en,
        "required": row.required,
        "status": row.status,
        "latest": document_out(row.latest) if row.latest else None,
        "accepted": document_out(row.accepted) if row.accepted else None,
        "versions": [document_out(d) for d in row.versions],
    }


def _overview_out(supplier: Supplier) -> dict:
    return {
        "supplier_id": supplier.pk,
        "missing_required": [t.code for t in missing_required_types(supplier)],
        "types": [_type_out(row) for row in document_overview(supplier)],
    }


@router.get(
    "/suppliers/me/documents",
    response={200: SupplierDocumentsOut, **ERRORS},
    summary="My supplier's qualification documents",
)
def my_documents(request: HttpRequest) -> dict:
    return _overview_out(access.own_supplier(request_user(request)))


@router.post(
    "/suppliers/me/documents",
    response={201: DocumentOut, **ERRORS},
    summary="Upload a new version of a qualification document (multipart: doc_type, file)",
    description="PDF, JPEG or PNG, at most 10 MB, the type read from the content. Images are "
    "re-encoded (metadata and appended data dropped); a PDF must end at its final %%EOF and "
    "parse. Errors: file_empty, file_too_large, file_type_not_allowed, file_truncated, "
    "file_trailing_data, file_encrypted, file_invalid, unknown_document_type.",
)
def upload_document(request: HttpRequest, doc_type: Form[str], file: File[UploadedFile]) -> Status:
    actor = request_user(request)
    supplier = access.own_supplier(actor)
    data = read_upload(file, declared_size=file.size)
    document = document_upload(
        actor=actor,
        supplier=supplier,
        doc_type_code=doc_type,
        data=data,
        original_name=file.name or "",
    )
    return Status(201, document_out(document))


@router.get(
    "/suppliers/{supplier_id}/documents",
    response={200: SupplierDocumentsOut, **ERRORS},
    summary="A supplier's qualification documents: latest version of each type and history",
)
def supplier_documents(request: HttpRequest, supplier_id: int) -> dict:
    return _overview_out(access.supplier_for_actor(request_user(request), supplier_id))


@router.get(
    "/documents/{document_id}/file",
    response={200: None, **ERRORS},
    url_name="document_file",
    summary="The stored file of a document version (owner, supervising operators, regulators)",
)
def document_file(request: HttpRequest, document_id: int) -> HttpResponseBase:
    document = document_for_actor(request_user(request), document_id)
    return serve_document(document)
