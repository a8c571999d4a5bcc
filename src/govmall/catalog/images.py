"""Checking and re-encoding product pictures (pure: bytes in, bytes out).

The type is decided by decoding, never by the file's name or the browser's content type: only
JPEG, PNG and WebP are accepted, and every pixel is decoded (`load()`) before anything is kept.
A decompression-bomb guard refuses images with too many pixels from their header, before
decoding. The stored picture is re-encoded from the decoded pixels, so EXIF (GPS position,
camera), ICC profiles, comments and anything appended after the image are gone; the EXIF
orientation is applied to the pixels first. Opaque pictures are stored as JPEG, pictures with
transparency as PNG. A thumbnail fitting a 320-pixel box is made in the same format.
"""

from __future__ import annotations

import hashlib
import io
import logging
import warnings
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from govmall.core.errors import DomainError
from govmall.suppliers import filecheck

log = logging.getLogger(__name__)

MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
MIN_SIDE = 200
THUMB_BOX = 320
JPEG_QUALITY = 88
FORMATS = ("JPEG", "PNG", "WEBP")
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png"}
FIELD = "file"


@dataclass(frozen=True)
class ProcessedImage:
    content: bytes
    thumb: bytes
    extension: str  # jpg | png
    width: int
    height: int

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.extension]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    @property
    def size(self) -> int:
        return len(self.content)


def max_bytes() -> int:
    return int(getattr(settings, "GOVMALL_LISTING_IMAGE_MAX_BYTES", MAX_BYTES))


def _error(code: str, message: str, **details: Any) -> DomainError:
    return DomainError(code, message, field=FIELD, **details)


def invalid_image() -> DomainError:
    return _error(
        "invalid_image",
        _(
            "The file is not a readable JPEG, PNG or WebP image (the content decides, "
            "not the name)."
        ),
    )


def too_large(size: int) -> DomainError:
    limit = max_bytes()
    return _error(
        "image_too_large",
        _("The image is larger than %(limit)s MB.") % {"limit": f"{limit / (1024 * 1024):g}"},
        max_bytes=limit,
        size=size,
    )


def read_upload(upload: IO[bytes], *, declared_size: int | None) -> bytes:
    """The upload's bytes under the listing-image limit (the documents' reader, own limit)."""
    return filecheck.read_upload(
        upload, declared_size=declared_size, limit=max_bytes(), too_large=too_large
    )


def _has_alpha(image: Image.Image) -> bool:
    if image.mode in ("RGBA", "LA", "PA"):
        return image.getextrema()[-1][0] < 255  # type: ignore[index]
    return image.mode == "P" and "transparency" in image.info


def _encode(image: Image.Image, extension: str) -> bytes:
    out = io.BytesIO()
    if extension == "jpg":
        image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    else:
        image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def process_image(data: bytes) -> ProcessedImage:
    """Check `data` and return the re-encoded picture and its thumbnail; DomainErrors with
    `field="file"`: image_too_large, invalid_image, image_too_small."""
    if len(data) > max_bytes():
        raise too_large(len(data))
    if not data:
        raise invalid_image()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=list(FORMATS)) as image:
                if image.format not in FORMATS:
                    raise invalid_image()
                width, height = image.size
                if width <= 0 or height <= 0:
                    raise invalid_image()
                if width * height > MAX_PIXELS:
                    raise _error(
                        "image_too_large",
                        _("The image has more than %(limit)s million pixels.")
                        % {"limit": f"{MAX_PIXELS / 1_000_000:g}"},
                        reason="too_many_pixels",
                    )
                image.load()  # decode every pixel
                oriented = ImageOps.exif_transpose(image) or image
                alpha = _has_alpha(oriented)
                if alpha:
                    clean = oriented.convert("RGBA")
                    extension = "png"
                else:
                    clean = oriented.convert("RGB")
                    extension = "jpg"
                clean.info = {}
    except DomainError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _error(
            "image_too_large",
            _("The image has too many pixels to decode safely."),
            reason="too_many_pixels",
        ) from exc
    except Exception as exc:  # any failure to decode untrusted input
        log.info("listing image refused: %s: %s", type(exc).__name__, exc)
        raise invalid_image() from exc
    width, height = clean.size
    if width < MIN_SIDE or height < MIN_SIDE:
        raise _error(
            "image_too_small",
            _("The image is %(width)s × %(height)s pixels; at least %(min)s × %(min)s needed.")
            % {"width": width, "height": height, "min": MIN_SIDE},
            width=width,
            height=height,
        )
    thumb = clean.copy()
    thumb.thumbnail((THUMB_BOX, THUMB_BOX), Image.Resampling.LANCZOS)
    return ProcessedImage(
        content=_encode(clean, extension),
        thumb=_encode(thumb, extension),
        extension=extension,
        width=width,
        height=height,
    )
