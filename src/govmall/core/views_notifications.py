"""The user's in-app notifications."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from govmall.accounts.access import request_user
from govmall.core.models import Notification
from govmall.core.notify import notifications_mark_read


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if request.method == "POST":
        notifications_mark_read(actor=user)
        return redirect("core:notifications")
    page = Paginator(Notification.objects.filter(recipient=user), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "core/notifications.html", {"page": page})
