"""Public checkpoint page with the roots download, and object timelines for logged-in users."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from govmall.accounts.access import request_user
from govmall.audit.access import timeline_for_actor
from govmall.audit.selectors import checkpoints_newest_first, roots_export, timeline
from govmall.core.errors import NotFound

CHECKPOINTS_PER_PAGE = 50


def checkpoints(request: HttpRequest) -> HttpResponse:
    page = Paginator(checkpoints_newest_first(), CHECKPOINTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "audit/checkpoints.html", {"page": page})


def roots_json(request: HttpRequest) -> HttpResponse:
    """The roots file, downloadable by anyone; keep it to check the trail later."""
    body = json.dumps(roots_export(), indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="govmall-audit-roots.json"'
    return response


@login_required
def object_timeline(request: HttpRequest, object_type: str, object_id: str) -> HttpResponse:
    try:
        obj = timeline_for_actor(request_user(request), object_type, object_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(
        request,
        "audit/timeline.html",
        {
            "obj": obj,
            "object_type": object_type,
            "object_id": str(obj.pk),
            "entries": timeline(object_type, str(obj.pk)),
        },
    )
