"""The trail: append-only events chained per object, folded into published checkpoints."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AuditedModel(models.Model):
    """A domain object whose events form a hash chain; the head lives on the row itself,
    so deleting the newest event leaves a head that no event matches."""

    audit_head = models.CharField(max_length=64, default=GENESIS_HASH, editable=False)
    audit_length = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        abstract = True


class Checkpoint(models.Model):
    """A Merkle root over the events committed since the previous checkpoint, chained to it.

    Published (page, API, roots file) so a rewrite inside the database shows against a copy
    kept outside it.
    """

    seq = models.PositiveIntegerField(unique=True)
    created_at = models.DateTimeField()
    event_count = models.PositiveIntegerField()
    merkle_root = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit checkpoint")
        verbose_name_plural = _("audit checkpoints")

    def __str__(self) -> str:
        return f"checkpoint {self.seq} {self.hash[:12]}"


class Event(models.Model):
    """One state change of one object. Append-only: written by `record_event`, never edited;
    `checkpoint` is set once, by `checkpoint_create`."""

    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    seq = models.PositiveIntegerField()
    action = models.CharField(max_length=100)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(max_length=150)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    at = models.DateTimeField()
    request_id = models.CharField(max_length=64, blank=True, default="")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    checkpoint = models.ForeignKey(
        Checkpoint, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        constraints = [
            models.UniqueConstraint(
                fields=["object_type", "object_id", "seq"], name="audit_event_chain_position"
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "-id"], name="audit_event_org_recent"),
            models.Index(fields=["checkpoint", "id"], name="audit_event_checkpoint"),
        ]

    def __str__(self) -> str:
        return f"{self.object_type}:{self.object_id}#{self.seq} {self.action}"
