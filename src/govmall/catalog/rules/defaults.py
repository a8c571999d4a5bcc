"""The built-in listing specification (商品发布及管理规范): version 1 of the rule set.

Each entry is what a RuleSet stores: code, severity (reject | review), enabled, params and the
bilingual message. Messages may name any key of the rule's result details in braces
(`{missing}`); lists are joined. docs/listing-rules.md describes every rule.
"""

from __future__ import annotations

import copy
from typing import Any

# Contact details and links (regular expressions, matched after NFKC so full-width forms count).
CONTACT_PATTERNS: list[str] = [
    r"(?<!\d)1[3-9]\d{9}(?!\d)",  # mobile number
    r"(?<![\d-])0\d{2,3}-?\d{7,8}(?![\d-])",  # landline with area code
    r"(?<!\d)400-?\d{3}-?\d{4}(?!\d)",  # 400 service number
    r"(?i)\bQQ\s*[:：]?\s*\d{5,12}",  # QQ number
    r"(?i)(微信|weixin|wechat|vx|wx)\s*号?\s*[:：]?\s*[a-z][-_a-z0-9]{5,19}",  # WeChat id
    r"(?i)(?<![a-z0-9._%+-])[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}",  # e-mail
]
LINK_PATTERNS: list[str] = [
    r"(?i)https?://",
    r"(?i)\bwww\.",
]

DEFAULT_RULES: list[dict[str, Any]] = [
    {
        "code": "required_fields",
        "severity": "reject",
        "enabled": True,
        "params": {
            "fields": [
                "title",
                "brand",
                "model_no",
                "manufacturer",
                "unit",
                "price",
                "after_sales",
            ]
        },
        "message_zh": "缺少必填项：{missing}",
        "message_en": "Required fields missing: {missing}",
    },
    {
        "code": "category_template",
        "severity": "reject",
        "enabled": True,
        "params": {},
        "message_zh": "不符合品目属性模板：{problems}",
        "message_en": "Does not fit the category's attribute template: {problems}",
    },
    {
        "code": "brand_model_in_title",
        "severity": "reject",
        "enabled": True,
        "params": {},
        "message_zh": "标题须包含品牌和型号（缺少：{missing}）",
        "message_en": "The title must contain the brand and the model (missing: {missing})",
    },
    {
        "code": "non_market_model",
        "severity": "reject",
        "enabled": True,
        "params": {
            "words": ["专供", "特供", "定制", "内部专用", "政府专用", "政采专用", "专供机"],
            "fields": ["title", "model_no", "description"],
        },
        "message_zh": "不得发布非市场在售型号（发现：{found}）",
        "message_en": "Only models sold on the open market may be listed (found: {found})",
    },
    {
        "code": "forbidden_words",
        "severity": "reject",
        "enabled": True,
        "params": {
            "words": [
                "最好",
                "最佳",
                "最优",
                "最强",
                "第一",
                "唯一",
                "国家级",
                "世界级",
                "顶级",
                "极致",
                "全网最低",
            ],
            "patterns": CONTACT_PATTERNS + LINK_PATTERNS,
            "fields": ["title", "description", "after_sales"],
        },
        "message_zh": "含有禁用词、联系方式或链接：{found}",
        "message_en": "Contains forbidden words, contact details or links: {found}",
    },
    {
        "code": "review_words",
        "severity": "review",
        "enabled": True,
        "params": {
            "words": ["进口原装", "原装进口", "官方授权", "限量", "独家代理"],
            "fields": ["title", "description"],
        },
        "message_zh": "含需人工核实的表述：{found}",
        "message_en": "Contains claims that need a human check: {found}",
    },
    {
        "code": "unit_allowed",
        "severity": "reject",
        "enabled": True,
        "params": {
            "units": [
                "台",
                "套",
                "个",
                "件",
                "张",
                "包",
                "箱",
                "把",
                "组",
                "只",
                "本",
                "盒",
                "支",
                "卷",
                "米",
                "平方米",
                "千克",
                "令",
                "块",
                "瓶",
                "桶",
                "副",
                "双",
                "条",
                "部",
            ]
        },
        "message_zh": "计量单位“{unit}”不在允许范围内",
        "message_en": "The unit “{unit}” is not an allowed unit of measure",
    },
    {
        "code": "image_count",
        "severity": "reject",
        "enabled": True,
        "params": {"min": 1, "max": 10},
        "message_zh": "图片数量须为 {min}–{max} 张（现有 {count} 张）",
        "message_en": "A listing needs {min}–{max} images (it has {count})",
    },
    {
        "code": "image_resolution",
        "severity": "reject",
        "enabled": True,
        "params": {"min_width": 600, "min_height": 600},
        "message_zh": "图片分辨率不足 {min_width}×{min_height}：{too_small}",
        "message_en": "Images below {min_width}×{min_height} pixels: {too_small}",
    },
    {
        "code": "energy_certificate",
        "severity": "reject",
        "enabled": True,
        "params": {"pattern": r"^(CQC|CCAEC|CEC)\d{8,14}$"},
        "message_zh": "强制节能品目须提供有效的节能产品认证证书：{problem}",
        "message_en": "A mandatory energy-saving category needs a valid certificate: {problem}",
    },
    {
        "code": "duplicate",
        "severity": "reject",
        "enabled": True,
        "params": {"states": ["listed", "pending", "suspended"]},
        "message_zh": "与本供应商已发布的商品重复（{duplicate_of}）",
        "message_en": "Duplicates a product this supplier already lists ({duplicate_of})",
    },
    {
        "code": "warranty_minimum",
        "severity": "reject",
        "enabled": True,
        "params": {"floor_months": 0},
        "message_zh": "质保期须不少于 {required} 个月（现为 {warranty} 个月）",
        "message_en": "The warranty must be at least {required} months (it is {warranty})",
    },
    {
        "code": "extra_fees_declared",
        "severity": "reject",
        "enabled": True,
        "params": {"fee_words": ["运费", "安装费", "另收", "加收", "另付", "上门费", "调试费"]},
        "message_zh": "额外费用须事先声明：{problem}",
        "message_en": "Extra fees must be declared up front: {problem}",
    },
    {
        "code": "reference_price",
        "severity": "reject",
        "enabled": True,
        "params": {"window_days": 7, "tolerance_percent": 0, "tolerance_amount": 0},
        "message_zh": "价格 {price} 高于参考价 {reference_price}（{source}，{captured_at}）",
        "message_en": "The price {price} is above the reference price {reference_price} "
        "({source}, {captured_at})",
    },
    {
        "code": "price_far_below_reference",
        "severity": "review",
        "enabled": True,
        "params": {"window_days": 7, "min_percent": 50},
        "message_zh": "价格 {price} 低于参考价 {reference_price} 的 {min_percent}%，需人工核实",
        "message_en": "The price {price} is below {min_percent}% of the reference price "
        "{reference_price}: needs a human check",
    },
]


def default_rules() -> list[dict[str, Any]]:
    """A fresh copy of the built-in rules (callers may change it)."""
    return copy.deepcopy(DEFAULT_RULES)


def default_for(code: str) -> dict[str, Any] | None:
    for rule in DEFAULT_RULES:
        if rule["code"] == code:
            return copy.deepcopy(rule)
    return None
