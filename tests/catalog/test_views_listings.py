"""The supplier's listing pages: who sees what, the editor (save, submit, live rule check,
category-dependent fields, image upload), garbage input, the detail page and its actions."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from govmall.accounts.roles import OrgKind, Role
from govmall.catalog.models import Listing, ListingImage, ListingRevision
from govmall.catalog.rules.engine import current_ruleset
from tests.catalog.factories import make_category
from tests.catalog.listing_helpers import (
    draft_listing,
    image_bytes,
    listed_listing,
    listing_raw,
    make_image,
    upload_file,
)
from tests.factories import make_org, make_supplier, make_user
from tests.permissions import check_matrix, client_for, database_fingerprint

pytestmark = pytest.mark.django_db

ATTRS = [
    {
        "key": "memory",
        "name_zh": "内存",
        "name_en": "Memory",
        "kind": "number",
        "unit": "GB",
        "required": True,
        "is_key": True,
    },
    {"key": "duplex", "name_zh": "双面", "name_en": "Duplex", "kind": "boolean"},
    {
        "key": "size",
        "name_zh": "幅面",
        "name_en": "Paper size",
        "kind": "choice",
        "choices": ["A4", "A3"],
    },
]


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.GOVMALL_PRIVATE_MEDIA = tmp_path / "private"


@pytest.fixture
def world():
    supplier, admin = make_supplier(name="草原办公设备有限公司")
    root = make_category("Z1", name_zh="办公设备", name_en="Office equipment")
    leaf = make_category(
        "Z101", parent=root, name_zh="激光打印机", name_en="Laser printer", attributes=ATTRS
    )
    other, other_admin = make_supplier(name="别家公司")
    buyer = make_user(Role.BUYER)
    operator = make_user(Role.OPERATOR_REVIEWER, org=make_org(OrgKind.OPERATOR))
    return {
        "supplier": supplier,
        "admin": admin,
        "leaf": leaf,
        "root": root,
        "other": other,
        "other_admin": other_admin,
        "buyer": buyer,
        "operator": operator,
    }


def form_post(raw: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """The editor's POST body for a raw content dict (as listing_helpers builds it)."""
    data: dict[str, Any] = {
        key: value
        for key, value in raw.items()
        if key not in ("attributes", "image_ids", "extra_fees", "delivery_divisions")
        and value is not None
    }
    data["delivery_divisions"] = ", ".join(raw.get("delivery_divisions") or [])
    data["image_ids"] = [str(i) for i in raw.get("image_ids") or []]
    for key, value in (raw.get("attributes") or {}).items():
        data[f"attr_{key}"] = ("yes" if value else "no") if isinstance(value, bool) else value
    if raw.get("no_extra_fees"):
        data["no_extra_fees"] = "on"
    else:
        data.pop("no_extra_fees", None)
    data["fee_name"] = [f["name"] for f in raw.get("extra_fees") or []]
    data["fee_amount"] = [f["amount"] for f in raw.get("extra_fees") or []]
    data.update(extra)
    return data


def conforming(world) -> dict[str, Any]:
    image = make_image(world["supplier"], world["admin"])
    return listing_raw(world["leaf"], image_ids=[image.pk], brand="惠普", model_no="M405dn")


# ---- who may see the pages ---------------------------------------------------------------


def test_list_page_matrix(world):
    url = reverse("catalog:my_listings")
    check_matrix(
        lambda c: c.get(url),
        {
            "anonymous": None,
            "buyer": world["buyer"],
            "operator": world["operator"],
            "supplier": world["admin"],
        },
        {"anonymous": 302, "buyer": 403, "operator": 403, "supplier": 200},
    )


def test_anonymous_goes_to_login(world):
    response = client_for(None).get(reverse("catalog:listing_new"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_detail_and_actions_matrix(world):
    listing = draft_listing(world["supplier"], world["admin"], world["leaf"])
    actors = {
        "anonymous": None,
        "buyer": world["buyer"],
        "other_supplier": world["other_admin"],
        "owner": world["admin"],
    }
    detail = reverse("catalog:listing_detail", args=[listing.number])
    check_matrix(
        lambda c: c.get(detail),
        actors,
        {"anonymous": 302, "buyer": 403, "other_supplier": 404, "owner": 200},
    )
    edit = reverse("catalog:listing_edit", args=[listing.number])
    check_matrix(
        lambda c: c.get(edit),
        actors,
        {"anonymous": 302, "buyer": 403, "other_supplier": 404, "owner": 200},
    )
    refused = {"anonymous": 302, "buyer": 403, "other_supplier": 404}
    for name in ("listing_submit", "listing_delist", "listing_stock", "listing_edit"):
        url = reverse(f"catalog:{name}", args=[listing.number])
        check_matrix(
            lambda c, url=url: c.post(url, {"stock": "3", "title": "x"}),
            {k: v for k, v in actors.items() if k != "owner"},
            refused,
        )
    unknown = reverse("catalog:listing_detail", args=["LST-2099-999999"])
    assert client_for(world["admin"]).get(unknown).status_code == 404


def test_staff_sees_the_pages_too(world):
    staff = make_user(Role.SUPPLIER_STAFF, org=world["supplier"].organisation)
    assert client_for(staff).get(reverse("catalog:my_listings")).status_code == 200
    assert client_for(staff).get(reverse("catalog:listing_new")).status_code == 200


# ---- the list -------------------------------------------------------------------------------


def test_list_shows_rows_and_state_tabs(world):
    listed = listed_listing(world["supplier"], world["admin"], world["leaf"], price="1234.50")
    draft = draft_listing(world["supplier"], world["admin"], world["leaf"])
    draft_listing(world["other"], world["other_admin"], world["leaf"])
    client = client_for(world["admin"])
    html = client.get(reverse("catalog:my_listings")).content.decode()
    assert listed.number in html and draft.number in html
    assert "¥1234.50" in html  # zh-hans groups by 4 digits: none here
    assert 'data-testid="new-listing"' in html
    assert html.count('data-testid="listing-row"') == 2
    html = client.get(reverse("catalog:my_listings") + "?state=listed").content.decode()
    assert html.count('data-testid="listing-row"') == 1 and listed.number in html
    html = client.get(reverse("catalog:my_listings") + "?state=nonsense").content.decode()
    assert html.count('data-testid="listing-row"') == 2


def test_blocked_supplier_sees_blockers_and_cannot_create(world):
    _supplier, admin = make_supplier(signed=False)
    client = client_for(admin)
    html = client.get(reverse("catalog:my_listings")).content.decode()
    assert 'data-testid="trading-blockers"' in html
    assert 'data-testid="new-listing"' not in html
    before = database_fingerprint()
    raw = listing_raw(world["leaf"])
    response = client.post(reverse("catalog:listing_new"), form_post(raw, action="submit"))
    assert response.status_code == 200
    assert 'data-testid="trading-blockers"' in response.content.decode()
    assert database_fingerprint() == before


# ---- the editor -----------------------------------------------------------------------------


def test_new_editor_renders_grouped_categories(world, english):
    html = client_for(world["admin"]).get(reverse("catalog:listing_new")).content.decode()
    assert '<optgroup label="Office equipment">' in html
    assert 'value="Z101"' in html
    assert 'value="Z1"' not in html  # not a leaf
    assert 'hx-post="/catalog/my/editor/check/"' in html
    # the supplier's province is the default delivery area
    assert 'value="150000"' in html


def test_save_draft(world):
    raw = conforming(world)
    client = client_for(world["admin"])
    response = client.post(
        reverse("catalog:listing_new"), form_post(raw, action="draft", sku="HP-1", stock="7")
    )
    assert response.status_code == 302
    listing = Listing.objects.get(supplier=world["supplier"])
    assert response["Location"] == reverse("catalog:listing_detail", args=[listing.number])
    assert (listing.state, listing.sku, listing.stock) == ("draft", "HP-1", 7)
    assert listing.attributes["memory"] == 8
    assert listing.image_ids == raw["image_ids"]


def test_save_and_submit_lists_at_once(world):
    raw = conforming(world)
    client = client_for(world["admin"])
    response = client.post(reverse("catalog:listing_new"), form_post(raw, action="submit"))
    assert response.status_code == 302
    listing = Listing.objects.get(supplier=world["supplier"])
    assert listing.state == "listed"
    html = client.get(response["Location"]).content.decode()
    assert 'data-testid="outcome" data-state="listed"' in html
    assert 'data-testid="review-history"' in html


def test_nonconforming_submit_is_rejected_with_every_reason(world, english):
    raw = conforming(world)
    raw["title"] = "惠普 M405dn 最好的特供打印机"
    client = client_for(world["admin"])
    response = client.post(reverse("catalog:listing_new"), form_post(raw, action="submit"))
    assert response.status_code == 302
    listing = Listing.objects.get(supplier=world["supplier"])
    assert listing.state == "rejected"
    html = client.get(response["Location"]).content.decode()
    assert 'data-testid="rejection-reasons"' in html
    assert 'data-rule="forbidden_words"' in html
    assert 'data-rule="non_market_model"' in html
    assert "最好" in html and "特供" in html


GARBAGE: list[tuple[dict[str, Any], str]] = [
    ({"price": "abc"}, "price"),
    ({"price": "-5"}, "price"),
    ({"category": "NOPE"}, "category"),
    ({"attr_memory": "lots"}, "attr_memory"),
    ({"attr_size": "A9"}, "attr_size"),
    ({"image_ids": ["../../etc/passwd"]}, "image_ids"),
    ({"image_ids": ["999999"]}, "image_ids"),
    ({"stock": "-3"}, "stock"),
    ({"warranty_months": "forever"}, "warranty_months"),
    ({"energy_cert_expiry": "2024-13-45"}, "energy_cert_expiry"),
    ({"delivery_divisions": "999999"}, "delivery_divisions"),
    ({"fee_name": ["运费"], "fee_amount": ["free"], "no_extra_fees": ""}, "extra_fees"),
    ({"title": ""}, "title"),
]


@pytest.mark.parametrize(("override", "field"), GARBAGE)
def test_garbage_posts_show_field_errors_and_write_nothing(world, override, field):
    raw = conforming(world)
    data = form_post(raw, action="submit")
    data.update(override)
    if override.get("no_extra_fees") == "":
        data.pop("no_extra_fees")
    client = client_for(world["admin"])
    before = database_fingerprint()
    response = client.post(reverse("catalog:listing_new"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-testid="error-{field}"' in html, field
    assert database_fingerprint() == before


def test_entirely_malformed_post_is_a_page_not_a_500(world):
    client = client_for(world["admin"])
    before = database_fingerprint()
    response = client.post(
        reverse("catalog:listing_new"),
        {"category": ["a", "b"], "price": "1e999", "image_ids": "x" * 50, "stock": "1" * 40},
    )
    assert response.status_code == 200
    assert database_fingerprint() == before
    response = client.post(reverse("catalog:listing_check"), {"price": "\x00"})
    assert response.status_code == 200


def test_duplicate_sku_is_shown_at_the_field(world):
    draft_listing(world["supplier"], world["admin"], world["leaf"], sku="DUP")
    raw = conforming(world)
    client = client_for(world["admin"])
    current_ruleset()  # the dry-run review creates version 1 when none exists yet
    before = database_fingerprint()
    response = client.post(
        reverse("catalog:listing_new"), form_post(raw, action="draft", sku="DUP")
    )
    assert response.status_code == 200
    assert 'data-testid="error-sku"' in response.content.decode()
    assert database_fingerprint() == before


def test_live_check_reports_every_rule(world, english):
    raw = conforming(world)
    client = client_for(world["admin"])
    response = client.post(reverse("catalog:listing_check"), form_post(raw), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-outcome="passed"' in html
    assert 'data-rule="brand_model_in_title" data-status="pass"' in html
    assert 'data-rule="reference_price" data-status="noref"' in html
    # every error slot is swapped out of band (cleared here)
    assert 'id="err-price" hx-swap-oob="true"></div>' in html

    raw["title"] = "惠普 M405dn 第一品牌 特供"
    html = client.post(reverse("catalog:listing_check"), form_post(raw)).content.decode()
    assert 'data-outcome="rejected"' in html
    assert 'data-rule="forbidden_words" data-status="fail"' in html
    assert "第一" in html
    assert "Contains forbidden words, contact details or links: 第一" in html
    assert Listing.objects.count() == 0


def test_live_check_speaks_chinese_by_default(world):
    raw = conforming(world)
    raw["title"] = "惠普 M405dn 国家级 打印机"
    html = (
        client_for(world["admin"])
        .post(reverse("catalog:listing_check"), form_post(raw))
        .content.decode()
    )
    assert "含有禁用词、联系方式或链接：国家级" in html


def test_live_check_structural_errors_at_their_fields(world):
    raw = conforming(world)
    html = (
        client_for(world["admin"])
        .post(reverse("catalog:listing_check"), form_post(raw, price="12.345", attr_memory="x"))
        .content.decode()
    )
    assert 'id="err-price" hx-swap-oob="true"><ul class="field-error"' in html
    assert 'id="err-attr_memory" hx-swap-oob="true"><ul class="field-error"' in html
    assert 'data-outcome="incomplete"' in html


def test_live_check_of_an_empty_form_lists_what_to_fill_in(world, english):
    html = (
        client_for(world["admin"])
        .post(reverse("catalog:listing_check"), {"category": "Z101"})
        .content.decode()
    )
    assert 'data-testid="check-todo"' in html
    assert "Title" in html and "Price (CNY)" in html
    assert 'data-testid="error-title"' not in html  # not nagged before it is filled in


def test_attribute_fields_follow_the_category(world, english):
    client = client_for(world["admin"])
    url = reverse("catalog:listing_attribute_fields")
    html = client.get(url, {"category": "Z101", "attr_memory": "16"}).content.decode()
    assert 'name="attr_memory"' in html and 'value="16"' in html
    assert '<span class="suffix">GB</span>' in html
    assert 'name="attr_size"' in html and '<option value="A3">' in html
    assert 'name="energy_cert_no"' not in html
    mandatory = make_category(
        "Z102", parent=world["root"], energy_status="mandatory", name_en="Desktop"
    )
    html = client.get(url, {"category": mandatory.code}).content.decode()
    assert 'data-testid="energy-mandatory"' in html and 'name="energy_cert_no"' in html
    html = client.get(url, {"category": "<script>"}).content.decode()
    assert "Choose a category first" in html


def test_image_upload_returns_a_thumbnail(world):
    client = client_for(world["admin"])
    response = client.post(
        reverse("catalog:listing_image_upload"),
        {"upload": upload_file(image_bytes(900, 900, fmt="PNG"), "p.png", "image/png")},
    )
    assert response.status_code == 200
    image = ListingImage.objects.get(supplier=world["supplier"])
    html = response.content.decode()
    assert f'name="image_ids" value="{image.pk}"' in html
    assert "900×900" in html
    assert response["HX-Trigger-After-Settle"] == "listing-recheck"


def test_fake_image_is_refused_at_the_field(world):
    client = client_for(world["admin"])
    before = database_fingerprint()
    response = client.post(
        reverse("catalog:listing_image_upload"),
        {"upload": upload_file(b"MZ\x90\x00 not an image", "evil.png", "image/png")},
    )
    assert response.status_code == 200
    assert response["HX-Reswap"] == "none"
    assert 'id="err-image_ids" hx-swap-oob="true"><ul class="field-error"' in (
        response.content.decode()
    )
    assert database_fingerprint() == before
    response = client.post(reverse("catalog:listing_image_upload"), {})
    assert 'data-testid="error-image_ids"' in response.content.decode()


# ---- editing --------------------------------------------------------------------------------


def test_edit_draft_in_place(world):
    listing = draft_listing(world["supplier"], world["admin"], world["leaf"])
    client = client_for(world["admin"])
    url = reverse("catalog:listing_edit", args=[listing.number])
    html = client.get(url).content.decode()
    assert f'value="{listing.title}"' in html
    raw = listing_raw(
        world["leaf"],
        image_ids=listing.image_ids,
        brand=listing.brand,
        model_no=listing.model_no,
        price="888.00",
    )
    response = client.post(url, form_post(raw, action="draft", stock="11"))
    assert response.status_code == 302
    listing.refresh_from_db()
    assert (str(listing.price), listing.stock, listing.state) == ("888.00", 11, "draft")


def test_editing_a_listed_product_keeps_the_live_version(world):
    listing = listed_listing(world["supplier"], world["admin"], world["leaf"])
    client = client_for(world["admin"])
    url = reverse("catalog:listing_edit", args=[listing.number])
    html = client.get(url).content.decode()
    assert 'data-testid="live-stays"' in html
    assert 'data-testid="save-draft"' not in html
    live_price = listing.price
    raw = listing_raw(
        world["leaf"],
        image_ids=listing.image_ids,
        brand=listing.brand,
        model_no=listing.model_no,
        title=f"{listing.brand} {listing.model_no} 原装进口 激光打印机",
    )
    response = client.post(url, form_post(raw, action="submit"))
    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.state == "listed" and listing.price == live_price
    revision = ListingRevision.objects.get(listing=listing)
    assert revision.state == "pending"
    html = client.get(response["Location"]).content.decode()
    assert 'data-revision-state="pending"' in html


def test_pending_listing_cannot_be_edited(world):
    listing = draft_listing(world["supplier"], world["admin"], world["leaf"])
    Listing.objects.filter(pk=listing.pk).update(state="pending")
    response = client_for(world["admin"]).get(
        reverse("catalog:listing_edit", args=[listing.number])
    )
    assert response.status_code == 302


# ---- detail actions ------------------------------------------------------------------------


def test_submit_stock_and_delist_from_the_detail_page(world):
    listing = draft_listing(world["supplier"], world["admin"], world["leaf"])
    client = client_for(world["admin"])
    detail = reverse("catalog:listing_detail", args=[listing.number])
    assert client.post(reverse("catalog:listing_submit", args=[listing.number])).status_code == 302
    listing.refresh_from_db()
    assert listing.state == "listed"
    response = client.post(reverse("catalog:listing_stock", args=[listing.number]), {"stock": "42"})
    assert response["Location"] == detail
    listing.refresh_from_db()
    assert listing.stock == 42
    before = database_fingerprint()
    for bad in ("-1", "x", "", "9" * 20):
        response = client.post(
            reverse("catalog:listing_stock", args=[listing.number]), {"stock": bad}
        )
        assert response.status_code == 302
    assert database_fingerprint() == before
    client.post(reverse("catalog:listing_delist", args=[listing.number]))
    listing.refresh_from_db()
    assert listing.state == "delisted"
    # delisting again is refused with a message, not an error page
    response = client.post(reverse("catalog:listing_delist", args=[listing.number]), follow=True)
    assert response.status_code == 200
    assert 'class="message message-error"' in response.content.decode()
    html = client.get(detail).content.decode()
    assert f"/audit/timeline/catalog.listing/{listing.pk}/" in html
