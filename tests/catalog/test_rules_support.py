"""Shared helpers of the rules tests: a conforming listing, candidates, and a review that
returns one rule's result. (No tests here.)"""

from __future__ import annotations

import copy
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from govmall.catalog.models import Category, RuleSet
from govmall.catalog.rules.defaults import default_rules
from govmall.catalog.rules.engine import clean_rules, review
from govmall.catalog.types import Candidate, ImageInfo, ListingData, RuleResult, Verdict
from tests.catalog.factories import make_category

DESKTOP_ATTRS = [
    {"key": "cpu", "name_zh": "处理器", "name_en": "Processor", "kind": "text", "required": True},
    {
        "key": "memory_gb",
        "name_zh": "内存",
        "name_en": "Memory",
        "kind": "number",
        "unit": "GB",
        "required": True,
        "min_value": Decimal("1"),
        "max_value": Decimal("1024"),
        "is_key": True,
    },
    {
        "key": "colour",
        "name_zh": "颜色",
        "name_en": "Colour",
        "kind": "choice",
        "choices": ["黑色", "白色"],
    },
    {"key": "wifi", "name_zh": "无线网卡", "name_en": "Wi-Fi", "kind": "boolean"},
]


def desktop_category(**kwargs: Any) -> Category:
    """A leaf under a parent: 台式计算机-like, mandatory energy status, 12 months warranty."""
    parent = make_category(name_zh="计算机设备", name_en="Computers")
    params = {
        "parent": parent,
        "name_zh": "台式计算机",
        "name_en": "Desktop computer",
        "energy_status": "mandatory",
        "min_warranty_months": 12,
        "attributes": copy.deepcopy(DESKTOP_ATTRS),
    }
    params.update(kwargs)
    return make_category(**params)


def good_data(category: Category, **overrides: Any) -> ListingData:
    values: dict[str, Any] = {
        "category": category,
        "title": "联想 ThinkCentre M720t 台式计算机 i5/8G/256G",
        "brand": "联想",
        "model_no": "ThinkCentre M720t",
        "unit": "台",
        "price": Decimal("4999.00"),
        "manufacturer": "联想（北京）有限公司",
        "attributes": {"cpu": "i5-9500", "memory_gb": 8, "colour": "黑色", "wifi": True},
        "warranty_months": 36,
        "energy_cert_no": "CQC22701368976",
        "energy_cert_expiry": date.today() + timedelta(days=365),
        "image_ids": [1, 2],
        "description": "商务台式机，整机三年上门保修。",
        "extra_fees": [],
        "no_extra_fees": True,
        "after_sales": "三年上门服务，7×24 小时热线。",
    }
    values.update(overrides)
    return ListingData(**values)


def candidate(
    category: Category,
    *,
    supplier_id: int = 1,
    listing_id: int | None = None,
    images: list[ImageInfo] | None = None,
    **overrides: Any,
) -> Candidate:
    data = good_data(category, **overrides)
    if images is None:
        images = [ImageInfo(i, 800, 800) for i in data.image_ids]
    return Candidate(data=data, supplier_id=supplier_id, listing_id=listing_id, images=images)


def ruleset_with(version: int = 99, **changes: dict[str, Any]) -> RuleSet:
    """An unsaved rule set from the defaults, with per-code changes: `code={"params": {...}}`
    (params merged), or `code={"enabled": False}` / `{"severity": "review"}`."""
    rules = default_rules()
    for rule in rules:
        change = changes.get(rule["code"])
        if change:
            change = dict(change)
            params = change.pop("params", None)
            if params:
                rule["params"].update(params)
            rule.update(change)
    return RuleSet(version=version, rules=clean_rules(rules))


def verdicts(cands: list[Candidate], ruleset: RuleSet | None = None) -> list[Verdict]:
    return review(cands, ruleset or ruleset_with())


def result_of(verdict: Verdict, code: str) -> RuleResult:
    matches = [r for r in verdict.results if r.code == code]
    assert len(matches) == 1, code
    return matches[0]


def check_one(code: str, cand: Candidate, ruleset: RuleSet | None = None) -> RuleResult:
    return result_of(verdicts([cand], ruleset)[0], code)
