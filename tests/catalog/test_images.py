"""Product pictures: formats by content, full decoding, EXIF gone, minimum size, thumbnails,
storage, audit, and who may see them."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from PIL import Image

from govmall.accounts.roles import OrgKind, Role
from govmall.audit.models import Event
from govmall.catalog.models import ListingImage
from govmall.catalog.services_images import image_path, image_upload
from govmall.core.errors import DomainError, PermissionDenied
from tests.catalog.factories import make_category
from tests.catalog.listing_helpers import (  # noqa: F401
    image_bytes,
    listed_listing,
    private_media,
    upload_file,
)
from tests.factories import make_org, make_supplier, make_user
from tests.permissions import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media", "english")]


@pytest.fixture
def owner():
    return make_supplier()


def _upload(user, data: bytes, name: str = "p.jpg") -> ListingImage:
    return image_upload(actor=user, upload=upload_file(data, name))


def _refused(user, data: bytes, name: str = "p.jpg") -> DomainError:
    before = (ListingImage.objects.count(), Event.objects.count())
    with pytest.raises(DomainError) as info:
        _upload(user, data, name)
    assert (ListingImage.objects.count(), Event.objects.count()) == before
    return info.value


def _stored(image: ListingImage, thumb: bool = False) -> Image.Image:
    path = image_path(image.thumb_name if thumb else image.storage_name)
    assert path is not None
    return Image.open(path)


@pytest.mark.parametrize(
    ("fmt", "color", "stored_type", "ext"),
    [
        ("JPEG", (200, 10, 10), "image/jpeg", "jpg"),
        ("PNG", (10, 200, 10), "image/jpeg", "jpg"),
        ("PNG", (10, 200, 10, 128), "image/png", "png"),
        ("WEBP", (10, 10, 200), "image/jpeg", "jpg"),
    ],
)
def test_valid_images_are_reencoded_with_thumbnails(owner, fmt, color, stored_type, ext):
    supplier, admin = owner
    image = _upload(admin, image_bytes(1000, 640, fmt=fmt, color=color), name="p.bin")
    assert (image.supplier, image.width, image.height) == (supplier, 1000, 640)
    assert image.content_type == stored_type
    assert image.storage_name == f"{supplier.pk}/{image.sha256}.{ext}"
    assert image.thumb_name == f"{supplier.pk}/{image.sha256}.thumb.{ext}"
    assert image.original_name == "p.bin"
    stored = _stored(image)
    assert stored.size == (1000, 640)
    assert stored.format == ("JPEG" if ext == "jpg" else "PNG")
    thumb = _stored(image, thumb=True)
    assert thumb.size == (320, 205)
    event = Event.objects.get(object_type="catalog.listingimage", object_id=str(image.pk))
    assert event.action == "image.uploaded"
    assert event.after["sha256"] == image.sha256


def test_exif_is_removed_and_orientation_applied(owner):
    _supplier, admin = owner
    source = Image.new("RGB", (600, 300), (120, 130, 140))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise
    exif[0x9286] = "private comment"
    out = io.BytesIO()
    source.save(out, format="JPEG", exif=exif)
    assert b"SecretCam" in out.getvalue()
    image = _upload(admin, out.getvalue())
    assert (image.width, image.height) == (300, 600)
    path = image_path(image.storage_name)
    assert path is not None
    raw = path.read_bytes()
    assert b"SecretCam" not in raw and b"Exif" not in raw
    stored = Image.open(path)
    assert not stored.getexif()
    assert "exif" not in stored.info


def test_fake_image_refused(owner):
    _supplier, admin = owner
    error = _refused(admin, b"just some text, not a picture\n" * 20, name="photo.jpg")
    assert (error.code, error.field) == ("invalid_image", "file")


def test_truncated_image_refused(owner):
    _supplier, admin = owner
    data = image_bytes(800, 800, color=(1, 2, 3))
    assert _refused(admin, data[: len(data) // 2]).code == "invalid_image"


def test_other_formats_refused(owner):
    _supplier, admin = owner
    assert _refused(admin, image_bytes(400, 400, fmt="GIF"), name="x.gif").code == "invalid_image"
    assert _refused(admin, b"").code == "invalid_image"


def test_too_small_refused(owner):
    _supplier, admin = owner
    error = _refused(admin, image_bytes(199, 800))
    assert (error.code, error.details["width"], error.details["height"]) == (
        "image_too_small",
        199,
        800,
    )


def test_too_many_bytes_refused(owner, settings):
    _supplier, admin = owner
    settings.GOVMALL_LISTING_IMAGE_MAX_BYTES = 1000
    assert _refused(admin, image_bytes(400, 400, quality=100)).code == "image_too_large"


def test_decompression_bomb_refused(owner):
    _supplier, admin = owner
    bomb = Image.new("1", (8000, 6000))  # 48 million pixels, a few KB as PNG
    out = io.BytesIO()
    bomb.save(out, format="PNG")
    error = _refused(admin, out.getvalue(), name="bomb.png")
    assert (error.code, error.details["reason"]) == ("image_too_large", "too_many_pixels")


def test_who_may_upload(owner):
    supplier, admin = owner
    buyer = make_user(Role.BUYER)
    with pytest.raises(PermissionDenied):
        _upload(buyer, image_bytes())
    supplier.status = "suspended"
    supplier.save()
    error = _refused(admin, image_bytes())
    assert error.code == "supplier_cannot_trade"


def test_serving_and_access(owner):
    supplier, admin = owner
    staff = make_user(Role.SUPPLIER_STAFF, org=supplier.organisation)
    image = _upload(admin, image_bytes())
    _other, other_admin = make_supplier()
    operator = make_user(Role.OPERATOR_REVIEWER, org=make_org(OrgKind.OPERATOR))
    buyer = make_user(Role.BUYER)
    url = reverse("catalog:image", kwargs={"image_id": image.pk})
    thumb = reverse("catalog:image_thumb", kwargs={"image_id": image.pk})
    assert url == f"/catalog/images/{image.pk}/"
    for user, status in [
        (None, 404),
        (buyer, 404),
        (other_admin, 404),
        (staff, 200),
        (operator, 200),
    ]:
        response = client_for(user).get(url)
        assert response.status_code == status, user
        if status == 200:
            assert response["Content-Type"] == "image/jpeg"
            assert response["X-Content-Type-Options"] == "nosniff"
            assert response["Cache-Control"] == "private, no-store"
            body = b"".join(response.streaming_content)
            assert body == image_path(image.storage_name).read_bytes()  # type: ignore[union-attr]
    assert client_for(None).get("/catalog/images/999999/").status_code == 404
    # Once a listed listing uses it, it is public (and cacheable).
    category = make_category()
    listed_listing(supplier, admin, category, image_ids=[image.pk])
    for target in (url, thumb):
        response = client_for(None).get(target)
        assert response.status_code == 200
        assert response["Cache-Control"].startswith("public")
    small = Image.open(io.BytesIO(b"".join(client_for(None).get(thumb).streaming_content)))
    assert max(small.size) == 320
