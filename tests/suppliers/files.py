"""Test files built in memory: good ones, and every kind of bad one the upload check refuses or
neutralises."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image
from pypdf import PdfWriter

PAYLOAD = b"PK\x03\x04<script>alert('payload')</script>MALICIOUS-PAYLOAD"
GPS_IFD = 0x8825


def pdf_bytes(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def truncated_pdf() -> bytes:
    data = pdf_bytes(2)
    return data[: len(data) // 2]


def pdf_with_trailing_payload() -> bytes:
    return pdf_bytes() + PAYLOAD


def pdf_with_whitespace_tail() -> bytes:
    return pdf_bytes().rstrip() + b"\r\n \n"


def damaged_pdf() -> bytes:
    """Begins with %PDF- and ends with %%EOF, but holds no PDF structure."""
    return b"%PDF-1.7\nthis is not a document\n%%EOF\n"


def image(mode: str = "RGB", size: tuple[int, int] = (64, 48), color: object = (200, 30, 30)):
    return Image.new(mode, size, color)  # type: ignore[arg-type]


def png_bytes(size: tuple[int, int] = (64, 48), mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    color = (200, 30, 30) if mode == "RGB" else 128
    image(mode, size, color).save(out, format="PNG")
    return out.getvalue()


def exif_with_gps() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "TestCam"  # Make
    exif[0x0110] = "Model X"  # Model
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (40.0, 39.0, 26.0)
    gps[3] = "E"
    gps[4] = (109.0, 50.0, 25.0)
    return exif


def png_with_exif_and_payload() -> bytes:
    out = io.BytesIO()
    image().save(out, format="PNG", exif=exif_with_gps())
    return out.getvalue() + PAYLOAD


def jpeg_bytes(*, exif: bool = False, size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    kwargs = {"exif": exif_with_gps()} if exif else {}
    image(size=size).save(out, format="JPEG", quality=95, **kwargs)
    return out.getvalue()


def jpeg_with_exif_gps() -> bytes:
    return jpeg_bytes(exif=True)


def truncated_png() -> bytes:
    data = png_bytes((300, 300))
    return data[: len(data) // 2]


def gif_bytes() -> bytes:
    out = io.BytesIO()
    image("P", (10, 10), 1).save(out, format="GIF")
    return out.getvalue()


def html_bytes() -> bytes:
    return b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def zip_bytes() -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("a.txt", "hello")
    return out.getvalue()


def elf_executable() -> bytes:
    """An ELF header (as of a Linux binary renamed to licence.pdf)."""
    return b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200


def mz_executable() -> bytes:
    """A Windows PE header (as of setup.exe renamed to licence.jpg)."""
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 50 + b"PE\x00\x00" + b"\x00" * 200


def polyglot_html_pdf() -> bytes:
    """HTML first, a PDF after it: a browser sniffing it would run the script."""
    return html_bytes() + pdf_bytes()


def polyglot_jpeg_html() -> bytes:
    """A JPEG whose comment segment carries HTML and script."""
    data = jpeg_bytes()
    comment = b"<html><script>alert(1)</script></html>"
    segment = b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment
    return data[:2] + segment + data[2:]


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return (
        struct.pack(">I", len(body))
        + kind
        + body
        + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    )


def decompression_bomb_png(side: int = 20_000) -> bytes:
    """A small file (tens of KB) that would decode to side² 1-bit pixels (400 million)."""
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    row = b"\x00" + b"\x00" * ((side + 7) // 8)
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    return (
        PNG_MAGIC + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b"")
    )


PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def oversized(limit: int) -> bytes:
    """A PDF-looking file one byte over `limit`."""
    head = b"%PDF-1.7\n"
    return head + b"0" * (limit + 1 - len(head))


def exif_of(data: bytes) -> dict:
    with Image.open(io.BytesIO(data)) as im:
        return dict(im.getexif())
