"""Reference prices: what mainstream e-commerce self-operated stores and manufacturers charge
for a brand and model, with the time it was captured. The listing rule compares against the
lowest one captured within a window."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govmall.audit.models import AuditedModel


class ReferenceSource(models.TextChoices):
    JD = "jd", _("JD.com self-operated")
    TMALL = "tmall", _("Tmall flagship store")
    SUNING = "suning", _("Suning self-operated")
    MANUFACTURER = "manufacturer", _("Manufacturer's official price")
    OTHER = "other", _("Other")


class ReferenceImport(AuditedModel):
    """One import (CSV file or API call): who, when, how many rows went in and failed."""

    channel = models.CharField(max_length=10)  # csv | api
    file_name = models.CharField(max_length=200, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField()
    rows_total = models.PositiveIntegerField(default=0)
    rows_imported = models.PositiveIntegerField(default=0)
    rows_failed = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"reference import {self.pk}"


class ReferencePrice(models.Model):
    """One observed price. Rows are facts with a capture time: never edited, only added."""

    source = models.CharField(max_length=20, choices=ReferenceSource.choices)
    brand = models.CharField(max_length=100)
    model_no = models.CharField(max_length=100)
    brand_norm = models.CharField(max_length=100)
    model_norm = models.CharField(max_length=100)
    price = models.DecimalField(max_digits=12, decimal_places=2)
    captured_at = models.DateTimeField()
    url = models.URLField(max_length=500, blank=True)
    batch = models.ForeignKey(
        ReferenceImport, null=True, blank=True, on_delete=models.PROTECT, related_name="prices"
    )

    class Meta:
        ordering = ["-captured_at", "-id"]
        indexes = [
            models.Index(
                fields=["brand_norm", "model_norm", "-captured_at"], name="reference_lookup"
            )
        ]

    def __str__(self) -> str:
        return f"{self.brand} {self.model_no} {self.price}"
