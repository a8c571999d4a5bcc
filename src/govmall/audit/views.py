"""Public checkpoint page and object timelines."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from govmall.audit.models import Checkpoint


def checkpoints(request: HttpRequest) -> HttpResponse:
    return render(request, "audit/checkpoints.html", {"checkpoints": Checkpoint.objects.all()})
