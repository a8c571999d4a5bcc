"""May this supplier trade now? One answer for listing, quoting and accepting orders."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from govmall.suppliers.models import DocumentType, Supplier, SupplierStatus


def _names(types: Iterable[DocumentType]) -> str:
    if get_language() == "en":
        return ", ".join(t.name_en for t in types)
    return "、".join(t.name_zh for t in types)


def trading_blockers(supplier: Supplier) -> list[tuple[str, str]]:
    """(code, message) for each reason the supplier may not list, quote or take orders now;
    empty when it may. Later capabilities (penalties) add their reasons here."""
    from govmall.suppliers.commitment import has_signed_current
    from govmall.suppliers.credit import has_open_flag
    from govmall.suppliers.documents import missing_required_types

    blockers: list[tuple[str, str]] = []
    if supplier.status != SupplierStatus.ACTIVE:
        blockers.append(("supplier_not_active", _("The supplier is not active.")))
    if has_open_flag(supplier):
        blockers.append(
            ("credit_flag_open", _("A credit-list hit awaits the operator's resolution."))
        )
    if not has_signed_current(supplier):
        blockers.append(
            ("commitment_not_signed", _("The current credit commitment has not been signed."))
        )
    # An active supplier trades on accepted versions; before activation, "missing" means not
    # uploaded at all (uploaded versions are what the pending verification is about).
    missing = missing_required_types(
        supplier, accepted_only=supplier.status == SupplierStatus.ACTIVE
    )
    if missing:
        blockers.append(
            (
                "documents_missing",
                _("Required documents are missing: %(types)s") % {"types": _names(missing)},
            )
        )
    return blockers


def may_trade(supplier: Supplier) -> bool:
    return not trading_blockers(supplier)
