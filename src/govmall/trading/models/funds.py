"""Funds of purchasing units (资金来源) and their internal approval limit.

Amounts come from the budget system through regulator users; purchasers only spend. A source's
`reserved` is what open and completed orders have committed; `amount - reserved` is what is
left. The database refuses an overdraft (check constraint) even if a service were wrong, and
every movement is a row of the append-only ledger `FundMovement`.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from govmall.audit.models import AuditedModel


class FundingSource(AuditedModel):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="funding_sources"
    )
    fiscal_year = models.PositiveSmallIntegerField()
    budget_line = models.CharField(_("budget line"), max_length=60)  # 预算项目编码
    name = models.CharField(_("name"), max_length=200)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    reserved = models.DecimalField(
        _("reserved"), default=Decimal("0.00"), max_digits=14, decimal_places=2
    )
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["organisation_id", "fiscal_year", "budget_line"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "fiscal_year", "budget_line"], name="fund_unique_line"
            ),
            models.CheckConstraint(
                condition=Q(reserved__gte=0) & Q(reserved__lte=F("amount")),
                name="fund_never_overdrawn",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="fund_amount_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year} {self.budget_line} {self.name}"

    @property
    def available(self) -> Decimal:
        return self.amount - self.reserved


class MovementKind(models.TextChoices):
    RESERVE = "reserve", _("Reserved for an order")
    RELEASE = "release", _("Released")
    ADJUST = "adjust", _("Amount changed")


class FundMovement(models.Model):
    """Ledger of a source: reserve (+), release (−), adjust (amount change)."""

    source = models.ForeignKey(FundingSource, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(max_length=10, choices=MovementKind.choices)
    amount = models.DecimalField(
        max_digits=14, decimal_places=2
    )  # signed: + reserves/raises, − releases/lowers
    order = models.ForeignKey(
        "trading.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["source", "at"], name="fundmove_source_at")]

    def __str__(self) -> str:
        return f"{self.source_id} {self.kind} {self.amount}"


class PurchasingPolicy(AuditedModel):
    """A purchasing unit's internal rule: orders above `approval_limit` wait for its approver.

    No row, or a null limit, means no internal approval step.
    """

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="purchasing_policy"
    )
    approval_limit = models.DecimalField(null=True, blank=True, max_digits=14, decimal_places=2)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"policy of {self.organisation_id}"
