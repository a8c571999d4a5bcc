"""Shared set-up of the bulk tests: a laser-printer category like the demo's (mandatory ★),
a supplier that may trade with one uploaded image, conforming bulk items."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from govmall.accounts.models import User
from govmall.catalog.models import Category, ListingImage
from govmall.suppliers.models import Supplier
from tests.catalog.factories import make_category
from tests.catalog.listing_helpers import listing_raw, make_image
from tests.factories import make_supplier


@dataclass
class BulkWorld:
    supplier: Supplier
    user: User
    category: Category
    image: ListingImage

    def item(self, sku: str, **overrides: Any) -> dict[str, Any]:
        overrides.setdefault("image_ids", [self.image.pk])
        raw = listing_raw(self.category, **overrides)
        raw["sku"] = sku
        return raw


@pytest.fixture
def private_media(settings, tmp_path):
    settings.GOVMALL_PRIVATE_MEDIA = tmp_path / "private"
    return settings.GOVMALL_PRIVATE_MEDIA


def printer_category() -> Category:
    return make_category(
        name_zh="激光打印机",
        name_en="Laser printer",
        energy_status="mandatory",
        min_warranty_months=12,
        attributes=[
            {
                "key": "speed_ppm",
                "name_zh": "打印速度",
                "kind": "number",
                "unit": "ppm",
                "required": True,
            },
            {
                "key": "max_paper",
                "name_zh": "最大幅面",
                "kind": "choice",
                "required": True,
                "choices": ["A4", "A3"],
                "is_key": True,
            },
            {"key": "duplex", "name_zh": "自动双面", "kind": "boolean"},
        ],
    )


def bulk_world() -> BulkWorld:
    supplier, user = make_supplier()
    category = printer_category()
    image = make_image(supplier, user)
    return BulkWorld(supplier=supplier, user=user, category=category, image=image)
