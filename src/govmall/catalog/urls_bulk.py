"""Catalogue pages: the supplier's listing import (CSV/XLSX upload, job progress, report)."""

from __future__ import annotations

from django.urls import URLPattern, path

from govmall.catalog import views_bulk as views

urlpatterns: list[URLPattern] = [
    path("my/import/", views.bulk_import, name="bulk_import"),
    path("my/import/template.csv", views.bulk_template, name="bulk_template"),
    path("my/import/<int:job_id>/", views.bulk_job, name="bulk_job"),
    path("my/import/<int:job_id>/step/", views.bulk_job_step, name="bulk_job_step"),
    path("my/import/<int:job_id>/report.csv", views.bulk_job_report, name="bulk_job_report"),
]
