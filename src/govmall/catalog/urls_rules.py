"""Catalogue pages: the listing rules (rule-set editor and versions)."""

from __future__ import annotations

from django.urls import URLPattern, path

from govmall.catalog import views_rules

urlpatterns: list[URLPattern] = [
    path("rules/", views_rules.rules, name="rules"),
    path("rules/versions/<int:version>/", views_rules.rules_version, name="rules_version"),
]
