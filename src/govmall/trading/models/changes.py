"""Contract order returns (合同订单退回) and project terminations (项目终止).

Neither side may end a contract alone: the supplier agrees or objects within 1 working day;
after agreement the owning operator verifies within 1 working day. Objection or silence makes
the request a dispute and the contract goes on.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govmall.audit.models import AuditedModel
from govmall.trading.states import ChangeState


class ChangeKind(models.TextChoices):
    RETURN = "return", _("Contract order return")
    TERMINATE = "terminate", _("Project termination")


class ChangeReason(models.TextChoices):
    NEED_CHANGED = "need_changed", _("Changed need")  # 需求变化
    FUNDS_ADJUSTED = "funds_adjusted", _("Adjusted funds")  # 资金调整
    METHOD_CHANGED = "method_changed", _("Changed procurement method")  # 采购方式变更
    OTHER = "other", _("Other")


class ChangeRequest(AuditedModel):
    number = models.CharField(max_length=24, unique=True)  # RT-2026-000123
    kind = models.CharField(max_length=10, choices=ChangeKind.choices)
    state = models.CharField(max_length=24, choices=ChangeState.choices)
    order = models.ForeignKey(
        "trading.Order", on_delete=models.PROTECT, related_name="change_requests"
    )
    whole = models.BooleanField(default=True)  # the whole order, or the lines below
    reason = models.CharField(max_length=20, choices=ChangeReason.choices)
    reason_text = models.TextField(max_length=2000, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    supplier_deadline = models.DateTimeField()
    supplier_answered_at = models.DateTimeField(null=True, blank=True)
    supplier_answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    objection = models.TextField(max_length=2000, blank=True)
    # The operator owning the purchasing unit's division verifies.
    operator = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    verify_deadline = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verify_reasons = models.TextField(max_length=2000, blank=True)
    refund_amount = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["state", "supplier_deadline"], name="change_supplier_due"),
            models.Index(fields=["operator", "state", "verify_deadline"], name="change_verify_due"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(state__in=["awaiting_supplier", "awaiting_verification"]),
                name="change_one_open_per_order",
            )
        ]

    def __str__(self) -> str:
        return self.number


class ChangeRequestLine(models.Model):
    request = models.ForeignKey(ChangeRequest, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey("trading.OrderLine", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="changeline_quantity_positive")
        ]

    def __str__(self) -> str:
        return f"{self.request_id}/{self.line_id}"
