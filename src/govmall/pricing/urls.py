"""Reference price pages (namespace "pricing", mounted at /pricing/)."""

from __future__ import annotations

from django.urls import URLPattern, path

from govmall.pricing import views

app_name = "pricing"
urlpatterns: list[URLPattern] = [
    path("", views.references, name="references"),
    path("import/", views.import_page, name="import"),
    path("imports/<int:import_id>/", views.import_detail, name="import_detail"),
]
