"""image_count and image_resolution."""

from __future__ import annotations

import pytest

from govmall.catalog.types import ImageInfo
from tests.catalog.test_rules_support import (
    candidate,
    check_one,
    desktop_category,
    ruleset_with,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("count", [1, 10])
def test_image_count_pass(count):
    cand = candidate(desktop_category(), image_ids=list(range(1, count + 1)))
    result = check_one("image_count", cand)
    assert result.status == "pass"
    assert result.details == {"count": count, "min": 1, "max": 10}


@pytest.mark.parametrize("count", [0, 11])
def test_image_count_fail(count):
    cand = candidate(desktop_category(), image_ids=list(range(1, count + 1)))
    result = check_one("image_count", cand)
    assert result.status == "fail"
    assert result.message_zh == f"图片数量须为 1–10 张（现有 {count} 张）"
    assert result.message_en == f"A listing needs 1–10 images (it has {count})"


def test_image_count_limits_are_params():
    ruleset = ruleset_with(image_count={"params": {"min": 3, "max": 5}})
    cand = candidate(desktop_category(), image_ids=[1, 2])
    assert check_one("image_count", cand, ruleset).status == "fail"


def test_image_resolution_pass_at_the_minimum():
    cand = candidate(desktop_category(), images=[ImageInfo(1, 600, 600), ImageInfo(2, 4000, 3000)])
    assert check_one("image_resolution", cand).status == "pass"


def test_image_resolution_fail_names_each_small_image():
    cand = candidate(
        desktop_category(),
        image_ids=[1, 2, 3],
        images=[ImageInfo(1, 800, 800), ImageInfo(2, 599, 900), ImageInfo(3, 900, 400)],
    )
    result = check_one("image_resolution", cand)
    assert result.status == "fail"
    assert result.details["images"] == [2, 3]
    assert result.message_zh == "图片分辨率不足 600×600：#2 599×900、#3 900×400"


def test_image_resolution_minimum_is_a_param():
    ruleset = ruleset_with(image_resolution={"params": {"min_width": 1000, "min_height": 1000}})
    cand = candidate(desktop_category(), images=[ImageInfo(1, 800, 800)])
    assert check_one("image_resolution", cand, ruleset).status == "fail"
