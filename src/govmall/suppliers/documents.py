"""Reads of qualification documents: required types, the latest version of each, every type's
status and history, where a stored file is, and the access-checked lookup used for serving."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from govmall.suppliers.models import Document, DocumentType, Supplier

if TYPE_CHECKING:
    from govmall.accounts.models import User


def required_types(supplier_type: str) -> list[DocumentType]:
    return [t for t in DocumentType.objects.filter(active=True) if supplier_type in t.required_for]


def latest_documents(supplier: Supplier, *, accepted_only: bool = False) -> dict[str, Document]:
    """The newest version of each document type (only accepted versions if asked)."""
    docs = Document.objects.filter(supplier=supplier)
    if accepted_only:
        docs = docs.filter(accepted_at__isnull=False)
    latest: dict[str, Document] = {}
    for doc in docs.select_related("doc_type").order_by("doc_type_id", "-version"):
        latest.setdefault(doc.doc_type_id, doc)
    return latest


def missing_required_types(
    supplier: Supplier, *, accepted_only: bool = False
) -> list[DocumentType]:
    have = latest_documents(supplier, accepted_only=accepted_only)
    return [t for t in required_types(supplier.supplier_type) if t.code not in have]


# ---- for pages, the API and serving ---------------------------------------------------------


def type_name(doc_type: DocumentType) -> str:
    from django.utils.translation import get_language

    return doc_type.name_en if (get_language() or "").startswith("en") else doc_type.name_zh


def private_root() -> Path:
    """Where document files live: outside STATIC_ROOT and every public path."""
    from django.conf import settings

    return Path(settings.GOVMALL_PRIVATE_MEDIA).resolve()


def document_path(document: Document) -> Path | None:
    """The stored file of `document`, or None if it is missing or its name would lead outside
    the private root."""
    root = private_root()
    path = (root / document.storage_name).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


def document_for_actor(actor: User | None, pk: int) -> Document:
    """The document if the actor may see its supplier's file (owner organisation, supervising
    operators and regulators, superuser); missing and not-yours are the same 404."""
    from govmall.core.errors import NotFound
    from govmall.suppliers.access import can_view_supplier_file

    document = (
        Document.objects.select_related("supplier__organisation__division", "doc_type")
        .filter(pk=pk)
        .first()
    )
    if document is None or not can_view_supplier_file(actor, document.supplier):
        raise NotFound()
    return document


@dataclass
class TypeStatus:
    """One document type as a supplier sees it: required or not, and its versions."""

    doc_type: DocumentType
    required: bool
    versions: list[Document] = field(default_factory=list)  # newest first

    @property
    def name(self) -> str:
        return type_name(self.doc_type)

    @property
    def latest(self) -> Document | None:
        return self.versions[0] if self.versions else None

    @property
    def accepted(self) -> Document | None:
        return next((d for d in self.versions if d.accepted_at is not None), None)

    @property
    def status(self) -> str:
        """missing, pending (the newest version awaits verification) or accepted."""
        latest = self.latest
        if latest is None:
            return "missing"
        return "accepted" if latest.accepted_at is not None else "pending"


def document_overview(supplier: Supplier) -> list[TypeStatus]:
    """Every active type (required ones first) with all of the supplier's versions."""
    required = {t.code for t in required_types(supplier.supplier_type)}
    rows = {
        t.code: TypeStatus(doc_type=t, required=t.code in required)
        for t in DocumentType.objects.filter(active=True)
    }
    docs = (
        Document.objects.filter(supplier=supplier)
        .select_related("doc_type", "uploaded_by")
        .order_by("doc_type_id", "-version")
    )
    for doc in docs:
        row = rows.get(doc.doc_type_id)
        if row is None:  # a type retired since: still shown, its history is the record
            row = rows[doc.doc_type_id] = TypeStatus(doc_type=doc.doc_type, required=False)
        row.versions.append(doc)
    return sorted(rows.values(), key=lambda r: (not r.required, r.doc_type.sort, r.doc_type.code))
