from __future__ import annotations

import pytest


@pytest.fixture
def divisions(db):
    """The division table: transactional tests flush it, so load it again (idempotent)."""
    from govmall.accounts.divisions import load_divisions
    from govmall.accounts.models import Division

    load_divisions(Division)
