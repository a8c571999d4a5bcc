"""Business verbs of the credit commitment (信用承诺书): publishing a new version (operator
admins of the regional centre) and signing the current one (the supplier admin)."""

from __future__ import annotations

import ipaddress

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from govmall.accounts.access import require_regional_operator_admin
from govmall.accounts.models import User
from govmall.accounts.roles import Role
from govmall.audit.services import record_event
from govmall.core.errors import DomainError
from govmall.core.notify import notify
from govmall.core.text import clean_text
from govmall.suppliers.commitment import current_commitment, text_for_language, text_sha256
from govmall.suppliers.models import (
    CommitmentSignature,
    CommitmentText,
    Supplier,
    SupplierStatus,
)
from govmall.suppliers.services_registration import require_supplier_admin

MAX_TEXT = 20_000
LANGUAGES = ("zh-hans", "en")
USER_AGENT_LIMIT = 500


def _clean_text(name: str, value: str) -> str:
    """One canonical form (LF line ends, no surrounding blank space), so the text shown, the
    text stored and the text hashed are the same bytes."""
    if isinstance(value, str):
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return clean_text(value, field=name, limit=MAX_TEXT)


def commitment_publish(*, actor: User | None, text_zh: str, text_en: str) -> CommitmentText:
    """Publish the next version. Every active supplier must sign it again: their admins are
    notified, and until they sign the trading gate blocks them."""
    actor = require_regional_operator_admin(actor)
    text_zh = _clean_text("text_zh", text_zh)
    text_en = _clean_text("text_en", text_en)
    try:
        with transaction.atomic():
            # Lock the current version so two publishers queue up for the next number.
            latest = CommitmentText.objects.select_for_update().order_by("-version").first()
            previous = latest.version if latest is not None else 0
            if latest is not None and (latest.text_zh, latest.text_en) == (text_zh, text_en):
                raise DomainError(
                    "commitment_unchanged",
                    _("This text is the same as the current version."),
                    field="text_zh",
                    status=409,
                )
            text = CommitmentText.objects.create(
                version=previous + 1,
                text_zh=text_zh,
                text_en=text_en,
                published_at=timezone.now(),
                published_by=actor,
            )
            record_event(
                obj=text,
                action="commitment.published",
                actor=actor,
                after={
                    "version": text.version,
                    "previous_version": previous or None,
                    "sha256_zh": text_sha256(text_zh),
                    "sha256_en": text_sha256(text_en),
                },
            )
            admins = User.objects.filter(
                is_active=True,
                roles__role=Role.SUPPLIER_ADMIN,
                organisation__supplier__status=SupplierStatus.ACTIVE,
            )
            notify(
                admins,
                verb="commitment.resign",
                message=_(
                    "Version %(version)d of the credit commitment has been published. Sign it "
                    "again: until then you cannot list new products, quote or accept new orders."
                )
                % {"version": text.version},
                link=reverse("suppliers:commitment"),
            )
    except IntegrityError as exc:  # another version was published at the same moment
        raise DomainError(
            "conflict",
            _("Another version was published at the same time: reload and try again."),
            status=409,
        ) from exc
    return text


def _clean_ip(ip: str | None) -> str | None:
    if not ip:
        return None
    try:
        return str(ipaddress.ip_address(ip.strip()))
    except ValueError:
        return None


def commitment_sign(
    *,
    actor: User | None,
    supplier: Supplier,
    language: str,
    ip: str | None,
    user_agent: str,
    version: int | None = None,
) -> CommitmentSignature:
    """The supplier admin signs the current version in `language` (the text shown in that
    language is what is hashed). `version`, if given, is the version the signer was shown:
    if another has been published since, nothing is signed."""
    actor = require_supplier_admin(actor, supplier)
    if language not in LANGUAGES:
        raise DomainError(
            "invalid_language",
            _("Choose the language of the text you sign: zh-hans or en."),
            field="language",
        )
    try:
        with transaction.atomic():
            locked = Supplier.objects.select_for_update().get(pk=supplier.pk)
            current = current_commitment()
            if current is None:
                raise DomainError(
                    "no_commitment", _("No commitment text has been published."), status=409
                )
            if version is not None and version != current.version:
                raise DomainError(
                    "commitment_outdated",
                    _(
                        "A newer version (%(current)d) has been published since this page was "
                        "opened: read it and sign that one."
                    )
                    % {"current": current.version},
                    status=409,
                    field="version",
                    current_version=current.version,
                )
            if CommitmentSignature.objects.filter(supplier=locked, text=current).exists():
                raise DomainError(
                    "already_signed",
                    _("Version %(version)d has already been signed.")
                    % {"version": current.version},
                    status=409,
                    version=current.version,
                )
            digest = text_sha256(text_for_language(current, language))
            signature = CommitmentSignature.objects.create(
                supplier=locked,
                text=current,
                language=language,
                text_sha256=digest,
                signed_by=actor,
                signed_at=timezone.now(),
                ip=_clean_ip(ip),
                user_agent=(user_agent or "")[:USER_AGENT_LIMIT],
            )
            record_event(
                obj=locked,
                action="commitment.signed",
                actor=actor,
                organisation=actor.organisation,
                after={
                    "version": current.version,
                    "language": language,
                    "text_sha256": digest,
                    "ip": signature.ip,
                    "user_agent": signature.user_agent,
                },
            )
    except IntegrityError as exc:  # a second click in the same instant
        raise DomainError(
            "already_signed", _("This version has already been signed."), status=409
        ) from exc
    return signature


def next_version() -> int:
    return (CommitmentText.objects.aggregate(m=Max("version"))["m"] or 0) + 1
