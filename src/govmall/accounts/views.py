"""Login, and personal API tokens (create, shown once; revoke)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govmall.accounts import services
from govmall.accounts.access import request_user
from govmall.accounts.forms import LoginForm, TokenCreateForm
from govmall.accounts.models import ApiToken
from govmall.core.errors import DomainError, NotFound
from govmall.core.forms import add_domain_error


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            max_failures=settings.GOVMALL_LOGIN_MAX_FAILURES,
            window_minutes=settings.GOVMALL_LOGIN_WINDOW_SECONDS // 60,
            lock_minutes=settings.GOVMALL_LOGIN_LOCK_SECONDS // 60,
        )
        return context


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    """The user's own tokens; a POST creates one and shows its secret on this response only."""
    user = request_user(request)
    new_secret = None
    new_token = None
    form = TokenCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new_token, new_secret = services.api_token_create(
                actor=user, name=form.cleaned_data["name"]
            )
            form = TokenCreateForm()
        except DomainError as exc:
            add_domain_error(form, exc)
    response = render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "new_secret": new_secret,
            "new_token": new_token,
            "tokens": ApiToken.objects.filter(user=user).order_by("-created_at", "-id"),
        },
    )
    if new_secret is not None:
        # The secret must not linger in any cache.
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    """Revoke one of the user's own tokens; another's token is the same 404 as a missing one."""
    try:
        services.api_token_revoke(actor=request_user(request), token_id=token_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Token revoked."))
    return redirect("accounts:tokens")
