"""Content validation of uploaded qualification documents.

The type of a file is decided by its content, never by its name or the browser's content type.
Only PDF, JPEG and PNG are accepted:

* images are decoded completely by Pillow and re-encoded; the re-encoded bytes are what is
  stored, so EXIF (GPS position, camera), ICC profiles, comments and anything appended after
  the image are dropped (a PNG/ZIP or JPEG/HTML polyglot comes out as a plain image);
* a PDF must begin with ``%PDF-``, end at its final ``%%EOF`` (only whitespace may follow) and
  parse with pypdf; encrypted PDFs are refused (the operator must be able to read them).

PDFs are checked, not rewritten: rewriting would break the digital signature of an electronic
business licence (电子营业执照). Whatever a PDF might still carry is neutralised when it is
served (fixed content type, ``nosniff``, a restrictive Content-Security-Policy; see
``views_documents.serve_document``).

Each refusal is a ``DomainError`` with its own code and ``field="file"``.
"""

from __future__ import annotations

import hashlib
import io
import logging
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from govmall.core.errors import DomainError

PDF_MAGIC = b"%PDF-"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
PDF_EOF = b"%%EOF"
# Bytes allowed after the final %%EOF: whitespace only (PDF writers end with a newline or two).
PDF_TRAILING_WHITESPACE = b" \t\r\n\x0c"
JPEG_QUALITY = 90
# An explicit ceiling on decoded pixels (about 8000 x 6250), far above any scanned A4 page at
# 600 dpi (about 35 million pixels) and far below what would exhaust the server's memory.
DEFAULT_MAX_PIXELS = 50_000_000

CONTENT_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckedFile:
    """What is to be stored: the (re-encoded or checked) bytes and their real type."""

    content: bytes
    content_type: str
    extension: str

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def max_bytes() -> int:
    return int(settings.GOVMALL_DOCUMENT_MAX_BYTES)


def max_pixels() -> int:
    return int(getattr(settings, "GOVMALL_DOCUMENT_MAX_PIXELS", DEFAULT_MAX_PIXELS))


def _error(code: str, message: str, **details: Any) -> DomainError:
    return DomainError(code, message, field="file", **details)


def too_large_error(size: int) -> DomainError:
    limit = max_bytes()
    return _error(
        "file_too_large",
        _("The file is larger than %(limit)s MB.") % {"limit": f"{limit / (1024 * 1024):g}"},
        max_bytes=limit,
        size=size,
    )


def read_upload(
    upload: IO[bytes],
    *,
    declared_size: int | None,
    limit: int | None = None,
    too_large: Callable[[int], DomainError] = too_large_error,
) -> bytes:
    """The bytes of an uploaded file, refusing an oversized one before reading it (the size
    Django reports) and while reading it (at most the limit plus one byte is read). Other
    uploads (listing images) pass their own limit and error."""
    limit = max_bytes() if limit is None else limit
    if declared_size is not None and declared_size > limit:
        raise too_large(declared_size)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise too_large(len(data))
    return data


def inspect_upload(data: bytes, declared_name: str) -> CheckedFile:
    """Check `data` by content and return what may be stored; `declared_name` is only used in
    messages (a name that lies about the type is harmless: the content decides)."""
    if len(data) > max_bytes():  # before any decoding
        raise too_large_error(len(data))
    if not data:
        raise _error("file_empty", _("The file is empty."))
    if data.startswith(PDF_MAGIC):
        return _check_pdf(data)
    if data.startswith(PNG_MAGIC):
        return _reencode_image(data, "PNG")
    if data.startswith(JPEG_MAGIC):
        return _reencode_image(data, "JPEG")
    raise _error(
        "file_type_not_allowed",
        _(
            "%(name)s is not a PDF, JPEG or PNG file. Only these types are accepted, and the "
            "type is read from the file's content, not from its name."
        )
        % {"name": declared_name or _("The file")},
    )


# ---- PDF ----------------------------------------------------------------------------------


def _check_pdf(data: bytes) -> CheckedFile:
    end = data.rfind(PDF_EOF)
    if end < 0:
        raise _error(
            "file_truncated",
            _("The PDF is incomplete (it has no end-of-file marker %%EOF): upload it again."),
        )
    tail = data[end + len(PDF_EOF) :]
    if tail.strip(PDF_TRAILING_WHITESPACE):
        raise _error(
            "file_trailing_data",
            _(
                "The PDF has %(count)s bytes of other data after its end-of-file marker. Such a "
                "file is refused: save or print it to a new PDF and upload that."
            )
            % {"count": len(tail.strip(PDF_TRAILING_WHITESPACE))},
        )
    from pypdf import PdfReader

    # pypdf reports repairs of damaged files as warnings and log lines; they are not errors
    # here (strict=False), and the parse either succeeds or raises.
    pypdf_log = logging.getLogger("pypdf")
    level = pypdf_log.level
    pypdf_log.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise _error(
                    "file_encrypted",
                    _(
                        "The PDF is encrypted or password-protected. Upload a copy without "
                        "protection so that the operator can read it."
                    ),
                )
            pages = len(reader.pages)
            for page in reader.pages:
                _box = page.mediabox  # parse every page object
    except DomainError:
        raise
    except Exception as exc:  # any failure to parse untrusted input is "invalid"
        log.info("PDF refused: %s: %s", type(exc).__name__, exc)
        raise _error(
            "file_invalid", _("The PDF is damaged and cannot be read: upload it again.")
        ) from exc
    finally:
        pypdf_log.setLevel(level)
    if pages == 0:
        raise _error("file_invalid", _("The PDF has no pages."))
    return CheckedFile(content=data, content_type=CONTENT_TYPES["pdf"], extension="pdf")


# ---- images -------------------------------------------------------------------------------

PNG_MODES = {"1", "L", "LA", "P", "RGB", "RGBA", "I;16"}
JPEG_MODES = {"L", "RGB"}


def _invalid_image(exc: BaseException | None = None) -> DomainError:
    if exc is not None and ("truncated" in str(exc).lower() or isinstance(exc, EOFError)):
        return _error(
            "file_truncated", _("The image is incomplete (the file is cut off): upload it again.")
        )
    return _error("file_invalid", _("The image is damaged and cannot be read: upload it again."))


def _too_many_pixels(width: int, height: int) -> DomainError:
    return _error(
        "file_invalid",
        _(
            "The image is %(width)s × %(height)s pixels, more than the %(limit)s million pixels "
            "accepted: scan or save it at a lower resolution."
        )
        % {"width": width, "height": height, "limit": f"{max_pixels() / 1_000_000:g}"},
        reason="too_many_pixels",
    )


def _open(data: bytes, fmt: str) -> Image.Image:
    image = Image.open(io.BytesIO(data), formats=[fmt])
    width, height = image.size
    if width <= 0 or height <= 0:
        raise _invalid_image()
    if width * height > max_pixels():  # from the header, before decoding a single pixel
        raise _too_many_pixels(width, height)
    return image


def _reencode_image(data: bytes, fmt: str) -> CheckedFile:
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb guard warns first and raises at twice its limit: make both
            # refusals (our explicit limit is checked before it anyway).
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with _open(data, fmt) as probe:
                probe.verify()  # structure and checksums, without decoding
            with _open(data, fmt) as image:
                image.load()  # decode every pixel
                clean = _normalised(image, fmt)
                out = io.BytesIO()
                if fmt == "JPEG":
                    clean.save(out, format="JPEG", quality=JPEG_QUALITY)
                else:
                    clean.save(out, format="PNG", optimize=False)
    except DomainError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _error(
            "file_invalid",
            _("The image is too large to decode safely: save it at a lower resolution."),
            reason="too_many_pixels",
        ) from exc
    except Exception as exc:  # any failure to decode untrusted input
        log.info("image refused: %s: %s", type(exc).__name__, exc)
        raise _invalid_image(exc) from exc
    ext = "jpg" if fmt == "JPEG" else "png"
    return CheckedFile(content=out.getvalue(), content_type=CONTENT_TYPES[ext], extension=ext)


def _normalised(image: Image.Image, fmt: str) -> Image.Image:
    """A copy fit for re-encoding without any metadata: orientation from EXIF applied to the
    pixels (EXIF itself is dropped), a mode the format can hold, no info but transparency."""
    transposed = ImageOps.exif_transpose(image)
    clean = transposed if transposed is not None else image
    if fmt == "JPEG":
        if clean.mode not in JPEG_MODES:
            clean = clean.convert("RGB")
    elif clean.mode not in PNG_MODES:
        has_alpha = "A" in clean.mode or "transparency" in clean.info
        clean = clean.convert("RGBA" if has_alpha else "RGB")
    if clean is image:
        clean = image.copy()
    transparency = clean.info.get("transparency") if fmt == "PNG" else None
    clean.info = {} if transparency is None else {"transparency": transparency}
    return clean
