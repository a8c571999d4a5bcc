"""Reference data every installation starts with: qualification document types and the first
credit commitment text. Loaded by a migration, and again by `demo` and tests after a flush."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils import timezone

DATA = Path(__file__).resolve().parent / "data"
ALL_TYPES = ["enterprise", "individual", "other"]

DOCUMENT_TYPES = [
    ("business_license", "营业执照", "Business licence", ALL_TYPES, 1),
    ("authorization_letter", "授权委托书", "Letter of authorisation", ALL_TYPES, 2),
    ("sme_declaration", "中小企业声明函", "SME declaration", [], 3),
    ("qualification_other", "其他资质证明", "Other qualification", [], 9),
]


def seed_reference(document_type_model: Any, commitment_text_model: Any) -> None:
    for code, zh, en, required, sort in DOCUMENT_TYPES:
        document_type_model.objects.get_or_create(
            code=code,
            defaults={"name_zh": zh, "name_en": en, "required_for": required, "sort": sort},
        )
    if not commitment_text_model.objects.exists():
        # The initial version; its audit chain starts with the next version published.
        commitment_text_model.objects.create(
            version=1,
            text_zh=(DATA / "commitment_v1.zh-hans.txt").read_text(encoding="utf-8"),
            text_en=(DATA / "commitment_v1.en.txt").read_text(encoding="utf-8"),
            published_at=timezone.now(),
        )
