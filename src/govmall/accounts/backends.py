"""Password login through the throttle, for the login page and the admin alike."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from govmall.accounts import services


class ThrottledModelBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is None or password is None:
            return None
        ip = request.META.get("REMOTE_ADDR") if request is not None else None
        return services.login_authenticate(username=username, password=password, ip=ip)
