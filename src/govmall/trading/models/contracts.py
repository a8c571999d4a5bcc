"""Contracts generated from orders: the exact text both sides confirm, its publication (within
2 working days of signing) and filing with the regulator (within 7)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govmall.audit.models import AuditedModel
from govmall.trading.states import ContractState


class PaymentCondition(models.TextChoices):
    DELIVERY = "delivery", _("Payment due from delivery")
    ACCEPTANCE = "acceptance", _("Acceptance is the payment condition")


class Contract(AuditedModel):
    number = models.CharField(max_length=24, unique=True)  # CON-2026-000123
    order = models.OneToOneField("trading.Order", on_delete=models.PROTECT, related_name="contract")
    state = models.CharField(max_length=20, choices=ContractState.choices)
    total = models.DecimalField(max_digits=14, decimal_places=2)
    total_in_words = models.CharField(max_length=100)  # cn2an capitals: 壹万贰仟叁佰元整
    # Terms: delivery within `delivery_days` (calendar days) of signing; acceptance within
    # `acceptance_working_days` of delivery; payment `payment_days` (≤ 60) calendar days from
    # delivery or acceptance (`payment_condition`); after-sales text.
    delivery_days = models.PositiveSmallIntegerField(default=15)
    acceptance_working_days = models.PositiveSmallIntegerField(default=5)
    payment_condition = models.CharField(
        max_length=12, choices=PaymentCondition.choices, default=PaymentCondition.DELIVERY
    )
    payment_days = models.PositiveSmallIntegerField(default=30)
    after_sales_terms = models.TextField(max_length=2000, blank=True)
    text = models.TextField()  # the full text both sides confirm
    text_sha256 = models.CharField(max_length=64)
    public_text = models.TextField()  # without contacts and bank details
    created_at = models.DateTimeField()
    signed_at = models.DateTimeField(null=True, blank=True)  # when the second side confirmed
    publish_deadline = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    file_deadline = models.DateTimeField(null=True, blank=True)
    filed_at = models.DateTimeField(null=True, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)  # completed or terminated

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["state", "publish_deadline"], name="contract_publish_due"),
            models.Index(fields=["state", "file_deadline"], name="contract_file_due"),
        ]

    def __str__(self) -> str:
        return self.number


class ContractSignature(models.Model):
    """One side's confirmation of the exact text (its SHA-256), with who, when, where from."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="signatures")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    side = models.CharField(max_length=10)  # "purchaser" | "supplier"
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text_sha256 = models.CharField(max_length=64)
    signed_at = models.DateTimeField()
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "side"], name="contract_one_signature_side")
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.side}"
