"""Rules on what a buyer is promised: the energy-saving certificate where the category demands
one, the minimum warranty and the declaration of extra fees.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from govmall.catalog.models import EnergyStatus
from govmall.catalog.rules.base import (
    FAIL,
    PASS,
    Matcher,
    Outcome,
    Param,
    Rule,
    loose_decimal,
    words_pattern,
)
from govmall.catalog.rules.context import BatchContext
from govmall.catalog.types import Candidate


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
        pattern = words_pattern(params["fee_words"])
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
            amount = loose_decimal(fee.get("amount")) if isinstance(fee, dict) else None
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
