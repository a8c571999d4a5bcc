"""The catalogue: categories with attribute templates, listings and their revisions, images,
the versioned listing specification (rule sets), reviews, and the narrow search table."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govmall.audit.models import AuditedModel
from govmall.catalog.fields import TermsField


class EnergyStatus(models.TextChoices):
    NONE = "none", _("Not listed")
    PREFERRED = "preferred", _("Preferred (energy-saving)")
    MANDATORY = "mandatory", _("Mandatory ★ (energy-saving)")


class Category(AuditedModel):
    """A node of the category tree. `path` is the codes from the root joined by "/" and ending
    with "/", so descendants are a prefix match and ancestors are the path's parts."""

    code = models.CharField(max_length=30, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=400, db_index=True)
    depth = models.PositiveSmallIntegerField(default=0)
    name_zh = models.CharField(max_length=100)
    name_en = models.CharField(max_length=150)
    # 政府采购品目分类目录 code (e.g. A02010104), and codes for open data.
    gp_code = models.CharField(max_length=30, blank=True)
    unspsc = models.CharField(max_length=8, blank=True)
    cpv = models.CharField(max_length=12, blank=True)
    energy_status = models.CharField(
        max_length=10, choices=EnergyStatus.choices, default=EnergyStatus.NONE
    )
    min_warranty_months = models.PositiveSmallIntegerField(default=0)
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["path"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"


class AttributeKind(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", _("Numeric value")
    CHOICE = "choice", _("Choice")
    BOOLEAN = "boolean", _("Yes/no")


class AttributeSpec(models.Model):
    """One attribute of a category's template (a listing in the category or below it fills the
    templates of the category and its ancestors). Changes are audited on the category."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="attributes")
    key = models.SlugField(max_length=40)
    name_zh = models.CharField(max_length=100)
    name_en = models.CharField(max_length=150)
    kind = models.CharField(max_length=10, choices=AttributeKind.choices)
    unit = models.CharField(max_length=20, blank=True)
    required = models.BooleanField(default=False)
    choices = models.JSONField(default=list, blank=True)
    min_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    max_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    is_key = models.BooleanField(default=False)
    is_filter = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["category", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["category", "key"], name="attribute_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.category_id}:{self.key}"


class Brand(models.Model):
    """Brands by normalised key (case, width, spaces and hyphens folded): the search table's
    integer brand column and facet labels."""

    name = models.CharField(max_length=100)
    norm = models.CharField(max_length=100, unique=True)

    def __str__(self) -> str:
        return self.name


class ListingImage(AuditedModel):
    """A product picture, re-encoded (EXIF gone) with a thumbnail; a listing refers to ids."""

    supplier = models.ForeignKey(
        "suppliers.Supplier", on_delete=models.PROTECT, related_name="listing_images"
    )
    storage_name = models.CharField(max_length=200)
    thumb_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    original_name = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"image {self.pk}"


class Origin(models.TextChoices):
    DOMESTIC = "domestic", _("Domestic product")
    IMPORTED = "imported", _("Imported product")


class ListingContent(models.Model):
    """What a supplier says about a product: what the rules review. A Listing carries its live
    content; a ListingRevision carries a proposed edit of a listed product."""

    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    brand = models.CharField(max_length=100)
    model_no = models.CharField(max_length=100)
    manufacturer = models.CharField(max_length=200, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    unit = models.CharField(max_length=20)
    price = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    warranty_months = models.PositiveSmallIntegerField(default=0)
    # Division codes the supplier delivers to; a province or city code covers what is below it.
    delivery_divisions = models.JSONField(default=list, blank=True)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.DOMESTIC)
    energy_cert_no = models.CharField(max_length=60, blank=True)
    energy_cert_expiry = models.DateField(null=True, blank=True)
    image_ids = models.JSONField(default=list, blank=True)
    description = models.TextField(max_length=5000, blank=True)
    # Fees beyond the price, declared up front: [{"name": ..., "amount": "12.00"}]; or none.
    extra_fees = models.JSONField(default=list, blank=True)
    no_extra_fees = models.BooleanField(default=False)
    after_sales = models.TextField(max_length=2000, blank=True)
    # Folded brand + model + key attributes: equal signatures are duplicates (rule).
    key_signature = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        abstract = True


class ListingState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Pending review")
    LISTED = "listed", _("Listed")
    REJECTED = "rejected", _("Rejected")
    DELISTED = "delisted", _("Delisted")
    SUSPENDED = "suspended", _("Suspended")


class Listing(AuditedModel, ListingContent):
    number = models.CharField(max_length=30, unique=True)
    supplier = models.ForeignKey(
        "suppliers.Supplier", on_delete=models.PROTECT, related_name="listings"
    )
    sku = models.CharField(max_length=64, blank=True)
    state = models.CharField(
        max_length=10, choices=ListingState.choices, default=ListingState.DRAFT
    )
    stock = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    listed_at = models.DateTimeField(null=True, blank=True)
    suspended_reason = models.TextField(max_length=1000, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "sku"], condition=~Q(sku=""), name="listing_sku_unique"
            )
        ]
        indexes = [
            models.Index(fields=["supplier", "state"], name="listing_supplier_state"),
            models.Index(fields=["supplier", "key_signature"], name="listing_supplier_sig"),
        ]

    def __str__(self) -> str:
        return self.number


class RevisionState(models.TextChoices):
    PENDING = "pending", _("Pending review")
    APPLIED = "applied", _("Applied")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ListingRevision(ListingContent):
    """A proposed edit of a listed product. The live content stays on sale until the revision
    passes review; then it replaces the live content in one transaction. Events are recorded
    on the listing."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="revisions")
    state = models.CharField(
        max_length=10, choices=RevisionState.choices, default=RevisionState.PENDING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["listing"],
                condition=Q(state="pending"),
                name="listing_one_open_revision",
            )
        ]

    def __str__(self) -> str:
        return f"{self.listing_id} revision {self.pk}"


class RuleSet(AuditedModel):
    """One version of the listing specification (商品发布及管理规范) as data. Never edited:
    a change of parameters publishes the next version. `rules` is a list of
    {"code", "severity": "reject"|"review", "enabled", "params": {...},
     "message_zh", "message_en"}."""

    version = models.PositiveIntegerField(unique=True)
    rules = models.JSONField()
    note = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"rule set v{self.version}"


class ReviewOutcome(models.TextChoices):
    PASSED = "passed", _("Passed")
    REJECTED = "rejected", _("Rejected")
    MANUAL = "manual", _("Needs manual review")


class ManualDecision(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ListingReview(models.Model):
    """One review of a listing (or of a revision): the rule-set version and every rule's
    outcome; for a manual review, the operator's decision and its deadline.

    `results`: [{"code", "severity", "status": "pass"|"fail"|"no_reference"|"skipped",
    "message_zh", "message_en", "details": {...}}]."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="reviews")
    revision = models.ForeignKey(
        ListingRevision, null=True, blank=True, on_delete=models.CASCADE, related_name="reviews"
    )
    ruleset = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=10, choices=ReviewOutcome.choices)
    results = models.JSONField(default=list)
    created_at = models.DateTimeField()
    # Manual review: the operator that owns it, its deadline (1 working day), the decision.
    operator = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deadline = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(max_length=10, choices=ManualDecision.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reasons = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["operator", "deadline"],
                condition=Q(outcome="manual", decided_at__isnull=True),
                name="review_manual_queue",
            )
        ]

    def __str__(self) -> str:
        return f"review {self.pk} of {self.listing_id}: {self.outcome}"


class SearchRow(models.Model):
    """The narrow search table: one row per live listing, integer facet columns, and the
    hashed search terms (jieba tokens, folded brand/model, category and division ancestors,
    delivery areas, filterable attribute values). See docs/adr/0005."""

    listing = models.OneToOneField(
        Listing, primary_key=True, on_delete=models.CASCADE, related_name="search_row"
    )
    terms = TermsField()
    title_terms = TermsField()
    category_id = models.IntegerField()
    brand_id = models.IntegerField()
    supplier_division = models.IntegerField()
    price = models.DecimalField(max_digits=12, decimal_places=2)
    listed_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["price", "listing"], name="search_price"),
            models.Index(fields=["-listed_at", "-listing"], name="search_newest"),
        ]

    def __str__(self) -> str:
        return f"search row {self.listing_id}"


class ImportState(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ListingImportJob(AuditedModel):
    """A CSV/XLSX upload of listings, processed in chunks so the page can show progress;
    `rows` holds the parsed rows until processed, `report` one entry per row."""

    supplier = models.ForeignKey(
        "suppliers.Supplier", on_delete=models.PROTECT, related_name="listing_imports"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(max_length=200)
    state = models.CharField(
        max_length=10, choices=ImportState.choices, default=ImportState.RUNNING
    )
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    rows = models.JSONField(default=list, blank=True)
    report = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"listing import {self.pk}"
