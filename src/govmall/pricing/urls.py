"""Reference price pages."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "pricing"
urlpatterns: list[URLPattern] = []
