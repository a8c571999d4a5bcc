"""Uploading product pictures: checked and re-encoded by `catalog.images`, stored under
``settings.GOVMALL_PRIVATE_MEDIA / "listing-images" / <supplier_id> / <sha256>.<ext>`` (the
name is the hash of the stored bytes; the thumbnail is ``<sha256>.thumb.<ext>``) and served
through the access-checked views of `views_images`."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import IO

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from govmall.accounts.models import User
from govmall.audit.services import record_event
from govmall.catalog.images import ProcessedImage, process_image, read_upload
from govmall.catalog.models import ListingImage
from govmall.suppliers.models import Supplier

IMAGE_DIR = "listing-images"


def image_root() -> Path:
    return (Path(settings.GOVMALL_PRIVATE_MEDIA) / IMAGE_DIR).resolve()


def image_path(storage_name: str) -> Path | None:
    """The file of a stored name, if it exists and lies under the image root."""
    root = image_root()
    path = (root / storage_name).resolve()
    if root not in path.parents or not path.is_file():
        return None
    return path


def _write(storage_name: str, content: bytes) -> bool:
    """Write atomically; True if this call created the file."""
    target = image_root() / storage_name
    target.parent.mkdir(mode=0o750, parents=True, exist_ok=True)
    if target.is_file() and target.read_bytes() == content:
        return False
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o640)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return True


def _remove(storage_name: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        (image_root() / storage_name).unlink()


def _clean_name(name: str) -> str:
    name = "".join(ch for ch in (name or "") if ch.isprintable()).strip()
    return name.replace("/", "_").replace("\\", "_")[-200:]


def image_upload(*, actor: User, upload: IO[bytes], name: str | None = None) -> ListingImage:
    """Store a product picture for the actor's supplier (supplier admin/staff of a supplier
    that may trade). Refusals: not_found/forbidden, supplier_cannot_trade, image_too_large,
    invalid_image, image_too_small."""
    from govmall.catalog.services_listings import require_listing_actor

    supplier = require_listing_actor(actor)
    declared = getattr(upload, "size", None)
    data = read_upload(upload, declared_size=declared)
    processed = process_image(data)  # outside the transaction: pure and slow
    return _store(
        actor=actor,
        supplier=supplier,
        processed=processed,
        original_name=_clean_name(name or getattr(upload, "name", "") or ""),
    )


def _store(
    *, actor: User, supplier: Supplier, processed: ProcessedImage, original_name: str
) -> ListingImage:
    sha = processed.sha256
    storage_name = f"{supplier.pk}/{sha}.{processed.extension}"
    thumb_name = f"{supplier.pk}/{sha}.thumb.{processed.extension}"
    created: list[str] = []
    try:
        with transaction.atomic():
            if _write(storage_name, processed.content):
                created.append(storage_name)
            if _write(thumb_name, processed.thumb):
                created.append(thumb_name)
            image = ListingImage.objects.create(
                supplier=supplier,
                storage_name=storage_name,
                thumb_name=thumb_name,
                content_type=processed.content_type,
                width=processed.width,
                height=processed.height,
                size=processed.size,
                sha256=sha,
                original_name=original_name,
                uploaded_by=actor,
                uploaded_at=timezone.now(),
            )
            record_event(
                obj=image,
                action="image.uploaded",
                actor=actor,
                after={
                    "supplier": supplier.pk,
                    "sha256": sha,
                    "width": processed.width,
                    "height": processed.height,
                    "content_type": processed.content_type,
                    "original_name": original_name,
                },
            )
    except BaseException:
        for name in created:
            _remove(name)
        raise
    return image
