"""Rules on a listing's words: non-market models, forbidden words and contact details, claims
needing a human check (word lists and patterns over chosen text fields) and the unit.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from govmall.catalog.rules.base import FAIL, PASS, Matcher, Outcome, Param, Rule, words_pattern
from govmall.catalog.rules.context import BatchContext
from govmall.catalog.types import Candidate

TEXT_FIELDS = ["title", "brand", "model_no", "manufacturer", "description", "after_sales"]


# -- words -----------------------------------------------------------------------------------
class _WordsRule(Rule):
    params = {"words": Param("words"), "fields": Param("choices", tuple(TEXT_FIELDS))}

    def prepare(self, params: dict[str, Any], ctx: BatchContext) -> Any:
        patterns = []
        words = words_pattern(params["words"])
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
