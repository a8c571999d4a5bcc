"""Listing test data through the real services, CONFORMING to the default rule set unless
overridden: brand and model in the title, an allowed unit, one 800×800 image, manufacturer,
after-sales promise, warranty ≥ the category minimum, no extra fees, an energy certificate
where the category is mandatory ★, required attributes filled from the category's template.

    supplier, user = make_supplier()
    category = make_category(...)            # tests/catalog/factories.py
    data = listing_data(category, supplier=supplier, user=user)   # ListingData
    raw = listing_raw(category, image_ids=[make_image(supplier, user).pk])   # API/bulk dict
    listing = listed_listing(supplier, user, category, price="999.00")
"""

from __future__ import annotations

import io
import itertools
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from govmall.catalog.attribute_template import template_for
from govmall.catalog.models import Category, Listing, ListingImage, ListingReview

_n = itertools.count(1)


@pytest.fixture
def private_media(settings, tmp_path):
    """Uploaded files go to a temporary directory (import this fixture into your module)."""
    settings.GOVMALL_PRIVATE_MEDIA = tmp_path / "private"
    return settings.GOVMALL_PRIVATE_MEDIA


def image_bytes(
    width: int = 800,
    height: int = 800,
    fmt: str = "JPEG",
    color: tuple[int, ...] = (40, 120, 200),
    **save: Any,
) -> bytes:
    mode = "RGBA" if len(color) == 4 else "RGB"
    image = Image.new(mode, (width, height), color)
    out = io.BytesIO()
    image.save(out, format=fmt, **save)
    return out.getvalue()


def upload_file(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def make_image(supplier, user, *, width: int = 800, height: int = 800) -> ListingImage:
    """A real small valid image through the image service (the user must be the supplier's
    admin or staff). Set settings.GOVMALL_PRIVATE_MEDIA to a tmp dir in your test (or use the
    `private_media` fixture pattern) to keep files out of var/."""
    from govmall.catalog.services_images import image_upload

    shade = next(_n) % 200
    data = image_bytes(width, height, color=(shade, 100, 200 - shade))
    image = image_upload(actor=user, upload=upload_file(data))
    assert image.supplier_id == supplier.pk
    return image


def _attribute_value(spec) -> Any:
    if spec.kind == "number":
        low = spec.min_value if spec.min_value is not None else Decimal("1")
        high = spec.max_value
        value = max(low, Decimal("8"))
        if high is not None and value > high:
            value = high
        return format(Decimal(value).normalize(), "f")
    if spec.kind == "boolean":
        return True
    if spec.kind == "choice":
        return (spec.choices or [""])[0]
    return "标准配置"


def listing_raw(category: Category, /, **overrides: Any) -> dict[str, Any]:
    """A raw dict (API body / bulk row) of conforming content for `category` (its code).
    `image_ids` default to none: pass ids from `make_image`."""
    n = next(_n)
    brand = overrides.pop("brand", "惠普")
    model_no = overrides.pop("model_no", f"M{n:04d}dn")
    attributes = {
        spec.key: _attribute_value(spec) for spec in template_for(category) if spec.required
    }
    extra = overrides.pop("attributes", {})
    attributes = {**attributes, **extra} if isinstance(extra, dict) else extra
    raw: dict[str, Any] = {
        "category": category.code,
        "title": f"{brand} {model_no} {category.name_zh}",
        "brand": brand,
        "model_no": model_no,
        "manufacturer": f"{brand}（中国）有限公司",
        "attributes": attributes,
        "unit": "台",
        "price": "1999.00",
        "warranty_months": max(36, category.min_warranty_months),
        "delivery_divisions": [],
        "origin": "domestic",
        "image_ids": [],
        "description": "正品行货，全国联保。",
        "extra_fees": [],
        "no_extra_fees": True,
        "after_sales": "三年上门保修，7×24 小时响应。",
    }
    if category.energy_status == "mandatory":
        raw["energy_cert_no"] = f"CQC{20240000 + n:08d}"
        raw["energy_cert_expiry"] = (timezone.localdate() + timedelta(days=365)).isoformat()
    raw.update(overrides)
    return raw


def listing_data(category: Category, /, *, supplier=None, user=None, **overrides: Any):
    """Conforming ListingData for `category` (parsed by `content.parse_content`). With
    `supplier` and `user` and no `image_ids` override, one 800×800 image is uploaded."""
    from govmall.catalog.content import parse_content
    from govmall.suppliers.models import Supplier

    if "image_ids" not in overrides and supplier is not None and user is not None:
        overrides["image_ids"] = [make_image(supplier, user).pk]
    raw = listing_raw(category, **overrides)
    if supplier is None:
        # Parsing needs a supplier only to check image ownership; without images any will do.
        supplier = Supplier.objects.order_by("pk").first()
        assert supplier is not None, "make a supplier first (or pass supplier=)"
    return parse_content(raw, supplier=supplier)


def draft_listing(supplier, user, category: Category, *, sku: str = "", stock: int = 5, **over):
    from govmall.catalog.services_listings import listing_create

    data = listing_data(category, supplier=supplier, user=user, **over)
    return listing_create(actor=user, data=data, sku=sku, stock=stock)


def submitted_listing(
    supplier, user, category: Category, **overrides: Any
) -> tuple[Listing, ListingReview]:
    from govmall.catalog.services_listings import listing_submit

    listing = draft_listing(supplier, user, category, **overrides)
    review = listing_submit(actor=user, listing=listing)
    listing.refresh_from_db()
    return listing, review


def listed_listing(supplier, user, category: Category, **overrides: Any) -> Listing:
    """A draft created and submitted through the services; asserts it was listed."""
    listing, review = submitted_listing(supplier, user, category, **overrides)
    assert listing.state == "listed", (
        listing.state,
        [r for r in review.results if r.get("status") == "fail"],
    )
    return listing
