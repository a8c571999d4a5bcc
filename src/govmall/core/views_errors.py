"""Error pages: JSON in the one shape under /api/, a plain page elsewhere."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from govmall.core.errors import error_body


def _respond(
    request: HttpRequest, status: int, code: str, message: str, **details: str
) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(code, message, **details), status=status)
    return render(request, "core/error.html", {"status": status, "code": code}, status=status)


def bad_request(
    request: HttpRequest,
    exception: Exception | None = None,
    *,
    code: str = "bad_request",
    message: str = "Bad request.",
    **details: str,
) -> HttpResponse:
    return _respond(request, 400, code, message, **details)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _respond(request, 403, "forbidden", "You may not do this.")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _respond(request, 404, "not_found", "Not found.")


def server_error(request: HttpRequest) -> HttpResponse:
    return _respond(request, 500, "server_error", "Internal error; it has been logged.")
