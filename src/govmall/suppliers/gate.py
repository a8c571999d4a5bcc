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


# `may_trade` as one SQL condition on a supplier row aliased `s` (PostgreSQL; `%(today)s` is
# `suppliers.credit.today()`), for a statement that must not spend queries on the gate (the
# order placement). It answers only yes or no: ask `trading_blockers` for the reasons. Keep it
# in step with `trading_blockers` — tests/suppliers/test_gate_sql.py compares the two on every
# blocker.
MAY_TRADE_SQL = """(s.status = 'active'
   AND NOT EXISTS (
     SELECT 1 FROM suppliers_creditflag f JOIN suppliers_creditlistentry e ON e.id = f.entry_id
     WHERE f.supplier_id = s.id AND f.resolved_at IS NULL AND e.listed_date <= %(today)s
       AND (e.expiry_date IS NULL OR e.expiry_date >= %(today)s))
   AND EXISTS (
     SELECT 1 FROM suppliers_commitmentsignature g
     WHERE g.supplier_id = s.id AND g.text_id = (
       SELECT t.id FROM suppliers_commitmenttext t ORDER BY t.version DESC LIMIT 1))
   AND NOT EXISTS (
     SELECT 1 FROM suppliers_documenttype dt
     WHERE dt.active AND dt.required_for @> to_jsonb(s.supplier_type::text)
       AND NOT EXISTS (
         SELECT 1 FROM suppliers_document d WHERE d.supplier_id = s.id
           AND d.doc_type_id = dt.code AND d.accepted_at IS NOT NULL)))"""
