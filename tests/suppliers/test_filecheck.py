"""The content check of uploaded documents: each bad file gets its own error; images come out
re-encoded without metadata or appended data; PDFs are checked byte for byte."""

from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image

from govmall.core.errors import DomainError
from govmall.suppliers.filecheck import inspect_upload, read_upload
from tests.suppliers import files

LIMIT = 10 * 1024 * 1024

pytestmark = pytest.mark.usefixtures("english")


def refusal(data: bytes, name: str = "licence.pdf") -> DomainError:
    with pytest.raises(DomainError) as exc:
        inspect_upload(data, name)
    assert exc.value.field == "file"
    assert exc.value.status == 400
    return exc.value


@pytest.mark.parametrize(
    ("make", "name", "code"),
    [
        (lambda: b"", "empty.pdf", "file_empty"),
        (lambda: files.oversized(LIMIT), "big.pdf", "file_too_large"),
        (files.elf_executable, "licence.pdf", "file_type_not_allowed"),
        (files.mz_executable, "licence.jpg", "file_type_not_allowed"),
        (files.gif_bytes, "licence.png", "file_type_not_allowed"),
        (files.html_bytes, "licence.pdf", "file_type_not_allowed"),
        (files.zip_bytes, "licence.pdf", "file_type_not_allowed"),
        (files.polyglot_html_pdf, "licence.pdf", "file_type_not_allowed"),
        (files.truncated_pdf, "licence.pdf", "file_truncated"),
        (files.truncated_png, "licence.png", "file_truncated"),
        (files.pdf_with_trailing_payload, "licence.pdf", "file_trailing_data"),
        (files.encrypted_pdf, "licence.pdf", "file_encrypted"),
        (files.damaged_pdf, "licence.pdf", "file_invalid"),
        (files.decompression_bomb_png, "licence.png", "file_invalid"),
    ],
)
def test_each_bad_file_has_its_own_error(make, name, code):
    assert refusal(make(), name).code == code


def test_messages_are_specific():
    assert refusal(b"").message == "The file is empty."
    assert refusal(files.oversized(LIMIT)).message == "The file is larger than 10 MB."
    assert refusal(files.oversized(LIMIT)).details["max_bytes"] == LIMIT
    assert refusal(files.elf_executable(), "licence.pdf").message.startswith(
        "licence.pdf is not a PDF, JPEG or PNG file."
    )
    assert refusal(files.pdf_with_trailing_payload()).message.startswith(
        f"The PDF has {len(files.PAYLOAD)} bytes of other data after its end-of-file marker."
    )


def test_size_is_checked_before_decoding(settings):
    settings.GOVMALL_DOCUMENT_MAX_BYTES = 100
    data = files.png_bytes((300, 300))
    assert len(data) > 100
    assert refusal(data, "a.png").code == "file_too_large"
    settings.GOVMALL_DOCUMENT_MAX_BYTES = len(data)
    assert inspect_upload(data, "a.png").content_type == "image/png"


def test_a_file_of_exactly_the_limit_passes_the_size_check(settings):
    data = files.pdf_bytes()
    settings.GOVMALL_DOCUMENT_MAX_BYTES = len(data)
    assert inspect_upload(data, "a.pdf").size == len(data)


def test_explicit_pixel_limit_refuses_before_decoding(settings):
    settings.GOVMALL_DOCUMENT_MAX_PIXELS = 1000
    error = refusal(files.png_bytes((40, 30)), "a.png")  # 1200 pixels
    assert (error.code, error.details["reason"]) == ("file_invalid", "too_many_pixels")
    assert "40 × 30 pixels" in error.message
    assert inspect_upload(files.png_bytes((40, 25)), "a.png").content_type == "image/png"


def test_bomb_below_pillows_own_limit_is_refused_by_ours():
    # 8000 × 8000 = 64 million pixels: under Pillow's 89-million warning, over our 50 million.
    data = files.decompression_bomb_png(8000)
    assert len(data) < 100_000
    error = refusal(data, "bomb.png")
    assert (error.code, error.details["reason"]) == ("file_invalid", "too_many_pixels")


def test_pdf_is_stored_as_uploaded():
    data = files.pdf_bytes(3)
    checked = inspect_upload(data, "营业执照.pdf")
    assert (checked.content, checked.content_type, checked.extension) == (
        data,
        "application/pdf",
        "pdf",
    )
    assert checked.sha256 == hashlib.sha256(data).hexdigest()


def test_pdf_may_end_with_whitespace_after_eof():
    data = files.pdf_with_whitespace_tail()
    assert inspect_upload(data, "a.pdf").content == data


def test_name_does_not_decide_the_type():
    checked = inspect_upload(files.png_bytes(), "licence.pdf")
    assert (checked.content_type, checked.extension) == ("image/png", "png")
    checked = inspect_upload(files.pdf_bytes(), "photo.jpg")
    assert (checked.content_type, checked.extension) == ("application/pdf", "pdf")


def test_png_with_exif_and_appended_payload_is_reencoded_clean():
    data = files.png_with_exif_and_payload()
    assert files.exif_of(data)  # the upload carries EXIF (incl. GPS) ...
    assert files.PAYLOAD in data  # ... and a payload after IEND
    checked = inspect_upload(data, "licence.png")
    assert checked.content_type == "image/png"
    assert files.PAYLOAD not in checked.content
    assert checked.content.endswith(b"IEND\xaeB`\x82")
    assert files.exif_of(checked.content) == {}
    assert b"eXIf" not in checked.content
    with Image.open(io.BytesIO(checked.content)) as im:
        assert (im.format, im.size, im.mode) == ("PNG", (64, 48), "RGB")
        assert im.getpixel((10, 10)) == (200, 30, 30)


def test_jpeg_exif_gps_is_stripped():
    data = files.jpeg_with_exif_gps()
    with Image.open(io.BytesIO(data)) as im:
        assert im.getexif().get_ifd(files.GPS_IFD)[1] == "N"
    checked = inspect_upload(data, "photo.jpeg")
    assert (checked.content_type, checked.extension) == ("image/jpeg", "jpg")
    assert files.exif_of(checked.content) == {}
    assert b"Exif" not in checked.content and b"TestCam" not in checked.content
    with Image.open(io.BytesIO(checked.content)) as im:
        assert (im.format, im.size) == ("JPEG", (64, 48))
        assert "exif" not in im.info


def test_jpeg_orientation_is_applied_to_the_pixels():
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    files.image(size=(64, 48)).save(out, format="JPEG", exif=exif)
    checked = inspect_upload(out.getvalue(), "phone.jpg")
    with Image.open(io.BytesIO(checked.content)) as im:
        assert im.size == (48, 64)


def test_jpeg_html_polyglot_loses_its_comment():
    data = files.polyglot_jpeg_html()
    assert b"<script>" in data
    checked = inspect_upload(data, "licence.jpg")
    assert b"<script>" not in checked.content


@pytest.mark.parametrize("mode", ["CMYK", "P", "LA", "I;16", "1", "RGBA"])
def test_image_modes_are_reencoded(mode):
    color = {"CMYK": (0, 255, 255, 0), "P": 3, "LA": (100, 200), "I;16": 1000, "1": 1}.get(
        mode, (1, 2, 3, 4)
    )
    out = io.BytesIO()
    fmt = "JPEG" if mode == "CMYK" else "PNG"
    files.image(mode, (20, 10), color).save(out, format=fmt)
    checked = inspect_upload(out.getvalue(), f"x.{fmt.lower()}")
    with Image.open(io.BytesIO(checked.content)) as im:
        assert im.format == fmt and im.size == (20, 10)
        assert im.mode == ("RGB" if mode == "CMYK" else mode)


def test_read_upload_refuses_a_declared_size_over_the_limit_without_reading():
    class Unreadable(io.BytesIO):
        def read(self, *args):  # pragma: no cover - must not be called
            raise AssertionError("read an oversized upload")

    with pytest.raises(DomainError) as exc:
        read_upload(Unreadable(), declared_size=LIMIT + 1)
    assert exc.value.code == "file_too_large"


def test_read_upload_stops_at_the_limit(settings):
    settings.GOVMALL_DOCUMENT_MAX_BYTES = 10
    with pytest.raises(DomainError) as exc:
        read_upload(io.BytesIO(b"x" * 50), declared_size=None)
    assert (exc.value.code, exc.value.details["size"]) == ("file_too_large", 11)
    assert read_upload(io.BytesIO(b"x" * 10), declared_size=10) == b"x" * 10
