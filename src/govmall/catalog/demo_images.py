"""Pictures for the demo listings: a generated card per supplier and category, so the demo needs
no image files and every listing passes the image rules (800×800 JPEG)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

IMAGE_SIZE = 800
FONT_PATHS = [
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
]
GROUP_COLOURS = {
    "office": (179, 38, 30),
    "computers": (33, 87, 160),
    "supplies": (30, 122, 60),
    "furniture": (138, 90, 0),
    "appliances": (20, 120, 140),
}


def _font(size: int) -> Any:
    """A CJK font if one is installed (and whether it is), else Pillow's default."""
    from PIL import ImageFont

    for path in FONT_PATHS:
        if Path(path).exists():
            try:
                return ImageFont.truetype(path, size), True
            except OSError:
                continue
    return ImageFont.load_default(size=size), False


def card_image(title_zh: str, title_en: str, code: str, colour: tuple[int, int, int]) -> bytes:
    """An 800×800 JPEG: a coloured card with the category's name (Chinese if a CJK font is
    installed) and code."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (IMAGE_SIZE, IMAGE_SIZE), (246, 247, 249))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((40, 40, IMAGE_SIZE - 40, IMAGE_SIZE - 40), radius=36, fill=colour)
    light = tuple(min(255, c + 60) for c in colour)
    draw.rounded_rectangle((120, 150, IMAGE_SIZE - 120, 470), radius=24, fill=light)
    draw.rectangle((200, 470, IMAGE_SIZE - 200, 500), fill=light)
    big, cjk = _font(72)
    small, _ = _font(34)
    main = title_zh if cjk else title_en
    for text, font, y in ((main, big, 560), (title_en if cjk else code, small, 660)):
        width = draw.textlength(text, font=font)
        draw.text(((IMAGE_SIZE - width) / 2, y), text, font=font, fill=(255, 255, 255))
    draw.text((70, 70), code, font=small, fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def demo_image_id(supplier: Any, user: Any, category: Any, group: str) -> int:
    """The supplier's card for the category, uploaded on first use (found by name afterwards,
    which keeps the demo idempotent)."""
    from govmall.catalog.models import ListingImage
    from govmall.catalog.services_images import image_upload

    name = f"demo-{category.code}.jpg"
    existing = (
        ListingImage.objects.filter(supplier=supplier, original_name=name)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    if existing is not None:
        return existing
    data = card_image(category.name_zh, category.name_en, category.code, GROUP_COLOURS[group])
    image = image_upload(actor=user, upload=io.BytesIO(data), name=name)
    return image.pk
