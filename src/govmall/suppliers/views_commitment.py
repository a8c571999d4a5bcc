"""Credit commitment pages: reading and signing the current version (supplier admin), and the
regional centre's version management."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from govmall.accounts.access import is_regional_operator_admin, request_user
from govmall.accounts.roles import OrgKind, Role
from govmall.core.errors import DomainError
from govmall.core.forms import add_domain_error
from govmall.suppliers.commitment import (
    current_commitment,
    current_signature,
    signatures_of,
    text_for_language,
    text_sha256,
)
from govmall.suppliers.forms_registration import PublishForm, SignForm
from govmall.suppliers.models import CommitmentText
from govmall.suppliers.services_commitment import commitment_publish, commitment_sign
from govmall.suppliers.views_registration import own_supplier_page


def page_language() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh-hans"


@login_required
def commitment(request: HttpRequest) -> HttpResponse:
    """The current text in the page's language; the supplier admin signs it here."""
    actor = request_user(request)
    is_supplier = actor.organisation is not None and actor.organisation.kind == OrgKind.SUPPLIER
    supplier = own_supplier_page(actor) if is_supplier else None
    current = current_commitment()
    language = page_language()
    form = SignForm(request.POST or None, initial={"version": current.version if current else 1})
    if request.method == "POST":
        if supplier is None or not actor.has_role(Role.SUPPLIER_ADMIN):
            raise PermissionDenied
        if form.is_valid():
            try:
                commitment_sign(
                    actor=actor,
                    supplier=supplier,
                    language=language,
                    ip=request.META.get("REMOTE_ADDR"),
                    user_agent=request.META.get("HTTP_USER_AGENT", ""),
                    version=form.cleaned_data["version"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(
                    request,
                    _("You have signed version %(version)d of the credit commitment.")
                    % {"version": current.version if current else 0},
                )
                return redirect("suppliers:home")
    text = text_for_language(current, language) if current else ""
    context: dict[str, Any] = {
        "current": current,
        "text": text,
        "text_sha256": text_sha256(text) if current else "",
        "language": language,
        "supplier": supplier,
        "may_sign": supplier is not None and actor.has_role(Role.SUPPLIER_ADMIN),
        "signature": current_signature(supplier) if supplier else None,
        "signatures": signatures_of(supplier) if supplier else [],
        "form": form,
        "may_manage": is_regional_operator_admin(actor),
    }
    return render(request, "suppliers/commitment.html", context)


@login_required
def commitment_versions(request: HttpRequest) -> HttpResponse:
    """Operator admins of the regional centre list the versions and publish a new one."""
    actor = request_user(request)
    if not is_regional_operator_admin(actor):
        raise PermissionDenied
    current = current_commitment()
    initial = {"text_zh": current.text_zh, "text_en": current.text_en} if current else {}
    form = PublishForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            text = commitment_publish(actor=actor, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Version %(version)d published. Every active supplier has been notified to "
                    "sign it again."
                )
                % {"version": text.version},
            )
            return redirect("suppliers:commitment_versions")
    versions = (
        CommitmentText.objects.select_related("published_by")
        .annotate(signed=Count("signatures"))
        .order_by("-version")
    )
    rows = [(v, text_sha256(v.text_zh), text_sha256(v.text_en)) for v in versions]
    return render(
        request,
        "suppliers/commitment_versions.html",
        {"form": form, "rows": rows, "current": current},
    )
