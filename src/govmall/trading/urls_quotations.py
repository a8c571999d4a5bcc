"""Pages of trading: quotations (included by trading/urls.py under the "trading" namespace)."""

from django.urls import URLPattern, path

from govmall.trading import views_quotations as views
from govmall.trading import views_quotes

urlpatterns: list[URLPattern] = [
    path("quotations/", views.quotation_list, name="quotations"),
    path("quotations/new/", views.quotation_create, name="quotation_create"),
    path("quotations/attributes/", views.attribute_fields, name="quotation_attribute_fields"),
    path(
        "quotations/invitations/",
        views_quotes.invitations,
        name="quotation_invitations",
    ),
    path("quotations/<str:number>/", views.quotation_detail, name="quotation_detail"),
    path("quotations/<str:number>/cancel/", views.quotation_cancel, name="quotation_cancel"),
    path("quotations/<str:number>/relaunch/", views.quotation_relaunch, name="quotation_relaunch"),
    path("quotations/<str:number>/award/", views.quotation_award, name="quotation_award"),
    path(
        "quotations/<str:number>/disqualify/",
        views.quotation_disqualify,
        name="quotation_disqualify",
    ),
    path("quotations/<str:number>/quote/", views_quotes.quote_submit, name="quote_submit"),
    path(
        "quotations/<str:number>/confirm-award/",
        views_quotes.award_confirm,
        name="quotation_award_confirm",
    ),
    path(
        "quotations/<str:number>/decline-award/",
        views_quotes.award_decline,
        name="quotation_award_decline",
    ),
]
