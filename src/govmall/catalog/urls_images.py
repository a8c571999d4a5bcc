"""Catalogue pages: images (access-checked product pictures and thumbnails)."""

from __future__ import annotations

from django.urls import URLPattern, path

from govmall.catalog import views_images as views

urlpatterns: list[URLPattern] = [
    path("images/<int:image_id>/", views.image, name="image"),
    path("images/<int:image_id>/thumb/", views.image_thumb, name="image_thumb"),
]
