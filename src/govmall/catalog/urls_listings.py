"""Catalogue pages: the supplier's listings (list, editor with live rule feedback, one listing)."""

from __future__ import annotations

from django.urls import URLPattern, path

from govmall.catalog import views_listings as views

urlpatterns: list[URLPattern] = [
    path("my/", views.my_listings, name="my_listings"),
    path("my/new/", views.listing_new, name="listing_new"),
    path("my/editor/attributes/", views.listing_attribute_fields, name="listing_attribute_fields"),
    path("my/editor/check/", views.listing_check, name="listing_check"),
    path("my/editor/images/", views.listing_image_upload, name="listing_image_upload"),
    path("my/editor/fee-row/", views.listing_fee_row, name="listing_fee_row"),
    path("my/<str:number>/", views.listing_detail, name="listing_detail"),
    path("my/<str:number>/edit/", views.listing_edit, name="listing_edit"),
    path("my/<str:number>/submit/", views.listing_submit, name="listing_submit"),
    path("my/<str:number>/delist/", views.listing_delist, name="listing_delist"),
    path("my/<str:number>/stock/", views.listing_stock, name="listing_stock"),
]
