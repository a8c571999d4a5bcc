"""Supplier onboarding: profiles, applications and their verification, the credit commitment,
qualification documents, credit lists and flags, shared-recruitment activation codes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govmall.accounts.models import Organisation
from govmall.audit.models import AuditedModel


class SupplierType(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    INDIVIDUAL = "individual", _("Individual business")
    OTHER = "other", _("Other organisation")


class SupplierSize(models.TextChoices):
    LARGE = "large", _("Large")
    MEDIUM = "medium", _("Medium")
    SMALL = "small", _("Small")
    MICRO = "micro", _("Micro")


class SupplierStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Awaiting verification")
    RETURNED = "returned", _("Returned for correction")
    REJECTED = "rejected", _("Rejected")
    ACTIVE = "active", _("Active")


class SupplierSource(models.TextChoices):
    SELF = "self", _("Online registration")
    SHARED = "shared", _("Shared recruitment")


class Supplier(AuditedModel):
    """The supplier side of an Organisation of kind `supplier`: its current (approved or, before
    approval, draft) data. Changes to key data of an active supplier wait in an Application."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="supplier"
    )
    credit_code = models.CharField(max_length=18, unique=True)
    supplier_type = models.CharField(max_length=20, choices=SupplierType.choices)
    size = models.CharField(max_length=10, choices=SupplierSize.choices)
    legal_representative = models.CharField(max_length=100)
    contact_name = models.CharField(max_length=100)
    contact_phone = models.CharField(max_length=30)
    contact_email = models.EmailField(blank=True)
    address = models.CharField(max_length=200, blank=True)
    business_scope = models.TextField(max_length=2000)
    intended_categories = models.JSONField(default=list, blank=True)
    service_outlets = models.TextField(max_length=1000, blank=True)
    hotline_hours = models.CharField(max_length=100, blank=True)
    status = models.CharField(
        max_length=10, choices=SupplierStatus.choices, default=SupplierStatus.DRAFT
    )
    source = models.CharField(
        max_length=10, choices=SupplierSource.choices, default=SupplierSource.SELF
    )
    source_mall = models.CharField(max_length=200, blank=True)
    registered_at = models.DateTimeField()
    activated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "supplier_type"], name="supplier_status_type")]

    def __str__(self) -> str:
        return f"{self.organisation.name} ({self.credit_code})"

    @property
    def is_active(self) -> bool:
        return self.status == SupplierStatus.ACTIVE

    @property
    def in_region(self) -> bool:
        return self.organisation.division_id.startswith(settings.GOVMALL_REGION_PREFIX)


# The supplier's own profile fields (besides its organisation's name and division), in the order
# forms, snapshots and pages show them.
SUPPLIER_FIELDS = (
    "credit_code",
    "supplier_type",
    "size",
    "legal_representative",
    "contact_name",
    "contact_phone",
    "contact_email",
    "address",
    "business_scope",
    "intended_categories",
    "service_outlets",
    "hotline_hours",
)


class ApplicationKind(models.TextChoices):
    ONBOARDING = "onboarding", _("Onboarding")
    CHANGE = "change", _("Change of key data")


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting verification")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for correction")
    REJECTED = "rejected", _("Rejected")


class Application(AuditedModel):
    """One submission for verification. A resubmission after a return is a new Application with
    its own legal deadline (2 working days), linked to the one it answers."""

    number = models.CharField(max_length=24, unique=True)
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="applications")
    kind = models.CharField(max_length=12, choices=ApplicationKind.choices)
    status = models.CharField(
        max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.PENDING
    )
    data = models.JSONField(default=dict)  # the submitted profile, incl. organisation name
    document_ids = models.JSONField(default=list)  # the document versions submitted
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField()
    deadline = models.DateTimeField()
    deadline_calendar_known = models.BooleanField(default=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reasons = models.JSONField(default=dict, blank=True)  # {"field or _general": "reason"}

    class Meta:
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["owner", "status", "deadline"], name="application_queue"),
            models.Index(fields=["status", "deadline"], name="application_status_deadline"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["supplier"],
                condition=Q(status="pending"),
                name="one_pending_application_per_supplier",
            )
        ]

    def __str__(self) -> str:
        return self.number


class CommitmentText(AuditedModel):
    """A version of the credit commitment letter (信用承诺书). The newest published one is
    current; publishing a new one makes every active supplier re-sign."""

    version = models.PositiveIntegerField(unique=True)
    text_zh = models.TextField()
    text_en = models.TextField()
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"commitment v{self.version}"


class CommitmentSignature(models.Model):
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="signatures")
    text = models.ForeignKey(CommitmentText, on_delete=models.PROTECT, related_name="signatures")
    language = models.CharField(max_length=10)
    text_sha256 = models.CharField(max_length=64)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField()
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-signed_at"]
        constraints = [
            models.UniqueConstraint(fields=["supplier", "text"], name="one_signature_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.supplier_id} signed v{self.text_id}"


class DocumentType(models.Model):
    """A qualification document type and the supplier types that must provide it."""

    code = models.SlugField(max_length=40, primary_key=True)
    name_zh = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100)
    required_for = models.JSONField(default=list)  # supplier types; empty = optional for all
    active = models.BooleanField(default=True)
    sort = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.code


class Document(AuditedModel):
    """One stored version of a qualification document (re-encoded or checked; never public)."""

    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="documents")
    doc_type = models.ForeignKey(DocumentType, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField()
    storage_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    original_name = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()
    # When verification accepted this version (its application approved; for a supplier of
    # shared recruitment, a missing required type is accepted on upload). An active supplier
    # trades on its accepted versions while newer ones await verification.
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["doc_type", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "doc_type", "version"], name="document_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.doc_type_id} v{self.version}"


class CreditListType(models.TextChoices):
    DISHONEST_JUDGMENT = "dishonest_judgment", _("Dishonest judgment debtors (失信被执行人)")
    TAX_VIOLATION = "tax_violation", _("Major tax violators (重大税收违法失信主体)")
    PROCUREMENT_VIOLATION = (
        "procurement_violation",
        _("Serious government procurement violations (政府采购严重违法失信行为记录名单)"),
    )


class CreditListImport(AuditedModel):
    file_name = models.CharField(max_length=200)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    imported_at = models.DateTimeField()
    rows_total = models.PositiveIntegerField(default=0)
    rows_imported = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=list)  # [{"row": n, "ok": bool, "message": "..."}]

    class Meta:
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.rows_imported}/{self.rows_total})"


class CreditListEntry(models.Model):
    list_type = models.CharField(max_length=30, choices=CreditListType.choices)
    credit_code = models.CharField(max_length=18)
    name = models.CharField(max_length=200)
    reason = models.CharField(max_length=500, blank=True)
    source = models.CharField(max_length=200, blank=True)
    listed_date = models.DateField()
    expiry_date = models.DateField(null=True, blank=True)
    imported_in = models.ForeignKey(CreditListImport, on_delete=models.PROTECT, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["credit_code", "expiry_date"], name="credit_entry_code")]

    def __str__(self) -> str:
        return f"{self.list_type}:{self.credit_code}"


class CreditFlag(AuditedModel):
    """A credit-list hit on an active supplier, open until an operator resolves it."""

    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="credit_flags")
    entry = models.ForeignKey(CreditListEntry, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolution = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(fields=["supplier", "entry"], name="one_flag_per_entry")
        ]
        indexes = [models.Index(fields=["supplier", "resolved_at"], name="credit_flag_open")]

    def __str__(self) -> str:
        return f"flag {self.supplier_id}:{self.entry_id}"


class ActivationCode(models.Model):
    """One-time code for the admin of a supplier admitted by shared recruitment."""

    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    code_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"activation {self.user_id}"
