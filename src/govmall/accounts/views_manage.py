"""Managing people: an organisation's admin adds users; an operator admin opens purchasing units."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govmall.accounts import access, services
from govmall.accounts.models import Organisation
from govmall.accounts.roles import ROLE_ORG_KIND, OrgKind, Role
from govmall.core.errors import DomainError
from govmall.core.forms import add_domain_error


class UserAddForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Username"), max_length=150)
    display_name = forms.CharField(label=gettext_lazy("Name"), max_length=100, required=False)
    email = forms.EmailField(label=gettext_lazy("Email"), required=False)
    password = forms.CharField(
        label=gettext_lazy("Initial password"), widget=forms.PasswordInput, max_length=128
    )
    roles = forms.MultipleChoiceField(
        label=gettext_lazy("Roles"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: object, kind: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        roles_field = self.fields["roles"]
        assert isinstance(roles_field, forms.MultipleChoiceField)
        roles_field.choices = [
            (value, label) for value, label in Role.choices if ROLE_ORG_KIND[value] == kind
        ]


class PurchasingUnitForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Unit name"), max_length=200)
    division_code = forms.RegexField(
        label=gettext_lazy("Division code"),
        regex=r"^\d{6}$",
        max_length=6,
        error_messages={"invalid": gettext_lazy("Enter a six-digit division code.")},
    )
    admin_username = forms.CharField(label=gettext_lazy("Admin username"), max_length=150)
    admin_display_name = forms.CharField(
        label=gettext_lazy("Admin name"), max_length=100, required=False
    )
    admin_password = forms.CharField(
        label=gettext_lazy("Admin initial password"), widget=forms.PasswordInput, max_length=128
    )


@login_required
def users(request: HttpRequest) -> HttpResponse:
    actor = access.request_user(request)
    if not access.is_org_admin(actor) or actor.organisation is None:
        raise PermissionDenied
    org = actor.organisation
    form = UserAddForm(request.POST or None, kind=org.kind)
    if request.method == "POST" and form.is_valid():
        try:
            added = services.organisation_user_add(
                actor=actor, organisation=org, **form.cleaned_data
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("User %(name)s added.") % {"name": added.username})
            return redirect("accounts:users")
    members = org.users.prefetch_related("roles").order_by("id")
    return render(
        request, "accounts/users.html", {"organisation": org, "members": members, "form": form}
    )


@login_required
def purchasing_units(request: HttpRequest) -> HttpResponse:
    actor = access.request_user(request)
    if not access.is_operator_admin(actor):
        raise PermissionDenied
    form = PurchasingUnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            org, _admin = services.purchasing_unit_create(actor=actor, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Purchasing unit %(name)s opened.") % {"name": org.name})
            return redirect("accounts:purchasing_units")
    units = (
        Organisation.objects.filter(
            kind=OrgKind.PURCHASER, division__in=access.jurisdiction_divisions(actor)
        )
        .select_related("division")
        .order_by("division_id", "name")
    )
    return render(
        request,
        "accounts/purchasing_units.html",
        {
            "form": form,
            "units": units,
            "jurisdiction": actor.organisation.division if actor.organisation else None,
        },
    )
