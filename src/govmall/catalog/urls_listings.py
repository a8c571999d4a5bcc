"""Catalogue pages: the supplier's listings (list, editor with live rule feedback, one listing)."""

from __future__ import annotations

from django.urls import URLPattern, path

from govmall.catalog import views_listing_editor as editor
from govmall.catalog import views_listings as views

urlpatterns: list[URLPattern] = [
    path("my/", views.my_listings, name="my_listings"),
    path("my/new/", editor.listing_new, name="listing_new"),
    path("my/editor/attributes/", editor.listing_attribute_fields, name="listing_attribute_fields"),
    path("my/editor/check/", editor.listing_check, name="listing_check"),
    path("my/editor/images/", editor.listing_image_upload, name="listing_image_upload"),
    path("my/editor/fee-row/", editor.listing_fee_row, name="listing_fee_row"),
    path("my/<str:number>/", views.listing_detail, name="listing_detail"),
    path("my/<str:number>/edit/", editor.listing_edit, name="listing_edit"),
    path("my/<str:number>/submit/", views.listing_submit, name="listing_submit"),
    path("my/<str:number>/delist/", views.listing_delist, name="listing_delist"),
    path("my/<str:number>/stock/", views.listing_stock, name="listing_stock"),
]
