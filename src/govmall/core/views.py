"""Public home page and each role's home."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def public_home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/public_home.html", {})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {})
