"""Role-aware navigation entries. Later capabilities append their own entries here."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str


def nav_items(request: HttpRequest) -> list[NavItem]:
    items = [NavItem(str(_("Home")), reverse("core:public_home"))]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        items.append(NavItem(str(_("My workspace")), reverse("core:home")))
    return items
