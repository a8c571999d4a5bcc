"""Keeping the search table in step with listings. Services call `sync_listings` in their
transaction after any change of a listing's state or live content."""

from __future__ import annotations

from collections.abc import Iterable


def sync_listings(listing_ids: Iterable[int]) -> None:
    """Rebuild the search rows of these listings: a row for each live (listed) one, none for
    the others."""
    # Filled in by the search work (catalog/search/); a no-op until then.
    return None
