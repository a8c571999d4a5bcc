"""Rules comparing a listing's price with the lowest recent reference price of the same brand
and model: not above it (with a tolerance), and not suspiciously far below it."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from govmall.catalog.rules.base import FAIL, NO_REFERENCE, PASS, Outcome, Param, Rule
from govmall.catalog.rules.context import SHANGHAI, BatchContext
from govmall.catalog.types import Candidate


def _money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


def _reference_details(price: Decimal, ref: Any) -> dict[str, Any]:
    evidence = getattr(ref, "_rule_evidence", None)
    if evidence is None:
        evidence = _evidence(ref)
        ref._rule_evidence = evidence
    return {"price": _money(price), **evidence}


class _Limits:
    """A bound derived from each reference (and the rule's params), with its text, computed
    once per reference and batch: many candidates share a reference."""

    def __init__(self, bound: Callable[[Any], Decimal]) -> None:
        self._bound = bound
        self._by_ref: dict[int, tuple[Decimal, str]] = {}

    def of(self, ref: Any) -> tuple[Decimal, str]:
        found = self._by_ref.get(id(ref))
        if found is None:
            value = self._bound(ref)
            found = self._by_ref[id(ref)] = (value, _money(value))
        return found


def _evidence(ref: Any) -> dict[str, Any]:
    captured = ref.captured_at.astimezone(SHANGHAI)
    return {
        "reference_price": _money(ref.price),
        "reference_id": ref.pk,
        "source": ref.source,
        "captured_at": captured.isoformat(),
        "captured_at_zh": captured.strftime("%Y-%m-%d %H:%M"),
        "captured_at_en": captured.strftime("%Y-%m-%d %H:%M"),
        "url": ref.url,
    }


class ReferencePriceRule(Rule):
    code = "reference_price"
    name_zh = "参考价格"
    name_en = "Reference price"
    params = {
        "window_days": Param("int"),
        "tolerance_percent": Param("number"),
        "tolerance_amount": Param("number"),
    }

    def validate(self, params: dict[str, Any]) -> tuple[str, str] | None:
        if params["window_days"] < 1:
            return "window_days", _("the window must be at least 1 day")
        return None

    def prepare(self, params: dict[str, Any], ctx: BatchContext) -> Any:
        pct = Decimal(str(params["tolerance_percent"]))
        amount = Decimal(str(params["tolerance_amount"]))
        # (references, the limit of each reference id: computed once per batch)
        return ctx.references(params["window_days"]), _Limits(
            lambda ref: ref.price * (1 + pct / 100) + amount
        )

    def check(
        self,
        index: int,
        candidate: Candidate,
        params: dict[str, Any],
        state: Any,
        ctx: BatchContext,
    ) -> Outcome:
        references, limits = state
        ref = references.get(ctx.reference_key(index))
        if ref is None:
            return NO_REFERENCE, {"window_days": params["window_days"]}
        limit, limit_text = limits.of(ref)
        price = candidate.data.price
        details = _reference_details(price, ref)
        details["limit"] = limit_text
        details["window_days"] = params["window_days"]
        return (PASS if price <= limit else FAIL), details


class PriceFarBelowReference(Rule):
    code = "price_far_below_reference"
    name_zh = "价格远低于参考价"
    name_en = "Price far below the reference"
    params = {"window_days": Param("int"), "min_percent": Param("number")}

    def validate(self, params: dict[str, Any]) -> tuple[str, str] | None:
        if params["window_days"] < 1:
            return "window_days", _("the window must be at least 1 day")
        if Decimal(str(params["min_percent"])) > 100:
            return "min_percent", _("at most 100")
        return None

    def prepare(self, params: dict[str, Any], ctx: BatchContext) -> Any:
        pct = Decimal(str(params["min_percent"]))
        # (references, the floor of each reference id: computed once per batch)
        return ctx.references(params["window_days"]), _Limits(lambda ref: ref.price * pct / 100)

    def check(
        self,
        index: int,
        candidate: Candidate,
        params: dict[str, Any],
        state: Any,
        ctx: BatchContext,
    ) -> Outcome:
        references, floors = state
        ref = references.get(ctx.reference_key(index))
        if ref is None:
            return NO_REFERENCE, {"window_days": params["window_days"]}
        floor, floor_text = floors.of(ref)
        price = candidate.data.price
        details = _reference_details(price, ref)
        details["floor"] = floor_text
        details["min_percent"] = params["min_percent"]
        return (FAIL if price < floor else PASS), details
