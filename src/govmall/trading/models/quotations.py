"""Quick competitive quotations (竞价): the request, who was invited, and the sealed quotes.

A quote's price is stored in its row but no surface reads it before the quotation closes (see
ADR 0007 and `trading.sealing`); the trail holds only `commitment` = SHA-256 over the salt and
the canonical quote until opening, when the opening event reveals price and salt so anyone can
check the commitment.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from govmall.audit.models import AuditedModel
from govmall.trading.states import QuotationState, QuoteState


class Quotation(AuditedModel):
    number = models.CharField(max_length=24, unique=True)  # QUO-2026-000123
    state = models.CharField(max_length=20, choices=QuotationState.choices)
    purchaser = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="quotations"
    )
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    funding_source = models.ForeignKey(
        "trading.FundingSource", on_delete=models.PROTECT, related_name="quotations"
    )
    category = models.ForeignKey("catalog.Category", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    requirements = models.TextField(max_length=5000)
    # Required attribute values {"key": "value"}, checked against the category template.
    required_attributes = models.JSONField(default=dict, blank=True)
    quantity = models.PositiveIntegerField()
    unit = models.CharField(max_length=20)
    ceiling_total = models.DecimalField(
        max_digits=14, decimal_places=2
    )  # 最高限价 for the whole quantity
    delivery_division = models.ForeignKey(
        "accounts.Division", on_delete=models.PROTECT, related_name="+"
    )
    delivery_address = models.CharField(max_length=300)
    delivery_date = models.DateField()
    created_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    # The ceiling reserved from the funding source while the quotation runs (0 once released
    # or converted into the awarded order's reservation).
    reserved_amount = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    opened_at = models.DateTimeField(null=True, blank=True)
    valid_quotes = models.PositiveIntegerField(null=True, blank=True)  # known after opening
    award_deadline = models.DateTimeField(null=True, blank=True)  # purchaser decides by then
    awarded_quote = models.ForeignKey(
        "trading.Quote", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    relaunch_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="relaunches"
    )
    result_published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["state", "closes_at"], name="quotation_state_closes"),
            models.Index(fields=["purchaser", "state"], name="quotation_purchaser_state"),
        ]

    def __str__(self) -> str:
        return self.number


class QuotationInvitation(models.Model):
    """An eligible supplier at publication, notified; only invited suppliers may quote."""

    quotation = models.ForeignKey(Quotation, on_delete=models.CASCADE, related_name="invitations")
    supplier = models.ForeignKey("suppliers.Supplier", on_delete=models.PROTECT, related_name="+")
    invited_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["quotation", "supplier"], name="invitation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.quotation_id} → {self.supplier_id}"


class Quote(AuditedModel):
    """One supplier's quote on a quotation; revisions overwrite it (the last one counts)."""

    quotation = models.ForeignKey(Quotation, on_delete=models.PROTECT, related_name="quotes")
    supplier = models.ForeignKey(
        "suppliers.Supplier", on_delete=models.PROTECT, related_name="quotes"
    )
    state = models.CharField(max_length=20, choices=QuoteState.choices)
    # SEALED until the quotation closes: never shown, exported or logged before `opened_at`.
    unit_price = models.DecimalField(max_digits=14, decimal_places=2)
    total = models.DecimalField(max_digits=14, decimal_places=2)
    listing = models.ForeignKey(
        "catalog.Listing", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(max_length=2000, blank=True)
    sme_declaration = models.JSONField(default=dict)
    salt = models.CharField(max_length=64)
    commitment = models.CharField(max_length=64)  # sha256 hex of salt + canonical quote
    revision = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField()  # time of the final (last) quote: breaks price ties
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    rank = models.PositiveIntegerField(null=True, blank=True)  # 1 = lowest, after opening
    # Award offer to this quote's supplier: confirm by `confirm_deadline` (72 h).
    awarded_at = models.DateTimeField(null=True, blank=True)
    confirm_deadline = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    reasons = models.TextField(max_length=2000, blank=True)  # disqualification reasons

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["quotation", "supplier"], name="quote_one_per_supplier"
            ),
            models.CheckConstraint(condition=Q(total__gt=0), name="quote_total_positive"),
        ]

    def __str__(self) -> str:
        return f"quote {self.pk}"
