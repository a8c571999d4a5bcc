"""The supplier's listing import: upload a CSV/XLSX file, watch the job advance (each htmx poll
processes the next chunk through the bulk upsert), read the per-row report and download it;
download the template.

Views are thin: `bulk_rows` reads the file, `services_bulk` writes; a DomainError lands at the
field or in a message, never a 500.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govmall.accounts.access import request_user
from govmall.accounts.models import User
from govmall.accounts.roles import Role
from govmall.catalog import bulk_rows, services_bulk
from govmall.catalog.models import Category, ImportState, ListingImportJob
from govmall.core.errors import DomainError
from govmall.core.forms import add_domain_error

JOBS_SHOWN = 10
MAX_UPLOAD_MB = 10

OUTCOME_LABELS: dict[str, Any] = {
    "created": gettext_lazy("New listing"),
    "updated": gettext_lazy("Listing updated"),
    "unchanged": gettext_lazy("No change"),
    "revision_applied": gettext_lazy("Change applied"),
    "revision_pending": gettext_lazy("Change awaits review"),
    "revision_rejected": gettext_lazy("Change rejected"),
    "error": gettext_lazy("Row error"),
}
STATE_LABELS: dict[str, Any] = {
    "draft": gettext_lazy("Draft"),
    "pending": gettext_lazy("Pending review"),
    "listed": gettext_lazy("Listed"),
    "rejected": gettext_lazy("Rejected"),
    "delisted": gettext_lazy("Delisted"),
    "suspended": gettext_lazy("Suspended"),
}


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Listing file (CSV or XLSX)"),
        help_text=gettext_lazy(
            "One product per row, identified by your SKU. Existing SKUs are updated, new ones "
            "created; every row is reviewed by the listing rules at once."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )


def _supplier_actor(request: HttpRequest) -> User:
    actor = request_user(request)
    if actor.organisation is None or not actor.has_role(Role.SUPPLIER_ADMIN, Role.SUPPLIER_STAFF):
        raise DjangoPermissionDenied
    return actor


def _job(actor: User, job_id: int) -> ListingImportJob:
    try:
        return services_bulk.job_for_actor(actor, job_id)
    except DomainError as exc:
        raise Http404 from exc


def _blockers(actor: User) -> list[str]:
    from govmall.suppliers.access import own_supplier
    from govmall.suppliers.gate import trading_blockers

    try:
        supplier = own_supplier(actor)
    except DomainError:
        return []
    return [message for _code, message in trading_blockers(supplier)]


def _lang_zh() -> bool:
    return not (get_language() or "zh").startswith("en")


def _line_view(line: dict[str, Any]) -> dict[str, Any]:
    """A report line for the page: labels and messages in the page's language."""
    zh = _lang_zh()
    messages_: list[str] = []
    for error in line.get("errors") or []:
        field = error.get("field")
        messages_.append(f"{field}: {error['message']}" if field else error["message"])
    for failure in line.get("failures") or []:
        messages_.append(failure["message_zh"] if zh else failure["message_en"])
    return {
        **line,
        "outcome_label": OUTCOME_LABELS.get(line["outcome"], line["outcome"]),
        "state_label": STATE_LABELS.get(line.get("state", ""), ""),
        "messages": messages_,
        "ok": line["outcome"] != "error"
        and line.get("review") != "rejected"
        and line["outcome"] != "revision_rejected",
    }


def _job_context(job: ListingImportJob) -> dict[str, Any]:
    percent = int(job.done * 100 / job.total) if job.total else 100
    report = [_line_view(line) for line in job.report] if job.state != ImportState.RUNNING else []
    return {
        "job": job,
        "percent": percent,
        "running": job.state == ImportState.RUNNING,
        "report": report,
        "failed": services_bulk.job_failed_rows(job),
        "summary_items": [
            {"key": key, "label": OUTCOME_LABELS[key], "count": count}
            for key, count in services_bulk.summary_of(job.report).items()
            if count
        ],
    }


@login_required
@require_http_methods(["GET", "POST"])
def bulk_import(request: HttpRequest) -> HttpResponse:
    actor = _supplier_actor(request)
    form = UploadForm()
    status = 200
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
                form.add_error("file", _("At most %(mb)d MB per file.") % {"mb": MAX_UPLOAD_MB})
            else:
                try:
                    job = services_bulk.import_job_create(
                        actor=actor, data=upload.read(), file_name=upload.name or ""
                    )
                except DomainError as exc:
                    if exc.status == 404:
                        raise Http404 from exc
                    add_domain_error(form, exc)
                else:
                    messages.success(
                        request,
                        _("%(name)s: %(n)d rows read; processing starts now.")
                        % {"name": job.file_name, "n": job.total},
                    )
                    return redirect("catalog:bulk_job", job_id=job.pk)
        status = 400
    jobs = ListingImportJob.objects.filter(
        supplier__organisation__pk=actor.organisation.pk if actor.organisation else 0
    ).select_related("uploaded_by")[:JOBS_SHOWN]
    context = {
        "form": form,
        "jobs": jobs,
        "columns": bulk_rows.COLUMNS,
        "blockers": _blockers(actor),
        "max_rows": bulk_rows.MAX_ROWS,
        "max_mb": MAX_UPLOAD_MB,
        "chunk": services_bulk.JOB_CHUNK,
        "limit": services_bulk.BULK_LIMIT,
    }
    return render(request, "catalog/bulk/import.html", context, status=status)


@login_required
@require_GET
def bulk_job(request: HttpRequest, job_id: int) -> HttpResponse:
    actor = _supplier_actor(request)
    job = _job(actor, job_id)
    return render(request, "catalog/bulk/job.html", _job_context(job))


@login_required
@require_POST
def bulk_job_step(request: HttpRequest, job_id: int) -> HttpResponse:
    actor = _supplier_actor(request)
    _job(actor, job_id)
    try:
        job = services_bulk.import_job_step(actor=actor, job_id=job_id)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404 from exc
        messages.error(request, exc.message)
        job = _job(actor, job_id)
    if getattr(request, "htmx", False):
        return render(request, "catalog/bulk/_progress.html", _job_context(job))
    return redirect("catalog:bulk_job", job_id=job.pk)


@login_required
@require_GET
def bulk_job_report(request: HttpRequest, job_id: int) -> HttpResponse:
    actor = _supplier_actor(request)
    job = _job(actor, job_id)
    zh = _lang_zh()
    header = (
        ["行号", "商品编码", "处理结果", "商品编号", "状态", "审核结果", "说明"]
        if zh
        else ["line", "sku", "outcome", "number", "state", "review", "messages"]
    )
    rows: list[list[Any]] = [header]
    for line in job.report:
        view = _line_view(line)
        rows.append(
            [
                line["line"],
                line["sku"],
                str(view["outcome_label"]) if zh else line["outcome"],
                line["number"],
                str(view["state_label"]) if zh else line["state"],
                line.get("review", ""),
                "；".join(view["messages"]) if zh else "; ".join(view["messages"]),
            ]
        )
    response = HttpResponse(bulk_rows.csv_bytes(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="listing-import-{job.pk}-report.csv"'
    return response


@login_required
@require_GET
def bulk_template(request: HttpRequest) -> HttpResponse:
    """The header row (Chinese, or English with ?lang=en) and one example row; with
    ?category=<code>, that category's attribute columns as well."""
    _supplier_actor(request)
    language = "en" if request.GET.get("lang") == "en" else "zh"
    category = None
    code = request.GET.get("category", "").strip()
    if code:
        category = Category.objects.filter(code=code).first()
        if category is None:
            raise Http404
    headers = bulk_rows.template_headers(category, language=language)
    example = bulk_rows.example_row(category)
    name = f"listing-template-{category.code if category else 'basic'}-{language}.csv"
    response = HttpResponse(
        bulk_rows.csv_bytes([headers, example]), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
