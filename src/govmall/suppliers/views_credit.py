"""The operator credit-list page: upload a list, recent imports and their reports, open flags in
the actor's jurisdiction with a resolve form, and a look-up of one credit code."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from govmall.accounts.access import request_user
from govmall.accounts.models import User
from govmall.core.errors import DomainError
from govmall.core.forms import add_domain_error
from govmall.suppliers import services_credit
from govmall.suppliers.credit import (
    can_import_credit_lists,
    can_resolve_flags,
    can_view_credit_lists,
    code_status,
    import_summary,
    open_flags_in_jurisdiction,
)
from govmall.suppliers.creditcsv import COLUMNS
from govmall.suppliers.models import CreditListImport, CreditListType

FLAGS_SHOWN = 200
IMPORTS_SHOWN = 20


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("List file (CSV, UTF-8)"),
        help_text=gettext_lazy(
            "One row per entry. Rows with faults are skipped and reported; a file that is not "
            "a valid CSV of this format imports nothing."
        ),
    )


class LookupForm(forms.Form):
    credit_code = forms.CharField(label=gettext_lazy("Unified social credit code"), max_length=40)


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=gettext_lazy("Reason for resolving"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _viewer(request: HttpRequest) -> User:
    actor = request_user(request)
    if not can_view_credit_lists(actor):
        raise PermissionDenied
    return actor


def _lookup(request: HttpRequest) -> tuple[LookupForm, dict[str, Any] | None]:
    if "credit_code" not in request.GET:
        return LookupForm(), None
    form = LookupForm(request.GET)
    if not form.is_valid():
        return form, None
    try:
        result = code_status(form.cleaned_data["credit_code"])
    except DomainError as exc:
        add_domain_error(form, exc)
        return form, None
    for entry in result["entries"]:
        entry["list_label"] = CreditListType(entry["list_type"]).label
    return form, result


def _page(
    request: HttpRequest,
    actor: User,
    *,
    upload: UploadForm | None = None,
    resolving: tuple[int, ResolveForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    lookup, result = _lookup(request)
    flags = open_flags_in_jurisdiction(actor)
    imports = (
        CreditListImport.objects.select_related("imported_by")
        .annotate(faults=F("rows_total") - F("rows_imported"))
        .order_by("-imported_at", "-id")
    )
    context = {
        "may_import": can_import_credit_lists(actor),
        "may_resolve": can_resolve_flags(actor),
        "upload_form": upload or UploadForm(),
        "lookup_form": lookup,
        "lookup": result,
        "flags": list(flags[:FLAGS_SHOWN]),
        "flag_count": flags.count(),
        "resolving_id": resolving[0] if resolving else None,
        "resolving_form": resolving[1] if resolving else None,
        "imports": imports[:IMPORTS_SHOWN],
        "columns": COLUMNS,
        "list_types": CreditListType.choices,
        "jurisdiction": actor.organisation.division if actor.organisation else None,
    }
    return render(request, "suppliers/credit_lists.html", context, status=status)


@login_required
def credit_lists(request: HttpRequest) -> HttpResponse:
    actor = _viewer(request)
    if request.method != "POST":
        return _page(request, actor)
    if not can_import_credit_lists(actor):
        raise PermissionDenied
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            imp = services_credit.credit_list_import(
                actor=actor, data=upload.read(), file_name=upload.name or ""
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("Imported %(ok)d of %(total)d rows from %(name)s.")
                % {"ok": imp.rows_imported, "total": imp.rows_total, "name": imp.file_name},
            )
            return redirect("suppliers:credit_import", pk=imp.pk)
    return _page(request, actor, upload=form, status=400)


@login_required
def credit_import(request: HttpRequest, pk: int) -> HttpResponse:
    _viewer(request)
    imp = get_object_or_404(CreditListImport.objects.select_related("imported_by"), pk=pk)
    return render(
        request,
        "suppliers/credit_import.html",
        {"imp": imp, "summary": import_summary(imp), "faults": imp.rows_total - imp.rows_imported},
    )


@login_required
@require_POST
def credit_flag_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _viewer(request)
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            services_credit.credit_flag_resolve(
                actor=actor, flag_id=pk, resolution=form.cleaned_data["resolution"]
            )
        except DomainError as exc:
            if exc.status == 404:
                raise Http404 from exc
            if exc.status == 403:
                raise PermissionDenied from exc
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The flag is resolved."))
            return redirect("suppliers:credit_lists")
    return _page(request, actor, resolving=(pk, form), status=400)
