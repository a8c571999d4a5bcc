"""Rules on a listing's images: how many, and how large."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from govmall.catalog.rules.base import FAIL, PASS, Outcome, Param, Rule
from govmall.catalog.rules.context import BatchContext
from govmall.catalog.types import Candidate


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
