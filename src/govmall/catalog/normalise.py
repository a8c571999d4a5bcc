"""Folding brands and models so that spellings of one product compare equal: NFKC (full-width
to half-width), case-folded, without spaces, hyphens or other dashes. Reference prices, the
duplicate rule and exact model search all use these."""

from __future__ import annotations

import re
import unicodedata

_DROP = re.compile(r"[\s\-‐‑‒–—―_·・]+")


def fold(text: str) -> str:
    return _DROP.sub("", unicodedata.normalize("NFKC", text or "").casefold())


def brand_key(brand: str) -> str:
    return fold(brand)


def model_key(model_no: str) -> str:
    return fold(model_no)
