"""Public portal pages (no login): quotations."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
