"""Shared recruitment pages: the operator's import, the supplier admin's activation."""

from django.urls import URLPattern, path

from govmall.suppliers import views_shared

urlpatterns: list[URLPattern] = [
    path("shared-import/", views_shared.shared_import, name="shared_import"),
    path("activate/", views_shared.activate, name="activate"),
]
