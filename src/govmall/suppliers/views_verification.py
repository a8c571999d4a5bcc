"""Verification pages: the supplier submits (or submits a change); the operator's queue sorted
by deadline; one application with the owning operator's three decisions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from govmall.accounts.access import request_user
from govmall.accounts.models import User
from govmall.core.errors import DomainError, NotFound, PermissionDenied
from govmall.core.forms import add_domain_error
from govmall.suppliers import services_verification as services
from govmall.suppliers.access import application_for_actor, own_supplier, require_deciding_operator
from govmall.suppliers.commitment import has_signed_current
from govmall.suppliers.credit import open_flags_in_jurisdiction
from govmall.suppliers.documents import latest_documents, missing_required_types
from govmall.suppliers.models import Application, CreditListType, Document, SupplierStatus
from govmall.suppliers.selectors_verification import (
    FIELD_LABELS,
    REASON_FIELDS,
    TABS,
    application_history,
    data_rows,
    is_overdue,
    jurisdiction_queue,
    link,
    queue_for_operator,
    time_left_text,
)

DOCUMENT_LIST_TEMPLATE = "suppliers/_document_list.html"


def _page_error(exc: DomainError) -> Exception:
    if isinstance(exc, NotFound):
        return Http404()
    if isinstance(exc, PermissionDenied) or exc.status == 403:
        return DjangoPermissionDenied(exc.message)
    return exc


class ChangeForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200, required=False)
    credit_code = forms.CharField(
        label=gettext_lazy("Unified social credit code"), max_length=18, required=False
    )
    legal_representative = forms.CharField(
        label=gettext_lazy("Legal representative"), max_length=100, required=False
    )


class ApproveForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReturnForm(forms.Form):
    """A reason per field of the profile and one for the documents: fill in those at fault."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in REASON_FIELDS:
            self.fields[name] = forms.CharField(
                label=FIELD_LABELS[name],
                max_length=1000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def reasons(self) -> dict[str, str]:
        return {k: v for k, v in self.cleaned_data.items() if v and v.strip()}


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for rejection"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# ---- the supplier submits -----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    try:
        supplier = own_supplier(actor, admin=True)
    except DomainError as exc:
        raise _page_error(exc) from exc
    is_active = supplier.status == SupplierStatus.ACTIVE
    form = ChangeForm(request.POST or None) if is_active else None
    if request.method == "POST":
        try:
            if form is not None:
                if form.is_valid():
                    data = {k: v for k, v in form.cleaned_data.items() if v and v.strip()}
                    application = services.application_submit_change(
                        actor=actor, supplier=supplier, data=data
                    )
                else:
                    application = None
            else:
                application = services.application_submit(actor=actor, supplier=supplier)
        except DomainError as exc:
            if exc.status == 404 or exc.status == 403:
                raise _page_error(exc) from exc
            if form is not None:
                add_domain_error(form, exc)
            else:
                messages.error(request, exc.message)
        else:
            if application is not None:
                messages.success(
                    request,
                    _("Application %(number)s submitted; the operator verifies it by %(date)s.")
                    % {
                        "number": application.number,
                        "date": timezone.localtime(application.deadline).strftime("%Y-%m-%d %H:%M"),
                    },
                )
                return redirect("suppliers:application", application.number)
    pending = supplier.applications.filter(status="pending").first()
    context = {
        "supplier": supplier,
        "is_active": is_active,
        "form": form,
        "signed": has_signed_current(supplier),
        "missing": missing_required_types(supplier),
        "documents": sorted(latest_documents(supplier).values(), key=lambda d: d.doc_type.sort),
        "pending": pending,
        "commitment_url": link("suppliers:commitment", fallback="/suppliers/commitment/"),
        "documents_url": link("suppliers:documents", fallback="/suppliers/documents/"),
        "home_url": link("suppliers:home", fallback="/suppliers/home/"),
    }
    return render(request, "suppliers/submit.html", context)


# ---- the operator's queue -----------------------------------------------------------------


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    tab = request.GET.get("tab", "pending")
    scope = "others" if request.GET.get("scope") == "others" else "mine"
    try:
        if scope == "others":
            result = jurisdiction_queue(actor, status=tab, page=request.GET.get("page", 1))
            mine = queue_for_operator(actor, status="pending", page=1)
            counts = mine.counts
        else:
            result = queue_for_operator(actor, status=tab, page=request.GET.get("page", 1))
            counts = result.counts
    except DomainError as exc:
        raise _page_error(exc) from exc
    labels = {
        "pending": _("Pending"),
        "overdue": _("Overdue"),
        "returned": _("Returned"),
        "decided": _("Decided"),
    }
    tabs = [{"key": t, "label": labels[t], "count": counts.get(t)} for t in TABS]
    org = actor.organisation
    return render(
        request,
        "suppliers/queue.html",
        {
            "result": result,
            "tabs": tabs,
            "scope": scope,
            "organisation": org,
            "regional": bool(org and org.is_regional_centre),
            # credit-list hits on active suppliers wait in the same operators' view
            "open_flags": open_flags_in_jurisdiction(actor).count(),
        },
    )


# ---- one application ----------------------------------------------------------------------


def _can_decide(actor: User, application: Application) -> bool:
    if application.status != "pending":
        return False
    try:
        require_deciding_operator(actor, application)
    except DomainError:
        return False
    return True


def _list_label(value: str) -> str:
    try:
        return str(CreditListType(value).label)
    except ValueError:
        return value


def _document_list_template() -> str | None:
    try:
        get_template(DOCUMENT_LIST_TEMPLATE)
    except TemplateDoesNotExist:
        return None
    return DOCUMENT_LIST_TEMPLATE


def _decide(
    request: HttpRequest, actor: User, application: Application, forms_: dict[str, forms.Form]
) -> HttpResponse | None:
    action = request.POST.get("action", "")
    form = forms_.get(action)
    if form is None or not form.is_valid():
        return None
    try:
        if action == "approve":
            services.application_approve(
                actor=actor, number=application.number, note=form.cleaned_data["note"]
            )
            messages.success(request, _("Application approved."))
        elif action == "return":
            assert isinstance(form, ReturnForm)
            services.application_return(
                actor=actor, number=application.number, reasons=form.reasons()
            )
            messages.success(request, _("Application returned for correction."))
        else:
            services.application_reject(
                actor=actor, number=application.number, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("Application rejected."))
    except DomainError as exc:
        if exc.status in (403, 404):
            raise _page_error(exc) from exc
        if exc.field is None or exc.field == "reasons" or exc.field not in form.fields:
            form.add_error(None, exc.message)
        else:
            add_domain_error(form, exc)
        return None
    return redirect("suppliers:application", application.number)


@login_required
@require_http_methods(["GET", "POST"])
def application(request: HttpRequest, number: str) -> HttpResponse:
    actor = request_user(request)
    try:
        found = application_for_actor(actor, number)
    except DomainError as exc:
        raise _page_error(exc) from exc
    can_decide = _can_decide(actor, found)
    action = request.POST.get("action") if request.method == "POST" else None
    forms_: dict[str, forms.Form] = {
        "approve": ApproveForm(request.POST if action == "approve" else None, prefix="approve"),
        "return": ReturnForm(request.POST if action == "return" else None, prefix="return"),
        "reject": RejectForm(request.POST if action == "reject" else None, prefix="reject"),
    }
    if request.method == "POST":
        if not can_decide:
            try:
                require_deciding_operator(actor, found)
            except DomainError as exc:
                raise _page_error(exc) from exc
        response = _decide(request, actor, found, forms_)
        if response is not None:
            return response
        found = application_for_actor(actor, number)
        can_decide = _can_decide(actor, found)
    documents = list(
        Document.objects.filter(pk__in=found.document_ids, supplier_id=found.supplier_id)
        .select_related("doc_type", "uploaded_by")
        .order_by("doc_type__sort", "doc_type_id", "-version")
    )
    changed_documents = set((found.data or {}).get("changed_documents") or [])
    now = timezone.now()
    overdue = is_overdue(found, now)
    return render(
        request,
        "suppliers/application.html",
        {
            "application": found,
            "supplier": found.supplier,
            "rows": data_rows(found),
            "screening": [
                {**hit, "list_type": _list_label(hit.get("list_type", ""))}
                for hit in (found.data or {}).get("screening") or []
            ],
            "documents": documents,
            "changed_documents": changed_documents,
            "document_list_template": _document_list_template(),
            "history": application_history(found),
            "reasons": [
                {"field": k, "label": FIELD_LABELS.get(k, k), "text": v}
                for k, v in (found.reasons or {}).items()
            ],
            "overdue": overdue,
            "time_left": time_left_text(found.deadline, now) if found.status == "pending" else "",
            "can_decide": can_decide,
            "is_supplier": actor.organisation_id == found.supplier.organisation_id,
            "approve_form": forms_["approve"],
            "return_form": forms_["return"],
            "reject_form": forms_["reject"],
            "open_action": action,
        },
    )
