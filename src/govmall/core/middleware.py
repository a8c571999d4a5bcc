"""Request ids: every audit event carries the id of the request that caused it."""

from __future__ import annotations

import contextvars
import json
import re
import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "govmall_request_id", default=None
)
_VALID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def current_request_id() -> str | None:
    return _request_id.get()


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-Id", "")
        rid = incoming if _VALID.match(incoming) else uuid.uuid4().hex
        token = _request_id.set(rid)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-Id"] = rid
        return response


def nul_field(value: Any, path: str = "") -> str | None:
    """The dotted path of the first string in `value` holding a NUL character, if any."""
    if isinstance(value, str):
        return (path or "body") if "\x00" in value else None
    items: list[tuple[Any, Any]] = []
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list):
        items = list(enumerate(value))
    for key, item in items:
        here = f"{path}.{key}" if path else str(key)
        found = nul_field(key, here) if isinstance(key, str) else None
        found = found or nul_field(item, here)
        if found:
            return found
    return None


class RejectNulMiddleware:
    """A NUL character in the path, the query string or a JSON body is refused with 400 before
    any view runs: PostgreSQL cannot store it and no legitimate request sends it. (Form posts
    are covered by Django's form fields, which refuse NUL at the field.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        field = self._offending(request)
        if field is not None:
            from govmall.core.views_errors import bad_request

            return bad_request(
                request,
                code="invalid_characters",
                message="Text may not contain NUL characters.",
                field=field,
            )
        return self.get_response(request)

    @staticmethod
    def _offending(request: HttpRequest) -> str | None:
        if "\x00" in request.path:
            return "path"
        for key in request.GET:
            if "\x00" in key or any("\x00" in v for v in request.GET.getlist(key)):
                return key.replace("\x00", "")
        # In JSON a NUL can only be written as the escape \u0000 (raw control characters are
        # malformed): a body without that text needs no parsing here.
        if request.content_type == "application/json" and b"\\u0000" in request.body:
            try:
                data = json.loads(request.body)
            except ValueError:
                return None  # malformed JSON is the API's own 400
            return nul_field(data)
        return None
