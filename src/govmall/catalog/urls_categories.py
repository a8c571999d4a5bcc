"""Catalogue pages: category management (operator admins of the regional centre)."""

from __future__ import annotations

from django.urls import URLPattern, path

from govmall.catalog import views_categories as views

urlpatterns: list[URLPattern] = [
    path("categories/", views.categories_manage, name="categories_manage"),
    path("categories/new/", views.category_new, name="category_new"),
    path("categories/import/", views.categories_import_page, name="categories_import"),
    path("categories/export/", views.categories_export, name="categories_export"),
    path("categories/<str:code>/", views.category_edit, name="category_edit"),
    path("categories/<str:code>/active/", views.category_toggle_active, name="category_active"),
    path(
        "categories/<str:code>/attributes/add/", views.attribute_add, name="category_attribute_add"
    ),
    path(
        "categories/<str:code>/attributes/<slug:key>/",
        views.attribute_edit,
        name="category_attribute_edit",
    ),
    path(
        "categories/<str:code>/attributes/<slug:key>/remove/",
        views.attribute_remove,
        name="category_attribute_remove",
    ),
]
