"""After the contract: deliveries, acceptance (验收), invoices, payments and refunds,
evaluation (评价) and after-sales tickets."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govmall.audit.models import AuditedModel
from govmall.trading.states import TicketState


class DeliveryKind(models.TextChoices):
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")


class Delivery(models.Model):
    order = models.ForeignKey("trading.Order", on_delete=models.PROTECT, related_name="deliveries")
    kind = models.CharField(max_length=10, choices=DeliveryKind.choices)
    note_number = models.CharField(max_length=60, blank=True)  # delivery note / waybill
    note = models.TextField(max_length=1000, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind}"


class AcceptanceResult(models.TextChoices):
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")


class Acceptance(models.Model):
    order = models.ForeignKey("trading.Order", on_delete=models.PROTECT, related_name="acceptances")
    result = models.CharField(max_length=10, choices=AcceptanceResult.choices)
    reasons = models.TextField(max_length=2000, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.result}"


class Invoice(models.Model):
    order = models.ForeignKey("trading.Order", on_delete=models.PROTECT, related_name="invoices")
    number = models.CharField(max_length=40)  # 发票号码
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    issued_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "number"], name="invoice_unique_per_order"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="invoice_amount_positive"),
        ]

    def __str__(self) -> str:
        return self.number


class PaymentKind(models.TextChoices):
    PAYMENT = "payment", _("Payment")
    REFUND = "refund", _("Refund")


class Payment(models.Model):
    order = models.ForeignKey("trading.Order", on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField(max_length=10, choices=PaymentKind.choices)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    paid_on = models.DateField()
    voucher = models.CharField(max_length=60)  # payment voucher / refund reference
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind} {self.amount}"


SCORE = [MinValueValidator(1), MaxValueValidator(5)]


class Evaluation(models.Model):
    order = models.OneToOneField(
        "trading.Order", on_delete=models.PROTECT, related_name="evaluation"
    )
    supplier = models.ForeignKey(
        "suppliers.Supplier", on_delete=models.PROTECT, related_name="evaluations"
    )
    quality = models.PositiveSmallIntegerField(validators=SCORE)
    delivery = models.PositiveSmallIntegerField(validators=SCORE)
    service = models.PositiveSmallIntegerField(validators=SCORE)
    comment = models.TextField(max_length=1000, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quality__gte=1, quality__lte=5)
                & Q(delivery__gte=1, delivery__lte=5)
                & Q(service__gte=1, service__lte=5),
                name="evaluation_scores_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"evaluation of {self.order_id}"


class TicketKind(models.TextChoices):
    REPAIR = "repair", _("Repair")
    REPLACE = "replace", _("Replace")
    RETURN = "return", _("Return")


class Ticket(AuditedModel):
    number = models.CharField(max_length=24, unique=True)  # AS-2026-000123
    order = models.ForeignKey("trading.Order", on_delete=models.PROTECT, related_name="tickets")
    line = models.ForeignKey(
        "trading.OrderLine", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=TicketKind.choices)
    state = models.CharField(max_length=20, choices=TicketState.choices)
    description = models.TextField(max_length=2000)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField()
    response_deadline = models.DateTimeField()
    response = models.TextField(max_length=2000, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(max_length=2000, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalation_reason = models.TextField(max_length=2000, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["state", "response_deadline"], name="ticket_state_due")]

    def __str__(self) -> str:
        return self.number
