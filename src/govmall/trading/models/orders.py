"""Carts, orders and their lines.

An order is one supplier's part of a purchase, whether bought directly (直购) or awarded by a
quotation (竞价); everything downstream — contract, delivery, acceptance, payment, returns —
hangs off the order. Each line snapshots what was bought (price, product data, review outcome)
so later edits of the listing never change a concluded purchase.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govmall.audit.models import AuditedModel
from govmall.trading.states import OrderState


class CartLine(models.Model):
    """A buyer's cart: a working list, not a business record (no audit events)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    listing = models.ForeignKey("catalog.Listing", on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField()
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "listing"], name="cart_one_line_per_listing")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.listing_id} × {self.quantity}"


class OrderSource(models.TextChoices):
    DIRECT = "direct", _("Direct purchase")
    QUOTATION = "quotation", _("Competitive quotation")


class Order(AuditedModel):
    number = models.CharField(max_length=24, unique=True)  # ORD-2026-000123
    source = models.CharField(max_length=10, choices=OrderSource.choices)
    state = models.CharField(max_length=20, choices=OrderState.choices)
    purchaser = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="orders"
    )
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey(
        "suppliers.Supplier", on_delete=models.PROTECT, related_name="orders"
    )
    funding_source = models.ForeignKey(
        "trading.FundingSource", on_delete=models.PROTECT, related_name="orders"
    )
    quotation = models.ForeignKey(
        "trading.Quotation", null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    total = models.DecimalField(max_digits=14, decimal_places=2)
    # What is still reserved from the funding source for this order (0 once released).
    reserved_amount = models.DecimalField(max_digits=14, decimal_places=2)
    # The supplier's SME declaration (中小企业声明函) as recorded when the order was placed:
    # {"size": "small", "declared": true, "text": "...", "at": "..."}.
    sme_declaration = models.JSONField(default=dict)
    delivery_division = models.ForeignKey(
        "accounts.Division", on_delete=models.PROTECT, related_name="+"
    )
    delivery_address = models.CharField(max_length=300)
    delivery_contact = models.CharField(max_length=100, blank=True)
    delivery_phone = models.CharField(max_length=30, blank=True)
    required_by = models.DateField(null=True, blank=True)
    note = models.TextField(max_length=1000, blank=True)
    # Idempotent placement: one order per (buyer, key); a different body with the same key is
    # refused by comparing the request hash.
    idempotency_key = models.CharField(max_length=100, blank=True)
    request_sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()
    placed_at = models.DateTimeField(null=True, blank=True)  # sent to the supplier
    # Internal approval (orders above the unit's limit).
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    confirm_deadline = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    acceptance_deadline = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    payment_due = models.DateTimeField(null=True, blank=True)  # SME rule, see services_payment
    paid_total = models.DecimalField(default=0, max_digits=14, decimal_places=2)
    refunded_total = models.DecimalField(default=0, max_digits=14, decimal_places=2)
    completed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)  # cancelled/rejected/returned/…
    close_reason = models.TextField(max_length=1000, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["buyer", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="order_idempotency_per_buyer",
            ),
            models.CheckConstraint(condition=Q(total__gte=0), name="order_total_non_negative"),
        ]
        indexes = [
            models.Index(fields=["purchaser", "state"], name="order_purchaser_state"),
            models.Index(fields=["supplier", "state"], name="order_supplier_state"),
            models.Index(fields=["state", "confirm_deadline"], name="order_state_confirm"),
        ]

    def __str__(self) -> str:
        return self.number


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    listing = models.ForeignKey("catalog.Listing", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=14, decimal_places=2)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    # Product data and review outcome at purchase: title, brand, model_no, unit, category
    # (code, name), attributes, energy certificate, warranty, listing number, review
    # {"outcome", "ruleset_version", "reviewed_at"}.
    snapshot = models.JSONField(default=dict)
    returned_quantity = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orderline_quantity_positive"),
            models.CheckConstraint(
                condition=Q(returned_quantity__lte=models.F("quantity")),
                name="orderline_return_within_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.pk}"
