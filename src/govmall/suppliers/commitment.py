"""Reads of the credit commitment: the current text and whether a supplier has signed it."""

from __future__ import annotations

import hashlib

from govmall.suppliers.models import CommitmentSignature, CommitmentText, Supplier


def current_commitment() -> CommitmentText | None:
    return CommitmentText.objects.order_by("-version").first()


def text_for_language(text: CommitmentText, language: str) -> str:
    return text.text_en if language.startswith("en") else text.text_zh


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def has_signed_current(supplier: Supplier) -> bool:
    current = current_commitment()
    if current is None:
        return False
    return CommitmentSignature.objects.filter(supplier=supplier, text=current).exists()


def current_signature(supplier: Supplier) -> CommitmentSignature | None:
    """The supplier's signature of the current version, if any."""
    current = current_commitment()
    if current is None:
        return None
    return (
        CommitmentSignature.objects.select_related("text", "signed_by")
        .filter(supplier=supplier, text=current)
        .first()
    )


def signatures_of(supplier: Supplier) -> list[CommitmentSignature]:
    """Every signature of the supplier, newest version first."""
    return list(
        CommitmentSignature.objects.select_related("text", "signed_by")
        .filter(supplier=supplier)
        .order_by("-text__version")
    )
