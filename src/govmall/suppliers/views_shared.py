"""Shared recruitment pages: the operator's import page and the admin's activation page."""

from __future__ import annotations

from django import forms
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy

from govmall.accounts.access import is_regional_operator_admin, request_user
from govmall.core.errors import DomainError
from govmall.core.forms import add_domain_error
from govmall.suppliers.codes import make_credit_code
from govmall.suppliers.services_shared import (
    COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    shared_suppliers_import,
    supplier_admin_activate,
)

SAMPLE_CSV = (
    ",".join(COLUMNS)
    + "\n呼和浩特市政府采购网上商城,包头市示例商贸有限公司,"
    + make_credit_code("91", "150202", 123456)
    + ",enterprise,small,150202,张三,李四,0472-1234567,info@example.cn,办公用品销售,"
    "shili-admin,示例管理员"
)


class SharedImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV or JSON file (UTF-8)"))


class ActivateForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Username"), max_length=150)
    code = forms.CharField(
        label=gettext_lazy("Activation code"),
        max_length=40,
        help_text=gettext_lazy("The code the operator handed you, e.g. AC3D-EF4G-HJ6K-MN7P."),
    )
    password = forms.CharField(
        label=gettext_lazy("New password"), widget=forms.PasswordInput, max_length=128
    )
    password2 = forms.CharField(
        label=gettext_lazy("New password again"), widget=forms.PasswordInput, max_length=128
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", gettext_lazy("The two passwords differ."))
        return data


@login_required
def shared_import(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    if not is_regional_operator_admin(actor):
        raise PermissionDenied
    form = SharedImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = shared_suppliers_import(
                actor=actor, data=upload.read(MAX_FILE_BYTES + 1), file_name=upload.name or ""
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            form = SharedImportForm()
    response = render(
        request,
        "suppliers/shared_import.html",
        {
            "form": form,
            "report": report,
            "columns": COLUMNS,
            "max_rows": MAX_ROWS,
            "max_mb": MAX_FILE_BYTES // (1024 * 1024),
            "sample_csv": SAMPLE_CSV,
        },
    )
    if report is not None:
        response["Cache-Control"] = "no-store"  # the codes are shown once
    return response


def _supplier_home() -> str:
    try:
        return reverse("suppliers:home")
    except NoReverseMatch:
        return "/suppliers/"


def activate(request: HttpRequest) -> HttpResponse:
    form = ActivateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = supplier_admin_activate(
                username=form.cleaned_data["username"],
                code=form.cleaned_data["code"],
                password=form.cleaned_data["password"],
                ip=request.META.get("REMOTE_ADDR"),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            login(request, user, backend="govmall.accounts.backends.ThrottledModelBackend")
            return redirect(_supplier_home())
    response = render(request, "suppliers/activate.html", {"form": form})
    response["Cache-Control"] = "no-store"
    return response
