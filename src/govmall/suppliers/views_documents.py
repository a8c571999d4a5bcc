"""Qualification documents pages: the supplier's own documents page and the access-checked file.

Files are never served by whitenoise or any static route: only `document_file` (and the API's
`/api/v1/documents/{id}/file`) return them, after `can_view_supplier_file`.
"""

from __future__ import annotations

from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from govmall.accounts.access import request_user
from govmall.core.errors import DomainError, NotFound
from govmall.core.forms import add_domain_error
from govmall.suppliers import access
from govmall.suppliers.documents import (
    document_for_actor,
    document_overview,
    document_path,
    type_name,
)
from govmall.suppliers.filecheck import max_bytes, read_upload
from govmall.suppliers.models import Document, DocumentType
from govmall.suppliers.services_documents import UPLOAD_ROLES, document_upload

# Images are shown by the browser's own image view; nothing in the response may run, load or
# frame anything. Chromium's PDF viewer does not start in a sandboxed document, so a PDF gets
# the same policy without `sandbox` (its own viewer runs isolated from this origin) and may
# embed itself (`object-src 'self'`), nothing else.
CSP_IMAGE = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
CSP_PDF = "default-src 'none'; object-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'"


def serve_document(document: Document, *, download: bool = False) -> FileResponse:
    """The stored bytes with their stored content type and headers that keep any content
    inert (the caller has checked access)."""
    path = document_path(document)
    if path is None:
        raise NotFound()
    response = FileResponse(path.open("rb"), content_type=document.content_type)
    disposition = "attachment" if download else "inline"
    ext = document.storage_name.rsplit(".", 1)[-1]
    ascii_name = f"document-{document.pk}.{ext}"
    response["Content-Disposition"] = (
        f'{disposition}; filename="{ascii_name}"; '
        f"filename*=UTF-8''{quote(document.original_name, safe='')}"
    )
    response["Content-Length"] = str(document.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = (
        CSP_PDF if document.content_type == "application/pdf" else CSP_IMAGE
    )
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
@require_http_methods(["GET", "HEAD"])
def document_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    try:
        document = document_for_actor(request_user(request), pk)
        return serve_document(document, download=request.GET.get("download") == "1")
    except NotFound as exc:
        raise Http404 from exc


class UploadForm(forms.Form):
    doc_type = forms.ChoiceField(label=gettext_lazy("Document type"))
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("PDF, JPEG or PNG, at most 10 MB."),
        widget=forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args: object, types: list[DocumentType], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["doc_type"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(t.code, type_name(t)) for t in types]


@login_required
@require_http_methods(["GET", "POST"])
def documents(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    try:
        supplier = access.own_supplier(actor)
    except DomainError as exc:
        raise PermissionDenied from exc
    may_upload = actor.has_role(*UPLOAD_ROLES)
    overview = document_overview(supplier)
    types = [row.doc_type for row in overview if row.doc_type.active]
    initial = {"doc_type": request.GET.get("type", "")}
    form = UploadForm(request.POST or None, request.FILES or None, types=types, initial=initial)
    if request.method == "POST":
        if not may_upload:
            raise PermissionDenied
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                data = read_upload(upload, declared_size=upload.size)
                document = document_upload(
                    actor=actor,
                    supplier=supplier,
                    doc_type_code=form.cleaned_data["doc_type"],
                    data=data,
                    original_name=upload.name or "",
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(
                    request,
                    _("%(type)s version %(version)s uploaded.")
                    % {"type": type_name(document.doc_type), "version": document.version},
                )
                return redirect("suppliers:documents")
    missing = [row for row in overview if row.required and row.status == "missing"]
    history = [doc for row in overview for doc in row.versions]
    return render(
        request,
        "suppliers/documents.html",
        {
            "supplier": supplier,
            "overview": overview,
            "missing": missing,
            "history": history,
            "form": form,
            "may_upload": may_upload,
            "max_mb": max_bytes() // (1024 * 1024),
        },
    )
