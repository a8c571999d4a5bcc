"""Public portal pages (no login): contracts."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
