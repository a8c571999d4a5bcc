"""content.parse_content: each structural error code, the typed values, candidates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from govmall.catalog.content import (
    candidate_for,
    data_from_row,
    parse_content,
    parse_content_errors,
    parse_many,
    parse_stock,
    storage_fields,
)
from govmall.catalog.models import ListingImage
from govmall.core.errors import DomainError
from tests.catalog.factories import make_category, make_listing_row
from tests.catalog.listing_helpers import listing_raw
from tests.factories import make_supplier

pytestmark = pytest.mark.django_db

ATTRS = [
    {"key": "memory", "kind": "number", "unit": "GB", "required": True, "is_key": True},
    {"key": "duplex", "kind": "boolean"},
    {"key": "size", "kind": "choice", "choices": ["A4", "A3"], "is_key": True},
    {"key": "cpu", "kind": "text"},
]


@pytest.fixture
def setup():
    supplier, admin = make_supplier()
    root = make_category("Z1")
    leaf = make_category("Z101", parent=root, attributes=ATTRS)
    return supplier, admin, root, leaf


def _image(supplier, admin, width=800, height=800) -> ListingImage:
    from django.utils import timezone

    return ListingImage.objects.create(
        supplier=supplier,
        storage_name="x.jpg",
        thumb_name="x.thumb.jpg",
        content_type="image/jpeg",
        width=width,
        height=height,
        size=1,
        sha256="0" * 64,
        original_name="x.jpg",
        uploaded_by=admin,
        uploaded_at=timezone.now(),
    )


def _error(raw, supplier) -> DomainError:
    with pytest.raises(DomainError) as info:
        parse_content(raw, supplier=supplier)
    return info.value


def test_conforming_content_parses_with_types(setup):
    supplier, admin, _root, leaf = setup
    image = _image(supplier, admin)
    raw = listing_raw(
        leaf,
        price=12.5,
        attributes={"memory": "16.0", "duplex": "是", "size": "a4", "cpu": " i5 "},
        warranty_months="24",
        delivery_divisions="150000, 150200",
        image_ids=[image.pk, str(image.pk)],
        energy_cert_expiry="2030-01-31",
        extra_fees=[{"name": "安装费", "amount": 50}],
        no_extra_fees="false",
    )
    data = parse_content(raw, supplier=supplier)
    assert data.category == leaf
    assert data.price == Decimal("12.50")
    assert data.attributes == {
        "memory": Decimal("16"),
        "duplex": True,
        "size": "A4",
        "cpu": "i5",
    }
    assert data.warranty_months == 24
    assert data.delivery_divisions == ["150000", "150200"]
    assert data.image_ids == [image.pk]
    assert data.energy_cert_expiry == date(2030, 1, 31)
    assert data.extra_fees == [{"name": "安装费", "amount": "50.00"}]
    assert data.no_extra_fees is False
    fields = storage_fields(data)
    assert fields["attributes"]["memory"] == 16
    assert len(fields["key_signature"]) == 64


@pytest.mark.parametrize(
    ("override", "code", "field"),
    [
        ({"category": "NOPE"}, "unknown_category", "category"),
        ({"category": "Z1"}, "category_not_leaf", "category"),
        ({"category": ""}, "required", "category"),
        ({"title": ""}, "required", "title"),
        ({"title": "x" * 201}, "too_long", "title"),
        ({"brand": None}, "required", "brand"),
        ({"model_no": 5}, "invalid", "model_no"),
        ({"unit": ""}, "required", "unit"),
        ({"attributes": {"memory": "abc"}}, "invalid_attribute", "attributes.memory"),
        ({"attributes": {"memory": True}}, "invalid_attribute", "attributes.memory"),
        ({"attributes": {"duplex": "maybe"}}, "invalid_attribute", "attributes.duplex"),
        ({"attributes": {"size": "B5"}}, "invalid_attribute", "attributes.size"),
        ({"attributes": {"cpu": "x" * 201}}, "too_long", "attributes.cpu"),
        ({"attributes": {"colour": "red"}}, "unknown_attribute", "attributes.colour"),
        ({"attributes": ["memory"]}, "invalid_attribute", "attributes"),
        ({"price": "-1"}, "invalid_price", "price"),
        ({"price": 0}, "invalid_price", "price"),
        ({"price": "abc"}, "invalid_price", "price"),
        ({"price": "1.234"}, "invalid_price", "price"),
        ({"price": "1e3"}, "invalid_price", "price"),
        ({"price": "NaN"}, "invalid_price", "price"),
        ({"price": True}, "invalid_price", "price"),
        ({"price": "10000000000.00"}, "invalid_price", "price"),
        ({"price": None}, "required", "price"),
        ({"warranty_months": -1}, "invalid_warranty", "warranty_months"),
        ({"warranty_months": 241}, "invalid_warranty", "warranty_months"),
        ({"warranty_months": "3.5"}, "invalid_warranty", "warranty_months"),
        ({"delivery_divisions": ["999999"]}, "unknown_division", "delivery_divisions"),
        ({"delivery_divisions": {"a": 1}}, "unknown_division", "delivery_divisions"),
        ({"origin": "mars"}, "invalid_origin", "origin"),
        ({"energy_cert_expiry": "31/01/2030"}, "invalid_date", "energy_cert_expiry"),
        ({"energy_cert_expiry": "2030-02-30"}, "invalid_date", "energy_cert_expiry"),
        ({"image_ids": [999999]}, "unknown_image", "image_ids"),
        ({"image_ids": ["x"]}, "unknown_image", "image_ids"),
        ({"image_ids": 5}, "unknown_image", "image_ids"),
        ({"extra_fees": [{"name": "运费", "amount": "-5"}]}, "invalid_extra_fee", "extra_fees.0"),
        ({"extra_fees": [{"amount": "5"}]}, "invalid_extra_fee", "extra_fees.0"),
        ({"extra_fees": ["运费"]}, "invalid_extra_fee", "extra_fees.0"),
        ({"extra_fees": "运费"}, "invalid_extra_fee", "extra_fees"),
        ({"no_extra_fees": "perhaps"}, "invalid_boolean", "no_extra_fees"),
        ({"description": "x" * 5001}, "too_long", "description"),
        ({"after_sales": "bad\x00"}, "invalid", "after_sales"),
    ],
)
def test_each_structural_error(setup, override, code, field):
    supplier, _admin, _root, leaf = setup
    error = _error(listing_raw(leaf, **override), supplier)
    assert (error.code, error.field) == (code, field)
    assert error.as_dict()["error"]["details"]["field"] == field


def test_not_an_object(setup):
    supplier = setup[0]
    assert _error(["x"], supplier).code == "invalid_content"  # type: ignore[arg-type]


def test_inactive_category_is_unknown(setup):
    supplier, _admin, _root, leaf = setup
    leaf.is_active = False
    leaf.save()
    assert _error(listing_raw(leaf), supplier).code == "unknown_category"


def test_another_suppliers_image_is_unknown(setup):
    supplier, _admin, _root, leaf = setup
    other, other_admin = make_supplier()
    image = _image(other, other_admin)
    assert _error(listing_raw(leaf, image_ids=[image.pk]), supplier).code == "unknown_image"


def test_too_many_images(setup):
    supplier, admin, _root, leaf = setup
    ids = [_image(supplier, admin).pk for _ in range(11)]
    error = _error(listing_raw(leaf, image_ids=ids), supplier)
    assert (error.code, error.field) == ("too_many_images", "image_ids")


def test_missing_required_attribute_is_left_to_the_rules(setup):
    supplier, _admin, _root, leaf = setup
    data = parse_content(listing_raw(leaf, attributes={"memory": ""}), supplier=supplier)
    assert data.attributes == {}


def test_errors_collects_all(setup):
    supplier, _admin, _root, leaf = setup
    raw = listing_raw(leaf, price="abc", warranty_months=999, attributes={"colour": 1})
    data, errors = parse_content_errors(raw, supplier=supplier)
    assert data is None
    assert [(e.code, e.field) for e in errors] == [
        ("unknown_attribute", "attributes.colour"),
        ("invalid_price", "price"),
        ("invalid_warranty", "warranty_months"),
    ]
    data, errors = parse_content_errors(listing_raw(leaf), supplier=supplier)
    assert errors == [] and data is not None


def test_parse_many_uses_few_queries(setup, django_assert_max_num_queries):
    supplier, admin, _root, leaf = setup
    image = _image(supplier, admin)
    raws = [
        listing_raw(leaf, image_ids=[image.pk], delivery_divisions=["150200"]) for _ in range(50)
    ]
    raws.append(listing_raw(leaf, price="-3"))
    with django_assert_max_num_queries(6):
        results = parse_many(raws, supplier=supplier)
    assert all(data is not None for data, _e in results[:50])
    assert results[50][1][0].code == "invalid_price"


def test_stock():
    assert parse_stock("12") == 12
    assert parse_stock(None) == 0
    for bad in (-1, "x", 1.5, True):
        with pytest.raises(DomainError) as info:
            parse_stock(bad)
        assert info.value.code == "invalid_stock"


def test_candidate_resolves_images_in_order(setup):
    supplier, admin, _root, leaf = setup
    a, b = _image(supplier, admin, 700, 600), _image(supplier, admin, 300, 300)
    data = parse_content(listing_raw(leaf, image_ids=[b.pk, a.pk]), supplier=supplier)
    candidate = candidate_for(data, supplier_id=supplier.pk, listing_id=None)
    assert [(i.id, i.width, i.height) for i in candidate.images] == [
        (b.pk, 300, 300),
        (a.pk, 700, 600),
    ]


def test_data_from_row_round_trips(setup):
    supplier, _admin, _root, leaf = setup
    row = make_listing_row(supplier, leaf, attributes={"memory": 16, "size": "A4"})
    data = data_from_row(row)
    assert data.attributes == {"memory": Decimal("16"), "size": "A4"}
    assert data.price == Decimal("1000.00")
