"""Supplier verification pages."""

from django.urls import URLPattern, path

from govmall.suppliers import views_verification

urlpatterns: list[URLPattern] = [
    path("submit/", views_verification.submit, name="submit"),
    path("queue/", views_verification.queue, name="queue"),
    path("applications/<str:number>/", views_verification.application, name="application"),
]
