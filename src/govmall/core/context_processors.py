"""Navigation for the base layout, by the roles of the user looking at it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    from govmall.core.navigation import nav_items

    return {"nav_items": nav_items(request)}
