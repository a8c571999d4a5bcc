"""The duplicate rule: the same supplier listing the same product (key signature) twice, in the
stored listings or within one batch."""

from __future__ import annotations

from typing import Any

from govmall.catalog.models import Listing, ListingState
from govmall.catalog.rules.base import FAIL, PASS, Outcome, Param, Rule
from govmall.catalog.rules.context import BatchContext
from govmall.catalog.types import Candidate

# Chunk of signatures per duplicate query (bound-parameter limits).
SIG_CHUNK = 500


class Duplicate(Rule):
    code = "duplicate"
    name_zh = "重复发布"
    name_en = "Duplicate listing"
    params = {"states": Param("choices", tuple(ListingState.values))}

    def prepare(self, params: dict[str, Any], ctx: BatchContext) -> Any:
        """One query (per chunk) for every supplier and signature of the batch."""
        suppliers = {c.supplier_id for c in ctx.candidates}
        signatures = sorted({ctx.signature(i) for i in range(len(ctx.candidates))})
        existing: dict[tuple[int, str], list[tuple[int, str]]] = {}
        state: dict[str, Any] = {"existing": existing, "seen": {}}
        if not suppliers or not signatures or not params["states"]:
            return state
        for start in range(0, len(signatures), SIG_CHUNK):
            rows = Listing.objects.filter(
                supplier_id__in=suppliers,
                key_signature__in=signatures[start : start + SIG_CHUNK],
                state__in=params["states"],
            ).values_list("id", "supplier_id", "key_signature", "number")
            for listing_id, supplier_id, sig, number in rows.order_by("id"):
                existing.setdefault((supplier_id, sig), []).append((listing_id, number))
        return state

    def check(
        self,
        index: int,
        candidate: Candidate,
        params: dict[str, Any],
        state: Any,
        ctx: BatchContext,
    ) -> Outcome:
        key = (candidate.supplier_id, ctx.signature(index))
        for listing_id, number in state["existing"].get(key, []):
            if listing_id != candidate.listing_id:
                return FAIL, {"listing_id": listing_id, "duplicate_of": number}
        # Within the batch: the first candidate with a signature wins; a later one fails.
        earlier = state["seen"].get(key)
        if earlier is not None:
            first_index, first_listing = earlier
            if first_listing is None or first_listing != candidate.listing_id:
                return FAIL, {
                    "batch_index": first_index,
                    "duplicate_of_zh": f"本批第 {first_index + 1} 条",
                    "duplicate_of_en": f"item {first_index + 1} of this batch",
                }
        else:
            state["seen"][key] = (index, candidate.listing_id)
        return PASS, {}
