"""Reads of qualification documents: required types and the latest version of each."""

from __future__ import annotations

from govmall.suppliers.models import Document, DocumentType, Supplier


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
