"""Catalogue pages: search, product page, comparison (public)."""

from __future__ import annotations

from django.urls import URLPattern, path

from govmall.catalog import views_search as views

urlpatterns: list[URLPattern] = [
    path("", views.catalogue_search, name="search"),
    path("products/<str:number>/", views.product, name="product"),
    path("compare/", views.compare, name="compare"),
]
