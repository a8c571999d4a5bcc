"""The demo catalogue: loads on an empty database with demo-like suppliers, every state is
present, the rules judged as intended, and a second run changes nothing."""

from __future__ import annotations

import pytest

from govmall.accounts.roles import OrgKind, Role
from govmall.audit.models import Event
from govmall.catalog.demo import PRODUCTS, card_image, load_demo_catalogue
from govmall.catalog.models import Listing, ListingImage, ListingReview, SearchRow
from govmall.pricing.models import ReferencePrice
from tests.catalog.bulk_helpers import private_media  # noqa: F401
from tests.factories import make_org, make_supplier, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media")]


def demo_suppliers():
    make_user(Role.OPERATOR_REVIEWER, org=make_org(OrgKind.OPERATOR, division="150200"))
    lucheng, _ = make_supplier(name="包头市鹿城办公设备有限公司")
    shop, _ = make_supplier(name="昆都仑区晨光办公用品店", supplier_type="individual")
    furniture, _ = make_supplier(name="包头市恒达家具有限公司")
    blocked, _ = make_supplier(name="包头市瑞丰电器有限公司", signed=False)  # may not trade
    return lucheng, shop, furniture, blocked


def test_demo_catalogue_loads_every_state_and_is_idempotent():
    lucheng, shop, furniture, blocked = demo_suppliers()
    lines: list[str] = []
    counts = load_demo_catalogue(progress=lines.append)
    assert counts["suppliers"] == 3
    assert counts["reference_prices"] > len(PRODUCTS) * 2
    groups = {
        lucheng.pk: {"office", "computers", "supplies"},
        shop.pk: {"supplies", "furniture"},
        furniture.pk: {"furniture"},
    }
    expected_listed = sum(1 for p in PRODUCTS for groups_ in groups.values() if p.group in groups_)
    assert counts["listed"] == expected_listed > 70
    assert not Listing.objects.filter(supplier=blocked).exists()

    mine = Listing.objects.filter(supplier=lucheng)
    rejected = {listing.sku: listing for listing in mine.filter(state="rejected")}
    assert set(rejected) == {"LC-REJ-WORDS", "LC-REJ-SPECIAL", "LC-REJ-PRICE"}
    failures = {
        sku: {r["code"] for r in listing.reviews.get().results if r["status"] == "fail"}
        for sku, listing in rejected.items()
    }
    assert failures == {
        "LC-REJ-WORDS": {"forbidden_words"},
        "LC-REJ-SPECIAL": {"non_market_model"},
        "LC-REJ-PRICE": {"reference_price"},
    }
    pending = {listing.sku for listing in mine.filter(state="pending")}
    assert pending == {"LC-MAN-CLAIM", "LC-MAN-LOW"}
    assert ListingReview.objects.filter(outcome="manual", operator__isnull=False).count() == 2
    assert list(mine.filter(state="draft").values_list("sku", flat=True)) == ["LC-DRAFT"]
    # every listed product passed with its reference price known
    review = Listing.objects.get(sku="LC-M404DN").reviews.get()
    statuses = {r["code"]: r["status"] for r in review.results}
    assert statuses["reference_price"] == "pass" and statuses["energy_certificate"] == "pass"
    assert SearchRow.objects.count() == counts["listed"]
    images = ListingImage.objects.filter(supplier=lucheng)
    assert images.count() == len({p.category for p in PRODUCTS if p.group in groups[lucheng.pk]})
    assert images.first().width == 800

    snapshot = (
        Listing.objects.count(),
        ListingReview.objects.count(),
        ListingImage.objects.count(),
        ReferencePrice.objects.count(),
        Event.objects.count(),
    )
    again = load_demo_catalogue(progress=lines.append)
    assert again["listed"] == counts["listed"]
    assert again["outcome_unchanged"] == sum(
        v for k, v in counts.items() if k.startswith("outcome_")
    )
    assert (
        Listing.objects.count(),
        ListingReview.objects.count(),
        ListingImage.objects.count(),
        ReferencePrice.objects.count(),
        Event.objects.count(),
    ) == snapshot
    assert any("demo reference prices: present" in line for line in lines)


def test_without_a_trading_supplier_nothing_is_listed():
    make_supplier(name="包头市鹿城办公设备有限公司", signed=False)
    counts = load_demo_catalogue(progress=lambda _m: None)
    assert counts["suppliers"] == 0 and not Listing.objects.exists()


def test_card_image_is_a_real_jpeg():
    from io import BytesIO

    from PIL import Image

    data = card_image("激光打印机", "Laser printer", "A0201060102", (179, 38, 30))
    image = Image.open(BytesIO(data))
    image.load()
    assert image.format == "JPEG" and image.size == (800, 800)
