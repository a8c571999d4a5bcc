"""Reference data that migrations load and a flush removes (demo reset, transactional tests)."""

from __future__ import annotations


def ensure_reference_data() -> None:
    from govmall.accounts.divisions import load_divisions
    from govmall.accounts.models import Division
    from govmall.suppliers.models import CommitmentText, DocumentType
    from govmall.suppliers.seed import seed_reference

    if not Division.objects.exists():
        load_divisions(Division)
    seed_reference(DocumentType, CommitmentText)
