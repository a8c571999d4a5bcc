"""Divisions, organisations, users with roles, login failures and API tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from govmall.accounts.roles import OrgKind, Role
from govmall.audit.models import AuditedModel


class DivisionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")


class Division(models.Model):
    """An administrative division (six-digit statistical code). `path` lists the codes from the
    province down, so "this division and everything under it" is one indexed prefix match."""

    code = models.CharField(max_length=6, primary_key=True)
    name_zh = models.CharField(max_length=100)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    level = models.CharField(max_length=10, choices=DivisionLevel.choices)
    path = models.CharField(max_length=40, db_index=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"

    def contains(self, other: Division) -> bool:
        return other.path.startswith(self.path)


class Organisation(AuditedModel):
    kind = models.CharField(max_length=20, choices=OrgKind.choices)
    name = models.CharField(max_length=200)
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="organisation_kind_name_unique")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_regional_centre(self) -> bool:
        from django.conf import settings

        return self.division_id == settings.GOVMALL_REGIONAL_CENTRE_DIVISION


class User(AbstractUser, AuditedModel):
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def role_set(self) -> frozenset[str]:
        cached = getattr(self, "_role_cache", None)
        if cached is None:
            cached = (
                frozenset(self.roles.values_list("role", flat=True)) if self.pk else frozenset()
            )
            self._role_cache = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set.intersection(roles))


class UserRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=30, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="user_role_unique")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.role}"


class LoginFailure(models.Model):
    """Every refused login, kept for the throttle and for inspection."""

    class Reason(models.TextChoices):
        BAD_PASSWORD = "bad_password", _("Wrong password")
        UNKNOWN_USER = "unknown_user", _("Unknown user")
        LOCKED = "locked", _("Account locked")
        INACTIVE = "inactive", _("Account inactive")

    username = models.CharField(max_length=150)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE)
    at = models.DateTimeField()
    ip = models.GenericIPAddressField(null=True, blank=True)
    reason = models.CharField(max_length=20, choices=Reason.choices)

    class Meta:
        indexes = [models.Index(fields=["user", "at"], name="login_failure_user_at")]

    def __str__(self) -> str:
        return f"{self.username} {self.reason} {self.at:%Y-%m-%d %H:%M}"


class ApiToken(AuditedModel):
    """A personal API token: the secret is shown once; only its SHA-256 is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
