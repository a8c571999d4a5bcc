"""Catalogue pages: the operator's manual review queue and one review."""

from __future__ import annotations

from django.urls import URLPattern, path

from govmall.catalog import views_reviews as views

urlpatterns: list[URLPattern] = [
    path("reviews/", views.review_queue, name="review_queue"),
    path("reviews/<int:review_id>/", views.review_detail, name="review_detail"),
    path("reviews/listings/<str:number>/", views.listing_supervise, name="listing_supervise"),
]
