"""The rules of the listing specification, each keyed by a stable code.

A rule declares its parameters (`params`: name → kind), may `prepare` once per batch (compile
word lists, run its one query) and then `check`s each candidate in pure Python, answering a
status (pass | fail | no_reference) and JSON-ready details. Details feed the message
placeholders; a key ending in `_zh` / `_en` is used in place of the bare key for that language.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from django.utils.translation import gettext as _

from govmall.catalog.models import EnergyStatus, Listing, ListingState
from govmall.catalog.rules.context import SHANGHAI, BatchContext
from govmall.catalog.types import CONTENT_FIELDS, Candidate

PASS = "pass"  # noqa: S105 (a rule status, not a password)
FAIL = "fail"
NO_REFERENCE = "no_reference"

# Chunk of signatures per duplicate query (bound-parameter limits).
SIG_CHUNK = 500
TEXT_FIELDS = ["title", "brand", "model_no", "manufacturer", "description", "after_sales"]


@dataclass(frozen=True)
class Param:
    """kind: words (list of non-empty strings), choices (list drawn from `allowed`),
    int (non-negative integer), number (non-negative decimal), regex, regexes."""

    kind: str
    allowed: tuple[str, ...] = ()


Outcome = tuple[str, dict[str, Any]]


class Rule:
    code: ClassVar[str]
    name_zh: ClassVar[str]
    name_en: ClassVar[str]
    params: ClassVar[dict[str, Param]] = {}

    def validate(self, params: dict[str, Any]) -> tuple[str, str] | None:
        """Checks across params once each has its kind: (param, message) of the first problem."""
        return None

    def prepare(self, params: dict[str, Any], ctx: BatchContext) -> Any:
        return None

    def check(
        self,
        index: int,
        candidate: Candidate,
        params: dict[str, Any],
        state: Any,
        ctx: BatchContext,
    ) -> Outcome:
        raise NotImplementedError


def _empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, dict, tuple)):
        return not value
    return False


def _words_pattern(words: list[str]) -> re.Pattern[str] | None:
    cleaned = [unicodedata.normalize("NFKC", w) for w in words if w]
    if not cleaned:
        return None
    cleaned.sort(key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in cleaned), re.IGNORECASE)


def _find(patterns: list[re.Pattern[str]], texts: list[str]) -> list[str]:
    found: list[str] = []
    for pattern in patterns:
        for text in texts:
            if not text:
                continue
            for match in pattern.finditer(text):
                value = match.group(0)
                if value not in found:
                    found.append(value)
    return found


@dataclass
class Matcher:
    """Compiled word lists and patterns. (One alternation of every pattern is no faster
    with Python's backtracking engine, so each runs on its own.)"""

    patterns: list[re.Pattern[str]]

    @classmethod
    def of(cls, patterns: list[re.Pattern[str]]) -> Matcher:
        return cls(patterns)

    def find(self, texts: list[str]) -> list[str]:
        """Every distinct match, pattern by pattern, in the texts' order."""
        if not self.patterns:
            return []
        # NUL never occurs in cleaned text and no pattern matches it: no match spans fields.
        return _find(self.patterns, ["\x00".join(texts)])


def _money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


# -- required fields and template ------------------------------------------------------------
FIELD_NAMES_ZH = {
    "category": "品目",
    "title": "标题",
    "brand": "品牌",
    "model_no": "型号",
    "manufacturer": "制造商",
    "attributes": "属性",
    "unit": "计量单位",
    "price": "价格",
    "warranty_months": "质保期",
    "delivery_divisions": "配送区域",
    "origin": "产地",
    "energy_cert_no": "节能认证证书编号",
    "energy_cert_expiry": "节能认证有效期",
    "image_ids": "图片",
    "description": "商品描述",
    "extra_fees": "额外费用",
    "no_extra_fees": "无额外费用",
    "after_sales": "售后服务承诺",
}
FIELD_NAMES_EN = {
    "category": "category",
    "title": "title",
    "brand": "brand",
    "model_no": "model",
    "manufacturer": "manufacturer",
    "attributes": "attributes",
    "unit": "unit",
    "price": "price",
    "warranty_months": "warranty",
    "delivery_divisions": "delivery areas",
    "origin": "origin",
    "energy_cert_no": "energy certificate number",
    "energy_cert_expiry": "energy certificate expiry",
    "image_ids": "images",
    "description": "description",
    "extra_fees": "extra fees",
    "no_extra_fees": "no extra fees",
    "after_sales": "after-sales promise",
}


class RequiredFields(Rule):
    code = "required_fields"
    name_zh = "必填项"
    name_en = "Required fields"
    params = {"fields": Param("choices", tuple(CONTENT_FIELDS))}

    def check(
        self,
        index: int,
        candidate: Candidate,
        params: dict[str, Any],
        state: Any,
        ctx: BatchContext,
    ) -> Outcome:
        data = candidate.data
        missing = []
        for name in params["fields"]:
            value = getattr(data, name, None)
            if name == "price":
                if value is None or value <= 0:
                    missing.append(name)
            elif _empty(value):
                missing.append(name)
        if not missing:
            return PASS, {}
        return FAIL, {
            "fields": missing,
            "missing_zh": [FIELD_NAMES_ZH.get(m, m) for m in missing],
            "missing_en": [FIELD_NAMES_EN.get(m, m) for m in missing],
        }


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


class CategoryTemplate(Rule):
    code = "category_template"
    name_zh = "品目属性模板"
    name_en = "Category attribute template"

    def check(
        self,
        index: int,
        candidate: Candidate,
        params: dict[str, Any],
        state: Any,
        ctx: BatchContext,
    ) -> Outcome:
        info = ctx.category_info(candidate)
        attrs = candidate.data.attributes or {}
        zh: list[str] = []
        en: list[str] = []
        problems: list[dict[str, Any]] = []
        if not info.is_leaf:
            problems.append({"problem": "not_leaf"})
            zh.append("品目须为末级品目")
            en.append("the category must be a leaf")
        if info.inactive_codes:
            problems.append({"problem": "inactive", "codes": info.inactive_codes})
            zh.append("品目已停用")
            en.append("the category is not active")
        for spec in info.specs:
            value = attrs.get(spec.key)
            if _empty(value):
                if spec.required:
                    problems.append({"problem": "missing", "key": spec.key})
                    zh.append(f"缺少{spec.name_zh}")
                    en.append(f"{spec.name_en} missing")
                continue
            if spec.kind == "choice" and spec.choices:
                allowed = [str(c) for c in spec.choices]
                values = value if isinstance(value, list) else [value]
                bad = [str(v) for v in values if str(v) not in allowed]
                if bad:
                    problems.append({"problem": "choice", "key": spec.key, "value": bad})
                    zh.append(f"{spec.name_zh}“{'、'.join(bad)}”不在可选值内")
                    en.append(f"{spec.name_en} “{', '.join(bad)}” is not an allowed value")
            elif spec.kind == "number":
                number = _decimal(value)
                if number is None:
                    problems.append({"problem": "not_number", "key": spec.key})
                    zh.append(f"{spec.name_zh}须为数字")
                    en.append(f"{spec.name_en} must be a number")
                    continue
                low = spec.min_value
                high = spec.max_value
                if low is not None and number < low:
                    problems.append({"problem": "below_min", "key": spec.key, "min": str(low)})
                    zh.append(f"{spec.name_zh}不得小于 {_plain(Decimal(low))}")
                    en.append(f"{spec.name_en} must be at least {_plain(Decimal(low))}")
                if high is not None and number > high:
                    problems.append({"problem": "above_max", "key": spec.key, "max": str(high)})
                    zh.append(f"{spec.name_zh}不得大于 {_plain(Decimal(high))}")
                    en.append(f"{spec.name_en} must be at most {_plain(Decimal(high))}")
        if not problems:
            return PASS, {}
        return FAIL, {"problems": problems, "problems_zh": zh, "problems_en": en}


class BrandModelInTitle(Rule):
    code = "brand_model_in_title"
    name_zh = "标题含品牌型号"
    name_en = "Brand and model in the title"

    def check(
        self,
        index: int,
        candidate: Candidate,
        params: dict[str, Any],
        state: Any,
        ctx: BatchContext,
    ) -> Outcome:
        title = ctx.title_folded(index)
        missing = []
        for name, folded in zip(("brand", "model_no"), ctx.reference_key(index), strict=True):
            if not folded or folded not in title:
                missing.append(name)
        if not missing:
            return PASS, {}
        return FAIL, {
            "fields": missing,
            "missing_zh": [FIELD_NAMES_ZH[m] for m in missing],
            "missing_en": [FIELD_NAMES_EN[m] for m in missing],
        }


# -- words -----------------------------------------------------------------------------------
class _WordsRule(Rule):
    params = {"words": Param("words"), "fields": Param("choices", tuple(TEXT_FIELDS))}

    def prepare(self, params: dict[str, Any], ctx: BatchContext) -> Any:
        patterns = []
        words = _words_pattern(params["words"])
        if words is not None:
            patterns.append(words)
        for source in params.get("patterns", []):
            patterns.append(re.compile(source))
        return Matcher.of(patterns)

    def check(
        self,
        index: int,
        candidate: Candidate,
        params: dict[str, Any],
        state: Any,
        ctx: BatchContext,
    ) -> Outcome:
        found = state.find([ctx.text(index, name) for name in params["fields"]])
        if not found:
            return PASS, {}
        return FAIL, {"found": found}


class NonMarketModel(_WordsRule):
    code = "non_market_model"
    name_zh = "非市场在售型号"
    name_en = "Non-market models"


class ForbiddenWords(_WordsRule):
    code = "forbidden_words"
    name_zh = "禁用词、联系方式和链接"
    name_en = "Forbidden words, contact details and links"
    params = {
        "words": Param("words"),
        "patterns": Param("regexes"),
        "fields": Param("choices", tuple(TEXT_FIELDS)),
    }


class ReviewWords(_WordsRule):
    code = "review_words"
    name_zh = "需人工核实的表述"
    name_en = "Claims needing a human check"


class UnitAllowed(Rule):
    code = "unit_allowed"
    name_zh = "计量单位"
    name_en = "Unit of measure"
    params = {"units": Param("words")}

    def prepare(self, params: dict[str, Any], ctx: BatchContext) -> Any:
        return {unicodedata.normalize("NFKC", u).strip() for u in params["units"]}

    def check(
        self,
        index: int,
        candidate: Candidate,
        params: dict[str, Any],
        state: Any,
        ctx: BatchContext,
    ) -> Outcome:
        unit = unicodedata.normalize("NFKC", candidate.data.unit or "").strip()
        if unit in state:
            return PASS, {}
        return FAIL, {"unit": candidate.data.unit}


# -- images ----------------------------------------------------------------------------------
class ImageCount(Rule):
    code = "image_count"
    name_zh = "图片数量"
    name_en = "Number of images"
    params = {"min": Param("int"), "max": Param("int")}

    def validate(self, params: dict[str, Any]) -> tuple[str, str] | None:
        if params["min"] > params["max"]:
            return "min", _("the minimum may not exceed the maximum")
        return None

    def check(
        self,
        index: int,
        candidate: Candidate,
        params: dict[str, Any],
        state: Any,
        ctx: BatchContext,
    ) -> Outcome:
        count = len(candidate.images) if candidate.images else len(candidate.data.image_ids or [])
        details = {"count": count, "min": params["min"], "max": params["max"]}
        if params["min"] <= count <= params["max"]:
            return PASS, details
        return FAIL, details


class ImageResolution(Rule):
    code = "image_resolution"
    name_zh = "图片分辨率"
    name_en = "Image resolution"
    params = {"min_width": Param("int"), "min_height": Param("int")}

    def check(
        self,
        index: int,
        candidate: Candidate,
        params: dict[str, Any],
        state: Any,
        ctx: BatchContext,
    ) -> Outcome:
        low_w, low_h = params["min_width"], params["min_height"]
        small = [i for i in candidate.images if i.width < low_w or i.height < low_h]
        details: dict[str, Any] = {"min_width": low_w, "min_height": low_h}
        if not small:
            return PASS, details
        details["images"] = [i.id for i in small]
        details["too_small"] = [f"#{i.id} {i.width}×{i.height}" for i in small]
        return FAIL, details


# -- energy certificate ----------------------------------------------------------------------
class EnergyCertificate(Rule):
    code = "energy_certificate"
    name_zh = "节能产品认证"
    name_en = "Energy-saving certificate"
    params = {"pattern": Param("regex")}

    def prepare(self, params: dict[str, Any], ctx: BatchContext) -> Any:
        return re.compile(params["pattern"])

    def check(
        self,
        index: int,
        candidate: Candidate,
        params: dict[str, Any],
        state: Any,
        ctx: BatchContext,
    ) -> Outcome:
        data = candidate.data
        if data.category.energy_status != EnergyStatus.MANDATORY:
            return PASS, {"applies": False}
        number = unicodedata.normalize("NFKC", data.energy_cert_no or "").strip().upper()
        zh: list[str] = []
        en: list[str] = []
        problems: list[str] = []
        if not number:
            problems.append("number_missing")
            zh.append("缺少证书编号")
            en.append("the certificate number is missing")
        elif not state.search(number):
            problems.append("number_format")
            zh.append(f"证书编号“{data.energy_cert_no}”格式不正确")
            en.append(f"the certificate number “{data.energy_cert_no}” is not valid")
        expiry = data.energy_cert_expiry
        if expiry is None:
            problems.append("expiry_missing")
            zh.append("缺少有效期")
            en.append("the expiry date is missing")
        elif expiry < ctx.today:
            problems.append("expired")
            zh.append(f"证书已于 {expiry.isoformat()} 过期")
            en.append(f"the certificate expired on {expiry.isoformat()}")
        details: dict[str, Any] = {"applies": True}
        if not problems:
            return PASS, details
        details.update({"problems": problems, "problem_zh": zh, "problem_en": en})
        return FAIL, details


# -- duplicates ------------------------------------------------------------------------------
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


# -- warranty and fees -----------------------------------------------------------------------
class WarrantyMinimum(Rule):
    code = "warranty_minimum"
    name_zh = "最低质保期"
    name_en = "Minimum warranty"
    params = {"floor_months": Param("int")}

    def check(
        self,
        index: int,
        candidate: Candidate,
        params: dict[str, Any],
        state: Any,
        ctx: BatchContext,
    ) -> Outcome:
        category_min = candidate.data.category.min_warranty_months or 0
        required = max(category_min, params["floor_months"])
        warranty = candidate.data.warranty_months or 0
        details = {"required": required, "warranty": warranty}
        return (PASS if warranty >= required else FAIL), details


class ExtraFeesDeclared(Rule):
    code = "extra_fees_declared"
    name_zh = "额外费用声明"
    name_en = "Extra fees declared"
    params = {"fee_words": Param("words")}

    def prepare(self, params: dict[str, Any], ctx: BatchContext) -> Any:
        pattern = _words_pattern(params["fee_words"])
        return Matcher.of([pattern]) if pattern is not None else None

    def check(
        self,
        index: int,
        candidate: Candidate,
        params: dict[str, Any],
        state: Any,
        ctx: BatchContext,
    ) -> Outcome:
        data = candidate.data
        fees = data.extra_fees or []
        zh: list[str] = []
        en: list[str] = []
        problems: list[str] = []
        bad_fees = []
        for fee in fees:
            name = str(fee.get("name", "")).strip() if isinstance(fee, dict) else ""
            amount = _decimal(fee.get("amount")) if isinstance(fee, dict) else None
            if not name or amount is None or not amount.is_finite() or amount <= 0:
                bad_fees.append(fee)
        if data.no_extra_fees and fees:
            problems.append("contradictory")
            zh.append("已声明无额外费用，却列出了费用")
            en.append("“no extra fees” is declared but fees are listed")
        elif not data.no_extra_fees and not fees:
            problems.append("undeclared")
            zh.append("须列出额外费用或声明无额外费用")
            en.append("list the extra fees or declare that there are none")
        if bad_fees:
            problems.append("invalid_fee")
            zh.append("每项费用须有名称和大于零的金额")
            en.append("each fee needs a name and an amount above zero")
        found: list[str] = []
        if not fees and state is not None:
            found = state.find([ctx.text(index, "description"), ctx.text(index, "title")])
            if found:
                problems.append("fee_words")
                zh.append(f"描述提及费用（{'、'.join(found)}）但未列出")
                en.append(f"the text mentions fees ({', '.join(found)}) but none is listed")
        if not problems:
            return PASS, {}
        details: dict[str, Any] = {"problems": problems, "problem_zh": zh, "problem_en": en}
        if found:
            details["found"] = found
        return FAIL, details


# -- reference prices ------------------------------------------------------------------------
def _reference_details(price: Decimal, ref: Any) -> dict[str, Any]:
    evidence = getattr(ref, "_rule_evidence", None)
    if evidence is None:
        evidence = _evidence(ref)
        ref._rule_evidence = evidence
    return {"price": _money(price), **evidence}


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
        return ctx.references(params["window_days"])

    def check(
        self,
        index: int,
        candidate: Candidate,
        params: dict[str, Any],
        state: Any,
        ctx: BatchContext,
    ) -> Outcome:
        ref = state.get(ctx.reference_key(index))
        if ref is None:
            return NO_REFERENCE, {"window_days": params["window_days"]}
        pct = Decimal(str(params["tolerance_percent"]))
        amount = Decimal(str(params["tolerance_amount"]))
        limit = ref.price * (1 + pct / 100) + amount
        price = candidate.data.price
        details = _reference_details(price, ref)
        details["limit"] = _money(limit)
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
        return ctx.references(params["window_days"])

    def check(
        self,
        index: int,
        candidate: Candidate,
        params: dict[str, Any],
        state: Any,
        ctx: BatchContext,
    ) -> Outcome:
        ref = state.get(ctx.reference_key(index))
        if ref is None:
            return NO_REFERENCE, {"window_days": params["window_days"]}
        pct = Decimal(str(params["min_percent"]))
        floor = ref.price * pct / 100
        price = candidate.data.price
        details = _reference_details(price, ref)
        details["floor"] = _money(floor)
        details["min_percent"] = params["min_percent"]
        return (FAIL if price < floor else PASS), details


RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in (
        RequiredFields(),
        CategoryTemplate(),
        BrandModelInTitle(),
        NonMarketModel(),
        ForbiddenWords(),
        ReviewWords(),
        UnitAllowed(),
        ImageCount(),
        ImageResolution(),
        EnergyCertificate(),
        Duplicate(),
        WarrantyMinimum(),
        ExtraFeesDeclared(),
        ReferencePriceRule(),
        PriceFarBelowReference(),
    )
}
