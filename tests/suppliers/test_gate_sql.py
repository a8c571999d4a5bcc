"""`gate.MAY_TRADE_SQL` (the order placement's one-statement gate on PostgreSQL) answers as
`trading_blockers` does, for every blocker and the situations next to them."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.utils import timezone

from govmall.suppliers.credit import today
from govmall.suppliers.gate import MAY_TRADE_SQL, trading_blockers
from govmall.suppliers.models import CommitmentText, CreditFlag, Supplier
from tests.factories import make_supplier
from tests.suppliers.verification_helpers import list_entry

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL dialect"),
    pytest.mark.django_db,
]


def sql_says(supplier: Supplier) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {MAY_TRADE_SQL} FROM suppliers_supplier s WHERE s.id = %(id)s",  # noqa: S608
            {"id": supplier.pk, "today": today()},
        )
        return cursor.fetchone()[0]


def agree(supplier: Supplier) -> bool:
    supplier.refresh_from_db()
    expected = not trading_blockers(supplier)
    assert sql_says(supplier) is expected, trading_blockers(supplier)
    return expected


def flag(supplier: Supplier, *, expiry: date | None = None, resolved: bool = False) -> None:
    CreditFlag.objects.create(
        supplier=supplier,
        entry=list_entry(supplier.credit_code, expiry=expiry),
        raised_at=timezone.now(),
        resolved_at=timezone.now() if resolved else None,
    )


def test_active_signed_documented_supplier_may_trade():
    supplier, _ = make_supplier()
    assert agree(supplier) is True
    individual, _ = make_supplier(supplier_type="individual")
    assert agree(individual) is True


@pytest.mark.parametrize("status", ["draft", "pending", "returned", "rejected", "suspended"])
def test_a_supplier_not_active_may_not(status):
    supplier, _ = make_supplier(status=status)
    assert agree(supplier) is False


def test_open_flags_in_force_block_resolved_or_expired_ones_do_not():
    resolved, _ = make_supplier()
    flag(resolved, resolved=True)
    assert agree(resolved) is True
    expired, _ = make_supplier()
    flag(expired, expiry=date(2025, 6, 30))
    assert agree(expired) is True
    open_flag, _ = make_supplier()
    flag(open_flag)
    assert agree(open_flag) is False


def test_only_the_current_commitment_counts():
    supplier, _ = make_supplier()
    unsigned, _ = make_supplier(signed=False)
    assert agree(unsigned) is False
    newest = CommitmentText.objects.order_by("-version").first()
    assert newest is not None
    CommitmentText.objects.create(
        version=newest.version + 1,
        text_zh="新版承诺书",
        text_en="New commitment",
        published_at=timezone.now(),
    )
    assert agree(supplier) is False  # signed the previous version only


def test_required_documents_must_be_accepted():
    supplier, _ = make_supplier()
    supplier.documents.update(accepted_at=None)
    assert agree(supplier) is False
    bare, _ = make_supplier(documents=False)
    assert agree(bare) is False
