"""The rules of the listing specification, each keyed by a stable code.

A rule declares its parameters (`params`: name → kind), may `prepare` once per batch (compile
word lists, run its one query) and then `check`s each candidate in pure Python, answering a
status (pass | fail | no_reference) and JSON-ready details. Details feed the message
placeholders; a key ending in `_zh` / `_en` is used in place of the bare key for that language.

This module is the registry (`RULES`, by code); the rules themselves live in
`rules_fields`, `rules_text`, `rules_media`, `rules_terms`, `rules_duplicate` and `rules_price`
on the base in `base`, and are re-exported here, where callers have always imported them.
"""

from __future__ import annotations

from govmall.catalog.rules.base import (
    FAIL,
    NO_REFERENCE,
    PASS,
    Matcher,
    Outcome,
    Param,
    Rule,
)
from govmall.catalog.rules.rules_duplicate import SIG_CHUNK, Duplicate
from govmall.catalog.rules.rules_fields import (
    FIELD_NAMES_EN,
    FIELD_NAMES_ZH,
    BrandModelInTitle,
    CategoryTemplate,
    RequiredFields,
)
from govmall.catalog.rules.rules_media import ImageCount, ImageResolution
from govmall.catalog.rules.rules_price import PriceFarBelowReference, ReferencePriceRule
from govmall.catalog.rules.rules_terms import EnergyCertificate, ExtraFeesDeclared, WarrantyMinimum
from govmall.catalog.rules.rules_text import (
    TEXT_FIELDS,
    ForbiddenWords,
    NonMarketModel,
    ReviewWords,
    UnitAllowed,
)

__all__ = [
    "FAIL",
    "FIELD_NAMES_EN",
    "FIELD_NAMES_ZH",
    "NO_REFERENCE",
    "PASS",
    "RULES",
    "SIG_CHUNK",
    "TEXT_FIELDS",
    "BrandModelInTitle",
    "CategoryTemplate",
    "Duplicate",
    "EnergyCertificate",
    "ExtraFeesDeclared",
    "ForbiddenWords",
    "ImageCount",
    "ImageResolution",
    "Matcher",
    "NonMarketModel",
    "Outcome",
    "Param",
    "PriceFarBelowReference",
    "ReferencePriceRule",
    "RequiredFields",
    "ReviewWords",
    "Rule",
    "UnitAllowed",
    "WarrantyMinimum",
]

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
