"""Rules on the presence and shape of a listing's fields: the required fields, the category's
attribute template and the brand and model in the title.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from govmall.catalog.rules.base import FAIL, PASS, Outcome, Param, Rule, is_empty, loose_decimal
from govmall.catalog.rules.context import BatchContext
from govmall.catalog.types import CONTENT_FIELDS, Candidate

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
            elif is_empty(value):
                missing.append(name)
        if not missing:
            return PASS, {}
        return FAIL, {
            "fields": missing,
            "missing_zh": [FIELD_NAMES_ZH.get(m, m) for m in missing],
            "missing_en": [FIELD_NAMES_EN.get(m, m) for m in missing],
        }


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
            if is_empty(value):
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
                number = loose_decimal(value)
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
