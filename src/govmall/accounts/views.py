"""Login, and personal API tokens (create, shown once; revoke)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govmall.accounts import services
from govmall.accounts.access import request_user
from govmall.accounts.forms import LoginForm, TokenCreateForm
from govmall.accounts.models import ApiToken
from govmall.core.errors import DomainError


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    new_secret = None
    form = TokenCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_secret = services.api_token_create(
                actor=request_user(request), name=form.cleaned_data["name"]
            )
            form = TokenCreateForm()
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "new_secret": new_secret,
            "tokens": ApiToken.objects.filter(user=request_user(request)),
        },
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        services.api_token_revoke(actor=request_user(request), token_id=token_id)
        messages.success(request, _("Token revoked."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("accounts:tokens")
